//! Conversations served straight from the call's inbox: questions parsed as they are read,
//! answers framed as they come, the status in the trailers, without tonic's per-call service,
//! decoder and encoder (1.5 KiB of each idle conversation, heaptrack). It serves the tutorial's
//! method, or each bridged bidirectional method. A call it does not take (compressed questions,
//! serve compressing answers, any other kind of method) goes to tonic's route, which says the
//! same things in the same words.

use std::{
    collections::HashMap,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
};

use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use http_body::Frame;
use prost::Message;
use tonic::{
    Status,
    body::Body,
    codegen::http::{self, HeaderMap, HeaderValue, header},
    metadata::MetadataMap,
};

use super::{
    bridge::Route,
    conversation::{Head, Service, Wire, check_token},
    inbox::{Messages, Questions},
};
use crate::{
    mapping::Outgoing,
    proto::{StreamRequest, StreamResponse},
    tutorial,
};

/// Answers framed before they are handed to h2 at once, at most: tonic's own yield threshold.
const BATCH: usize = 32 * 1024;

/// Writes an answer as its message's bytes.
type Encode<T> = Arc<dyn Fn(&T, &mut BytesMut) + Send + Sync>;

/// How a path's conversations open.
#[derive(Clone)]
enum Opening {
    Tutorial(Encode<StreamResponse>),
    Bridged(Route, Encode<Outgoing>),
}

/// The conversation routes served directly, by path.
#[derive(Clone)]
pub(super) struct Direct {
    service: Arc<Service>,
    paths: Arc<HashMap<String, Opening>>,
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<&String> = self.paths.keys().collect();
        f.debug_struct("Direct")
            .field("paths", &paths)
            .finish_non_exhaustive()
    }
}

impl Direct {
    /// The tutorial's method.
    pub(super) fn tutorial(service: Arc<Service>) -> Direct {
        let encode: Encode<StreamResponse> = Arc::new(|answer, into| {
            // Cannot fail: a BytesMut grows as it is written.
            let _ = answer.encode(into);
        });
        let path = format!("/{}", tutorial::METHOD);
        Direct {
            service,
            paths: Arc::new(HashMap::from([(path, Opening::Tutorial(encode))])),
        }
    }

    /// Each bridged method of `routes` that is bidirectional.
    pub(super) fn bridged(service: Arc<Service>, routes: &[Route]) -> Direct {
        let conversations = routes.iter().filter(|route| route.is_conversation());
        let paths = conversations.map(|route| {
            let encoder = route.clone();
            let encode: Encode<Outgoing> = Arc::new(move |answer, into| {
                encoder.encode(answer, into);
            });
            (route.path(), Opening::Bridged(route.clone(), encode))
        });
        Direct {
            service,
            paths: Arc::new(paths.collect()),
        }
    }

    /// Whether this serves the call: a path of its own, questions not compressed, answers not
    /// to be.
    pub(super) fn takes(&self, parts: &http::request::Parts) -> bool {
        let identity = match parts.headers.get("grpc-encoding") {
            None => true,
            Some(encoding) => encoding == "identity",
        };
        let compress = self.service.config.compress_answers;
        identity && !compress && self.paths.contains_key(parts.uri.path())
    }

    /// The call's response: its answers as they come, or its refusal.
    pub(super) fn converse(
        &self,
        parts: http::request::Parts,
        questions: Questions,
    ) -> http::Response<Body> {
        let opening = self.paths.get(parts.uri.path()).cloned();
        let metadata = MetadataMap::from_headers(parts.headers);
        let head = Head::new(metadata, parts.extensions);
        let config = &self.service.config;
        let opened = check_token(
            config.token.as_ref(),
            head.metadata(),
            head.peer(),
            config.metrics.as_deref(),
        )
        .and_then(|()| {
            let messages = Messages::new(questions, config.max_message_size);
            match opening {
                Some(opening) => self.open(opening, head, messages),
                None => Err(Status::internal("no direct route for this path")),
            }
        });
        opened.unwrap_or_else(|status| status.into_http())
    }

    fn open(
        &self,
        opening: Opening,
        head: Head,
        messages: Messages,
    ) -> Result<http::Response<Body>, Status> {
        match opening {
            Opening::Tutorial(encode) => {
                let wire = self
                    .service
                    .converse_tutorial(head, questions_of(messages))?;
                Ok(answering(wire, encode))
            }
            Opening::Bridged(route, encode) => {
                let reader = route.clone();
                let requests = messages.map(move |message| reader.lines(&message?));
                Ok(answering(route.open_with(head, requests)?, encode))
            }
        }
    }
}

/// The response that carries a conversation's answers.
fn answering<T: Send + 'static>(wire: Wire<T>, encode: Encode<T>) -> http::Response<Body> {
    let mut response = http::Response::new(Body::new(Answers::new(wire, encode)));
    (response.headers_mut()).insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/grpc"),
    );
    response
}

/// The question in each message, as tonic's decoder would have read it.
fn questions_of(messages: Messages) -> impl Stream<Item = Result<String, Status>> + Send {
    messages.map(|message| {
        let message = message?;
        let StreamRequest { question } =
            StreamRequest::decode(message).map_err(|err| Status::internal(err.to_string()))?;
        Ok(question)
    })
}

/// A conversation's answers as an HTTP body: each answer a gRPC message, those ready at once in
/// one frame, then the status as trailers.
struct Answers<T> {
    wire: Wire<T>,
    encode: Encode<T>,
    /// The status, once the answers have ended, until it is sent; boxed, as most of a
    /// conversation's life is spent without it.
    trailers: Option<Box<HeaderMap>>,
    ended: bool,
}

impl<T> Answers<T> {
    fn new(wire: Wire<T>, encode: Encode<T>) -> Answers<T> {
        Answers {
            wire,
            encode,
            trailers: None,
            ended: false,
        }
    }
}

impl<T> http_body::Body for Answers<T> {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        let mut framed = BytesMut::new();
        while this.trailers.is_none() && framed.len() < BATCH {
            let polled = this.wire.poll_next_unpin(cx);
            if polled.is_pending() && !framed.is_empty() {
                break;
            }
            match ready!(polled) {
                Some(Ok(answer)) => frame(&answer, &this.encode, &mut framed),
                Some(Err(status)) => this.trailers = Some(trailers(status)),
                None => this.trailers = Some(trailers(Status::ok(""))),
            }
        }
        if !framed.is_empty() {
            return Poll::Ready(Some(Ok(Frame::data(framed.freeze()))));
        }
        this.ended = true;
        Poll::Ready(
            this.trailers
                .take()
                .map(|trailers| Ok(Frame::trailers(*trailers))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }
}

/// The status as trailers, boxed: a body keeps them until its end.
pub(super) fn trailers(status: Status) -> Box<HeaderMap> {
    Box::new(crate::protocols::status::trailers(status))
}

/// `answer` as a gRPC message: not compressed, its length, its bytes. The length is written
/// once the bytes are, so that no encoder need know it first.
fn frame<T>(answer: &T, encode: &Encode<T>, into: &mut BytesMut) {
    let start = into.len();
    into.put_slice(&[0; 5]);
    encode(answer, into);
    // Answers were held to the message limit, far below 4 GiB, when they were shaped.
    let len = (into.len() - start - 5) as u32;
    into[start + 1..start + 5].copy_from_slice(&len.to_be_bytes());
}
