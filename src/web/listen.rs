//! web's listener: HTTP/1.1 on TCP or a Unix socket, with TLS when asked for, each connection
//! served by hyper with upgrades (the WebSocket) and the routes as its service. Connections are
//! bounded in number (`--max-connections`) and in how long their request head may take; an
//! accept that fails for want of file descriptors pauses the loop instead of ending it.

use std::{sync::Arc, time::Duration};

use axum::Router;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    sync::{OwnedSemaphorePermit, Semaphore},
};
use tokio_rustls::TlsAcceptor;

use super::metrics::{Refusal, WebMetrics};
use crate::{addr::Listener, refusals::Refusals};

/// How long a client has for its TLS handshake, and for each request's head: an idle or
/// trickling connection is closed after it.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// Serves `app` until the process ends; a failed accept never ends it. mcp's Streamable HTTP
/// is served here too.
pub(crate) async fn serve(
    listener: Listener,
    tls: Option<Arc<rustls::ServerConfig>>,
    max_connections: usize,
    metrics: Option<Arc<WebMetrics>>,
    app: Router,
) {
    let tls = tls.map(TlsAcceptor::from);
    let seats = Arc::new(Semaphore::new(max_connections));
    let (mut refused, mut failed) = (Refusals::default(), Refusals::default());
    loop {
        let accepted = match &listener {
            Listener::Tcp(tcp) => tcp.accept().await.map(|(stream, _)| {
                let _ = stream.set_nodelay(true);
                Io::Tcp(stream)
            }),
            Listener::Unix(unix, _) => unix.accept().await.map(|(stream, _)| Io::Unix(stream)),
        };
        let io = match accepted {
            Ok(io) => io,
            Err(err) => {
                failed.accept_failed(&err).await;
                continue;
            }
        };
        let Ok(seat) = seats.clone().try_acquire_owned() else {
            if let Some(metrics) = &metrics {
                metrics.refused(Refusal::Connections);
            }
            refused.note(&format!(
                "--max-connections {max_connections} reached: closed a new connection"
            ));
            continue;
        };
        let (tls, app) = (tls.clone(), app.clone());
        tokio::spawn(async move {
            match io {
                Io::Tcp(stream) => connection(stream, tls, app, seat).await,
                Io::Unix(stream) => connection(stream, tls, app, seat).await,
            }
        });
    }
}

enum Io {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

async fn connection<I>(io: I, tls: Option<TlsAcceptor>, app: Router, _seat: OwnedSemaphorePermit)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    match tls {
        None => http(io, app).await,
        Some(acceptor) => match tokio::time::timeout(HANDSHAKE, acceptor.accept(io)).await {
            Ok(Ok(stream)) => http(stream, app).await,
            Ok(Err(err)) => tracing::debug!("TLS handshake failed: {err}"),
            Err(_) => tracing::debug!("no TLS handshake within {HANDSHAKE:?}"),
        },
    }
}

async fn http<I>(io: I, app: Router)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // Without a timer hyper leaves the header-read timeout off.
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE)
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(app))
        .with_upgrades()
        .await;
    if let Err(err) = served {
        tracing::debug!("connection ended: {err}");
    }
}
