//! Figures for operators, in Prometheus's text exposition: the counters, gauges and histograms
//! that serve, web, proxy and bench count where their events already are, and the listener that
//! hands them to a scraper (`--metrics-listen`). Nothing here knows what is counted.
//!
//! Counting must never become the bottleneck: a message's count is one relaxed add on a stripe
//! of its own thread (`Tally`), so that conversations on every core do not fight over one cache
//! line; rarer events (a call's end, a refusal) use a plain atomic.

mod exposition;
mod listen;

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};

pub use exposition::{Exposition, Kind};
pub use listen::{Source, start};

/// grpc-go's names of the status codes, by number, as go-grpc-middleware's `grpc_code` label
/// has them (and so Grafana's stock dashboards).
pub const CODES: [&str; 17] = [
    "OK",
    "Canceled",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "Unauthenticated",
];

/// A counter for rare events.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }
}

/// A value that goes up and down (connections open).
#[derive(Debug, Default)]
pub struct Gauge(AtomicI64);

impl Gauge {
    pub fn inc(&self) {
        self.0.fetch_add(1, Relaxed);
    }

    pub fn dec(&self) {
        self.0.fetch_sub(1, Relaxed);
    }

    pub fn set(&self, value: i64) {
        self.0.store(value, Relaxed);
    }

    pub fn get(&self) -> i64 {
        self.0.load(Relaxed)
    }
}

/// Stripes of a `Tally`: more than the cores of most machines that run serve; threads beyond
/// share them.
const STRIPES: usize = 8;

/// A cache line of its own, so that two stripes never share one.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Stripe(AtomicU64);

/// A counter for events as frequent as messages: each thread adds to its own stripe.
#[derive(Debug, Default)]
pub struct Tally([Stripe; STRIPES]);

thread_local! {
    static STRIPE: usize = {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        NEXT.fetch_add(1, Relaxed) % STRIPES
    };
}

impl Tally {
    pub fn inc(&self) {
        self.add(1);
    }

    pub fn add(&self, n: u64) {
        let stripe = STRIPE.with(|stripe| *stripe);
        self.0[stripe].0.fetch_add(n, Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.iter().map(|stripe| stripe.0.load(Relaxed)).sum()
    }
}

/// Bucket bounds, in seconds, for how long a call or a round trip takes: from 100 µs (a
/// question answered on loopback) to an hour (a conversation held open), about three to a
/// decade, so that a quantile read from them is within one step of the truth.
pub const SECONDS: [f64; 21] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
];

/// A histogram of durations over [`SECONDS`]; each bucket holds its own count, summed as the
/// exposition needs them.
#[derive(Debug)]
pub struct Histogram {
    buckets: [AtomicU64; SECONDS.len() + 1],
    sum_nanos: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            sum_nanos: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    pub fn observe(&self, took: std::time::Duration) {
        let seconds = took.as_secs_f64();
        let bucket = SECONDS.partition_point(|&bound| bound < seconds);
        self.buckets[bucket].fetch_add(1, Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Relaxed);
    }

    /// The cumulative counts per bound (the last for +Inf), and the sum in seconds.
    pub fn snapshot(&self) -> (Vec<u64>, f64) {
        let mut total = 0;
        let counts = (self.buckets.iter())
            .map(|bucket| {
                total += bucket.load(Relaxed);
                total
            })
            .collect();
        (counts, self.sum_nanos.load(Relaxed) as f64 / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_duration_on_a_bound_falls_in_that_bound_s_bucket() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_millis(1));
        histogram.observe(Duration::from_micros(1001));
        histogram.observe(Duration::from_secs(7200));
        let (counts, sum) = histogram.snapshot();
        let le_1ms = SECONDS.iter().position(|&b| b == 0.001).unwrap();
        assert_eq!(counts[le_1ms], 1);
        assert_eq!(counts[le_1ms + 1], 2);
        assert_eq!(
            counts[SECONDS.len() - 1],
            2,
            "an hour holds all but two hours"
        );
        assert_eq!(counts[SECONDS.len()], 3);
        assert!((sum - 7200.002001).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn a_tally_sums_what_every_thread_added() {
        let tally = std::sync::Arc::new(Tally::default());
        let threads: Vec<_> = (0..12)
            .map(|_| {
                let tally = tally.clone();
                std::thread::spawn(move || (0..1000).for_each(|_| tally.inc()))
            })
            .collect();
        threads
            .into_iter()
            .for_each(|thread| thread.join().unwrap());
        assert_eq!(tally.get(), 12_000);
    }
}
