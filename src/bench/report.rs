//! What a run measured, as text, JSON (and HTML, in `html`), with the figures each kind of
//! method is measured by: answers for a conversation, calls for the others, responses for a
//! server stream, questions for a client stream.

use std::{
    collections::BTreeMap,
    time::{Duration, SystemTime},
};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::{
    Length, Shard, Threshold,
    intervals::Point,
    settings::Settings,
    slot::SlotCounts,
    threshold::{Figures, Verdict},
};
use crate::figures::{latency_text, plural};
use crate::{schema::CallKind, signals::Signal};

/// What a run measured.
#[derive(Debug)]
pub struct Report {
    pub(super) settings: Settings,
    /// Whose conversations the figures cover.
    pub(super) shards: Shards,
    pub(super) counts: Counts,
    pub(super) measured: Measured,
}

/// The run's time, histograms and series.
#[derive(Debug)]
pub(super) struct Measured {
    /// When the run started, by the wall clock.
    pub(super) started_at: SystemTime,
    pub(super) wall: Duration,
    /// Nanoseconds from sending (or being due) to the answer, the call's end, or its first
    /// response.
    pub(super) latency: Histogram<u64>,
    /// Server streaming: nanoseconds to each response.
    pub(super) each: Histogram<u64>,
    /// The signal that cut the run short.
    pub(super) interrupted: Option<Signal>,
    /// `--interval`'s figures, one point per interval.
    pub(super) series: Vec<Point>,
}

/// What a run counted.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Counts {
    /// Questions sent: requests, for the kinds that send one a call.
    pub(super) questions: u64,
    /// Answers received: responses, for every kind.
    pub(super) answers: u64,
    /// Calls that ended, well or not (every kind but bidirectional).
    pub(super) calls: u64,
    /// Conversations or calls that ended with a non-OK status, by code.
    pub(super) errors: BTreeMap<String, u64>,
    pub(super) mismatches: u64,
    /// Conversations whose answers did not pair with their questions, and the first one's
    /// questions and answers.
    pub(super) unpaired: u64,
    pub(super) first_unpaired: Option<(u64, u64)>,
}

impl Counts {
    /// What one slot counted.
    fn of(outcome: SlotCounts) -> Counts {
        Counts {
            questions: outcome.sent,
            answers: outcome.answers,
            calls: outcome.calls,
            errors: (outcome.errors.into_iter())
                .map(|(code, n)| (code.to_owned(), n))
                .collect(),
            mismatches: outcome.mismatches,
            unpaired: outcome.unpaired.is_some().into(),
            first_unpaired: outcome.unpaired,
        }
    }

    /// Adds `other`'s counts: the first unpaired conversation stays the first.
    pub(super) fn add(&mut self, other: &Counts) {
        self.questions += other.questions;
        self.answers += other.answers;
        self.calls += other.calls;
        self.mismatches += other.mismatches;
        self.unpaired += other.unpaired;
        self.first_unpaired = self.first_unpaired.or(other.first_unpaired);
        for (code, n) in &other.errors {
            *self.errors.entry(code.clone()).or_default() += n;
        }
    }
}

/// Whose conversations a report covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Shards {
    /// The whole run, in one process.
    Whole,
    /// One worker's shard.
    One(Shard),
    /// The shards merged, of `count`, and those missing.
    Merged { count: usize, missing: Vec<usize> },
}

/// Width of a label in the text report.
const LABEL: usize = 15;

impl Report {
    pub(super) fn new(
        settings: Settings,
        shards: Shards,
        outcomes: Vec<SlotCounts>,
        measured: Measured,
    ) -> Report {
        let mut counts = Counts::default();
        for outcome in outcomes {
            counts.add(&Counts::of(outcome));
        }
        Report {
            settings,
            shards,
            counts,
            measured,
        }
    }

    /// The signal that cut the run short.
    pub fn interrupted(&self) -> Option<Signal> {
        self.measured.interrupted
    }

    /// Each `--threshold` against the run.
    pub(super) fn verdicts(&self) -> Vec<Verdict> {
        let counts = &self.counts;
        let (rated, unit) = match self.kind() {
            CallKind::Bidirectional => (counts.answers, "answers/s"),
            CallKind::ClientStreaming => (counts.questions, "questions/s"),
            _ => (counts.calls, "calls/s"),
        };
        let figures = Figures {
            latency: &self.measured.latency,
            errors: counts.errors.values().sum(),
            of: match self.kind() {
                CallKind::Bidirectional => self.settings.conversations as u64,
                _ => counts.calls,
            },
            rate: (self.per_second(rated), unit),
            unpaired: counts.unpaired,
            mismatches: counts.mismatches,
        };
        let thresholds = &self.settings.thresholds;
        (thresholds.iter())
            .map(|threshold| threshold.against(&figures))
            .collect()
    }

    /// The thresholds the run missed, with what was measured, if any.
    pub fn missed(&self) -> Option<String> {
        let missed: Vec<String> = (self.verdicts().into_iter())
            .filter(|verdict| !verdict.met)
            .map(|verdict| format!("{} (measured {})", verdict.threshold, verdict.measured_text))
            .collect();
        (!missed.is_empty()).then(|| format!("missed --threshold {}", missed.join(", ")))
    }

    /// Why the run failed, if it did: a status, a wrong answer, answers that do not pair with
    /// their questions, or no answer at all, which measured nothing. Errors and unpaired
    /// conversations that a threshold judges are left to it.
    pub fn failure(&self) -> Option<String> {
        let thresholds = &self.settings.thresholds;
        let judged = |is: fn(&Threshold) -> bool| thresholds.iter().any(is);
        if let Some((questions, answers)) = self.counts.first_unpaired
            && !judged(Threshold::judges_unpaired)
        {
            let per = self.settings.answers_per_question;
            return Some(format!(
                "{} of {} did not get {} to each question (the first: {}, {}), so \
                 latency per question means nothing for this server; --answers-per-question N \
                 for a server that answers N lines each",
                self.counts.unpaired,
                plural(self.settings.conversations as u64, "conversation"),
                plural(per, "answer"),
                plural(questions, "question"),
                plural(answers, "answer"),
            ));
        }
        if (!self.counts.errors.is_empty() || self.counts.mismatches > 0)
            && !judged(Threshold::judges_errors)
        {
            return Some(
                "some conversations or calls failed, or answered wrongly (see the report)".into(),
            );
        }
        if self.counts.answers == 0 && self.measured.interrupted.is_none() {
            return Some("no answer came at all: nothing was measured".into());
        }
        None
    }

    pub(super) fn kind(&self) -> CallKind {
        self.settings.kind
    }

    pub(super) fn per_second(&self, count: u64) -> f64 {
        count as f64 / self.measured.wall.as_secs_f64().max(1e-9)
    }

    /// What the main latency histogram times.
    pub(super) fn latency_of(&self) -> &'static str {
        match self.kind() {
            CallKind::Bidirectional => {
                "each answer, from its question (answer k matched to question k)"
            }
            CallKind::Unary => "each call, from its request to its answer",
            CallKind::ClientStreaming => "each call, from its first question to its answer",
            CallKind::ServerStreaming => {
                "each call, from its request to its first response (and to each response)"
            }
        }
    }

    /// The name of the main latency, and of the server-streaming one to each response.
    pub(super) fn latency_names(&self) -> (&'static str, Option<&'static str>) {
        match self.kind() {
            CallKind::ServerStreaming => ("first response", Some("each response")),
            _ => ("latency", None),
        }
    }

    pub(super) fn length_text(&self) -> String {
        let setup = &self.settings;
        let duration = |d: Duration| format!("for {}", humantime::format_duration(d));
        match (self.kind(), setup.length) {
            (CallKind::ClientStreaming, Length::Count(n)) => {
                format!("one call of {} each", plural(n, "question"))
            }
            (CallKind::ClientStreaming, Length::Duration(d)) => {
                format!(
                    "calls of {} {}",
                    plural(setup.per_call, "question"),
                    duration(d)
                )
            }
            (CallKind::Bidirectional, Length::Count(n)) => {
                format!("{} each", plural(n, "question"))
            }
            (_, Length::Count(n)) => format!("{} each", plural(n, "call")),
            (_, Length::Duration(d)) => duration(d),
        }
    }

    pub(super) fn mode_text(&self) -> String {
        let config = &self.settings;
        let joining = config.joining.map(|joining| {
            format!(
                ", {} at first, {} more every {}",
                joining.start,
                joining.step,
                humantime::format_duration(joining.every)
            )
        });
        let mode = match (self.kind(), config.lockstep, config.rate) {
            (CallKind::Bidirectional, true, _) => "lockstep".to_owned(),
            (CallKind::Bidirectional, false, Some(load)) => {
                format!("pipelined at {}", load.describe(self.rate_unit()))
            }
            (CallKind::Bidirectional, false, None) => "pipelined".to_owned(),
            (_, _, Some(load)) => format!(
                "calls one after another, at {}",
                load.describe(self.rate_unit())
            ),
            (_, _, None) => "calls one after another".to_owned(),
        };
        mode + &joining.unwrap_or_default()
    }

    /// Which shards the figures cover, if not the whole run in one process.
    pub(super) fn shards_text(&self) -> Option<(&'static str, String)> {
        let slots = plural(self.settings.conversations as u64, self.slot_name());
        match &self.shards {
            Shards::Whole => None,
            Shards::One(shard) => Some((
                "shard",
                format!(
                    "{shard}: {}s {}, {}, ... of {slots}",
                    self.slot_name(),
                    shard.index,
                    shard.index + shard.count
                ),
            )),
            Shards::Merged { count, missing } if missing.is_empty() => {
                Some(("shards", format!("{count} of {count}, merged")))
            }
            Shards::Merged { count, missing } => {
                let missing: Vec<String> = missing.iter().map(|k| format!("{k}/{count}")).collect();
                Some((
                    "shards",
                    format!(
                        "{} of {count}, merged; missing {}",
                        count - missing.len(),
                        missing.join(", ")
                    ),
                ))
            }
        }
    }

    /// What a rate counts: questions, or calls for the kinds that send one question a call.
    pub(super) fn rate_unit(&self) -> &'static str {
        match self.kind() {
            CallKind::Unary | CallKind::ServerStreaming => "calls/s",
            _ => "questions/s",
        }
    }

    /// Who took part: conversations, or slots of calls (singular).
    pub(super) fn slot_name(&self) -> &'static str {
        match self.kind() {
            CallKind::Bidirectional => "conversation",
            _ => "slot",
        }
    }

    pub(super) fn questions_text(&self) -> String {
        self.settings.questions.clone()
    }

    /// The counts and rates of the run, by the figures its kind is measured by.
    pub(super) fn figures(&self) -> Vec<(&'static str, String)> {
        let wall = format!("{:.3} s", self.measured.wall.as_secs_f64());
        let rate = |count| format!("{:.0}", self.per_second(count));
        let mut rows = match self.kind() {
            CallKind::Bidirectional => vec![
                ("questions", self.counts.questions.to_string()),
                ("answers", self.counts.answers.to_string()),
            ],
            CallKind::Unary => vec![("calls", self.counts.calls.to_string())],
            CallKind::ClientStreaming => vec![
                ("calls", self.counts.calls.to_string()),
                ("questions", self.counts.questions.to_string()),
            ],
            CallKind::ServerStreaming => vec![
                ("calls", self.counts.calls.to_string()),
                ("responses", self.counts.answers.to_string()),
            ],
        };
        rows.push(("errors", self.errors_text()));
        if let Some((questions, answers)) = self.counts.first_unpaired {
            rows.push((
                "unpaired",
                format!(
                    "{} of {} (the first: {}, {})",
                    self.counts.unpaired,
                    plural(self.settings.conversations as u64, "conversation"),
                    plural(questions, "question"),
                    plural(answers, "answer"),
                ),
            ));
        }
        if self.settings.check {
            rows.push(("mismatches", self.counts.mismatches.to_string()));
        }
        rows.push(("wall time", wall));
        rows.extend(match self.kind() {
            CallKind::Bidirectional => vec![("answers/s", rate(self.counts.answers))],
            CallKind::Unary => vec![("calls/s", rate(self.counts.calls))],
            CallKind::ClientStreaming => vec![
                ("calls/s", rate(self.counts.calls)),
                ("questions/s", rate(self.counts.questions)),
            ],
            CallKind::ServerStreaming => vec![
                ("calls/s", rate(self.counts.calls)),
                ("responses/s", rate(self.counts.answers)),
            ],
        });
        rows
    }

    /// `none`, or each status with its count.
    fn errors_text(&self) -> String {
        let errors = &self.counts.errors;
        if errors.is_empty() {
            return "none".to_owned();
        }
        let by_code: Vec<_> = errors.iter().map(|(c, n)| format!("{c} {n}")).collect();
        by_code.join(", ")
    }

    pub fn text(&self) -> String {
        let config = &self.settings;
        let mut text = format!(
            "{} over {}, {}, {}, {}\n",
            plural(config.conversations as u64, self.slot_name()),
            plural(config.connections as u64, "connection"),
            self.length_text(),
            self.mode_text(),
            self.questions_text(),
        );
        let method = format!("{} ({})", config.method, self.kind());
        let mut line = |label: &str, value: &str| {
            text.push_str(&format!("{label:<LABEL$}{value}\n"));
        };
        line("method", &method);
        if let Some((label, shards)) = self.shards_text() {
            line(label, &shards);
        }
        line("latency of", self.latency_of());
        for (label, value) in self.figures() {
            line(label, &value);
        }
        if let Some(signal) = self.measured.interrupted {
            let name = signal.name();
            line(
                "interrupted",
                &format!("{name}: the figures cover the run until then"),
            );
        }
        let (main, each) = self.latency_names();
        line(main, &percentiles_text(&self.measured.latency));
        if let Some(each) = each {
            line(each, &percentiles_text(&self.measured.each));
        }
        let verdicts = self.verdicts();
        if !verdicts.is_empty() {
            text.push_str("thresholds\n");
        }
        for verdict in verdicts {
            let mark = if verdict.met { "met   " } else { "MISSED" };
            let threshold = &verdict.threshold;
            text.push_str(&format!(
                "  {threshold:<20} {mark} {}\n",
                verdict.measured_text
            ));
        }
        if !self.measured.series.is_empty() {
            text.push_str("intervals\n");
            for point in &self.measured.series {
                text.push_str(&point.line());
                text.push('\n');
            }
        }
        text
    }
}

/// Microseconds at quantile `q` of a histogram of nanoseconds.
pub(super) fn percentile_us(histogram: &Histogram<u64>, q: f64) -> f64 {
    histogram.value_at_quantile(q) as f64 / 1000.0
}

/// The percentiles the summaries show, with their names.
pub(super) const SHOWN: [(&str, f64); 4] =
    [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999)];

fn percentiles_text(histogram: &Histogram<u64>) -> String {
    let mut parts: Vec<String> = SHOWN
        .iter()
        .map(|(name, q)| format!("{name} {}", latency_text(percentile_us(histogram, *q))))
        .collect();
    parts.push(format!(
        "max {}",
        latency_text(histogram.max() as f64 / 1000.0)
    ));
    parts.join("   ")
}
