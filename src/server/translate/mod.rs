//! gRPC-Web and Connect calls served as gRPC calls on serve's own routes, over HTTP/2 (from
//! `exchange.rs`) and HTTP/1.1 (`http1.rs`): the request's headers and body turned into a gRPC
//! call's, the route's response turned back. Every route, limit, seat, deadline and log line a
//! gRPC call has, a translated one has too, because it is one by the time a route sees it.

mod cors;
mod get;
mod inbound;
mod json;
mod outbound;
mod schemas;

use std::sync::Arc;

use tokio::time::Instant;

use prost_reflect::{MessageDescriptor, MethodDescriptor};
use tonic::{
    Status,
    body::Body,
    codegen::http::{self, HeaderMap, HeaderName, HeaderValue, StatusCode, header, request::Parts},
};

pub(super) use cors::Origins;
pub(super) use schemas::Schemas;

use self::{
    cors::{Screened, plain},
    inbound::{Base64In, JsonStreamIn, UnaryIn},
    outbound::{Answers, ConnectStreamOut, GrpcWebOut, Unary, early_status},
};
use super::meter::Metered;
use crate::protocols::{
    DEADLINE_PASSED, Protocol, SERVED,
    body::{translated, translated_until},
    compression::Encoding,
    connect,
    envelope::Unenvelope,
    grpc_web::FromBase64,
};

/// What serve translates with: the methods' types (for JSON), the origins browsers may call
/// from, and the size limit of a message.
#[derive(Clone, Debug)]
pub(super) struct Web {
    pub(super) schemas: Arc<Schemas>,
    pub(super) origins: Arc<Origins>,
    pub(super) limit: usize,
}

/// How a request is served.
pub(super) enum Arrival {
    /// As the gRPC call it is.
    Grpc,
    /// Without a call: a CORS preflight, a refused origin, a request in no protocol served.
    Answered(http::Response<Body>),
    /// As a gRPC call, its headers rewritten already; its body and response through this.
    Translated(Translation),
}

impl Web {
    /// How the request in `parts` is served; a translated call's headers are rewritten here,
    /// before its deadline is read from them.
    pub(super) fn arrive(&self, parts: &mut Parts, http1: bool) -> Arrival {
        let origin = match cors::screen(&self.origins, &parts.method, &parts.headers) {
            Screened::Answered(answer) => return Arrival::Answered(answer),
            Screened::Allowed(origin) => Some(origin),
            Screened::NoOrigin => None,
        };
        let protocol = Protocol::of(&parts.method, parts.uri.query(), &parts.headers);
        let protocol = match (protocol, http1) {
            // Over HTTP/2, what is no other protocol is gRPC's to answer, as it always was.
            (Some(Protocol::Grpc) | None, false) => return Arrival::Grpc,
            (Some(Protocol::Grpc), true) => return Arrival::Answered(not_http2()),
            (None, true) => {
                let why = format!(
                    "grpc-convo serves gRPC, gRPC-Web and Connect; this request's content type \
                     is none of theirs: {SERVED}\n"
                );
                return Arrival::Answered(closing(StatusCode::UNSUPPORTED_MEDIA_TYPE, why));
            }
            (Some(protocol), _) => protocol,
        };
        match self.translation(protocol, parts, origin.clone()) {
            Ok(translation) => Arrival::Translated(translation),
            Err(status) => {
                let refused = Translation::new(protocol, origin, self.limit);
                Arrival::Answered(refused.refusal(status))
            }
        }
    }

    fn translation(
        &self,
        protocol: Protocol,
        parts: &mut Parts,
        origin: Option<HeaderValue>,
    ) -> Result<Translation, Status> {
        let mut translation = Translation::new(protocol, origin, self.limit);
        let method = self.schemas.method(parts.uri.path());
        rewrite(protocol, &mut parts.headers, &mut translation.encoding);
        // A GET's query says how its message is encoded and compressed, after the headers.
        if parts.method == http::Method::GET {
            translation.get(parts, method)?;
        } else if protocol.json() {
            translation.types(method, parts.uri.path())?;
        }
        parts.method = http::Method::POST;
        Ok(translation)
    }
}

/// What a gRPC call over HTTP/1.1 is told.
pub(super) fn not_http2() -> http::Response<Body> {
    let why = "grpc-convo serves gRPC, which needs HTTP/2\n".to_owned();
    closing(StatusCode::HTTP_VERSION_NOT_SUPPORTED, why)
}

/// An HTTP/1.1 answer after which the connection closes: its client speaks nothing served.
fn closing(status: StatusCode, why: String) -> http::Response<Body> {
    let mut answer = plain(status, why);
    let close = HeaderValue::from_static("close");
    answer.headers_mut().insert(header::CONNECTION, close);
    answer
}

/// A gRPC-Web or Connect request's headers as a gRPC call's.
fn rewrite(protocol: Protocol, headers: &mut HeaderMap, encoding: &mut Encoding) {
    let grpc = HeaderValue::from_static("application/grpc");
    headers.insert(header::CONTENT_TYPE, grpc);
    headers.remove(header::CONTENT_LENGTH);
    if let Protocol::Connect { .. } = protocol {
        headers.remove("connect-protocol-version");
        if let Some(timeout) = headers.remove("connect-timeout-ms") {
            match connect::grpc_timeout(&timeout) {
                Some(timeout) => headers.insert("grpc-timeout", timeout),
                None => headers.remove("grpc-timeout"),
            };
        }
    }
    let (sent, accepted) = match protocol {
        // Envelopes of protobuf are gRPC's: tonic undoes and does their compression.
        Protocol::Grpc | Protocol::GrpcWeb { json: false, .. } => return,
        Protocol::Connect {
            json: false,
            streaming: true,
        } => {
            rename(headers, "connect-content-encoding", "grpc-encoding");
            rename(headers, "connect-accept-encoding", "grpc-accept-encoding");
            return;
        }
        Protocol::GrpcWeb { json: true, .. } => ("grpc-encoding", "grpc-accept-encoding"),
        Protocol::Connect {
            streaming: true, ..
        } => ("connect-content-encoding", "connect-accept-encoding"),
        Protocol::Connect {
            streaming: false, ..
        } => ("content-encoding", "accept-encoding"),
    };
    // JSON and unary bodies are undone here, and their answers go out uncompressed.
    *encoding = Encoding::of(headers, sent);
    for name in [sent, accepted, "grpc-encoding", "grpc-accept-encoding"] {
        headers.remove(name);
    }
}

fn rename(headers: &mut HeaderMap, from: &str, to: &'static str) {
    match headers.remove(from) {
        Some(value) => headers.insert(HeaderName::from_static(to), value),
        None => headers.remove(to),
    };
}

/// One translated call.
pub(super) struct Translation {
    protocol: Protocol,
    /// The request's and the answer's types when the messages are JSON.
    json: Option<(MessageDescriptor, MessageDescriptor)>,
    origin: Option<HeaderValue>,
    /// How a Connect request's messages are compressed.
    encoding: Encoding,
    /// A GET's message.
    message: Vec<u8>,
    limit: usize,
}

impl Translation {
    fn new(protocol: Protocol, origin: Option<HeaderValue>, limit: usize) -> Translation {
        Translation {
            protocol,
            json: None,
            origin,
            encoding: Encoding::Identity,
            message: Vec::new(),
            limit,
        }
    }

    /// The method's types, which JSON needs.
    fn types(&mut self, method: Option<&MethodDescriptor>, path: &str) -> Result<(), Status> {
        let Some(method) = method else {
            return Err(Status::unimplemented(format!(
                "JSON needs the types of {path}, which serve does not have: no such method here, \
                 or send protobuf"
            )));
        };
        self.json = Some((method.input(), method.output()));
        Ok(())
    }

    /// A GET's message, from its query, for a method that allows it.
    fn get(&mut self, parts: &Parts, method: Option<&MethodDescriptor>) -> Result<(), Status> {
        let query = get::query(parts.uri.query().unwrap_or_default())?;
        if !method.is_some_and(get::allowed) {
            return Err(Status::unimplemented(format!(
                "{} may not be called with GET: only a method with idempotency_level = \
                 NO_SIDE_EFFECTS may",
                parts.uri.path()
            )));
        }
        if query.json {
            self.types(method, parts.uri.path())?;
        }
        self.encoding = query.encoding;
        self.message = query.message;
        Ok(())
    }

    /// The call through `routes`, its request translated on the way in and its response on
    /// the way out; ended at `deadline` if one is given (where nothing else watches it).
    pub(super) async fn call(
        self,
        routes: Metered,
        parts: Parts,
        body: Body,
        deadline: Option<Instant>,
    ) -> http::Response<Body> {
        let request = http::Request::from_parts(parts, self.inbound(body));
        let refused = Translation::new(self.protocol, self.origin.clone(), self.limit);
        let answer = async {
            let response = routes.call(request).await;
            self.outbound(response, deadline).await
        };
        let Some(at) = deadline else {
            return answer.await;
        };
        match tokio::time::timeout_at(at, answer).await {
            Ok(answer) => answer,
            Err(_) => refused.refusal(Status::deadline_exceeded(DEADLINE_PASSED)),
        }
    }

    /// A call refused before it began, said in its protocol.
    pub(super) fn refusal(self, status: Status) -> http::Response<Body> {
        let response = status.into_http();
        // Nothing in a trailers-only response needs awaiting.
        let answer = futures_util::FutureExt::now_or_never(self.outbound(response, None));
        answer.unwrap_or_else(|| plain(StatusCode::INTERNAL_SERVER_ERROR, String::new()))
    }

    fn inbound(&self, body: Body) -> Body {
        let request = self.json.as_ref().map(|(request, _)| request.clone());
        match (self.protocol, request) {
            (Protocol::GrpcWeb { text: true, .. }, _) => {
                translated(body, Base64In(FromBase64::default()))
            }
            (
                Protocol::Connect {
                    streaming: true, ..
                }
                | Protocol::GrpcWeb { .. },
                Some(message),
            ) => translated(
                body,
                JsonStreamIn {
                    envelopes: Unenvelope::new(self.limit),
                    message,
                    encoding: self.encoding,
                    limit: self.limit,
                },
            ),
            (
                Protocol::Connect {
                    streaming: false, ..
                },
                json,
            ) => translated(
                body,
                UnaryIn {
                    body: self.message.clone(),
                    encoding: self.encoding,
                    json,
                    limit: self.limit,
                },
            ),
            _ => body,
        }
    }

    /// The response in the call's protocol; a streamed one ends at `deadline`.
    async fn outbound(
        self,
        response: http::Response<Body>,
        deadline: Option<Instant>,
    ) -> http::Response<Body> {
        let answer = self.json.as_ref().map(|(_, answer)| answer.clone());
        let mut response = match self.protocol {
            Protocol::Connect {
                streaming: false, ..
            } => {
                let unary = Unary {
                    json: answer,
                    limit: self.limit,
                };
                unary.answer(response).await
            }
            protocol => stream_out(protocol, response, answer, self.limit, deadline),
        };
        if let Some(origin) = &self.origin {
            cors::allow(response.headers_mut(), origin);
        }
        response
    }
}

/// A streamed answer in gRPC-Web's or Connect's form.
fn stream_out(
    protocol: Protocol,
    response: http::Response<Body>,
    answer: Option<MessageDescriptor>,
    limit: usize,
    deadline: Option<Instant>,
) -> http::Response<Body> {
    let (mut head, body) = response.into_parts();
    let content_type = HeaderValue::from_static(protocol.content_type());
    head.headers.insert(header::CONTENT_TYPE, content_type);
    let answers = Answers {
        envelopes: Unenvelope::new(limit),
        encoding: Encoding::of(&head.headers, "grpc-encoding"),
        json: answer,
        limit,
    };
    // JSON answers go out uncompressed; compressed protobuf keeps its encoding, named as the
    // protocol names it.
    let encoding = head.headers.remove("grpc-encoding");
    let body = match protocol {
        Protocol::GrpcWeb { text, .. } => {
            if let Some(encoding) = encoding.filter(|_| answers.json.is_none()) {
                head.headers.insert("grpc-encoding", encoding);
            }
            translated_until(body, GrpcWebOut { text, answers }, deadline)
        }
        _ => {
            let early = early_status(&mut head.headers);
            if let Some(encoding) = encoding.filter(|_| answers.json.is_none()) {
                head.headers.insert("connect-content-encoding", encoding);
            }
            head.status = StatusCode::OK;
            translated_until(body, ConnectStreamOut { answers, early }, deadline)
        }
    };
    http::Response::from_parts(head, body)
}
