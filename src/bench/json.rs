//! `-o json`: the report as one object, its keys as docs/bench.md lists them; microseconds in
//! the `_us` fields, whatever unit the text report chose.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

use super::{Length, Load, Report, intervals::Point, report::percentile_us};
use crate::{schema::CallKind, signals::Signal};

#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    settings: SettingsJson<'a>,
    #[serde(flatten)]
    figures: FiguresJson<'a>,
}

/// What the run was asked to do.
#[derive(Serialize)]
struct SettingsJson<'a> {
    method: &'a str,
    kind: String,
    latency_of: &'static str,
    conversations: usize,
    connections: usize,
    questions_per_conversation: Option<u64>,
    calls_per_slot: Option<u64>,
    questions_per_call: Option<u64>,
    duration_s: Option<f64>,
    lockstep: bool,
    rate: Option<f64>,
    rate_schedule: Option<String>,
    conversations_joining: Option<JoiningJson>,
    payload: Option<usize>,
    questions_from: Option<&'a str>,
    shards: Option<String>,
}

#[derive(Serialize)]
struct JoiningJson {
    start: usize,
    step: usize,
    every_s: f64,
}

/// What the run measured.
#[derive(Serialize)]
struct FiguresJson<'a> {
    questions: u64,
    answers: u64,
    calls: Option<u64>,
    errors: &'a BTreeMap<String, u64>,
    mismatches: Option<u64>,
    answers_per_question: Option<u64>,
    unpaired_conversations: Option<u64>,
    interrupted: Option<&'static str>,
    intervals: &'a [Point],
    wall_s: f64,
    answers_per_s: f64,
    calls_per_s: Option<f64>,
    latency_us: Percentiles,
    each_response_us: Option<Percentiles>,
    thresholds: Vec<ThresholdJson>,
}

/// A `--threshold` judged: `measured` in its unit (seconds, a fraction, a count, per second).
#[derive(Serialize)]
struct ThresholdJson {
    threshold: String,
    met: bool,
    measured: f64,
    measured_text: String,
}

#[derive(Serialize)]
struct Percentiles {
    p50: f64,
    p90: f64,
    p99: f64,
    p99_9: f64,
    max: f64,
}

impl Percentiles {
    fn of(histogram: &Histogram<u64>) -> Percentiles {
        Percentiles {
            p50: percentile_us(histogram, 0.5),
            p90: percentile_us(histogram, 0.9),
            p99: percentile_us(histogram, 0.99),
            p99_9: percentile_us(histogram, 0.999),
            max: histogram.max() as f64 / 1000.0,
        }
    }
}

impl Report {
    pub fn json(&self) -> String {
        let json = Json {
            settings: self.settings_json(),
            figures: self.figures_json(),
        };
        serde_json::to_string(&json).unwrap_or_default()
    }

    fn settings_json(&self) -> SettingsJson<'_> {
        let (config, kind) = (&self.settings, self.kind());
        let count = match config.length {
            Length::Count(count) => Some(count),
            Length::Duration(_) => None,
        };
        SettingsJson {
            method: &config.method,
            kind: kind.to_string(),
            latency_of: self.latency_of(),
            conversations: config.conversations,
            connections: config.connections,
            questions_per_conversation: count.filter(|_| kind == CallKind::Bidirectional),
            calls_per_slot: match kind {
                CallKind::Unary | CallKind::ServerStreaming => count,
                CallKind::ClientStreaming => count.map(|_| 1),
                CallKind::Bidirectional => None,
            },
            questions_per_call: (kind == CallKind::ClientStreaming).then_some(config.per_call),
            duration_s: match config.length {
                Length::Count(_) => None,
                Length::Duration(duration) => Some(duration.as_secs_f64()),
            },
            lockstep: config.lockstep,
            rate: match config.rate {
                Some(Load::Constant(rate)) => Some(rate),
                _ => None,
            },
            rate_schedule: (config.rate)
                .filter(|load| !matches!(load, Load::Constant(_)))
                .map(|load| load.describe(self.rate_unit())),
            conversations_joining: config.joining.map(|joining| JoiningJson {
                start: joining.start,
                step: joining.step,
                every_s: joining.every.as_secs_f64(),
            }),
            payload: config.payload,
            questions_from: config.questions_from.as_deref(),
            shards: self.shards_text().map(|(_, shards)| shards),
        }
    }

    fn figures_json(&self) -> FiguresJson<'_> {
        let (counts, measured) = (&self.counts, &self.measured);
        let conversations = self.kind() == CallKind::Bidirectional;
        let calls = !conversations;
        FiguresJson {
            questions: counts.questions,
            answers: counts.answers,
            calls: calls.then_some(counts.calls),
            errors: &counts.errors,
            mismatches: self.settings.check.then_some(counts.mismatches),
            answers_per_question: conversations.then_some(self.settings.answers_per_question),
            unpaired_conversations: conversations.then_some(counts.unpaired),
            interrupted: measured.interrupted.map(Signal::name),
            intervals: &measured.series,
            wall_s: measured.wall.as_secs_f64(),
            answers_per_s: self.per_second(counts.answers),
            calls_per_s: calls.then(|| self.per_second(counts.calls)),
            latency_us: Percentiles::of(&measured.latency),
            each_response_us: (self.kind() == CallKind::ServerStreaming)
                .then(|| Percentiles::of(&measured.each)),
            thresholds: (self.verdicts().into_iter())
                .map(|verdict| ThresholdJson {
                    threshold: verdict.threshold,
                    met: verdict.met,
                    measured: verdict.measured,
                    measured_text: verdict.measured_text,
                })
                .collect(),
        }
    }
}
