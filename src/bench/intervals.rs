//! `--interval`: one line per interval on stderr while the run goes on (in place of the progress
//! bar), and the same figures, as a series, in the final report. Each latency sample belongs to
//! the interval its answer came in; conversations hand their samples over in batches of one
//! interval (whenever none of their answers is ready, or every 1024), and an interval is closed a
//! moment after it ends, so that the batches of its last answers are in.

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use hdrhistogram::Histogram;
use serde::Serialize;
use tokio_util::task::AbortOnDropHandle;

use super::{Shared, histogram};
use crate::error::lock;
use crate::figures::latency_text;

/// What one interval measured.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Point {
    /// Seconds from the start of the run to the end of the interval.
    pub(super) at_s: f64,
    /// How long the interval was (the last one may be shorter).
    pub(super) length_s: f64,
    pub(super) answers: u64,
    pub(super) answers_per_s: f64,
    p50_us: f64,
    pub(super) p99_us: f64,
    /// Conversations that ended with an error during the interval.
    pub(super) errors: u64,
    /// Conversations open at the interval's end.
    pub(super) open: u64,
    /// The latency of the interval's answers, for `--save`.
    #[serde(skip)]
    pub(super) latency: Option<Histogram<u64>>,
}

impl Point {
    /// An interval ending `at` from the run's start, `length` long, from its latency samples.
    pub(super) fn new(
        at: Duration,
        length: Duration,
        latency: Option<Histogram<u64>>,
        errors: u64,
        open: u64,
    ) -> Point {
        let answers = latency.as_ref().map_or(0, |h| h.len());
        let percentile = |q: f64| {
            latency
                .as_ref()
                .map_or(0.0, |h| h.value_at_quantile(q) as f64 / 1000.0)
        };
        Point {
            at_s: at.as_secs_f64(),
            length_s: length.as_secs_f64(),
            answers,
            answers_per_s: answers as f64 / length.as_secs_f64().max(1e-9),
            p50_us: percentile(0.5),
            p99_us: percentile(0.99),
            errors,
            open,
            latency,
        }
    }

    pub(super) fn line(&self) -> String {
        format!(
            "{:>8.1}s  answers/s {:>9.0}  p50 {:>10}  p99 {:>10}  errors {:>4}  open {}",
            self.at_s,
            self.answers_per_s,
            latency_text(self.p50_us),
            latency_text(self.p99_us),
            self.errors,
            self.open
        )
    }
}

/// The figures that conversations add to as they go, read at each interval's end.
#[derive(Debug)]
pub(super) struct Window {
    every: Duration,
    /// Latency by interval, from the first interval not yet closed.
    latency: Mutex<BTreeMap<u64, Histogram<u64>>>,
    pub(super) errors: AtomicU64,
    pub(super) open: AtomicU64,
}

impl Window {
    pub(super) fn new(every: Duration) -> Window {
        Window {
            every,
            latency: Mutex::new(BTreeMap::new()),
            errors: AtomicU64::new(0),
            open: AtomicU64::new(0),
        }
    }

    /// Which interval a moment `since` the start belongs to.
    pub(super) fn index(&self, since: Duration) -> u64 {
        (since.as_nanos() / self.every.as_nanos().max(1)) as u64
    }

    /// Adds the samples of interval `index`.
    pub(super) fn add(&self, index: u64, samples: &[u64]) {
        let mut latency = lock(&self.latency);
        let histogram = latency.entry(index).or_insert_with(histogram);
        for &sample in samples {
            histogram.saturating_record(sample.max(1));
        }
    }

    /// The latency of interval `index`, which is over; later samples of it are not counted.
    fn take(&self, index: u64) -> Option<Histogram<u64>> {
        let mut latency = lock(&self.latency);
        let taken = latency.remove(&index);
        latency.retain(|&other, _| other > index);
        taken
    }
}

/// The task that closes each interval, and where it has got to.
pub(super) struct Ticker {
    progress: Arc<Mutex<Closed>>,
    shared: Arc<Shared>,
    every: Duration,
    _task: AbortOnDropHandle<()>,
}

/// The intervals closed so far.
#[derive(Default)]
struct Closed {
    series: Vec<Point>,
}

/// How long after an interval's end it is closed: time for conversations to hand over the
/// samples of its last answers.
const SETTLE: Duration = Duration::from_millis(50);

impl Ticker {
    pub(super) fn start(every: Duration, shared: Arc<Shared>) -> Ticker {
        let progress = Arc::new(Mutex::new(Closed::default()));
        let task = {
            let (progress, shared) = (progress.clone(), shared.clone());
            tokio::spawn(async move {
                let settle = SETTLE.min(every / 4);
                let mut tick = tokio::time::interval_at(shared.started + every + settle, every);
                loop {
                    tick.tick().await;
                    let mut progress = lock(&progress);
                    let point = close(&shared, every, every, &mut progress);
                    eprintln!("{}", point.line());
                }
            })
        };
        Ticker {
            progress,
            shared,
            every,
            _task: AbortOnDropHandle::new(task),
        }
    }

    /// The series, with the interval the run ended in, as long as it lasted.
    pub(super) fn finish(self) -> Vec<Point> {
        let mut progress = lock(&self.progress);
        let closed = self.every * progress.series.len() as u32;
        let rest = self.shared.started.elapsed().saturating_sub(closed);
        if !rest.is_zero() && rest < self.every + SETTLE {
            let point = close(&self.shared, self.every, rest, &mut progress);
            eprintln!("{}", point.line());
        }
        std::mem::take(&mut progress.series)
    }
}

/// Closes the next interval, `length` long: its answers and their latency percentiles, the
/// conversations that failed in it, and those open.
fn close(shared: &Shared, every: Duration, length: Duration, progress: &mut Closed) -> Point {
    let window = shared.window.as_ref().expect("intervals run with a window");
    let index = progress.series.len() as u64;
    // Every answer is a latency sample, counted in the interval it came in.
    let point = Point::new(
        every * index as u32 + length,
        length,
        window.take(index),
        window.errors.swap(0, Ordering::Relaxed),
        window.open.load(Ordering::Relaxed),
    );
    progress.series.push(point.clone());
    point
}
