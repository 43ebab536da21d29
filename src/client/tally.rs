//! What the two directions of a conversation need to know of each other: counts for `--stats`,
//! the turn-taking of `--lockstep`, and when anything last moved, for `--idle-timeout`.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use crate::{figures::plural, lockstep::Lockstep};

pub(super) struct Tally {
    started: Instant,
    sent: AtomicU64,
    answered: AtomicU64,
    /// Microseconds from `started` to the last question sent or answer received, plus one; zero
    /// until the first question goes out. Kept only for `--idle-timeout`, as it reads the clock.
    last_moved: Option<AtomicU64>,
    turn: Lockstep,
}

/// Whether questions take turns with answers (`--lockstep`) or are pipelined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Turns {
    Pipelined,
    Lockstep,
}

/// Whether the tally keeps the time anything last moved, for `--idle-timeout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum IdleWatch {
    Off,
    On,
}

impl Tally {
    pub(super) fn new(turns: Turns, idle: IdleWatch) -> Self {
        Tally {
            started: Instant::now(),
            sent: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            last_moved: (idle == IdleWatch::On).then(|| AtomicU64::new(0)),
            turn: Lockstep::new(turns == Turns::Lockstep),
        }
    }

    /// Waits for the question's turn (in lockstep), then counts it as sent.
    pub(super) async fn before_sending(&self) {
        self.turn.take_turn().await;
        self.sent.fetch_add(1, Ordering::Relaxed);
        self.moved();
    }

    /// Counts an answer and returns how many have come.
    pub(super) fn answer_received(&self) -> u64 {
        self.turn.answered();
        self.moved();
        self.answered.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn moved(&self) {
        if let Some(last_moved) = &self.last_moved {
            let micros = self.started.elapsed().as_micros() as u64 + 1;
            last_moved.fetch_max(micros, Ordering::Relaxed);
        }
    }

    /// When the conversation last moved in either direction; `None` before the first question
    /// (or when idleness is not watched).
    pub(super) fn last_moved(&self) -> Option<Instant> {
        match self.last_moved.as_ref()?.load(Ordering::Relaxed) {
            0 => None,
            micros => Some(self.started + Duration::from_micros(micros - 1)),
        }
    }

    pub(super) fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    pub(super) fn summary(&self) -> String {
        let elapsed = self.started.elapsed();
        let answered = self.answered.load(Ordering::Relaxed);
        let rate = answered as f64 / elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} sent, {} received, {:.3}s, {rate:.0} answers/s",
            plural(self.sent.load(Ordering::Relaxed), "question"),
            plural(answered, "answer"),
            elapsed.as_secs_f64(),
        )
    }
}
