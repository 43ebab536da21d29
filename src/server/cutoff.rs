//! What ends a call from outside its service, on every route: the client's deadline, the end of
//! the drain's grace, and idleness; and the seats of the calls that are not conversations.
//!
//! A conversation's own answer stream (`conversation::Wire`) ends it with a status at its deadline
//! or the drain's end, but only while it is polled; an answer waiting for the client's window is
//! not, so the exchange polls a `Cutoff` then and resets the stream (RST_STREAM CANCEL, which is
//! all that can still reach a client that grants no window). Health, reflection and any path
//! not served ("side calls") have no stream of ours around them: for them the cutoff is polled
//! for the whole call, with an idle limit on a request that stays open and silent, and each takes
//! a seat among `--max-side-calls`.

use std::{
    pin::Pin,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    sync::{OwnedSemaphorePermit, Semaphore},
    time::{Instant, Sleep},
};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::{Code, Status, codegen::http::HeaderMap};

use super::meter::{Metrics, Refusal};
use crate::{error::lock, refusals::Refusals};

/// Which calls are conversations.
#[derive(Debug)]
pub(super) enum Conversations {
    /// Those of these paths (`/pkg.Service/Method`).
    Paths(Vec<String>),
    /// Every call: a proxy's, whose paths are its clients' to choose.
    Every,
}

/// The rules every call of one server is held to.
#[derive(Debug)]
pub(super) struct CallRules {
    pub(super) stop: Stop,
    /// `--idle-timeout`: a conversation stalled both ways (no question, no window) this long.
    pub(super) idle_timeout: Option<Duration>,
    /// `--side-call-idle`: a side call's open request silent this long, or its answer stalled.
    pub(super) side_idle: Duration,
    pub(super) side_seats: Arc<Semaphore>,
    pub(super) max_side_calls: u32,
    /// Which calls are conversations; every other is a side call.
    pub(super) conversations: Conversations,
    pub(super) refused: Mutex<Refusals>,
    pub(super) metrics: Option<Arc<Metrics>>,
}

impl CallRules {
    pub(super) fn is_conversation(&self, path: &str) -> bool {
        match &self.conversations {
            Conversations::Paths(paths) => paths.iter().any(|served| served == path),
            Conversations::Every => true,
        }
    }

    /// A side call of `path` refused for want of a seat, counted as its route would have.
    pub(super) fn refused_side_call(&self, path: &str) {
        if let Some(metrics) = &self.metrics {
            metrics.refused(Refusal::SideCalls);
            let stats = metrics.method(path);
            stats.started.inc();
            stats.handled(Code::ResourceExhausted, Duration::ZERO);
        }
    }

    /// A seat among `--max-side-calls`, or the RESOURCE_EXHAUSTED that refuses the call.
    pub(super) fn side_seat(&self) -> Result<OwnedSemaphorePermit, Status> {
        self.side_seats.clone().try_acquire_owned().map_err(|_| {
            let why = format!(
                "server busy: {} health, reflection and other calls in progress (--max-side-calls)",
                self.max_side_calls
            );
            lock(&self.refused).note(&format!("side call refused: {why}"));
            Status::resource_exhausted(why)
        })
    }
}

/// Why a call was cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    Deadline,
    Drain,
    Idle(Duration),
}

impl Why {
    pub(super) fn code(self) -> Code {
        match self {
            Why::Deadline | Why::Idle(_) => Code::DeadlineExceeded,
            Why::Drain => Code::Unavailable,
        }
    }
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Deadline => write!(f, "its deadline (grpc-timeout) passed"),
            Why::Drain => write!(f, "the drain's grace is over"),
            Why::Idle(limit) => write!(f, "idle for {}", humantime::format_duration(*limit)),
        }
    }
}

/// What the exchange tells a conversation: its deadline, read once from `grpc-timeout`, and why
/// the exchange cut it, if it did, for its closing line.
#[derive(Clone, Debug)]
pub(super) struct Cut {
    why: Arc<OnceLock<Why>>,
    pub(super) deadline: Option<Instant>,
}

impl Cut {
    pub(super) fn why(&self) -> Option<Why> {
        self.why.get().copied()
    }
}

/// What the request has done so far, as the cutoff needs it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Arrivals {
    /// When the last of its bytes arrived (or the call began).
    pub(super) last: Instant,
    pub(super) ended: bool,
}

/// One call's cutoff. Its timers are made only when first waited on: a conversation whose
/// answers flow never makes one.
pub(super) struct Cutoff {
    /// A side call: polled for the whole call, not only while an answer waits for window.
    pub(super) side: bool,
    deadline: Option<Instant>,
    idle: Option<Duration>,
    stop: Stop,
    cut: Option<Cut>,
    timer: Option<Pin<Box<Sleep>>>,
    stopped: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
}

impl Cutoff {
    pub(super) fn new(headers: &HeaderMap, rules: &CallRules, side: bool) -> Cutoff {
        let timeout = headers.get("grpc-timeout").and_then(|v| v.to_str().ok());
        let deadline = (timeout.and_then(crate::net::parse_grpc_timeout))
            .map(|timeout| Instant::now() + timeout);
        Cutoff {
            side,
            deadline,
            idle: if side {
                Some(rules.side_idle)
            } else {
                rules.idle_timeout
            },
            stop: rules.stop.clone(),
            cut: (!side).then(|| Cut {
                why: Arc::default(),
                deadline,
            }),
            timer: None,
            stopped: None,
        }
    }

    /// When the client's deadline passes, if it gave one.
    pub(super) fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Where a conversation's closing line learns that it was cut (`None` for side calls).
    pub(super) fn cut(&self) -> Option<Cut> {
        self.cut.clone()
    }

    /// Whether the request's arrivals must be timed.
    pub(super) fn times_arrivals(&self) -> bool {
        self.idle.is_some()
    }

    /// Ready with the reason once the call must end. `waiting_since`: when its answer began to
    /// wait for window, if it is waiting.
    pub(super) fn poll_cut(
        &mut self,
        cx: &mut Context<'_>,
        arrivals: Arrivals,
        waiting_since: Option<Instant>,
    ) -> Poll<Why> {
        loop {
            let (why, next) = self.due(arrivals, waiting_since);
            if let Some(why) = why {
                if let Some(cut) = &self.cut {
                    let _ = cut.why.set(why);
                }
                return Poll::Ready(why);
            }
            let stop = &self.stop;
            let stopped = (self.stopped).get_or_insert_with(|| Box::pin(stop.cancelled()));
            if stopped.as_mut().poll(cx).is_ready() {
                continue;
            }
            let Some(at) = next else {
                return Poll::Pending;
            };
            let timer = (self.timer).get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
            if timer.deadline() != at {
                timer.as_mut().reset(at);
            }
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
    }

    /// The reason to cut now, if any, and else when to look again.
    fn due(
        &self,
        arrivals: Arrivals,
        waiting_since: Option<Instant>,
    ) -> (Option<Why>, Option<Instant>) {
        if self.stop.is_set() {
            return (Some(Why::Drain), None);
        }
        let idle_at = self.idle.and_then(|limit| {
            let since = match waiting_since {
                Some(since) => arrivals.last.max(since),
                None if self.side && !arrivals.ended => arrivals.last,
                None => return None,
            };
            Some((since + limit, limit))
        });
        let now = Instant::now();
        if self.deadline.is_some_and(|at| now >= at) {
            return (Some(Why::Deadline), None);
        }
        match idle_at {
            Some((at, limit)) if now >= at => (Some(Why::Idle(limit)), None),
            Some((at, _)) => (None, Some(self.deadline.map_or(at, |d| d.min(at)))),
            None => (None, self.deadline),
        }
    }
}

/// Tells every conversation that the drain's grace is over. `CancellationToken::is_cancelled`
/// takes a mutex that all conversations share; checked per answer, that lock was the server's
/// hottest function (9% of its time, by perf), so the per-answer check reads a flag instead.
#[derive(Clone, Debug, Default)]
pub(super) struct Stop {
    flag: Arc<AtomicBool>,
    /// Wakes conversations that are waiting for their next answer.
    token: CancellationToken,
}

impl Stop {
    pub(super) fn set(&self) {
        self.flag.store(true, Ordering::Release);
        self.token.cancel();
    }

    pub(super) fn is_set(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Done once the grace is over.
    pub(super) fn cancelled(&self) -> WaitForCancellationFutureOwned {
        self.token.clone().cancelled_owned()
    }
}
