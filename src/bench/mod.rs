//! `grpc-convo bench`: a load generator for any gRPC method, the way ghz and `nats bench` measure
//! theirs. C conversations (or, for methods that are not bidirectional, C slots that each make
//! their calls one after another) over K HTTP/2 connections send questions, a fixed number or
//! for a while, optionally at a total rate on a schedule. Latency counts from a question's sending
//! (or, at a rate, from when it was due, so that a stalled server cannot hide) into HDR
//! histograms: per answer for bidirectional streams, per call for the other kinds.

mod calls;
mod conversation;
mod html;
mod intervals;
mod json;
mod live;
mod load;
mod merge;
mod plan;
mod progress;
mod questions;
mod record;
mod report;
mod saved;
mod settings;
mod shard;
mod slot;
mod svg;
mod threshold;

use std::{
    path::PathBuf,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime},
};

use anyhow::Context as _;
use hdrhistogram::Histogram;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tonic::codegen::http::uri::PathAndQuery;

use intervals::{Ticker, Window};
pub use live::Live;
pub use load::{Joining, Load};
pub use merge::merge;
use plan::Plan;
use progress::Progress;
use questions::QuestionPool;
use record::{Counted, Recorder};
pub use report::Report;
use report::Shards;
pub use saved::save;
use settings::Settings;
pub use shard::Shard;
use slot::{Slot, SlotCounts};
pub use threshold::Threshold;

use crate::{
    client::{MethodArgs, Target, resolve, resolve_locally},
    codec::LineCodec,
    error::{Usage, lock},
    mapping::ToLine,
    net::Channel,
    net::{CallSetup, ConnectConfig, connect},
    schema::CallKind,
    signals::Signal,
    tutorial,
};

#[derive(Clone, Debug)]
pub struct BenchConfig {
    pub connect: ConnectConfig,
    /// The token and message limits of each call.
    pub call: CallSetup,
    /// The method, where its types come from, and how questions fill its requests.
    pub method: MethodArgs,
    /// Where the questions come from.
    pub source: QuestionSource,
    pub conversations: usize,
    pub connections: usize,
    /// `-n`, if given: its meaning depends on the method's kind.
    pub count: Option<u64>,
    /// How long each conversation or slot goes on, instead of `-n`.
    pub duration: Option<Duration>,
    /// Each question waits for the previous answer.
    pub lockstep: bool,
    /// Questions per second over all conversations, on a schedule.
    pub rate: Option<Load>,
    /// When conversations join the run, if not all at once.
    pub joining: Option<Joining>,
    /// Verify each answer is the echo server's answer to its question.
    pub check: bool,
    /// Bidirectional: the answers the server gives each question; a conversation that ends
    /// with any other count fails the run, its latencies being unpaired.
    pub answers_per_question: u64,
    /// Print a line of figures on stderr for each interval this long.
    pub interval: Option<Duration>,
    /// The command line, secrets left out, for the HTML report.
    pub command_line: String,
    /// Run only this shard of the conversations.
    pub shard: Option<Shard>,
    /// Start then, once connected.
    pub start_at: Option<SystemTime>,
    /// What the run must meet (`--threshold`).
    pub thresholds: Vec<Threshold>,
    /// Where the running figures are counted for `--metrics-listen`.
    pub live: Option<Arc<Live>>,
}

/// Where the questions come from.
#[derive(Clone, Debug)]
pub enum QuestionSource {
    /// Text made up for each question, this many bytes long.
    Generated { payload: usize },
    /// The lines of a file, cycled; with `json`, each is a whole request.
    File { path: PathBuf, json: bool },
}

/// `-n` when not given.
const DEFAULT_COUNT: u64 = 1000;

/// How long each conversation or slot goes on.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Length {
    /// This many questions (bidirectional, client streaming) or calls (the other kinds).
    Count(u64),
    Duration(Duration),
}

/// The run as the method's kind shapes it, once the method is known.
#[derive(Debug)]
struct Setup {
    config: BenchConfig,
    kind: CallKind,
    path: PathAndQuery,
    codec: LineCodec,
    questions: QuestionPool,
    /// Tickets of each slot: questions of a conversation, of a slot's calls (client streaming),
    /// or calls.
    length: Length,
    /// Client streaming: the questions of each call.
    per_call: u64,
}

impl Setup {
    fn new(config: BenchConfig, target: Target) -> anyhow::Result<Setup> {
        let kind = target.kind;
        let (length, per_call) = match (kind, config.count, config.duration) {
            (CallKind::ClientStreaming, count, None) => {
                let per_call = count.unwrap_or(DEFAULT_COUNT);
                (Length::Count(per_call), per_call)
            }
            (CallKind::ClientStreaming, count, Some(duration)) => {
                (Length::Duration(duration), count.unwrap_or(DEFAULT_COUNT))
            }
            (_, Some(_), Some(_)) => {
                return Err(Usage(format!(
                    "-n and --duration both say how long each {} goes on: give one (together \
                     they are for client-streaming methods, -n questions per call)",
                    if kind == CallKind::Bidirectional {
                        "conversation"
                    } else {
                        "slot"
                    }
                ))
                .into());
            }
            (_, count, None) => (Length::Count(count.unwrap_or(DEFAULT_COUNT)), 1),
            (_, None, Some(duration)) => (Length::Duration(duration), 1),
        };
        let questions = QuestionPool::load(&config.source, &target.requests, &config.call)?;
        // Answers are only read to be checked.
        let answers = match config.check {
            true => target.answers,
            false => ToLine::Unread,
        };
        Ok(Setup {
            kind,
            path: target.path,
            codec: LineCodec::new(target.requests, answers),
            questions,
            length,
            per_call,
            config,
        })
    }
}

/// Refusals that need no server: `--check` knows only the tutorial's echo; a start long past
/// would start late, out of step with the other workers.
fn check_flags(config: &BenchConfig) -> Result<(), Usage> {
    if let Some(at) = config.start_at
        && at + Duration::from_secs(1) < SystemTime::now()
    {
        return Err(Usage(format!(
            "--start-at {} is past: every worker would start at once, not together",
            humantime::format_rfc3339_seconds(at)
        )));
    }
    if !config.check {
        return Ok(());
    }
    if !config.method.method.is_tutorial() {
        return Err(Usage(format!(
            "--check knows the answers of {}'s echo server only, not of {}",
            tutorial::METHOD,
            config.method.method
        )));
    }
    if matches!(config.source, QuestionSource::File { json: true, .. }) {
        return Err(Usage(
            "--check compares answers with questions' text: not with --input json".into(),
        ));
    }
    Ok(())
}

/// The flags only a bidirectional method honours, and whether each was given.
fn bidirectional_flags(config: &BenchConfig) -> [(&'static str, bool); 2] {
    [
        ("--lockstep", config.lockstep),
        ("--answers-per-question", config.answers_per_question != 1),
    ]
}

/// The slots this worker runs: all of them, or those of its shard.
fn slots(config: &BenchConfig) -> Vec<usize> {
    let all = 0..config.conversations;
    match config.shard {
        None => all.collect(),
        Some(shard) => all.filter(|n| n % shard.count == shard.index).collect(),
    }
}

/// The connections the slots use (slot n goes on connection n % K), each opened once.
async fn open(config: &BenchConfig) -> anyhow::Result<Vec<Option<Channel>>> {
    let mut channels = vec![None; config.connections];
    for n in slots(config) {
        let k = n % config.connections;
        if channels[k].is_none() {
            channels[k] = Some(connect(&config.connect).await?.0);
        }
    }
    Ok(channels)
}

/// The flags checked, the connections open and the method's setup resolved.
async fn prepare(config: BenchConfig) -> anyhow::Result<(Arc<Setup>, Vec<Option<Channel>>)> {
    check_flags(&config)?;
    let flags = &bidirectional_flags(&config);
    // Whatever the method's kind refuses is refused before connecting, when no reflection is
    // needed to know the kind.
    let local = resolve_locally(&config.method, flags)?;
    let local = local
        .map(|target| Setup::new(config.clone(), target))
        .transpose()?;
    let channels = open(&config).await?;
    let setup = match (local, channels.iter().flatten().next()) {
        (Some(setup), _) => setup,
        (None, Some(channel)) => {
            let target = resolve(&config.method, channel, &config.call, flags).await?;
            Setup::new(config, target)?
        }
        (None, None) => {
            return Err(Usage("this shard has no conversation: -c is below N".into()).into());
        }
    };
    if let Some(at) = setup.config.start_at {
        tokio::time::sleep(at.duration_since(SystemTime::now()).unwrap_or_default()).await;
    }
    Ok((Arc::new(setup), channels))
}

/// Runs the load until every conversation is over, or `interrupt` comes: then the conversations
/// stop where they are and the report covers what was measured until then.
pub async fn run(
    config: BenchConfig,
    interrupt: impl Future<Output = Signal>,
) -> anyhow::Result<Report> {
    let (setup, channels) = prepare(config).await?;
    let shared = Arc::new(Shared::new(
        setup.config.interval,
        setup.config.live.clone(),
    )?);
    // Interval lines take the progress bar's place.
    let (progress, ticker) = match setup.config.interval {
        Some(every) => (None, Some(Ticker::start(every, shared.clone()))),
        None => (Some(Progress::start(&setup, shared.clone())), None),
    };
    let stop = CancellationToken::new();
    let slots = slots(&setup.config).into_iter().map(|n| {
        let channel = channels[n % channels.len()]
            .clone()
            .expect("opened for its slots");
        let (setup, shared, stop) = (setup.clone(), shared.clone(), stop.clone());
        tokio::spawn(async move { run_slot(channel, n, &setup, &shared, stop).await })
    });
    let mut all = futures_util::future::join_all(slots);
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
    let outcomes: Result<Vec<_>, _> = outcomes.into_iter().collect();
    let outcomes = outcomes.context("a conversation task failed")?;
    let measured = report::Measured {
        started_at: shared.started_at,
        wall,
        latency: shared.take(&shared.latency)?,
        each: shared.take(&shared.each)?,
        interrupted,
        series,
    };
    let shards = match setup.config.shard {
        Some(shard) => Shards::One(shard),
        None => Shards::Whole,
    };
    Ok(Report::new(
        Settings::of(&setup),
        shards,
        outcomes,
        measured,
    ))
}

/// Runs slot `n` until it is done, or `stop` ends it where it is.
async fn run_slot(
    channel: Channel,
    n: usize,
    setup: &Arc<Setup>,
    shared: &Shared,
    stop: CancellationToken,
) -> SlotCounts {
    if let Some(joining) = setup.config.joining {
        let opens = shared.started + joining.opens(n);
        // A conversation due to join after the run's end never opens.
        if matches!(setup.length, Length::Duration(d) if opens >= shared.started + d) {
            return SlotCounts::default();
        }
        tokio::time::sleep_until(opens).await;
    }
    // Intervals count every answer: for server streaming, each response.
    let (first, each) = match setup.kind {
        CallKind::ServerStreaming => (Counted::Not, Counted::AsAnswers),
        _ => (Counted::AsAnswers, Counted::Not),
    };
    let mut slot = Slot {
        n,
        setup,
        shared,
        plan: Plan::new(n, setup, shared.started),
        sent: Arc::new(AtomicU64::new(0)),
        outcome: SlotCounts::default(),
        latency: Recorder::new(shared, &shared.latency, first),
        each: Recorder::new(shared, &shared.each, each),
    };
    if let Some(window) = &shared.window {
        window.open.fetch_add(1, Ordering::Relaxed);
    }
    if let Some(live) = &shared.live {
        live.slot_started(slot.sent.clone());
    }
    let work = async {
        match setup.kind {
            CallKind::Bidirectional => conversation::hold(&mut slot, channel).await,
            CallKind::ClientStreaming => calls::client_streaming(&mut slot, channel).await,
            CallKind::ServerStreaming => calls::server_streaming(&mut slot, channel).await,
            CallKind::Unary => calls::unary(&mut slot, channel).await,
        }
    };
    // An interrupted conversation or call is cut short, not failed.
    stop.run_until_cancelled(work).await;
    slot.latency.hand_over();
    slot.each.hand_over();
    if let Some(window) = &shared.window {
        window.open.fetch_sub(1, Ordering::Relaxed);
    }
    slot.outcome.sent = slot.sent.load(Ordering::Relaxed);
    slot.outcome
}

/// What every slot adds to as it goes.
struct Shared {
    /// Per answer (bidirectional), per call (client streaming, unary), or to the first
    /// response of each call (server streaming).
    latency: Mutex<Histogram<u64>>,
    /// Server streaming: from each call's start to each of its responses.
    each: Mutex<Histogram<u64>>,
    /// For the progress bar.
    answers: AtomicU64,
    calls: AtomicU64,
    started: Instant,
    /// The same moment by the wall clock, for the report.
    started_at: SystemTime,
    /// With `--interval`: the figures of the interval going on.
    window: Option<Window>,
    /// With `--metrics-listen`: the running figures.
    live: Option<Arc<Live>>,
}

impl Shared {
    fn new(interval: Option<Duration>, live: Option<Arc<Live>>) -> anyhow::Result<Shared> {
        Ok(Shared {
            latency: Mutex::new(histogram()),
            each: Mutex::new(histogram()),
            answers: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            started: Instant::now(),
            started_at: SystemTime::now(),
            window: interval.map(Window::new),
            live,
        })
    }

    fn take(&self, histogram: &Mutex<Histogram<u64>>) -> anyhow::Result<Histogram<u64>> {
        // The empty histogram left behind is never read.
        Ok(std::mem::replace(&mut *lock(histogram), Histogram::new(1)?))
    }

    fn answered(&self) {
        self.answers.fetch_add(1, Ordering::Relaxed);
        if let Some(live) = &self.live {
            live.answers.inc();
        }
    }
}

/// An empty latency histogram: nanoseconds, up to an hour, to three significant figures. Every
/// histogram of a run has these bounds, so any two add.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000_000, 3).expect("constant bounds are valid")
}
