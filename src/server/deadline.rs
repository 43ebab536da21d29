//! The deadline a client sends as `grpc-timeout` (read by `cutoff.rs`), which serve enforces on
//! the conversation.

use std::pin::Pin;

use tokio::time::{Instant, Sleep};

/// When the conversation must be over, and a timer that wakes it then.
pub(super) struct Deadline {
    pub(super) at: Instant,
    pub(super) timer: Pin<Box<Sleep>>,
}

impl Deadline {
    pub(super) fn at(at: Instant) -> Deadline {
        Deadline {
            at,
            timer: Box::pin(tokio::time::sleep_until(at)),
        }
    }
}
