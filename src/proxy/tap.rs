//! A body passed through unchanged, frame by frame, while the messages in it are read off to
//! be printed and recorded. A frame goes on only once what it carried is noted, so that a
//! slow printer slows the call instead of piling notes up without bound.

use std::{
    pin::Pin,
    task::{Context, Poll, ready},
};

use bytes::{Buf, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use tokio::sync::oneshot;
use tokio_util::sync::PollSender;

use super::notes::{Call, Message, Note, Noted};
use crate::{
    protocols::compression::{Encoding, Unpacked, decompress},
    recording::Side,
};

/// gRPC messages out of the bytes of a body, however its frames cut them.
#[derive(Debug)]
pub(super) struct Deframer {
    pending: BytesMut,
    /// Bytes still to pass of a message too large to keep.
    skipping: usize,
    limit: usize,
    encoding: Encoding,
}

impl Deframer {
    pub(super) fn new(limit: usize, encoding: Encoding) -> Deframer {
        Deframer {
            pending: BytesMut::new(),
            skipping: 0,
            limit,
            encoding,
        }
    }

    /// Takes a chunk; every message it completes goes to `out`.
    pub(super) fn push(&mut self, mut chunk: &[u8], out: &mut Vec<Message>) {
        let skipped = self.skipping.min(chunk.len());
        self.skipping -= skipped;
        chunk = &chunk[skipped..];
        self.pending.extend_from_slice(chunk);
        while self.pending.len() >= 5 && self.skipping == 0 {
            let compressed = self.pending[0] & 1 == 1;
            let len = u32::from_be_bytes([
                self.pending[1],
                self.pending[2],
                self.pending[3],
                self.pending[4],
            ]) as usize;
            if len > self.limit {
                out.push(Message::TooLarge(len));
                let here = self.pending.len().min(5 + len);
                self.skipping = 5 + len - here;
                self.pending.advance(here);
                continue;
            }
            if self.pending.len() < 5 + len {
                break;
            }
            self.pending.advance(5);
            let bytes = self.pending.split_to(len).freeze();
            out.push(match compressed {
                false => Message::Whole(bytes),
                true => self.decompressed(&bytes),
            });
        }
    }

    fn decompressed(&self, bytes: &[u8]) -> Message {
        match decompress(self.encoding, bytes, self.limit) {
            Ok(out) => Message::Whole(out.into()),
            Err(Unpacked::TooLarge(_)) => Message::TooLarge(self.limit + 1),
            Err(err) => Message::Unreadable(err.to_string()),
        }
    }
}

/// A frame that waits for its notes to be taken: `item` is `None` for the body's end.
struct Held<E> {
    item: Option<Result<Frame<Bytes>, E>>,
    notes: Vec<Note>,
    /// For the answers' end: done once the call's recording is written, so that a client
    /// that has its status can read the recording.
    written: Option<oneshot::Receiver<()>>,
}

/// One side of a call, passed through and read.
pub(super) struct Tapped<B: Body> {
    inner: B,
    side: Side,
    deframer: Deframer,
    call: Call,
    notes: PollSender<Vec<Note>>,
    held: Option<Held<B::Error>>,
    /// Its end has been noted: dropping it says nothing more.
    finished: bool,
}

impl<B: Body<Data = Bytes>> Tapped<B> {
    pub(super) fn new(inner: B, side: Side, deframer: Deframer, call: Call) -> Tapped<B> {
        let notes = PollSender::new(call.notes().clone());
        Tapped {
            inner,
            side,
            deframer,
            call,
            notes,
            held: None,
            finished: false,
        }
    }

    /// What `item` says, for the notes; `end` when the body has said it has no more.
    fn noted(&mut self, item: &Option<Result<Frame<Bytes>, B::Error>>, end: bool) -> Vec<Noted> {
        let mut noted = Vec::new();
        match item {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    let mut messages = Vec::new();
                    self.deframer.push(data, &mut messages);
                    let side = self.side;
                    noted.extend(messages.into_iter().map(|m| Noted::Message(side, m)));
                }
                if let Some(trailers) = frame.trailers_ref() {
                    noted.push(Noted::Trailers(trailers.clone()));
                    self.finished = true;
                }
            }
            Some(Err(_)) => {
                noted.push(Noted::Broken(match self.side {
                    Side::Question => "the client's questions broke off",
                    Side::Answer => "the upstream's answers broke off",
                }));
                self.finished = true;
            }
            None => {}
        }
        if (item.is_none() || end) && !self.finished {
            self.finished = true;
            noted.push(match self.side {
                Side::Question => Noted::HalfClose,
                Side::Answer => Noted::NoTrailers,
            });
        }
        noted
    }
}

impl<B> Body for Tapped<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = &mut *self;
        if this.held.is_none() {
            let item = ready!(Pin::new(&mut this.inner).poll_frame(cx));
            let end = this.inner.is_end_stream();
            let noted = this.noted(&item, end);
            if noted.is_empty() {
                return Poll::Ready(item);
            }
            let mut notes: Vec<Note> = noted.into_iter().map(|what| this.call.note(what)).collect();
            let written = match (this.side, this.finished, notes.last_mut()) {
                (Side::Answer, true, Some(last)) => {
                    let (ack, written) = oneshot::channel();
                    last.ack = Some(ack);
                    Some(written)
                }
                _ => None,
            };
            this.held = Some(Held {
                item,
                notes,
                written,
            });
        }
        let Some(held) = this.held.as_mut() else {
            return Poll::Ready(None);
        };
        if !held.notes.is_empty() {
            // The printer gone (its output closed) is no reason to stop the call.
            match ready!(this.notes.poll_reserve(cx)) {
                Ok(()) => drop(this.notes.send_item(std::mem::take(&mut held.notes))),
                Err(_) => {
                    held.notes.clear();
                    held.written = None;
                }
            }
        }
        if let Some(written) = &mut held.written {
            let _ = ready!(Pin::new(written).poll(cx));
        }
        Poll::Ready(this.held.take().and_then(|held| held.item))
    }

    fn is_end_stream(&self) -> bool {
        self.held.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B: Body> Drop for Tapped<B> {
    fn drop(&mut self) {
        // Questions cut short are the call ending under them, which the answers say.
        if self.side == Side::Answer && !self.finished {
            self.call
                .ended_early("the client left before the call ended");
        }
    }
}
