//! The protocol a client speaks to its server: gRPC, as tonic's channel does, or gRPC-Web or
//! Connect over the same HTTP/2 connection (or HTTP/1.1 ones, `--http1`), each call translated from gRPC on its way out and
//! back into gRPC on its way in. Every client above (ask, bench, health, list, describe, check,
//! proxy's upstream) speaks any of them unchanged. `outgoing` translates requests, `incoming`
//! responses.

mod incoming;
mod outgoing;

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use tonic::{body::Body, codegen::http};
use tower::Service;

pub use crate::protocols::Wire;

use self::{
    incoming::{Ending, stream_response, unary_response},
    outgoing::{stream_request, unary_request},
};
use super::http1::Http1;

/// Marks a unary call, which Connect sends in its unary form (a bare message each way).
#[derive(Clone, Copy, Debug)]
struct Unary;

/// `request` marked as a unary call's: the channel cannot tell from the path.
pub fn unary<T>(mut request: tonic::Request<T>) -> tonic::Request<T> {
    request.extensions_mut().insert(Unary);
    request
}

/// The most of a response the translation holds at once: an envelope, or a Connect unary
/// answer. tonic holds the messages to `--max-message-size` after it.
pub(super) const MOST: usize = 64 * 1024 * 1024;

/// A connection to a server, speaking `wire`.
#[derive(Clone, Debug)]
pub struct Channel {
    inner: Inner,
    wire: Wire,
}

/// HTTP/2 (tonic's channel), or HTTP/1.1 (`--http1`: a pool of connections).
#[derive(Clone)]
enum Inner {
    Http2(tonic::transport::Channel),
    Http1(Box<Http1>),
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Inner::Http2(channel) => channel.fmt(f),
            Inner::Http1(_) => f.write_str("HTTP/1.1 connections"),
        }
    }
}

impl Channel {
    pub(super) fn new(inner: tonic::transport::Channel, wire: Wire) -> Channel {
        let inner = Inner::Http2(inner);
        Channel { inner, wire }
    }

    pub(super) fn http1(pool: Http1, wire: Wire) -> Channel {
        let inner = Inner::Http1(Box::new(pool));
        Channel { inner, wire }
    }
}

type Failed = Box<dyn std::error::Error + Send + Sync>;
type Answer = Result<http::Response<Body>, Failed>;

impl Inner {
    fn call(self, request: http::Request<Body>) -> Pin<Box<dyn Future<Output = Answer> + Send>> {
        match self {
            Inner::Http2(mut channel) => Box::pin(async move { Ok(channel.call(request).await?) }),
            Inner::Http1(pool) => Box::pin(async move { pool.request(request).await }),
        }
    }
}

impl Service<http::Request<Body>> for Channel {
    type Response = http::Response<Body>;
    type Error = Failed;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match &mut self.inner {
            Inner::Http2(channel) => channel.poll_ready(cx).map_err(Into::into),
            Inner::Http1(_) => Poll::Ready(Ok(())),
        }
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        // The ready channel goes with the call; a clone waits for the next poll_ready.
        let mut ready = self.inner.clone();
        std::mem::swap(&mut ready, &mut self.inner);
        let wire = self.wire;
        if wire == Wire::Grpc {
            return ready.call(request);
        }
        let unary = wire == Wire::Connect && request.extensions().get::<Unary>().is_some();
        Box::pin(async move {
            let request = match unary {
                true => match unary_request(request).await {
                    Ok(request) => request,
                    Err(status) => return Ok(status.into_http()),
                },
                false => stream_request(wire, request),
            };
            let response = ready.call(request).await?;
            Ok(match (wire, unary) {
                (_, true) => unary_response(response).await,
                (Wire::Connect, false) => stream_response(response, Ending::Connect),
                _ => stream_response(response, Ending::GrpcWeb),
            })
        })
    }
}
