//! `ask`: connect to a server, stream questions in as they are read, print answers as they arrive.
//! Sending and receiving run at once (full duplex), so answers flow while input is still coming.

mod calls;
mod framing;
pub(crate) mod gateway;
pub mod health;
pub mod input;
pub mod inspect;
pub(crate) mod metadata;
pub mod output;
pub mod prompt;
mod receive;
mod tally;
mod target;
mod transcript;

use std::{future::Future, io::Write, path::PathBuf, sync::Arc, time::Duration};

use futures_util::{Stream, StreamExt};
use regex::bytes::Regex;
use tokio_util::task::AbortOnDropHandle;
use tonic::{Code, Status};

use crate::{
    codec::LineCodec,
    error::{RpcError, rpc_status},
    mapping::{Outgoing, ToMessage},
    net::Channel,
    net::{CallSetup, ConnectConfig, Link, connect},
    signals::Signal,
    tutorial,
};

pub(crate) use calls::{Calls, Heard, Received};
pub use framing::Framing;
use input::{Input, Reading, Refusal, Source};
use output::AnswerWriter;
use receive::{AnswerPrinter, Ended, Enough, Explain};
use tally::{IdleWatch, Tally, Turns};
pub use target::MethodArgs;
pub(crate) use target::{Target, in_schema, resolve, resolve_locally};
use transcript::Transcript;

#[derive(Clone, Debug)]
pub struct AskConfig {
    pub connect: ConnectConfig,
    /// The deadline, metadata, token and message limits of the call.
    pub call: CallSetup,
    /// The method, where its types come from, and how lines map to its messages.
    pub method: MethodArgs,
    /// Unary calls in flight at once.
    pub parallel: usize,
    pub input: Framing,
    pub output: Framing,
    /// Send each question only once the previous one has been answered.
    pub lockstep: bool,
    /// Print a summary line on stderr when the conversation ends.
    pub stats: bool,
    /// Stop (and exit 0) after this many answers.
    pub max_answers: Option<u64>,
    /// Stop (and exit 0) after the first answer that matches.
    pub until: Option<Regex>,
    /// Do not half-close at the end of input.
    pub keep_open: bool,
    /// Give up when nothing has moved for this long.
    pub idle_timeout: Option<Duration>,
    /// Record the conversation here as JSON Lines.
    pub transcript: Option<PathBuf>,
    /// Print the response headers and trailers on stderr.
    pub show_metadata: bool,
}

/// What each call will carry, before the first: in the transcript's first lines, and on
/// stderr with `--show-metadata`.
fn announce(config: &AskConfig, transcript: Option<&Transcript>, target: &Target) {
    if let Some(transcript) = transcript {
        transcript.begin(target, &config.call);
    }
    if config.show_metadata {
        eprint!("{}", metadata::to_send(&config.call));
    }
}

/// Holds one conversation (or, for methods that are not bidirectional, the calls its questions
/// make): questions from `source`, answers to `out`. Every answer received is written to `out`
/// before this returns, whatever ends it. `interrupt` ends it early.
pub async fn ask(
    config: &AskConfig,
    source: Source,
    out: impl Write,
    interrupt: impl Future<Output = anyhow::Error>,
) -> anyhow::Result<()> {
    let transcript = config.transcript.as_deref().map(Transcript::create);
    let transcript = transcript.transpose()?.map(Arc::new);
    let Prepared {
        channel,
        link,
        target,
        input,
    } = prepare(config, source, transcript.is_some()).await?;
    let (questions, refusal, interrupted) = (input.questions, input.refusal, input.interrupted);
    announce(config, transcript.as_deref(), &target);
    let tally = Arc::new(tally(config));
    let calls = Calls {
        channel,
        path: target.path.clone(),
        setup: config.call.start(),
        kind: target.kind,
        codec: LineCodec::new(target.requests.clone(), target.answers)
            .keeping_bytes(transcript.is_some()),
        parallel: config.parallel,
        metadata: config.show_metadata || transcript.is_some(),
    };
    let recorded = transcript
        .clone()
        .map(|transcript| (transcript, target.requests));
    let questions = outgoing(questions, tally.clone(), recorded);
    let answers = calls.answers(half_close_recorded(questions, transcript.clone()));
    let mut out = AnswerWriter::new(out, config.output.separator);
    let explain = Explain::new(&config.connect, link, config.call.max_message_size);
    let talk = AnswerPrinter {
        enough: Enough::from(config),
        tally: &tally,
        transcript: transcript.as_deref(),
        explain: &explain,
        show_metadata: config.show_metadata,
    };
    // Whichever branch wins, the others are dropped, and with them the calls: the server sees
    // them cancelled.
    let ended = tokio::select! {
        ended = async { talk.print(answers.await, &mut out).await } => ended,
        err = deadline(config.call.timeout) => Err(err),
        err = interrupt => Err(err),
        err = at_the_prompt(interrupted) => Err(err),
        err = after_refusal(&refusal, &tally) => Err(err),
    };
    // Whatever ended the conversation, the answers that came before it are kept.
    let flushed = out.flush();
    if config.stats {
        eprintln!("{}", tally.summary());
    }
    conclude(config, ended, flushed, &refusal, transcript.as_deref())
}

/// The connection, the method, and its questions being read.
struct Prepared<S> {
    channel: Channel,
    link: Link,
    target: Target,
    input: Input<S>,
}

/// Connects, finds the method and starts reading its questions, at once where it can: a method
/// whose types are known here has its first question read and made while the connection's
/// round trips go on (a quarter of `echo hi | ask`'s time was these steps one after another).
async fn prepare(
    config: &AskConfig,
    source: Source,
    keep_text: bool,
) -> anyhow::Result<Prepared<impl Stream<Item = Outgoing> + Send + 'static + use<>>> {
    let connecting = {
        let connect_config = config.connect.clone();
        AbortOnDropHandle::new(tokio::spawn(async move { connect(&connect_config).await }))
    };
    let connected = async { connecting.await.map_err(anyhow::Error::new)? };
    let flags = [
        ("--lockstep", config.lockstep),
        ("--keep-open", config.keep_open),
    ];
    let read = |target: &Target, source| {
        let reading = Reading {
            framing: config.input,
            requests: target.requests.clone(),
            max_message_size: config.call.max_message_size,
            keep_text,
        };
        input::questions(source, reading, config.keep_open)
    };
    let (channel, link, target, input) = match target::resolve_locally(&config.method, &flags)? {
        Some(target) => {
            let input = read(&target, source);
            let (channel, link) = connected.await?;
            (channel, link, target, input)
        }
        None => {
            let (channel, link) = connected.await?;
            let target = target::resolve(&config.method, &channel, &config.call, &flags).await?;
            let input = read(&target, source);
            (channel, link, target, input)
        }
    };
    Ok(Prepared {
        channel,
        link,
        target,
        input,
    })
}

/// The outcome, recorded in the transcript: refused input is why the questions stopped, so it
/// comes first; then how the conversation ended; then whether the answers got out.
fn conclude(
    config: &AskConfig,
    ended: anyhow::Result<Ended>,
    flushed: std::io::Result<()>,
    refusal: &Refusal,
    transcript: Option<&Transcript>,
) -> anyhow::Result<()> {
    let ended = settle(config, ended, refusal);
    if let Some(transcript) = transcript {
        transcript.status(&final_status(&ended))?;
    }
    ended?;
    Ok(flushed?)
}

/// The counts of the conversation, taking turns in `--lockstep`, timing `--idle-timeout`.
fn tally(config: &AskConfig) -> Tally {
    let turns = match config.lockstep {
        true => Turns::Lockstep,
        false => Turns::Pipelined,
    };
    let idle = match config.idle_timeout {
        Some(_) => IdleWatch::On,
        None => IdleWatch::Off,
    };
    Tally::new(turns, idle)
}

impl From<&AskConfig> for Enough {
    fn from(config: &AskConfig) -> Enough {
        Enough {
            max_answers: config.max_answers,
            until: config.until.clone(),
            idle_timeout: config.idle_timeout,
        }
    }
}

/// The requests as they go out: each waits for its turn (in lockstep) and is counted and
/// recorded as it leaves. Pipelined questions wait for nothing, so they pass without a future
/// each (an async block per question was a tenth of the sending thread's time).
fn outgoing(
    questions: impl Stream<Item = Outgoing> + Send + 'static,
    tally: Arc<Tally>,
    transcript: Option<(Arc<Transcript>, ToMessage)>,
) -> impl Stream<Item = Outgoing> + Send + 'static {
    let record = move |question: &Outgoing| {
        if let Some((transcript, requests)) = &transcript {
            let mut bytes = Vec::new();
            requests.encode(question, &mut bytes);
            transcript.question(&question.text(), &bytes);
        }
    };
    if !tally.takes_turns() {
        return (questions.map(move |question| {
            tally.sending();
            record(&question);
            question
        }))
        .left_stream();
    }
    let record = Arc::new(record);
    (questions.then(move |question| {
        let (tally, record) = (tally.clone(), record.clone());
        async move {
            tally.before_sending().await;
            record(&question);
            question
        }
    }))
    .right_stream()
}

/// The questions, the transcript noting where they end (the half-close).
fn half_close_recorded(
    questions: impl Stream<Item = Outgoing> + Send + 'static,
    transcript: Option<Arc<Transcript>>,
) -> impl Stream<Item = Outgoing> + Send + 'static {
    let Some(transcript) = transcript else {
        return questions.left_stream();
    };
    let ended = futures_util::stream::once(async move { transcript.half_close() });
    let ended = ended.filter_map(|()| std::future::ready(None));
    questions.chain(ended).right_stream()
}

/// `--timeout`: the server is told the deadline, but enforcing it here too covers servers that
/// ignore it.
async fn deadline(timeout: Option<Duration>) -> anyhow::Error {
    let Some(timeout) = timeout else {
        return std::future::pending().await;
    };
    tokio::time::sleep(timeout).await;
    let message = format!(
        "conversation exceeded --timeout {}",
        humantime::format_duration(timeout)
    );
    anyhow::Error::new(RpcError(Status::deadline_exceeded(message)))
}

/// How long refused input waits for the answers still coming before the call is cancelled.
const REFUSAL_QUIET: Duration = Duration::from_millis(300);

/// Refused input ends the questions, and a server that ends its calls then (the tutorial's) is
/// done with it; one that keeps them open (a watch, a chat) would keep ask waiting for ever.
/// Once input is refused and no answer has come for `REFUSAL_QUIET`, the call is cancelled;
/// `settle` reports the refusal.
async fn after_refusal(refusal: &Refusal, tally: &Tally) -> anyhow::Error {
    refusal.refused().await;
    let mut answered = tally.answered();
    loop {
        tokio::time::sleep(REFUSAL_QUIET).await;
        let now = tally.answered();
        if now == answered {
            return anyhow::anyhow!("the call was cancelled after refused input");
        }
        answered = now;
    }
}

/// Ctrl-C at the prompt, which the terminal hands over as a key rather than a signal.
async fn at_the_prompt(interrupted: tokio::sync::oneshot::Receiver<Signal>) -> anyhow::Error {
    match interrupted.await {
        Ok(signal) => anyhow::Error::new(signal),
        Err(_) => std::future::pending().await,
    }
}

/// Refused input is why the questions stopped, so it is the error to report; an `--until` never
/// matched fails a conversation the server ended well.
fn settle(
    config: &AskConfig,
    ended: anyhow::Result<Ended>,
    refusal: &Refusal,
) -> anyhow::Result<Ended> {
    let ended = match refusal.take() {
        Some(refusal) => Err(refusal),
        None => ended.map_err(|err| default_method_hint(config, err)),
    };
    ended.and_then(|ended| match (&config.until, ended) {
        (Some(until), Ended::ByServer) => Err(anyhow::anyhow!(
            "the conversation ended without an answer matching '{until}' (--until)"
        )),
        (_, ended) => Ok(ended),
    })
}

/// A server that does not serve the tutorial's method was most likely meant to be asked another:
/// its UNIMPLEMENTED says so, with the way to name one.
fn default_method_hint(config: &AskConfig, err: anyhow::Error) -> anyhow::Error {
    let default = config.method.method.to_string() == tutorial::METHOD;
    match err.downcast_ref::<RpcError>() {
        Some(RpcError(status)) if default && status.code() == Code::Unimplemented => {
            let hint = format!(
                "{} (ask calls the tutorial's {} unless --method names another; grpc-convo \
                 list shows what the server has)",
                status.message(),
                tutorial::METHOD
            );
            anyhow::Error::new(RpcError(Status::new(Code::Unimplemented, hint)))
        }
        _ => err,
    }
}

/// The status a transcript ends with: the server's, or CANCELLED with the reason when ask ended
/// the conversation itself.
fn final_status(ended: &anyhow::Result<Ended>) -> Status {
    match ended {
        Ok(Ended::ByServer) => Status::ok(""),
        Ok(Ended::Enough) => Status::cancelled("ask had enough answers (--max-answers, --until)"),
        Err(err) => rpc_status(err).unwrap_or_else(|| Status::cancelled(format!("{err:#}"))),
    }
}
