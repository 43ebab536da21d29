//! web's listener: HTTP/1.1 on TCP or a Unix socket, with TLS when asked for, each connection
//! served by hyper with upgrades (the WebSocket) and the routes as its service.

use std::{sync::Arc, time::Duration};

use axum::Router;
use hyper_util::{rt::TokioIo, service::TowerToHyperService};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;

use crate::addr::Listener;

/// How long a client has for its TLS handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);

pub(super) async fn serve(
    listener: Listener,
    tls: Option<Arc<rustls::ServerConfig>>,
    app: Router,
) -> anyhow::Result<()> {
    let tls = tls.map(TlsAcceptor::from);
    loop {
        match &listener {
            Listener::Tcp(tcp) => {
                let (stream, _) = tcp.accept().await?;
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, tls.clone(), app.clone()));
            }
            Listener::Unix(unix, _) => {
                let (stream, _) = unix.accept().await?;
                tokio::spawn(connection(stream, tls.clone(), app.clone()));
            }
        }
    }
}

async fn connection<I>(io: I, tls: Option<TlsAcceptor>, app: Router)
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
    let served = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(app))
        .with_upgrades()
        .await;
    if let Err(err) = served {
        tracing::debug!("connection ended: {err}");
    }
}
