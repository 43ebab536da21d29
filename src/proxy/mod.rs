//! `proxy`: a transparent gRPC proxy, a server in front (serve's connections, `server::front`)
//! and a client behind. Each client connection gets an upstream connection of its own, so that
//! the calls a client multiplexes stay together as it made them, and one that never reads stalls
//! only itself; each call's frames pass through as they come (`forward`), read on the way
//! (`tap`) when they are printed or recorded (`notes`, `observe`).

mod forward;
mod notes;
mod observe;
mod tap;

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use tokio::sync::{OnceCell, mpsc};
use tonic::{
    Status,
    body::Body,
    codegen::http,
    service::{AxumBody, Routes},
};

use crate::{
    addr::Addr,
    net::Channel,
    net::{CallSetup, ConnectConfig, connect},
    schema::{SchemaFiles, upstream::Upstream},
    server::{Front, Metrics, connection_state, serve_front},
};
pub use observe::PrintAs;
use observe::{Observing, Sink};

/// How long a client has for its HTTP/2 preface and SETTINGS: serve's default.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// What the proxy runs with.
#[derive(Debug)]
pub struct ProxyConfig {
    pub listen: Addr,
    pub connect: ConnectConfig,
    /// `-H` metadata and the token added to every call; the message limit of what is read.
    pub call: CallSetup,
    /// Where the types to print and record by come from, before the upstream's reflection.
    pub files: SchemaFiles,
    pub print: Option<PrintAs>,
    pub record: Option<PathBuf>,
    pub max_connections: u32,
    pub keepalive: Duration,
    /// How long calls in progress may go on once the proxy is told to stop.
    pub grace: Duration,
    /// Where to serve Prometheus metrics (`--metrics-listen`).
    pub metrics_listen: Option<Addr>,
}

type Notes = mpsc::Sender<Vec<notes::Note>>;

/// What every connection shares.
#[derive(Debug)]
struct Shared {
    connect: ConnectConfig,
    call: CallSetup,
    notes: Option<Notes>,
    calls: AtomicU64,
    connections: AtomicU64,
}

impl Shared {
    fn next_call(&self) -> u64 {
        self.calls.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// One client connection, and its upstream connection once a call needs it: dropped, and the
/// upstream connection closed, with the client's.
#[derive(Debug)]
struct Conn {
    id: u64,
    shared: Arc<Shared>,
    upstream: OnceCell<Channel>,
}

impl Conn {
    fn new(shared: Arc<Shared>) -> Conn {
        Conn {
            id: shared.connections.fetch_add(1, Ordering::Relaxed) + 1,
            shared,
            upstream: OnceCell::new(),
        }
    }

    /// The upstream connection; one that failed is tried again by the next call.
    async fn channel(&self) -> Result<Channel, Status> {
        let connected = self.upstream.get_or_try_init(|| async {
            let (channel, _) = connect(&self.shared.connect).await?;
            anyhow::Ok(channel)
        });
        let channel = connected
            .await
            .map_err(|err| Status::unavailable(format!("{err:#}")))?;
        Ok(channel.clone())
    }
}

/// Proxies until `stop`, then lets calls in progress finish within the grace.
pub async fn run(config: ProxyConfig, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
    let record = config.record.clone().map(Sink::open).transpose()?;
    let listener = config.listen.bind().await?;
    let metrics = config
        .metrics_listen
        .as_ref()
        .map(|addr| (addr, Metrics::for_proxy()));
    let _serving = match &metrics {
        Some((addr, metrics)) => Some(crate::metrics::start(addr, metrics.clone()).await?),
        None => None,
    };
    eprintln!("listening on {}", listener.local_addr()?);
    let observer = match (config.print, record) {
        (None, None) => None,
        (print, record) => Some(
            observe::start(Observing {
                print,
                record,
                upstream: Upstream::new(config.connect.clone(), config.files.clone()),
                call: config.call.clone(),
            })
            .context("cannot start the proxy's observer")?,
        ),
    };
    let (notes, thread) = observer.unzip();
    let shared = Arc::new(Shared {
        connect: config.connect.clone(),
        call: config.call.clone(),
        notes,
        calls: AtomicU64::new(0),
        connections: AtomicU64::new(0),
    });
    let front = Front {
        max_connections: config.max_connections,
        handshake_timeout: HANDSHAKE,
        keepalive: (!config.keepalive.is_zero()).then_some(config.keepalive),
        grace: config.grace,
        metrics: metrics.map(|(_, metrics)| metrics),
    };
    serve_front(listener, routes(shared), front, stop).await;
    if let Some(thread) = thread {
        // The observer ends once the last call's notes are in, and writes what is left.
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
    Ok(())
}

/// Every path to `forward`, with the state of the client connection that carries the call.
fn routes(shared: Arc<Shared>) -> Routes {
    let forwarding = tower::service_fn(move |request: http::Request<AxumBody>| {
        let shared = shared.clone();
        let conn = connection_state(request.extensions(), || Conn::new(shared));
        let request = request.map(Body::new);
        async move {
            match conn {
                Some(conn) => forward::forward(request, conn).await,
                None => Ok(Status::internal("a call with no connection").into_http()),
            }
        }
    });
    Routes::from(axum::Router::new().fallback_service(forwarding))
}
