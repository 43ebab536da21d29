//! `grpc-convo bench`: a load generator for any server of `proto.Stream/Conversations`, the way
//! ghz and `nats bench` measure theirs. C conversations over K HTTP/2 connections send questions
//! (a fixed number each, or for a while), pipelined or lockstep, optionally at a fixed total rate;
//! the latency of each question, from its sending (or, at a fixed rate, from when it was due, so
//! that a stalled server cannot hide) to its answer, goes into an HDR histogram.

mod html;
mod intervals;
mod load;

use std::{
    collections::BTreeMap,
    future::Future,
    io::IsTerminal,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use futures_util::{FutureExt, Stream, stream};
use hdrhistogram::Histogram;
use serde_json::json;
use tokio::{sync::mpsc, time::Instant};
use tokio_util::sync::CancellationToken;
use tonic::{Code, Request, transport::Channel};

use intervals::{Point, Ticker, Window};
pub use load::{Joining, Load};

use crate::{
    client::{CallSetup, ConnectConfig, connect},
    error::{code_name, lock},
    lockstep::Lockstep,
    proto::{StreamRequest, stream_client::StreamClient},
    server::Echo,
    signals::Signal,
};

/// How long each conversation goes on.
#[derive(Clone, Copy, Debug)]
pub enum Length {
    Questions(u64),
    Duration(Duration),
}

#[derive(Clone, Debug)]
pub struct BenchConfig {
    pub connect: ConnectConfig,
    /// The token and message limits of each conversation.
    pub call: CallSetup,
    pub conversations: usize,
    pub connections: usize,
    pub length: Length,
    /// Each question waits for the previous answer.
    pub lockstep: bool,
    /// Bytes in each question.
    pub payload: usize,
    /// Questions per second over all conversations, on a schedule.
    pub rate: Option<Load>,
    /// When conversations join the run, if not all at once.
    pub joining: Option<Joining>,
    /// Verify each answer is the echo server's answer to its question.
    pub check: bool,
    /// Print a line of figures on stderr for each interval this long.
    pub interval: Option<Duration>,
}

/// What a run measured.
#[derive(Debug)]
pub struct Report {
    config: BenchConfig,
    sent: u64,
    answers: u64,
    /// Conversations that ended with a non-OK status, by code.
    errors: BTreeMap<&'static str, u64>,
    mismatches: u64,
    wall: Duration,
    /// Nanoseconds from sending (or being due) to the answer.
    latency: Histogram<u64>,
    /// The signal that cut the run short.
    pub interrupted: Option<Signal>,
    /// `--interval`'s figures, one point per interval.
    series: Vec<Point>,
}

/// Samples a conversation keeps before adding them to the shared histogram under its lock.
const LOCAL_SAMPLES: usize = 1024;

/// Runs the load until every conversation is over, or `interrupt` comes: then the conversations
/// stop where they are and the report covers what was measured until then.
pub async fn run(
    config: BenchConfig,
    interrupt: impl Future<Output = Signal>,
) -> anyhow::Result<Report> {
    let mut channels = Vec::with_capacity(config.connections);
    for _ in 0..config.connections {
        channels.push(connect(&config.connect).await?.0);
    }
    let shared = Arc::new(Shared {
        latency: Mutex::new(
            Histogram::new_with_bounds(1, 3_600_000_000_000, 3).context("latency histogram")?,
        ),
        answers: AtomicU64::new(0),
        started: Instant::now(),
        window: config.interval.map(Window::new),
    });
    // Interval lines take the progress bar's place.
    let (progress, ticker) = match config.interval {
        Some(every) => (None, Some(Ticker::start(every, shared.clone()))),
        None => (Some(Progress::start(&config, shared.clone())), None),
    };
    let stop = CancellationToken::new();
    let conversations = (0..config.conversations).map(|n| {
        let channel = channels[n % channels.len()].clone();
        let (config, shared, stop) = (config.clone(), shared.clone(), stop.clone());
        tokio::spawn(async move { converse(channel, n, &config, &shared, stop).await })
    });
    let mut all = futures_util::future::join_all(conversations);
    let (outcomes, interrupted) = tokio::select! {
        outcomes = &mut all => (outcomes, None),
        signal = interrupt => {
            stop.cancel();
            (all.await, Some(signal))
        }
    };
    let wall = shared.started.elapsed();
    if let Some(progress) = progress {
        progress.finish();
    }
    let series = ticker.map(Ticker::finish).unwrap_or_default();
    let latency = std::mem::replace(&mut *lock(&shared.latency), Histogram::new(1)?);
    let outcomes: Result<Vec<_>, _> = outcomes.into_iter().collect();
    let outcomes = outcomes.context("a conversation task failed")?;
    Ok(Report::new(
        config,
        outcomes,
        wall,
        latency,
        interrupted,
        series,
    ))
}

impl Report {
    fn new(
        config: BenchConfig,
        outcomes: Vec<Outcome>,
        wall: Duration,
        latency: Histogram<u64>,
        interrupted: Option<Signal>,
        series: Vec<Point>,
    ) -> Report {
        let mut report = Report {
            latency,
            config,
            sent: 0,
            answers: 0,
            errors: BTreeMap::new(),
            mismatches: 0,
            wall,
            interrupted,
            series,
        };
        for outcome in outcomes {
            report.sent += outcome.sent;
            report.answers += outcome.answers;
            report.mismatches += outcome.mismatches;
            if let Some(code) = outcome.error {
                *report.errors.entry(code_name(code)).or_default() += 1;
            }
        }
        report
    }
}

struct Shared {
    latency: Mutex<Histogram<u64>>,
    /// For the progress bar and the intervals.
    answers: AtomicU64,
    started: Instant,
    /// With `--interval`: the figures of the interval going on.
    window: Option<Window>,
}

#[derive(Default)]
struct Outcome {
    sent: u64,
    answers: u64,
    mismatches: u64,
    error: Option<Code>,
}

/// The text of question `i` of conversation `n`, `payload` bytes long (or its number alone when
/// that does not fit).
fn question(n: usize, i: u64, payload: usize) -> String {
    let mut text = format!("{n}.{i}");
    if text.len() < payload {
        text.extend(std::iter::repeat_n('.', payload - text.len()));
    }
    text
}

/// One conversation of the run, from its first question to its status.
async fn converse(
    channel: Channel,
    n: usize,
    config: &BenchConfig,
    shared: &Shared,
    stop: CancellationToken,
) -> Outcome {
    if let Some(joining) = config.joining {
        let opens = shared.started + joining.opens(n);
        // A conversation due to join after the run's end never opens.
        if matches!(config.length, Length::Duration(d) if opens >= shared.started + d) {
            return Outcome::default();
        }
        tokio::time::sleep_until(opens).await;
    }
    let lockstep = Arc::new(Lockstep::new(config.lockstep));
    let sent = Arc::new(AtomicU64::new(0));
    // When each question went out (or was due), for the answer that comes back in its place.
    let (stamps, mut sent_at) = mpsc::unbounded_channel::<Instant>();
    let plan = Plan::new(n, config, shared.started);
    let questions = questions(plan, lockstep.clone(), sent.clone(), stamps);
    let request = config.call.request(questions);
    let mut listener = Listener {
        n,
        config,
        shared,
        lockstep: &lockstep,
        samples: Vec::with_capacity(LOCAL_SAMPLES),
        interval: 0,
        answers: 0,
        mismatches: 0,
    };
    if let Some(window) = &shared.window {
        window.open.fetch_add(1, Ordering::Relaxed);
    }
    let ended = listener.listen(config.call.client(channel), request, &mut sent_at);
    // An interrupted conversation is cut short, not failed.
    let ended = stop.run_until_cancelled(ended).await.unwrap_or(Ok(()));
    listener.hand_over();
    if let Some(window) = &shared.window {
        window.open.fetch_sub(1, Ordering::Relaxed);
        window
            .errors
            .fetch_add(ended.is_err().into(), Ordering::Relaxed);
    }
    Outcome {
        sent: sent.load(Ordering::Relaxed),
        answers: listener.answers,
        mismatches: listener.mismatches,
        error: ended.err().map(|status| status.code()),
    }
}

/// When the questions of one conversation go out.
#[derive(Clone, Copy)]
struct Plan {
    n: usize,
    length: Length,
    payload: usize,
    started: Instant,
    /// With a rate: the run's schedule, and how many conversations share it.
    schedule: Option<(Load, usize)>,
}

impl Plan {
    fn new(n: usize, config: &BenchConfig, started: Instant) -> Plan {
        Plan {
            n,
            length: config.length,
            payload: config.payload,
            started,
            schedule: config.rate.map(|load| (load, config.conversations)),
        }
    }

    /// Waits until question `i` is due and returns the time its latency counts from; `None`
    /// when the conversation has sent all it will.
    async fn due(&self, i: u64) -> Option<Instant> {
        let more = match self.length {
            Length::Questions(count) => i < count,
            Length::Duration(duration) => self.started.elapsed() < duration,
        };
        if !more {
            return None;
        }
        let Some((load, conversations)) = self.schedule else {
            return Some(Instant::now());
        };
        // This conversation takes every C-th ticket of the run, from its own number.
        let ticket = self.n as f64 + i as f64 * conversations as f64;
        let due = self.started + load.due(ticket);
        // A question due after the run's end is never sent, but the conversation lasts the
        // run all the same.
        if let Length::Duration(duration) = self.length
            && due >= self.started + duration
        {
            tokio::time::sleep_until(self.started + duration).await;
            return None;
        }
        tokio::time::sleep_until(due).await;
        Some(due)
    }
}

/// The questions of one conversation, each sent on its turn and time, its stamp to `stamps`.
fn questions(
    plan: Plan,
    lockstep: Arc<Lockstep>,
    sent: Arc<AtomicU64>,
    stamps: mpsc::UnboundedSender<Instant>,
) -> impl Stream<Item = StreamRequest> + Send + 'static {
    stream::unfold(0u64, move |i| {
        let (lockstep, sent, stamps) = (lockstep.clone(), sent.clone(), stamps.clone());
        async move {
            lockstep.take_turn().await;
            let stamp = plan.due(i).await?;
            let _ = stamps.send(stamp);
            sent.fetch_add(1, Ordering::Relaxed);
            let question = question(plan.n, i, plan.payload);
            Some((StreamRequest { question }, i + 1))
        }
    })
}

/// The receiving side of one conversation: latency samples, counts and checks.
struct Listener<'a> {
    n: usize,
    config: &'a BenchConfig,
    shared: &'a Shared,
    lockstep: &'a Lockstep,
    samples: Vec<u64>,
    /// The interval the samples belong to (with `--interval`).
    interval: u64,
    answers: u64,
    mismatches: u64,
}

impl Listener<'_> {
    async fn listen(
        &mut self,
        mut client: StreamClient<Channel>,
        request: Request<impl Stream<Item = StreamRequest> + Send + 'static>,
        sent_at: &mut mpsc::UnboundedReceiver<Instant>,
    ) -> Result<(), tonic::Status> {
        let mut answers = client.conversations(request).await?.into_inner();
        loop {
            let next = match answers.message().now_or_never() {
                Some(next) => next?,
                None => {
                    // Idle: an interval that ends now must have this conversation's samples.
                    if self.shared.window.is_some() {
                        self.hand_over();
                    }
                    answers.message().await?
                }
            };
            let Some(response) = next else {
                break;
            };
            if let Ok(stamp) = sent_at.try_recv() {
                let latency = Instant::now().saturating_duration_since(stamp);
                self.sample(latency);
            }
            let asked = question(self.n, self.answers, self.config.payload);
            if self.config.check && response.answer != Echo::answer(self.answers + 1, &asked) {
                self.mismatches += 1;
            }
            self.answers += 1;
            self.shared.answers.fetch_add(1, Ordering::Relaxed);
            self.lockstep.answered();
        }
        Ok(())
    }
}

impl Listener<'_> {
    /// Keeps one latency sample, handing the batch over when it is full or, with `--interval`,
    /// when the sample belongs to a later interval than the batch.
    fn sample(&mut self, latency: Duration) {
        if let Some(window) = &self.shared.window {
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

    fn hand_over(&mut self) {
        if let Some(window) = &self.shared.window {
            window.add(self.interval, &self.samples);
        }
        record(self.shared, &mut self.samples);
    }
}

fn record(shared: &Shared, samples: &mut Vec<u64>) {
    let mut latency = lock(&shared.latency);
    for &sample in samples.iter() {
        // Values past the histogram's hour are clamped rather than lost.
        latency.saturating_record(sample.max(1));
    }
    samples.clear();
}

/// A progress bar on stderr while the run goes on, when stderr is a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    fn start(config: &BenchConfig, shared: Arc<Shared>) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                ticker: None,
            };
        }
        let bar = match config.length {
            Length::Questions(count) => {
                let bar = indicatif::ProgressBar::new(count * config.conversations as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} answers, {per_sec}, eta {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            }
            Length::Duration(duration) => {
                let bar = indicatif::ProgressBar::new(duration.as_millis() as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{bar:40} {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            }
        };
        let by_time = matches!(config.length, Length::Duration(_));
        let ticking = bar.clone();
        let ticker = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                let answers = shared.answers.load(Ordering::Relaxed);
                if by_time {
                    ticking.set_position(shared.started.elapsed().as_millis() as u64);
                    ticking.set_message(format!("{answers} answers"));
                } else {
                    ticking.set_position(answers);
                }
            }
        });
        Progress {
            bar: Some(bar),
            ticker: Some(ticker),
        }
    }

    fn finish(self) {
        if let Some(ticker) = self.ticker {
            ticker.abort();
        }
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Report {
    pub fn failed(&self) -> bool {
        !self.errors.is_empty() || self.mismatches > 0
    }

    fn answers_per_second(&self) -> f64 {
        self.answers as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn percentile_us(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    fn length_text(&self) -> String {
        match self.config.length {
            Length::Questions(count) => format!("{count} questions each"),
            Length::Duration(duration) => format!("for {}", humantime::format_duration(duration)),
        }
    }

    fn mode_text(&self) -> String {
        let joining = self.config.joining.map(|joining| {
            format!(
                ", {} conversations at first, {} more every {}",
                joining.start,
                joining.step,
                humantime::format_duration(joining.every)
            )
        });
        let mode = match (self.config.lockstep, self.config.rate) {
            (true, _) => "lockstep".to_owned(),
            (false, Some(load)) => format!("pipelined at {load}"),
            (false, None) => "pipelined".to_owned(),
        };
        mode + &joining.unwrap_or_default()
    }

    pub fn text(&self) -> String {
        let config = &self.config;
        let (length, mode) = (self.length_text(), self.mode_text());
        let errors = if self.errors.is_empty() {
            "none".to_owned()
        } else {
            let by_code: Vec<_> = self
                .errors
                .iter()
                .map(|(code, n)| format!("{code} {n}"))
                .collect();
            by_code.join(", ")
        };
        let mut text = format!(
            "{} conversations over {} connection(s), {length}, {mode}, {}-byte questions\n\
             questions   {}\n\
             answers     {}\n\
             errors      {errors}\n",
            config.conversations, config.connections, config.payload, self.sent, self.answers,
        );
        if config.check {
            text.push_str(&format!("mismatches  {}\n", self.mismatches));
        }
        if let Some(signal) = self.interrupted {
            let name = signal.name();
            text.push_str(&format!(
                "interrupted {name}: the figures cover the run until then\n"
            ));
        }
        text.push_str(&format!(
            "wall time   {:.3} s\n\
             answers/s   {:.0}\n\
             latency     p50 {:.1} µs   p90 {:.1} µs   p99 {:.1} µs   p99.9 {:.1} µs   max {:.1} µs\n",
            self.wall.as_secs_f64(),
            self.answers_per_second(),
            self.percentile_us(0.5),
            self.percentile_us(0.9),
            self.percentile_us(0.99),
            self.percentile_us(0.999),
            self.latency.max() as f64 / 1000.0,
        ));
        if !self.series.is_empty() {
            text.push_str("intervals\n");
            for point in &self.series {
                text.push_str(&point.line());
                text.push('\n');
            }
        }
        text
    }

    pub fn json(&self) -> String {
        let config = &self.config;
        json!({
            "conversations": config.conversations,
            "connections": config.connections,
            "questions_per_conversation": match config.length {
                Length::Questions(count) => Some(count),
                Length::Duration(_) => None,
            },
            "duration_s": match config.length {
                Length::Questions(_) => None,
                Length::Duration(duration) => Some(duration.as_secs_f64()),
            },
            "lockstep": config.lockstep,
            "rate": match config.rate {
                Some(Load::Constant(rate)) => Some(rate),
                _ => None,
            },
            "rate_schedule": config.rate.filter(|load| !matches!(load, Load::Constant(_)))
                .map(|load| load.to_string()),
            "conversations_joining": config.joining.map(|joining| json!({
                "start": joining.start,
                "step": joining.step,
                "every_s": joining.every.as_secs_f64(),
            })),
            "payload": config.payload,
            "questions": self.sent,
            "answers": self.answers,
            "errors": self.errors,
            "mismatches": config.check.then_some(self.mismatches),
            "interrupted": self.interrupted.map(Signal::name),
            "intervals": self.series,
            "wall_s": self.wall.as_secs_f64(),
            "answers_per_s": self.answers_per_second(),
            "latency_us": {
                "p50": self.percentile_us(0.5),
                "p90": self.percentile_us(0.9),
                "p99": self.percentile_us(0.99),
                "p99_9": self.percentile_us(0.999),
                "max": self.latency.max() as f64 / 1000.0,
            },
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_have_the_payload_size_unless_their_number_is_longer() {
        assert_eq!(question(3, 7, 10), "3.7.......");
        assert_eq!(question(12, 345, 2), "12.345");
    }
}
