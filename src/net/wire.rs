//! The protocol a client speaks to its server: gRPC, as tonic's channel does, or gRPC-Web or
//! Connect over the same HTTP/2 connection, each call translated from gRPC on its way out and
//! back into gRPC on its way in. Every client above (ask, bench, health, list, describe, check,
//! proxy's upstream) speaks any of them unchanged.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use http_body_util::BodyExt as _;
use tonic::{
    Code, Status,
    body::Body,
    codegen::http::{self, HeaderMap, HeaderName, HeaderValue, StatusCode, header},
};
use tower::Service;

use super::{call::parse_grpc_timeout, http1::Http1};
use crate::protocols::{
    body::{Translate, translated},
    envelope::{COMPRESSED, END_STREAM, TRAILERS, Unenvelope, envelope},
    status::{from_connect_name, from_http_status, trailers},
};

/// The protocol a client speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Wire {
    #[default]
    Grpc,
    GrpcWeb,
    Connect,
}

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
const MOST: usize = 64 * 1024 * 1024;

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

/// A streamed call's request: the same envelopes, the other protocol's headers.
fn stream_request(wire: Wire, mut request: http::Request<Body>) -> http::Request<Body> {
    let headers = request.headers_mut();
    let content_type = match wire {
        Wire::Connect => {
            connect_timeout(headers);
            rename(headers, "grpc-encoding", "connect-content-encoding");
            rename(headers, "grpc-accept-encoding", "connect-accept-encoding");
            "application/connect+proto"
        }
        _ => {
            headers.insert("x-grpc-web", HeaderValue::from_static("1"));
            "application/grpc-web+proto"
        }
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    request
}

/// A Connect unary call's request: the one message, bare, compressed as a whole if it was.
async fn unary_request(request: http::Request<Body>) -> Result<http::Request<Body>, Status> {
    let (mut parts, body) = request.into_parts();
    let bytes = body.collect().await?.to_bytes();
    let mut envelopes = Unenvelope::new(MOST);
    envelopes.push(&bytes);
    let message = (envelopes.pop()).map_err(|err| Status::resource_exhausted(err.to_string()))?;
    let message = message.ok_or_else(|| Status::internal("a unary call with no message"))?;
    let headers = &mut parts.headers;
    connect_timeout(headers);
    match message.flags & COMPRESSED {
        0 => drop(headers.remove("grpc-encoding")),
        _ => rename(headers, "grpc-encoding", "content-encoding"),
    }
    rename(headers, "grpc-accept-encoding", "accept-encoding");
    headers.remove(header::TE);
    let proto = HeaderValue::from_static("application/proto");
    headers.insert(header::CONTENT_TYPE, proto);
    headers.insert("connect-protocol-version", HeaderValue::from_static("1"));
    let body = Body::new(http_body_util::Full::new(message.payload));
    Ok(http::Request::from_parts(parts, body))
}

/// `grpc-timeout` as Connect's `connect-timeout-ms`.
fn connect_timeout(headers: &mut HeaderMap) {
    let Some(timeout) = headers.remove("grpc-timeout") else {
        return;
    };
    let timeout = timeout.to_str().ok().and_then(parse_grpc_timeout);
    if let Some(ms) =
        timeout.and_then(|timeout| HeaderValue::try_from(timeout.as_millis().to_string()).ok())
    {
        headers.insert("connect-timeout-ms", ms);
    }
}

fn rename(headers: &mut HeaderMap, from: &str, to: &'static str) {
    if let Some(value) = headers.remove(from) {
        headers.insert(HeaderName::from_static(to), value);
    }
}

/// A streamed call's response as gRPC's, its status out of its body; or the status of one
/// that failed at the HTTP level.
fn stream_response(response: http::Response<Body>, ending: Ending) -> http::Response<Body> {
    let (mut head, body) = response.into_parts();
    if head.status != StatusCode::OK && !head.headers.contains_key("grpc-status") {
        let code = from_http_status(head.status);
        return Status::new(code, format!("the server answered HTTP {}", head.status)).into_http();
    }
    let grpc = HeaderValue::from_static("application/grpc");
    head.headers.insert(header::CONTENT_TYPE, grpc);
    if let Ending::Connect = ending {
        rename(
            &mut head.headers,
            "connect-content-encoding",
            "grpc-encoding",
        );
    }
    let body = translated(body, FromEnvelopes::new(ending));
    http::Response::from_parts(head, body)
}

/// Where a stream's status comes in its body.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// gRPC-Web: an envelope of HTTP/1 header lines, flagged 0x80.
    GrpcWeb,
    /// Connect: the end-of-stream message, JSON, flagged 0x02.
    Connect,
}

/// A stream's envelopes passed on as gRPC's, its last one made gRPC's trailers.
struct FromEnvelopes {
    envelopes: Unenvelope,
    ending: Ending,
    trailers: Option<HeaderMap>,
}

impl FromEnvelopes {
    fn new(ending: Ending) -> FromEnvelopes {
        FromEnvelopes {
            envelopes: Unenvelope::new(MOST),
            ending,
            trailers: None,
        }
    }
}

impl Translate for FromEnvelopes {
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status> {
        self.envelopes.push(data);
        let mut out = Vec::new();
        while let Some(one) =
            (self.envelopes.pop()).map_err(|err| Status::internal(err.to_string()))?
        {
            match (self.ending, one.flags) {
                (Ending::GrpcWeb, flags) if flags & TRAILERS != 0 => {
                    self.trailers = Some(header_lines(&one.payload));
                }
                (Ending::Connect, flags) if flags & END_STREAM != 0 => {
                    self.trailers = Some(end_of_stream(&one.payload));
                }
                (_, flags) => out.extend_from_slice(&envelope(flags, &one.payload)),
            }
        }
        Ok(out)
    }

    fn end(&mut self, trailers: Option<HeaderMap>) -> Result<Vec<u8>, Status> {
        // A trailers-only answer said its status in its headers; HTTP/2 trailers count too.
        if self.trailers.is_none() {
            self.trailers = trailers;
        }
        Ok(Vec::new())
    }

    fn trailers(&mut self) -> Option<HeaderMap> {
        self.trailers.take()
    }
}

/// gRPC-Web's trailers: `name: value` lines.
fn header_lines(block: &[u8]) -> HeaderMap {
    let mut trailers = HeaderMap::new();
    for line in String::from_utf8_lossy(block).split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = HeaderName::try_from(name.trim().to_ascii_lowercase());
        if let (Ok(name), Ok(value)) = (name, HeaderValue::try_from(value.trim())) {
            trailers.append(name, value);
        }
    }
    trailers
}

/// Connect's end-of-stream message as gRPC's trailers: its error's status, and its metadata.
fn end_of_stream(json: &[u8]) -> HeaderMap {
    let end: serde_json::Value = serde_json::from_slice(json).unwrap_or_default();
    let mut trailers = trailers(error_status(&end["error"]));
    metadata(&end["metadata"], &mut trailers);
    trailers
}

/// The status of Connect's error JSON (OK when there is none).
fn error_status(error: &serde_json::Value) -> Status {
    if error.is_null() {
        return Status::ok("");
    }
    let code = (error["code"].as_str())
        .and_then(from_connect_name)
        .unwrap_or(Code::Unknown);
    Status::new(code, error["message"].as_str().unwrap_or_default())
}

/// Connect's metadata JSON (`{"name": ["value", ...]}`) into `headers`.
fn metadata(json: &serde_json::Value, headers: &mut HeaderMap) {
    let Some(names) = json.as_object() else {
        return;
    };
    for (name, values) in names {
        let Ok(name) = HeaderName::try_from(name.as_str()) else {
            continue;
        };
        for value in values
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.append(name.clone(), value);
            }
        }
    }
}

/// A Connect unary answer as gRPC's: its message in an envelope, its `trailer-` headers and
/// its status as trailers; an error's JSON as a trailers-only answer.
async fn unary_response(response: http::Response<Body>) -> http::Response<Body> {
    let (head, body) = response.into_parts();
    let body = http_body_util::Limited::new(body, MOST).collect().await;
    let bytes = match body {
        Ok(collected) => collected.to_bytes(),
        Err(err) => return Status::unavailable(format!("the answer broke off: {err}")).into_http(),
    };
    let mut headers = HeaderMap::new();
    let mut trailing = HeaderMap::new();
    for (name, value) in &head.headers {
        match name.as_str().strip_prefix("trailer-") {
            Some(name) => {
                if let Ok(name) = HeaderName::try_from(name) {
                    trailing.append(name, value.clone());
                }
            }
            None => drop(headers.append(name, value.clone())),
        }
    }
    if head.status != StatusCode::OK {
        let error: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let status = match error["code"].is_string() {
            true => error_status(&error),
            false => Status::new(
                from_http_status(head.status),
                format!("the server answered HTTP {}", head.status),
            ),
        };
        let mut failed = status.into_http();
        for (name, value) in trailing.iter().chain(headers.iter()) {
            if !is_framing(name) {
                failed.headers_mut().append(name, value.clone());
            }
        }
        return failed;
    }
    let flags = match headers.remove(header::CONTENT_ENCODING) {
        Some(encoding) => {
            headers.insert("grpc-encoding", encoding);
            COMPRESSED
        }
        None => 0,
    };
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/grpc"),
    );
    headers.remove(header::CONTENT_LENGTH);
    let mut trailers = trailers(Status::ok(""));
    trailers.extend(trailing);
    let body = http_body_util::StreamBody::new(futures_util::stream::iter([
        Ok::<_, Status>(http_body::Frame::data(Bytes::from(
            envelope(flags, &bytes).to_vec(),
        ))),
        Ok(http_body::Frame::trailers(trailers)),
    ]));
    let mut answer = http::Response::new(Body::new(body));
    *answer.headers_mut() = headers;
    answer
}

fn is_framing(name: &HeaderName) -> bool {
    [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
    ]
    .contains(name)
}
