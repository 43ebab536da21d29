//! `--metrics-listen`: the exposition at `/metrics` on a listener of its own (never the gRPC
//! port, so that a scraper needs no gRPC and a gRPC client cannot reach it by accident), over
//! HTTP/1.1 as Prometheus scrapes. It holds few connections and small buffers: scrapers are few,
//! and a port that anyone on the network can reach must not cost the server much.

use std::{
    convert::Infallible,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    sync::Semaphore,
    task::JoinSet,
};
use tokio_util::task::AbortOnDropHandle;

use super::{Exposition, exposition::CONTENT_TYPE};
use crate::{
    addr::{Addr, Listener},
    refusals::Refusals,
};

/// Connections at once: a few scrapers, a person with curl.
const MAX_CONNECTIONS: usize = 16;
/// How long a request's head may take to arrive.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// hyper's buffers each way: a scrape's request is a few hundred bytes.
const MAX_BUFFER: usize = 16 * 1024;

/// What a scrape shows: the figures as they are at that moment.
pub trait Source: Send + Sync + 'static {
    fn render(&self, out: &mut Exposition);

    /// Whether the figures are final: their scrape closes its connection, and once it has
    /// been written out, `final_served` is called.
    fn is_final(&self) -> bool {
        false
    }

    fn final_served(&self) {}
}

/// Answers scrapes at `addr` while the handle lives; says "metrics at URL" on stderr.
pub async fn start(addr: &Addr, source: Arc<dyn Source>) -> anyhow::Result<AbortOnDropHandle<()>> {
    let listener = addr.bind().await.context("--metrics-listen")?;
    let url = match listener.local_addr()? {
        unix if unix.starts_with("unix:") => format!("{unix} (GET /metrics)"),
        tcp => format!("http://{tcp}/metrics"),
    };
    eprintln!("metrics at {url}");
    Ok(AbortOnDropHandle::new(tokio::spawn(serve(
        listener, source,
    ))))
}

/// Answers scrapes on `listener` until the returned future is dropped.
async fn serve(listener: Listener, source: Arc<dyn Source>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    let (mut refused, mut failed) = (Refusals::default(), Refusals::default());
    loop {
        let io: Box<dyn Io> = match accept(&listener).await {
            Ok(io) => io,
            Err(err) => {
                failed.accept_failed(&err).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            refused.note("--metrics-listen: too many connections; closed a new one");
            continue;
        };
        let source = source.clone();
        connections.spawn(async move {
            let _slot = slot;
            let final_sent = Arc::new(AtomicBool::new(false));
            let (serving, sent) = (source.clone(), final_sent.clone());
            let service = hyper::service::service_fn(move |request| {
                let is_final = serving.is_final();
                let mut response = answer(&request, serving.as_ref());
                if is_final {
                    // Closed once written: the run may end as soon as it has been.
                    let close = header::HeaderValue::from_static("close");
                    response.headers_mut().insert(header::CONNECTION, close);
                    sent.store(true, Ordering::Relaxed);
                }
                async move { Ok::<_, Infallible>(response) }
            });
            let served = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_BUFFER)
                .serve_connection(TokioIo::new(io), service)
                .await;
            if served.is_ok() && final_sent.load(Ordering::Relaxed) {
                source.final_served();
            }
        });
    }
}

trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

async fn accept(listener: &Listener) -> std::io::Result<Box<dyn Io>> {
    Ok(match listener {
        Listener::Tcp(listener) => Box::new(listener.accept().await?.0),
        Listener::Unix(listener, _) => Box::new(listener.accept().await?.0),
    })
}

fn answer<B>(request: &Request<B>, source: &dyn Source) -> Response<Full<Bytes>> {
    let plain = |status: StatusCode, text: &str| {
        let mut response = Response::new(Full::new(Bytes::from(text.to_owned())));
        *response.status_mut() = status;
        response
    };
    if request.uri().path() != "/metrics" {
        return plain(
            StatusCode::NOT_FOUND,
            "not found: the metrics are at /metrics\n",
        );
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "GET /metrics\n");
        let allow = header::HeaderValue::from_static("GET, HEAD");
        response.headers_mut().insert(header::ALLOW, allow);
        return response;
    }
    let mut out = Exposition::default();
    source.render(&mut out);
    let mut response = Response::new(Full::new(Bytes::from(out.into_text())));
    let content_type = header::HeaderValue::from_static(CONTENT_TYPE);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response
}
