//! What the calls through the proxy tell its observer (`observe.rs`): each note says which call
//! and when, in the order the proxy saw it.

use bytes::Bytes;
use tokio::{
    sync::{mpsc, oneshot},
    time::Instant,
};
use tonic::codegen::http::HeaderMap;

use crate::recording::{Metadata, Side};

/// A message read off a body.
#[derive(Debug)]
pub(super) enum Message {
    Whole(Bytes),
    /// Over `--max-message-size`: passed on, not kept.
    TooLarge(usize),
    Unreadable(String),
}

#[derive(Debug)]
pub(super) enum Noted {
    Began {
        connection: u64,
        method: String,
        metadata: Metadata,
        started: String,
    },
    Message(Side, Message),
    /// The response's headers; with a `grpc-status` in them, the whole response.
    Headers(HeaderMap),
    HalfClose,
    Trailers(HeaderMap),
    /// The answers ended with no trailers.
    NoTrailers,
    Broken(&'static str),
    /// Ended by the proxy itself, or by the client.
    Ended(tonic::Status),
}

#[derive(Debug)]
pub(super) struct Note {
    pub(super) call: u64,
    /// Since the call began.
    pub(super) ms: f64,
    pub(super) what: Noted,
    /// Dropped once the observer has done with the note (written the call's recording).
    pub(super) ack: Option<oneshot::Sender<()>>,
}

/// One call's way to its observer.
#[derive(Clone, Debug)]
pub(super) struct Call {
    id: u64,
    started: Instant,
    notes: mpsc::Sender<Vec<Note>>,
}

impl Call {
    pub(super) fn new(id: u64, notes: mpsc::Sender<Vec<Note>>) -> Call {
        Call {
            id,
            started: Instant::now(),
            notes,
        }
    }

    pub(super) fn note(&self, what: Noted) -> Note {
        let ms = self.started.elapsed().as_micros() as f64 / 1000.0;
        Note {
            call: self.id,
            ms,
            what,
            ack: None,
        }
    }

    pub(super) fn notes(&self) -> &mpsc::Sender<Vec<Note>> {
        &self.notes
    }

    /// Notes `what` once there is room; an observer gone is no reason to stop.
    pub(super) async fn tell(&self, what: Noted) {
        let _ = self.notes.send(vec![self.note(what)]).await;
    }

    /// Notes that the call ended without its status, from where nothing can wait for room.
    pub(super) fn ended_early(&self, why: &str) {
        let note = vec![self.note(Noted::Ended(tonic::Status::cancelled(why)))];
        if let Err(mpsc::error::TrySendError::Full(note)) = self.notes.try_send(note) {
            let notes = self.notes.clone();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                drop(runtime.spawn(async move { notes.send(note).await }));
            }
        }
    }
}
