//! How a conversation is answered: a stream of questions in, a stream of answers out. The gRPC
//! service only wires responders to the wire, so every way of answering (echo, a bridged process,
//! a test double) is the same kind of thing and can be driven without a network.

mod echo;
mod exec;

use std::{any::Any, sync::Arc};

use futures_util::{future::BoxFuture, stream::BoxStream};
use tonic::{Status, metadata::MetadataMap};

pub use echo::Echo;
pub use exec::Exec;

/// The questions of one conversation, in order. An `Err` is the last item: the client broke the
/// conversation (a message over the limit, a reset stream).
pub type QuestionStream = BoxStream<'static, Result<String, Status>>;

/// The answers of one conversation. The stream ending is an OK status; an `Err` ends the
/// conversation with that status.
pub type AnswerStream = BoxStream<'static, Result<String, Status>>;

/// What a responder may know about the conversation it answers.
#[derive(Clone, Debug)]
pub struct Conversation {
    /// Unique within this server's life; it ties log lines together.
    pub id: u64,
    /// The client's address as text, `unknown` where the transport does not say.
    pub peer: String,
    /// The request metadata the client sent.
    pub metadata: MetadataMap,
    /// The method called, as `pkg.Service/Method`.
    pub method: String,
    /// The conversation's seat among `--max-conversations`: given back when the last clone is
    /// dropped, so a responder keeps one while anything it started for the conversation lives.
    pub hold: Hold,
}

/// Keeps a conversation's seat taken while it lives (`Default`: holds nothing, for tests).
#[derive(Clone, Default)]
pub struct Hold(Option<Arc<dyn Any + Send + Sync>>);

impl Hold {
    pub(crate) fn new(seat: impl Any + Send + Sync) -> Hold {
        Hold(Some(Arc::new(seat)))
    }
}

impl std::fmt::Debug for Hold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Hold(seat)"
        } else {
            "Hold(none)"
        })
    }
}

/// A way of answering conversations, and of ending whatever it starts for them.
pub trait Responder: Send + Sync + 'static {
    fn respond(&self, conversation: &Conversation, questions: QuestionStream) -> AnswerStream;

    /// Waits for what it started for conversations that have ended (a process being stopped):
    /// the server calls it once its drain is over, before it returns.
    fn finish(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }

    /// Stops at once whatever it started: a second signal cut the drain short.
    fn abort(&self) {}
}
