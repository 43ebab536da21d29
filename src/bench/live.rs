//! `bench --metrics-listen`: the run's counts and latency histogram as Prometheus scrapes them
//! while it goes on (ghz users asked for figures during a run; k6 streams them), counted where
//! the report's are, so that a scrape after the run equals the report: the same counts, and
//! buckets that agree with the report's HDR histogram within its precision.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering::Relaxed},
    },
    time::Duration,
};

use tokio::sync::Notify;
use tonic::Code;

use crate::{
    error::lock,
    metrics::{CODES, Counter, Exposition, Histogram, Kind, Source},
};

#[derive(Debug, Default)]
pub struct Live {
    /// Each slot's questions sent, as the slot counts them.
    sent: Mutex<Vec<Arc<AtomicU64>>>,
    pub(super) answers: Counter,
    pub(super) calls: Counter,
    errors: [Counter; 17],
    pub(super) mismatches: Counter,
    pub(super) unpaired: Counter,
    pub(super) latency: Histogram,
    ended: AtomicBool,
    /// Told when a scrape after the run has been written out.
    scraped_after: Notify,
}

impl Live {
    pub(super) fn slot_started(&self, sent: Arc<AtomicU64>) {
        lock(&self.sent).push(sent);
    }

    pub(super) fn failed(&self, code: Code) {
        self.errors[code as usize].inc();
    }

    /// Latency samples in nanoseconds, as the report's histogram takes them.
    pub(super) fn latencies(&self, nanos: &[u64]) {
        for &sample in nanos {
            self.latency.observe(Duration::from_nanos(sample.max(1)));
        }
    }

    /// The run is over: the figures are final.
    pub fn end(&self) {
        self.ended.store(true, Relaxed);
    }

    /// Waits until a scrape has taken the final figures (it may have already), `linger` at
    /// most.
    pub async fn linger(&self, linger: Duration) {
        let _ = tokio::time::timeout(linger, self.scraped_after.notified()).await;
    }
}

impl Source for Live {
    fn render(&self, out: &mut Exposition) {
        let sent: u64 = lock(&self.sent).iter().map(|sent| sent.load(Relaxed)).sum();
        let counts = [
            (
                "grpc_convo_bench_questions_total",
                "Questions (requests) sent.",
                sent,
            ),
            (
                "grpc_convo_bench_answers_total",
                "Answers (responses) received.",
                self.answers.get(),
            ),
            (
                "grpc_convo_bench_calls_total",
                "Calls ended, well or not (every kind but bidirectional).",
                self.calls.get(),
            ),
            (
                "grpc_convo_bench_mismatches_total",
                "Answers that did not check (--check).",
                self.mismatches.get(),
            ),
            (
                "grpc_convo_bench_unpaired_total",
                "Conversations whose answers did not pair with their questions.",
                self.unpaired.get(),
            ),
        ];
        for (name, help, count) in counts {
            out.family(name, Kind::Counter, help);
            out.sample(name, &[], count);
        }
        let name = "grpc_convo_bench_errors_total";
        out.family(
            name,
            Kind::Counter,
            "Conversations or calls that failed, by status code.",
        );
        for (code, count) in CODES.iter().zip(&self.errors).skip(1) {
            out.sample(name, &[("grpc_code", code)], count.get());
        }
        let name = "grpc_convo_bench_latency_seconds";
        out.family(
            name,
            Kind::Histogram,
            "The report's latency: per answer, per call, or to a call's first response.",
        );
        out.histogram(name, &[], &self.latency);
        let name = "grpc_convo_bench_running";
        out.family(
            name,
            Kind::Gauge,
            "1 while the run goes on, 0 once it is over.",
        );
        let ended = self.ended.load(Relaxed);
        out.sample(name, &[], u8::from(!ended));
    }

    fn is_final(&self) -> bool {
        self.ended.load(Relaxed)
    }

    fn final_served(&self) {
        self.scraped_after.notify_one();
    }
}
