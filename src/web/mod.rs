//! `grpc-convo web`: a page and a WebSocket API in front of one upstream gRPC server, so that a
//! person converses with any of its methods from a browser tab, bidirectional streams included,
//! and a web app gets them without generated code. Each conversation is ask's: the method found
//! by reflection or in the files (`client::resolve`), its lines mapped by `mapping`, its calls
//! made by `client::Calls`; only the ends are a socket instead of stdin and stdout.

mod guard;
mod listen;
mod methods;
mod metrics;
mod protocol;
mod socket;

pub use guard::host_name;
pub(crate) use listen::serve as serve_app;
pub use metrics::WebMetrics;

use std::sync::{Arc, LazyLock, Mutex};

use base64::Engine as _;

use axum::{
    Router,
    http::header,
    response::{Html, IntoResponse},
    routing::get,
};
use tokio::sync::Semaphore;

use crate::{
    addr::{Addr, Listener},
    error::Usage,
    net::{CallSetup, ConnectConfig},
    refusals::Refusals,
    schema::{MethodName, SchemaFiles, upstream::Upstream},
    token::Token,
};

/// What web runs with, every file read and checked.
#[derive(Debug)]
pub struct WebConfig {
    pub listen: Addr,
    /// The upstream, and how its calls go: `-H`, its token, the message limit.
    pub connect: ConnectConfig,
    pub call: CallSetup,
    pub files: SchemaFiles,
    /// The methods offered; all of them when empty.
    pub methods: Vec<MethodName>,
    /// Origins besides the page's own that may open conversations, lower case, no final `/`.
    pub allow_origins: Vec<String>,
    /// Host names answered besides the loopback names and the address listened on, lower case.
    pub allow_hosts: Vec<String>,
    pub pass_authorization: bool,
    /// The browser's token (`--web-token-file`).
    pub token: Option<Arc<Token>>,
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub max_conversations: usize,
    pub max_connections: usize,
    /// How often a socket whose answers wait is pinged (`--ping-interval`).
    pub ping_interval: std::time::Duration,
    /// Where to serve Prometheus metrics (`--metrics-listen`).
    pub metrics_listen: Option<Addr>,
}

/// What every request handler shares.
#[derive(Debug)]
struct Shared {
    config: WebConfig,
    seats: Arc<Semaphore>,
    /// Every Host name answered (`guard::host_allowed`), lower case.
    hosts: Vec<String>,
    refused: Mutex<Refusals>,
    upstream: Upstream,
    metrics: Option<Arc<WebMetrics>>,
}

/// The page, compiled in: no CDN, no build step.
const PAGE: &str = include_str!("page.html");

/// Serves until the listener fails; `stop` ends it.
pub async fn run(
    config: WebConfig,
    stop: impl Future<Output = anyhow::Error>,
) -> anyhow::Result<()> {
    let listener = config.listen.bind().await?;
    check_exposure(&config, &listener).await?;
    let metrics = config
        .metrics_listen
        .as_ref()
        .map(|addr| (addr, Arc::default()));
    let _serving = match &metrics {
        Some((addr, metrics)) => {
            let metrics: &Arc<WebMetrics> = metrics;
            Some(crate::metrics::start(addr, metrics.clone()).await?)
        }
        None => None,
    };
    let metrics = metrics.map(|(_, metrics)| metrics);
    eprintln!("web page at {}", page_url(&listener, config.tls.is_some())?);
    let (tls, max_connections) = (config.tls.clone(), config.max_connections);
    let shared = Arc::new(Shared {
        seats: Arc::new(Semaphore::new(config.max_conversations)),
        hosts: guard::hosts(&config, &listener),
        refused: Mutex::default(),
        upstream: Upstream::new(config.connect.clone(), config.files.clone()),
        metrics: metrics.clone(),
        config,
    });
    let app = routes(shared);
    tokio::select! {
        () = listen::serve(listener, tls, max_connections, metrics, app) => Ok(()),
        err = stop => Err(err),
    }
}

fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/methods", get(methods::list))
        .route("/ws", get(socket::upgrade))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            guard::check,
        ))
        .with_state(shared)
}

async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_SECURITY_POLICY, page_policy()),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(PAGE),
    )
}

/// Everything the page needs is inline; it may talk to its own origin only, run only its own
/// script (by its hash: nothing injected into it would run), and be framed by no other page.
fn page_policy() -> &'static str {
    static POLICY: LazyLock<String> = LazyLock::new(|| {
        let script = PAGE
            .split_once("<script>")
            .and_then(|(_, rest)| rest.split_once("</script>"))
            .map_or("", |(script, _)| script);
        let digest = ring::digest::digest(&ring::digest::SHA256, script.as_bytes());
        let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
        format!(
            "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; \
             connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; \
             frame-ancestors 'none'"
        )
    });
    &POLICY
}

/// Anyone who reaches the page reaches the upstream with the gateway's credentials: only this
/// machine may, unless a token guards it.
async fn check_exposure(config: &WebConfig, listener: &Listener) -> Result<(), Usage> {
    let local = match listener {
        Listener::Unix(..) => true,
        Listener::Tcp(tcp) => tcp.local_addr().is_ok_and(|addr| addr.ip().is_loopback()),
    };
    if local || config.token.is_some() {
        return Ok(());
    }
    Err(Usage(format!(
        "--listen {}: not a loopback address or a Unix socket, so anyone who reaches it could \
         call the upstream as you: give --web-token-file",
        config.listen
    )))
}

fn page_url(listener: &Listener, tls: bool) -> std::io::Result<String> {
    let scheme = if tls { "https" } else { "http" };
    Ok(match listener {
        Listener::Tcp(tcp) => format!("{scheme}://{}/", tcp.local_addr()?),
        Listener::Unix(..) => format!("{} ({scheme})", listener.local_addr()?),
    })
}
