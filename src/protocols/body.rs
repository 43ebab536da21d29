//! A body translated as it streams, from gRPC's framing to another protocol's or back: each chunk of data, and then its end (with its trailers,
//! if it had some), becomes the bytes the other protocol expects.

use std::{
    pin::Pin,
    task::{Context, Poll, ready},
};

use bytes::Bytes;
use http_body::Frame;
use tokio::time::{Instant, Sleep};
use tonic::{Status, body::Body, codegen::http::HeaderMap};

use super::DEADLINE_PASSED;

/// How one body is translated.
pub trait Translate: Send + Unpin + 'static {
    /// What a chunk of data becomes (possibly nothing yet).
    fn data(&mut self, data: &[u8]) -> Result<Vec<u8>, Status>;
    /// What the end becomes: the last bytes, after the body's trailers if it had them.
    fn end(&mut self, trailers: Option<HeaderMap>) -> Result<Vec<u8>, Status>;
    /// Trailers to send after the last bytes: gRPC's, from a protocol that carried them in its
    /// body. Asked for once the end is translated, until it says none.
    fn trailers(&mut self) -> Option<HeaderMap> {
        None
    }
}

/// `inner`, translated; ended with DEADLINE_EXCEEDED at its deadline, if it has one.
struct Translated<T> {
    inner: Body,
    translate: T,
    trailers: Option<HeaderMap>,
    ended: bool,
    deadline: Option<Pin<Box<Sleep>>>,
}

/// `inner`, translated by `translate`.
pub fn translated(inner: Body, translate: impl Translate) -> Body {
    translated_until(inner, translate, None)
}

/// `inner`, translated, and ended with DEADLINE_EXCEEDED at `deadline` if it is given.
pub fn translated_until(inner: Body, translate: impl Translate, deadline: Option<Instant>) -> Body {
    Body::new(Translated {
        inner,
        translate,
        trailers: None,
        ended: false,
        deadline: deadline.map(|at| Box::pin(tokio::time::sleep_until(at))),
    })
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
                let trailers = this.translate.trailers();
                return Poll::Ready(trailers.map(|trailers| Ok(Frame::trailers(trailers))));
            }
            let out = if this.deadline_passed(cx) {
                this.ended = true;
                this.translate.end(Some(deadline_passed()))
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

/// The trailers of a call ended at its deadline.
fn deadline_passed() -> HeaderMap {
    let mut trailers = HeaderMap::new();
    let code = (tonic::Code::DeadlineExceeded as i32).into();
    trailers.insert("grpc-status", code);
    let message = tonic::codegen::http::HeaderValue::from_static(DEADLINE_PASSED);
    trailers.insert("grpc-message", message);
    trailers
}
