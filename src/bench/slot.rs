//! One conversation slot of a run at work: what it counts and measures, and the client its
//! calls go through.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use tonic::{Code, Status, client::Grpc};

use super::{Setup, Shared, plan::Plan, record::Recorder};
use crate::{
    error::{code_name, lost_connection},
    mapping::Outgoing,
    net::{Channel, ready},
};

/// What one slot did.
#[derive(Debug, Default)]
pub(super) struct SlotCounts {
    pub(super) sent: u64,
    pub(super) answers: u64,
    /// Calls that ended, well or not (every kind but bidirectional).
    pub(super) calls: u64,
    pub(super) mismatches: u64,
    /// A conversation that ended well with other than `--answers-per-question` answers to each
    /// question: its questions and answers.
    pub(super) unpaired: Option<(u64, u64)>,
    /// Conversations or calls that ended with a non-OK status, by code.
    pub(super) errors: BTreeMap<&'static str, u64>,
}

/// A slot at work: what it measures, and where.
pub(super) struct Slot<'a> {
    pub(super) n: usize,
    pub(super) setup: &'a Arc<Setup>,
    pub(super) shared: &'a Shared,
    pub(super) plan: Plan,
    /// Questions sent, counted where they go out (inside a call's request stream, for the
    /// streaming kinds).
    pub(super) sent: Arc<AtomicU64>,
    pub(super) outcome: SlotCounts,
    /// Latency per answer (bidirectional), per call, or to a call's first response.
    pub(super) latency: Recorder<'a>,
    /// Server streaming: to each response.
    pub(super) each: Recorder<'a>,
}

impl Slot<'_> {
    /// A conversation or call failed with `status`.
    pub(super) fn failed(&mut self, status: &Status) {
        // A connection failing under the call counts as UNAVAILABLE whichever error of it
        // surfaced first, as ask reports it.
        let code = match lost_connection(status) {
            true => Code::Unavailable,
            false => status.code(),
        };
        *self.outcome.errors.entry(code_name(code)).or_default() += 1;
        if let Some(live) = &self.shared.live {
            live.failed(code);
        }
        if let Some(window) = &self.shared.window {
            window.errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(super) fn answered(&mut self) {
        self.outcome.answers += 1;
        self.shared.answered();
    }

    /// A call is over, well or not.
    pub(super) fn called(&mut self, ended: Result<(), Status>) {
        self.outcome.calls += 1;
        self.shared.calls.fetch_add(1, Ordering::Relaxed);
        if let Some(live) = &self.shared.live {
            live.calls.inc();
        }
        if let Err(status) = ended {
            self.failed(&status);
        }
        // Intervals close on time only if the samples of the calls in them are in.
        if self.shared.window.is_some() {
            self.latency.hand_over();
            self.each.hand_over();
        }
    }

    /// Question `i` of this slot, counted as sent.
    pub(super) fn question(&self, i: u64) -> Outgoing {
        self.sent.fetch_add(1, Ordering::Relaxed);
        self.setup
            .questions
            .get(self.n, i, self.setup.config.conversations)
    }

    /// A client for the next call, once the connection can take it.
    pub(super) async fn grpc(&self, channel: &Channel) -> Result<Grpc<Channel>, Status> {
        ready(channel, &self.setup.config.call).await
    }
}
