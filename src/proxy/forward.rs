//! One call through the proxy: the client's request to the upstream as it came (its metadata,
//! deadline and compression untouched; `-H` and the token added), and the upstream's response
//! back, both bodies streamed a frame at a time. Nothing is decoded to forward it: a method the
//! proxy knows nothing of passes all the same.

use std::{convert::Infallible, sync::Arc};

use tokio::time::Instant;
use tonic::{
    Status,
    body::Body,
    codegen::http::{self, HeaderMap, Uri, header},
    metadata::MetadataMap,
};
use tower::ServiceExt as _;

use super::{
    Conn,
    notes::{Call, Noted},
    tap::{Deframer, Tapped},
};
use crate::{
    net::Channel,
    net::parse_grpc_timeout,
    protocols::compression::Encoding,
    recording::{Side, metadata_of, rfc3339},
};

/// Forwards one call; whatever fails is told to the client as a gRPC status.
pub(super) async fn forward(
    request: http::Request<Body>,
    conn: Arc<Conn>,
) -> Result<http::Response<Body>, Infallible> {
    let deadline = (request.headers().get("grpc-timeout"))
        .and_then(|value| value.to_str().ok())
        .and_then(parse_grpc_timeout)
        .map(|timeout| Instant::now() + timeout);
    let call = match conn.shared.notes.clone() {
        Some(notes) => {
            let began = Noted::Began {
                connection: conn.id,
                method: request.uri().path().to_owned(),
                metadata: metadata_of(request.headers()),
                started: rfc3339(std::time::SystemTime::now()),
            };
            let call = Call::new(conn.shared.next_call(), notes);
            call.tell(began).await;
            Some(call)
        }
        None => None,
    };
    // Until the response is handed over, a client that resets the call drops this future.
    let mut unanswered = Unanswered(call.clone());
    let response = match answer(request, &conn, call.as_ref(), deadline).await {
        Ok(response) => response,
        Err(status) => {
            if let Some(call) = &call {
                call.tell(Noted::Ended(status.clone())).await;
            }
            status.into_http()
        }
    };
    unanswered.0 = None;
    Ok(response)
}

/// The upstream's response, its body read on the way when the call is observed.
async fn answer(
    request: http::Request<Body>,
    conn: &Conn,
    call: Option<&Call>,
    deadline: Option<Instant>,
) -> Result<http::Response<Body>, Status> {
    let grpc = (request.headers().get(header::CONTENT_TYPE))
        .is_some_and(|value| value.as_bytes().starts_with(b"application/grpc"));
    if !grpc {
        return Ok(not_grpc());
    }
    let limit = conn.shared.call.max_message_size;
    let request = upstream_request(request, conn, call, limit);
    let channel = conn.channel().await?;
    let response = within(deadline, send(channel, request)).await?;
    let (parts, body) = response.into_parts();
    if let Some(call) = call {
        call.tell(Noted::Headers(parts.headers.clone())).await;
    }
    let body = match call {
        Some(call) => {
            let deframer = Deframer::new(limit, Encoding::of(&parts.headers, "grpc-encoding"));
            Body::new(Tapped::new(body, Side::Answer, deframer, call.clone()))
        }
        None => body,
    };
    Ok(http::Response::from_parts(parts, body))
}

/// The request as the upstream gets it: its path and headers, the proxy's own metadata added,
/// the body passed on (and read when observed).
fn upstream_request(
    request: http::Request<Body>,
    conn: &Conn,
    call: Option<&Call>,
    limit: usize,
) -> http::Request<Body> {
    let (mut parts, body) = request.into_parts();
    let encoding = Encoding::of(&parts.headers, "grpc-encoding");
    let mut metadata = MetadataMap::from_headers(std::mem::take(&mut parts.headers));
    conn.shared.call.stamp(&mut metadata);
    parts.headers = metadata.into_headers();
    parts.headers.remove(header::HOST);
    // The upstream's own scheme and authority go on when the channel sends it.
    let path = parts.uri.path_and_query().cloned();
    parts.uri = path.map_or_else(Uri::default, |path| {
        Uri::from_parts({
            let mut uri = http::uri::Parts::default();
            uri.path_and_query = Some(path);
            uri
        })
        .unwrap_or_default()
    });
    let body = match call {
        Some(call) => {
            let deframer = Deframer::new(limit, encoding);
            Body::new(Tapped::new(body, Side::Question, deframer, call.clone()))
        }
        None => body,
    };
    http::Request::from_parts(parts, body)
}

async fn send(
    channel: Channel,
    request: http::Request<Body>,
) -> Result<http::Response<Body>, Status> {
    channel
        .oneshot(request)
        .await
        .map_err(|err| Status::unavailable(format!("the upstream did not answer: {err}")))
}

/// `answer` within the client's deadline, if it gave one.
async fn within<T>(
    deadline: Option<Instant>,
    answer: impl Future<Output = Result<T, Status>>,
) -> Result<T, Status> {
    let Some(deadline) = deadline else {
        return answer.await;
    };
    match tokio::time::timeout_at(deadline, answer).await {
        Ok(answered) => answered,
        Err(_) => Err(Status::deadline_exceeded(
            "the upstream did not answer within the call's deadline",
        )),
    }
}

/// What a request that is not gRPC gets: grpc-go's answer, 415.
fn not_grpc() -> http::Response<Body> {
    let mut response = http::Response::new(Body::empty());
    *response.status_mut() = http::StatusCode::UNSUPPORTED_MEDIA_TYPE;
    let headers: &mut HeaderMap = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain"),
    );
    response
}

/// Tells the observer, if the call is dropped before its response is handed over, that the
/// client left it.
struct Unanswered(Option<Call>);

impl Drop for Unanswered {
    fn drop(&mut self) {
        if let Some(call) = &self.0 {
            call.ended_early("the client reset the call before it was answered");
        }
    }
}
