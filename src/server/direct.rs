//! The tutorial's conversations served straight from the call's inbox: questions parsed as they
//! are read, answers framed as they come, the status in the trailers, without tonic's per-call
//! service, decoder and encoder (1.5 KiB of each idle conversation, heaptrack). A call this does
//! not take (compressed questions, or serve compressing answers) goes to tonic's route, which
//! says the same things in the same words.

use std::{
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
    conversation::{Head, Service, Wire, check_token},
    inbox::{Messages, Questions},
};
use crate::{proto::StreamRequest, tutorial};

/// Answers framed before they are handed to h2 at once, at most: tonic's own yield threshold.
const BATCH: usize = 32 * 1024;

/// Serves the tutorial's method of a server that has no bridges.
#[derive(Clone)]
pub(super) struct Direct {
    service: Arc<Service>,
    path: Arc<str>,
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Direct")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Direct {
    pub(super) fn new(service: Arc<Service>) -> Direct {
        Direct {
            service,
            path: format!("/{}", tutorial::METHOD).into(),
        }
    }

    /// Whether this serves the call: the tutorial's path, questions not compressed, answers
    /// not to be.
    pub(super) fn takes(&self, parts: &http::request::Parts) -> bool {
        let identity = match parts.headers.get("grpc-encoding") {
            None => true,
            Some(encoding) => encoding == "identity",
        };
        parts.uri.path() == &*self.path && identity && !self.service.config.compress_answers
    }

    /// The call's response: its answers as they come, or its refusal.
    pub(super) fn converse(
        &self,
        parts: http::request::Parts,
        questions: Questions,
    ) -> http::Response<Body> {
        let metadata = MetadataMap::from_headers(parts.headers);
        let head = Head::new(metadata, parts.extensions);
        let config = &self.service.config;
        let opened =
            check_token(config.token.as_ref(), head.metadata(), head.peer()).and_then(|()| {
                let questions = questions_of(Messages::new(questions, config.max_message_size));
                self.service.converse_tutorial(head, questions)
            });
        match opened {
            Ok(wire) => {
                let mut response = http::Response::new(Body::new(Answers::new(wire)));
                (response.headers_mut()).insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/grpc"),
                );
                response
            }
            Err(status) => status.into_http(),
        }
    }
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
    /// The status, once the answers have ended, until it is sent; boxed, as most of a
    /// conversation's life is spent without it.
    trailers: Option<Box<HeaderMap>>,
    ended: bool,
}

impl<T> Answers<T> {
    fn new(wire: Wire<T>) -> Answers<T> {
        Answers {
            wire,
            trailers: None,
            ended: false,
        }
    }
}

impl<T: Message> http_body::Body for Answers<T> {
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
                Some(Ok(answer)) => frame(&answer, &mut framed),
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

/// The status as trailers: the headers tonic gives a status, less the content type.
fn trailers(status: Status) -> Box<HeaderMap> {
    let (mut head, ()) = status.into_http::<()>().into_parts();
    head.headers.remove(header::CONTENT_TYPE);
    Box::new(head.headers)
}

/// `message` as a gRPC message: not compressed, its length, its bytes.
fn frame(message: &impl Message, into: &mut BytesMut) {
    let len = message.encoded_len();
    into.reserve(5 + len);
    into.put_u8(0);
    // Answers were held to the message limit, which is far below 4 GiB, when they were shaped.
    into.put_u32(len as u32);
    // Cannot fail: the room was reserved.
    let _ = message.encode(into);
}
