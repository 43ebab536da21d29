//! Latency samples of one slot, kept in a batch and added to the run's histogram under its lock
//! a batch at a time; with `--interval`, each batch holds one interval's samples, so that the
//! interval they came in counts them.

use std::{sync::Mutex, time::Duration};

use hdrhistogram::Histogram;

use super::{Live, Shared, intervals::Window};
use crate::error::lock;

/// Samples a slot keeps before adding them to the shared histogram.
const LOCAL_SAMPLES: usize = 1024;

pub(super) struct Recorder<'a> {
    shared: &'a Shared,
    histogram: &'a Mutex<Histogram<u64>>,
    /// With `--interval`, for the recorder whose samples are the run's answers.
    window: Option<&'a Window>,
    samples: Vec<u64>,
    /// The interval the samples belong to.
    interval: u64,
    /// With `--metrics-listen`, for the recorder of the report's main latency.
    live: Option<&'a Live>,
}

/// Whether a recorder's samples are the run's answers, which `--interval` counts, or another
/// timing of them (a server stream's time to each response beside its time to the first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Counted {
    AsAnswers,
    Not,
}

impl<'a> Recorder<'a> {
    /// Samples for `histogram`, which the intervals count when each sample is one answer of the
    /// run.
    pub(super) fn new(
        shared: &'a Shared,
        histogram: &'a Mutex<Histogram<u64>>,
        counted: Counted,
    ) -> Recorder<'a> {
        Recorder {
            shared,
            histogram,
            window: shared
                .window
                .as_ref()
                .filter(|_| counted == Counted::AsAnswers),
            samples: Vec::new(),
            interval: 0,
            live: (shared.live.as_deref()).filter(|_| std::ptr::eq(histogram, &shared.latency)),
        }
    }

    /// Keeps one latency sample, handing the batch over when it is full or when the sample
    /// belongs to a later interval than the batch.
    pub(super) fn sample(&mut self, latency: Duration) {
        if let Some(window) = self.window {
            let interval = window.index(self.shared.started.elapsed());
            if interval != self.interval && !self.samples.is_empty() {
                self.hand_over();
            }
            self.interval = interval;
        }
        self.samples.push(latency.as_nanos() as u64);
        if self.samples.len() == LOCAL_SAMPLES {
            self.hand_over();
        }
    }

    pub(super) fn hand_over(&mut self) {
        if self.samples.is_empty() {
            return;
        }
        if let Some(window) = self.window {
            window.add(self.interval, &self.samples);
        }
        if let Some(live) = self.live {
            live.latencies(&self.samples);
        }
        let mut histogram = lock(self.histogram);
        for &sample in &self.samples {
            // Values past the histogram's hour are clamped rather than lost.
            histogram.saturating_record(sample.max(1));
        }
        self.samples.clear();
    }
}
