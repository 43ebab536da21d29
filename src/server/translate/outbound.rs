//! A gRPC response as gRPC-Web's or Connect's: gRPC-Web's trailers as the body's last envelope
//! (base64 for `-text`), Connect's stream of envelopes and its end-of-stream message, Connect's
//! unary answer as a bare message or its error as JSON with the mapped HTTP status.

use http_body_util::BodyExt as _;
use prost_reflect::MessageDescriptor;
use tonic::{
    Code, Status,
    body::Body,
    codegen::http::{self, HeaderMap, HeaderName, HeaderValue, header},
};

use super::json::to_json;
use crate::protocols::{
    body::Translate,
    compression::{Encoding, decompress},
    connect,
    envelope::{COMPRESSED, END_STREAM, Envelope, Unenvelope, envelope},
    grpc_web::{to_base64, trailers_envelope},
    status::http_status,
};

/// gRPC's status headers, which the other protocols carry their own way.
const STATUS_HEADERS: [&str; 3] = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

/// The answers' envelopes as they go out: as they are, or each message made JSON.
pub(super) struct Answers {
    pub(super) envelopes: Unenvelope,
    /// The answer's type when the client asked for JSON.
    pub(super) json: Option<MessageDescriptor>,
    pub(super) encoding: Encoding,
    pub(super) limit: usize,
}

impl Answers {
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status> {
        let Some(message) = &self.json else {
            return Ok(data.to_vec());
        };
        self.envelopes.push(data);
        let mut out = Vec::new();
        while let Some(one) =
            (self.envelopes.pop()).map_err(|err| Status::internal(err.to_string()))?
        {
            let bytes = answer_bytes(&one, self.encoding, self.limit)?;
            out.extend_from_slice(&envelope(0, &to_json(&bytes, message)?));
        }
        Ok(out)
    }
}

/// An answer's message, decompressed if its envelope says it is compressed.
fn answer_bytes(one: &Envelope, encoding: Encoding, limit: usize) -> Result<Vec<u8>, Status> {
    match one.flags & COMPRESSED {
        0 => Ok(one.payload.to_vec()),
        _ => decompress(encoding, &one.payload, limit)
            .map_err(|err| Status::internal(format!("an answer {err}"))),
    }
}

/// gRPC-Web: the answers, then the trailers in an envelope; all in base64 for `-text`.
pub(super) struct GrpcWebOut {
    pub(super) text: bool,
    pub(super) answers: Answers,
}

impl GrpcWebOut {
    fn sent(&self, bytes: Vec<u8>) -> Vec<u8> {
        match self.text {
            true => to_base64(&bytes).to_vec(),
            false => bytes,
        }
    }
}

impl Translate for GrpcWebOut {
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status> {
        let answers = self.answers.data(data)?;
        Ok(self.sent(answers))
    }

    fn end(&mut self, trailers: Option<HeaderMap>) -> Result<Vec<u8>, Status> {
        // A trailers-only response said its status in its headers already.
        let Some(trailers) = trailers else {
            return Ok(Vec::new());
        };
        Ok(self.sent(trailers_envelope(&trailers).to_vec()))
    }
}

/// Connect's stream: each message in its envelope (JSON when asked for), then the
/// end-of-stream message with the status and trailers.
pub(super) struct ConnectStreamOut {
    pub(super) answers: Answers,
    /// The status of a trailers-only response, said in its headers.
    pub(super) early: Option<Status>,
}

impl Translate for ConnectStreamOut {
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status> {
        self.answers.data(data)
    }

    fn end(&mut self, trailers: Option<HeaderMap>) -> Result<Vec<u8>, Status> {
        let mut trailers = trailers.unwrap_or_default();
        let status = (self.early.take())
            .or_else(|| Status::from_header_map(&trailers))
            .unwrap_or_else(|| Status::internal("the answer ended without a status"));
        for name in STATUS_HEADERS {
            trailers.remove(name);
        }
        let end = connect::end_of_stream(&status, &trailers);
        Ok(envelope(END_STREAM, &end).to_vec())
    }
}

/// The status a trailers-only response carries in its headers, taken out of them.
pub(super) fn early_status(headers: &mut HeaderMap) -> Option<Status> {
    let status = Status::from_header_map(headers)?;
    for name in STATUS_HEADERS {
        headers.remove(name);
    }
    Some(status)
}

/// How a Connect unary answer is made.
pub(super) struct Unary {
    /// The answer's type when the client asked for JSON.
    pub(super) json: Option<MessageDescriptor>,
    pub(super) limit: usize,
}

impl Unary {
    /// The whole gRPC response, read, as Connect's unary answer.
    pub(super) async fn answer(&self, response: http::Response<Body>) -> http::Response<Body> {
        let (mut head, body) = response.into_parts();
        let early = early_status(&mut head.headers);
        let encoding = Encoding::of(&head.headers, "grpc-encoding");
        let (message, trailers) = match early {
            Some(status) => (Err(status), HeaderMap::new()),
            None => match body.collect().await {
                Ok(collected) => {
                    let trailers = collected.trailers().cloned().unwrap_or_default();
                    (
                        self.message(collected.to_bytes(), encoding, &trailers),
                        trailers,
                    )
                }
                Err(status) => (Err(status), HeaderMap::new()),
            },
        };
        let mut headers = metadata(&head.headers, &trailers);
        match message {
            Ok(body) => {
                let content_type = match self.json {
                    Some(_) => "application/json",
                    None => "application/proto",
                };
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                respond(http::StatusCode::OK, headers, body)
            }
            Err(status) => error(&status, headers),
        }
    }

    /// The one message of the answer, or the status that ended it without one.
    fn message(
        &self,
        bytes: bytes::Bytes,
        encoding: Encoding,
        trailers: &HeaderMap,
    ) -> Result<Vec<u8>, Status> {
        if let Some(status) = Status::from_header_map(trailers).filter(|s| s.code() != Code::Ok) {
            return Err(status);
        }
        let mut envelopes = Unenvelope::new(self.limit);
        envelopes.push(&bytes);
        let first = envelopes
            .pop()
            .map_err(|err| Status::internal(err.to_string()))?;
        let Some(first) = first else {
            return Err(Status::unimplemented(
                "the method answered no message: call it as a stream",
            ));
        };
        if envelopes.is_partial() {
            return Err(Status::unimplemented(
                "the method answered more than one message: call it as a stream \
                 (application/connect+json or +proto)",
            ));
        }
        let bytes = answer_bytes(&first, encoding, self.limit)?;
        match &self.json {
            Some(message) => to_json(&bytes, message),
            None => Ok(bytes),
        }
    }
}

/// The response's metadata as Connect's unary headers: its own, and its trailers prefixed
/// `trailer-`; gRPC's framing headers left out.
fn metadata(headers: &HeaderMap, trailers: &HeaderMap) -> HeaderMap {
    let framing = |name: &HeaderName| {
        let name = name.as_str();
        name == "content-type" || name.starts_with("grpc-")
    };
    let mut out = HeaderMap::new();
    for (name, value) in headers.iter().filter(|(name, _)| !framing(name)) {
        out.append(name, value.clone());
    }
    for (name, value) in trailers.iter().filter(|(name, _)| !framing(name)) {
        if let Ok(name) = HeaderName::try_from(format!("trailer-{name}")) {
            out.append(name, value.clone());
        }
    }
    out
}

/// A Connect error: its JSON, with the HTTP status of its code.
pub(super) fn error(status: &Status, mut headers: HeaderMap) -> http::Response<Body> {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = connect::error(status).to_string().into_bytes();
    respond(http_status(status.code()), headers, body)
}

fn respond(status: http::StatusCode, headers: HeaderMap, body: Vec<u8>) -> http::Response<Body> {
    let mut response = http::Response::new(Body::new(http_body_util::Full::new(
        bytes::Bytes::from(body),
    )));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}
