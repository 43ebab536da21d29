//! A call's request body, taken off h2 as it arrives: the inbox keeps it packed, and the
//! client's window is given back only as the call reads it (see `exchange.rs` for why). Read as
//! an HTTP body by tonic's routes, or as gRPC messages by the conversations served directly.

use std::{
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard},
    task::{Context, Poll, Waker},
};

use bytes::{Buf, Bytes, BytesMut};
use h2::{FlowControl, RecvStream};
use http_body::Frame;
use tokio::time::Instant;
use tonic::Status;

use super::cutoff::Arrivals;
use crate::flow;

/// The most tonic is handed at once, so that what it holds undecoded and what the inbox holds
/// are not both a full window. Smaller costs CPU in tonic's decoder (8 KiB: a third more serve
/// CPU time on `seq 1000000 | ask` than 64 KiB), larger costs memory per stalled conversation.
const HANDOUT: usize = 16 * 1024;

/// Questions that arrived and were not read yet, packed.
#[derive(Clone)]
pub(super) struct Inbox(Arc<Mutex<Received>>);

struct Received {
    bytes: BytesMut,
    /// How the request ended, once it has: `None` for its end, or the stream's error.
    end: Option<Option<h2::Error>>,
    /// Whether it has ended, kept after `end` is taken.
    ended: bool,
    reader: Option<Waker>,
    /// When the last bytes arrived, where the cutoff needs it (`None`: not timed).
    last: Option<Instant>,
}

impl Inbox {
    pub(super) fn new(timed: bool) -> Inbox {
        Inbox(Arc::new(Mutex::new(Received {
            bytes: BytesMut::new(),
            end: None,
            ended: false,
            reader: None,
            last: timed.then(Instant::now),
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Received> {
        // Nothing panics while holding it; a poisoned lock still holds whole bytes.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn arrivals(&self) -> Arrivals {
        let received = self.lock();
        Arrivals {
            last: received.last.unwrap_or_else(Instant::now),
            ended: received.ended,
        }
    }

    /// Ends the request for whoever still reads it, once its call's task is done: a reader that
    /// outlives the task (a proxy's upstream call) is told of a reset, not left waiting.
    pub(super) fn abandoned(&self) -> Abandoned {
        Abandoned(self.clone())
    }

    /// Takes every frame as it arrives, until the request ends; the client can send no more
    /// than its window, which only the reader gives back.
    pub(super) async fn fill(&self, recv: &mut RecvStream) {
        loop {
            let next = recv.data().await;
            let mut received = self.lock();
            let more = match next {
                Some(Ok(data)) => {
                    received.bytes.extend_from_slice(&data);
                    if let Some(last) = &mut received.last {
                        *last = Instant::now();
                    }
                    true
                }
                Some(Err(err)) => {
                    received.end = Some(Some(err));
                    false
                }
                None => {
                    received.end = Some(None);
                    false
                }
            };
            received.ended |= !more;
            if let Some(reader) = received.reader.take() {
                reader.wake();
            }
            if !more {
                return;
            }
        }
    }
}

/// Ends an inbox's request with a reset when dropped, unless it has ended already.
pub(super) struct Abandoned(Inbox);

impl Drop for Abandoned {
    fn drop(&mut self) {
        let mut received = self.0.lock();
        if received.ended {
            return;
        }
        received.ended = true;
        received.end = Some(Some(h2::Error::from(h2::Reason::CANCEL)));
        if let Some(reader) = received.reader.take() {
            reader.wake();
        }
    }
}

/// The request body tonic reads: the inbox's bytes, the window given back as they are read.
pub(super) struct Questions {
    inbox: Inbox,
    flow: FlowControl,
    ended: bool,
}

impl Questions {
    pub(super) fn new(inbox: Inbox, flow: FlowControl) -> Questions {
        Questions {
            inbox,
            flow,
            ended: false,
        }
    }
}

impl http_body::Body for Questions {
    type Data = Bytes;
    type Error = h2::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, h2::Error>>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        let mut received = this.inbox.lock();
        if !received.bytes.is_empty() {
            let n = received.bytes.len().min(HANDOUT);
            let data = received.bytes.split_to(n).freeze();
            // Fails only once the stream is gone, which the next poll reports.
            let _ = this.flow.release_capacity(n);
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        match received.end.take() {
            Some(end) => {
                this.ended = true;
                Poll::Ready(end.map(Err))
            }
            None => {
                received.reader = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }
}

/// The request's gRPC messages, read straight from the inbox, uncompressed (a call with
/// `grpc-encoding` goes to tonic's routes). The window is given back as a message is taken, and
/// for a message still arriving as its bytes come, so that one larger than the window can arrive
/// at all; at most one message is held beyond what the client's window allows.
pub(super) struct Messages {
    questions: Questions,
    limit: usize,
    /// Bytes of the first message in the inbox already counted as read.
    given: usize,
    /// Bytes read and not given back to the client's window yet: given back in batches, since
    /// each release takes h2's connection-wide lock (15% of serve's time was spent waiting for
    /// it under grpc-go's 1000 x 200 load), and always before the reader waits.
    owed: usize,
}

/// Bytes read before the window is given back, at most: a quarter of serve's stream window.
const GIVE_BACK_AT: usize = flow::SERVE_STREAM_WINDOW as usize / 4;

/// A gRPC message's prefix: the compressed flag, then the length.
const PREFIX: usize = 5;

impl Messages {
    pub(super) fn new(questions: Questions, limit: usize) -> Messages {
        Messages {
            questions,
            limit,
            given: 0,
            owed: 0,
        }
    }

    /// Gives back the window for the first `n` bytes of the inbox, less what was given already.
    fn give_back(&mut self, n: usize) {
        if n > self.given {
            self.owed += n - self.given;
            self.given = n;
        }
        if self.owed >= GIVE_BACK_AT {
            self.settle();
        }
    }

    /// Gives back all that is owed.
    fn settle(&mut self) {
        if self.owed > 0 {
            // Fails only once the stream is gone, which the next poll reports.
            let _ = self.questions.flow.release_capacity(self.owed);
            self.owed = 0;
        }
    }

    /// The length of the first message, once its prefix is in, if the prefix is sound; the
    /// statuses are tonic's, so that a call reads the same whichever way it is served.
    fn first_length(&self, bytes: &[u8]) -> Option<Result<usize, Status>> {
        let prefix: [u8; PREFIX] = bytes.get(..PREFIX)?.try_into().ok()?;
        let len = u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
        Some(match prefix[0] {
            0 if len > self.limit => Err(Status::out_of_range(format!(
                "Error, decoded message length too large: found {len} bytes, the limit is: {} \
                 bytes",
                self.limit
            ))),
            0 => Ok(len),
            1 => Err(Status::internal(
                "protocol error: received message with compressed-flag but no grpc-encoding was \
                 specified",
            )),
            flag => Err(Status::internal(format!(
                "protocol error: received message with invalid compression flag: {flag} (valid \
                 flags are 0 and 1), while sending request"
            ))),
        })
    }
}

impl futures_util::Stream for Messages {
    type Item = Result<Bytes, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.questions.ended {
            return Poll::Ready(None);
        }
        let inbox = this.questions.inbox.clone();
        let mut received = inbox.lock();
        let whole = match this.first_length(&received.bytes) {
            Some(Err(status)) => {
                this.questions.ended = true;
                return Poll::Ready(Some(Err(status)));
            }
            Some(Ok(len)) if received.bytes.len() >= PREFIX + len => Some(PREFIX + len),
            _ => None,
        };
        if let Some(n) = whole {
            this.give_back(n);
            this.given = 0;
            let mut message = received.bytes.split_to(n);
            message.advance(PREFIX);
            return Poll::Ready(Some(Ok(message.freeze())));
        }
        let held = received.bytes.len();
        this.give_back(held);
        match received.end.take() {
            Some(end) => {
                this.questions.ended = true;
                Poll::Ready(match (end, held) {
                    (Some(err), _) => Some(Err(Status::from_error(Box::new(err)))),
                    (None, 0) => None,
                    (None, _) => Some(Err(Status::internal("Unexpected EOF decoding stream."))),
                })
            }
            None => {
                received.reader = Some(cx.waker().clone());
                this.settle();
                Poll::Pending
            }
        }
    }
}
