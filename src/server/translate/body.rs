//! A body translated as it streams: each chunk of data, and then its end (with its trailers,
//! if it had some), becomes the bytes the other protocol expects.

use std::{
    pin::Pin,
    task::{Context, Poll, ready},
};

use bytes::Bytes;
use http_body::Frame;
use tokio::time::{Instant, Sleep};
use tonic::{Status, body::Body, codegen::http::HeaderMap};

use crate::server::direct::trailers;

/// How one body is translated.
pub(super) trait Translate: Send + Unpin + 'static {
    /// What a chunk of data becomes (possibly nothing yet).
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status>;
    /// What the end becomes: the last bytes, after the body's trailers if it had them.
    fn end(&mut self, trailers: Option<HeaderMap>) -> Result<Vec<u8>, Status>;
}

/// `inner`, translated; ended with DEADLINE_EXCEEDED at its deadline, if it has one.
pub(super) struct Translated<T> {
    inner: Body,
    translate: T,
    trailers: Option<HeaderMap>,
    ended: bool,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<T: Translate> Translated<T> {
    pub(super) fn body(inner: Body, translate: T) -> Body {
        Translated::until(inner, translate, None)
    }

    pub(super) fn until(inner: Body, translate: T, deadline: Option<Instant>) -> Body {
        Body::new(Translated {
            inner,
            translate,
            trailers: None,
            ended: false,
            deadline: deadline.map(|at| Box::pin(tokio::time::sleep_until(at))),
        })
    }
}

impl<T> Translated<T> {
    fn deadline_passed(&mut self, cx: &mut Context<'_>) -> bool {
        let timer = self.deadline.as_mut();
        timer.is_some_and(|timer| timer.as_mut().poll(cx).is_ready())
    }
}

impl<T: Translate> http_body::Body for Translated<T> {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = &mut *self;
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            let out = if this.deadline_passed(cx) {
                this.ended = true;
                let passed = Status::deadline_exceeded(DEADLINE_PASSED);
                this.translate.end(Some(*trailers(passed)))
            } else {
                match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                    Some(Ok(frame)) => match frame.into_data() {
                        Ok(data) => this.translate.data(&data),
                        Err(frame) => {
                            this.trailers = frame.into_trailers().ok();
                            continue;
                        }
                    },
                    Some(Err(status)) => Err(status),
                    None => {
                        this.ended = true;
                        this.translate.end(this.trailers.take())
                    }
                }
            };
            match out {
                Ok(out) if out.is_empty() => continue,
                Ok(out) => return Poll::Ready(Some(Ok(Frame::data(out.into())))),
                Err(status) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(status)));
                }
            }
        }
    }
}

/// What a side call over HTTP/1.1 is told at its deadline, which no exchange watches for it.
pub(super) const DEADLINE_PASSED: &str = "the call passed its deadline";
