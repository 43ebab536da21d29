//! A call's response on its way in: gRPC-Web's or Connect's, made gRPC's again.

use bytes::Bytes;
use http_body_util::BodyExt as _;
use tonic::{
    Status,
    body::Body,
    codegen::http::{self, HeaderMap, HeaderName, HeaderValue, StatusCode, header},
};

use super::{MOST, outgoing::rename};
use crate::protocols::{
    body::{Translate, translated},
    connect::{end_of_stream_trailers, error_status},
    envelope::{COMPRESSED, END_STREAM, TRAILERS, Unenvelope, envelope},
    grpc_web::trailers_from,
    status::{from_http_status, trailers},
};

/// A streamed call's response as gRPC's, its status out of its body; or the status of one
/// that failed at the HTTP level.
pub(super) fn stream_response(
    response: http::Response<Body>,
    ending: Ending,
) -> http::Response<Body> {
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
pub(super) enum Ending {
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
                    self.trailers = Some(trailers_from(&one.payload));
                }
                (Ending::Connect, flags) if flags & END_STREAM != 0 => {
                    self.trailers = Some(end_of_stream_trailers(&one.payload));
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

/// A Connect unary answer as gRPC's: its message in an envelope, its `trailer-` headers and
/// its status as trailers; an error's JSON as a trailers-only answer.
pub(super) async fn unary_response(response: http::Response<Body>) -> http::Response<Body> {
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
