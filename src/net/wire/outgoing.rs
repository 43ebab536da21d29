//! A call's request on its way out: gRPC's, made gRPC-Web's or Connect's.

use http_body_util::BodyExt as _;
use tonic::{
    Status,
    body::Body,
    codegen::http::{self, HeaderMap, HeaderName, HeaderValue, header},
};

use super::{super::call::parse_grpc_timeout, MOST, Wire};
use crate::protocols::envelope::{COMPRESSED, Unenvelope};

/// A streamed call's request: the same envelopes, the other protocol's headers.
pub(super) fn stream_request(wire: Wire, mut request: http::Request<Body>) -> http::Request<Body> {
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
pub(super) async fn unary_request(
    request: http::Request<Body>,
) -> Result<http::Request<Body>, Status> {
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

pub(super) fn rename(headers: &mut HeaderMap, from: &str, to: &'static str) {
    if let Some(value) = headers.remove(from) {
        headers.insert(HeaderName::from_static(to), value);
    }
}
