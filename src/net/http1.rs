//! `--http1`: gRPC-Web and Connect calls over HTTP/1.1, for servers that answer them there
//! alone. hyper-util's client keeps a connection per call in progress and reuses it for the
//! next; each is opened as the HTTP/2 ones are (`connect::open`: TCP or Unix, TLS offering
//! http/1.1).

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, atomic::AtomicU8},
    task::{Context, Poll},
};

use hyper_util::{
    client::legacy::{
        Client,
        connect::{Connected, Connection},
    },
    rt::{TokioExecutor, TokioIo},
};
use tonic::{
    body::Body,
    codegen::http::{self, Uri},
};

use super::connect::{BoxedIo, ConnectConfig, open};
use crate::error::Unreachable;

/// A pool of HTTP/1.1 connections to the server `config` names, and the origin its requests
/// name (`--authority`'s, else the address's): HTTP/1.1 requests carry it in their URI.
#[derive(Clone)]
pub(super) struct Http1 {
    pool: Client<Connector, Body>,
    origin: Arc<str>,
}

impl Http1 {
    pub(super) async fn request(
        &self,
        mut request: http::Request<Body>,
    ) -> Result<http::Response<Body>, Box<dyn std::error::Error + Send + Sync>> {
        let path = request
            .uri()
            .path_and_query()
            .map_or("/", |path| path.as_str());
        *request.uri_mut() = format!("{}{path}", self.origin).parse()?;
        *request.version_mut() = http::Version::HTTP_11;
        let agent = concat!("grpc-convo/", env!("CARGO_PKG_VERSION"));
        (request.headers_mut()).insert(
            http::header::USER_AGENT,
            http::HeaderValue::from_static(agent),
        );
        Ok(self.pool.request(request).await?.map(Body::new))
    }
}

/// Opens a connection for the pool: to the addresses the token's guard resolved, if it did.
#[derive(Clone)]
pub(super) struct Connector(Arc<ConnectConfig>, Option<Arc<[SocketAddr]>>);

/// The pool, once a first connection shows the server can be reached within
/// --connect-timeout (the pool's own connections are opened as calls need them).
pub(super) async fn connected(
    config: &ConnectConfig,
    pinned: Option<Arc<[SocketAddr]>>,
) -> anyhow::Result<Http1> {
    let stage = AtomicU8::new(0);
    let probe = open(config, &stage, pinned.as_deref());
    match tokio::time::timeout(config.connect_timeout, probe).await {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => return Err(Unreachable::new(&config.addr, err).into()),
        Err(_) => {
            let within = humantime::format_duration(config.connect_timeout);
            let cause = format!("no connection within {within} (--connect-timeout)");
            return Err(Unreachable::new(&config.addr, cause).into());
        }
    }
    let connector = Connector(Arc::new(config.clone()), pinned);
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let origin = match &config.authority {
        Some(authority) => format!("{scheme}://{authority}"),
        None => config.addr.uri(config.tls.is_some()),
    };
    Ok(Http1 {
        pool: Client::builder(TokioExecutor::new()).build(connector),
        origin: origin.trim_end_matches('/').into(),
    })
}

impl tower::Service<Uri> for Connector {
    type Response = Opened;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Opened>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Uri) -> Self::Future {
        let (config, pinned) = (self.0.clone(), self.1.clone());
        Box::pin(async move {
            let stage = AtomicU8::new(0);
            Ok(Opened(TokioIo::new(
                open(&config, &stage, pinned.as_deref()).await?,
            )))
        })
    }
}

/// A connection as hyper-util's pool takes it.
pub(super) struct Opened(TokioIo<BoxedIo>);

impl Connection for Opened {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl hyper::rt::Read for Opened {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Opened {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
