//! MCP over Streamable HTTP at `http://ADDR/mcp`, with web's rules: only the Host names it
//! answers to (DNS rebinding), no page from another origin unless `--allow-origin` names it (the
//! MCP specification asks servers to check Origin), and a token beyond loopback
//! (`--mcp-token-file`: `Authorization: Bearer TOKEN`). rmcp's own service speaks the protocol
//! and checks Host and Origin; the token is checked here, before it; web's listener serves it
//! (connections bounded, a request head within 10 s).

use std::{net::IpAddr, sync::Arc};

use axum::{
    Router,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
};

use super::{Session, Shared};
use crate::{
    addr::{Addr, Listener},
    error::Usage,
    token::Token,
    web::serve_app,
};

/// Connections at once: agents hold few.
const MAX_CONNECTIONS: usize = 256;

pub(super) async fn serve(
    addr: &Addr,
    shared: Arc<Shared>,
    stop: impl Future<Output = anyhow::Error>,
) -> anyhow::Result<()> {
    let listener = addr.bind().await?;
    exposed(&listener, addr, shared.config.token.is_some())?;
    let hosts = hosts(&listener, &shared.config.allow_hosts);
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(shared.config.allow_origins.clone())
        .enforce_origin_validation();
    let token = shared.config.token.clone();
    let service = StreamableHttpService::new(
        move || Ok(Session::new(shared.clone())),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let app = Router::new()
        .nest_service("/mcp", service)
        .layer(axum::middleware::from_fn_with_state(token, check_token));
    match &listener {
        Listener::Tcp(tcp) => eprintln!("mcp at http://{}/mcp", tcp.local_addr()?),
        Listener::Unix(..) => eprintln!("mcp at {} (http, /mcp)", listener.local_addr()?),
    }
    tokio::select! {
        () = serve_app(listener, None, MAX_CONNECTIONS, None, app) => Ok(()),
        err = stop => Err(err),
    }
}

/// Beyond loopback or a Unix socket, anyone who reaches the address could call the upstream
/// with the user's credentials: a token is needed there.
fn exposed(listener: &Listener, addr: &Addr, token: bool) -> Result<(), Usage> {
    let local = match listener {
        Listener::Unix(..) => true,
        Listener::Tcp(tcp) => tcp.local_addr().is_ok_and(|addr| addr.ip().is_loopback()),
    };
    if local || token {
        return Ok(());
    }
    Err(Usage(format!(
        "--listen {addr}: not a loopback address or a Unix socket, so anyone who reaches it \
         could call the upstream as you: give --mcp-token-file"
    )))
}

/// The Host names answered: the loopback names, the address listened on, and `--allow-host`.
fn hosts(listener: &Listener, allowed: &[String]) -> Vec<String> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).into();
    if let Listener::Tcp(tcp) = listener
        && let Ok(addr) = tcp.local_addr()
    {
        hosts.push(match addr.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => ip.to_string(),
        });
    }
    hosts.extend(allowed.iter().cloned());
    hosts
}

async fn check_token(
    State(token): State<Option<Arc<Token>>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(token) = &token {
        let offered = request.headers().get(header::AUTHORIZATION);
        if !token.admits(offered.map(|value| value.as_bytes())) {
            let why = "a token is needed: Authorization: Bearer TOKEN (--mcp-token-file)\n";
            return (StatusCode::UNAUTHORIZED, why).into_response();
        }
    }
    next.run(request).await
}
