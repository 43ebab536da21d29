//! What the two directions of a conversation need to know of each other: counts for `--stats`,
//! the turn-taking of `--lockstep`, and when anything last moved, for `--idle-timeout`.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use crate::{figures::plural, lockstep::Lockstep};

pub(super) struct Tally {
    started: Instant,
    sent: Apart,
    answered: Apart,
    /// Microseconds from `started` to the last question sent or answer received, plus one; zero
    /// until the first question goes out. Kept only for `--idle-timeout`, as it reads the clock.
    last_moved: Option<AtomicU64>,
    turn: Lockstep,
}

/// A counter on a cache line of its own: the sending and the receiving threads each write one
/// per message, and sharing a line made each write wait for the other thread's (4% of ask's
/// time on `seq 1000000`, `perf record`).
#[repr(align(128))]
#[derive(Default)]
struct Apart(AtomicU64);

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
            sent: Apart::default(),
            answered: Apart::default(),
            last_moved: (idle == IdleWatch::On).then(|| AtomicU64::new(0)),
            turn: Lockstep::new(turns == Turns::Lockstep),
        }
    }

    /// Whether each question waits for the answer before it (`--lockstep`).
    pub(super) fn takes_turns(&self) -> bool {
        self.turn.is_on()
    }

    /// Waits for the question's turn (in lockstep), then counts it as sent.
    pub(super) async fn before_sending(&self) {
        self.turn.take_turn().await;
        self.sending();
    }

    /// Counts a question as sent.
    pub(super) fn sending(&self) {
        self.sent.0.fetch_add(1, Ordering::Relaxed);
        self.moved();
    }

    /// Counts an answer and returns how many have come.
    pub(super) fn answer_received(&self) -> u64 {
        self.turn.answered();
        self.moved();
        self.answered.0.fetch_add(1, Ordering::Relaxed) + 1
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
        self.answered.0.load(Ordering::Relaxed)
    }

    pub(super) fn summary(&self) -> String {
        let elapsed = self.started.elapsed();
        let answered = self.answered.0.load(Ordering::Relaxed);
        let rate = answered as f64 / elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} sent, {} received, {:.3}s, {rate:.0} answers/s",
            plural(self.sent.0.load(Ordering::Relaxed), "question"),
            plural(answered, "answer"),
            elapsed.as_secs_f64(),
        )
    }
}
