//! `ask`: connect to a server, stream questions in as they are read, print answers as they arrive.
//! Sending and receiving run at once (full duplex), so answers flow while input is still coming.

pub mod headers;
pub mod input;
pub mod output;
pub mod prompt;

use std::{
    fmt,
    future::Future,
    io::Write,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use futures_util::{FutureExt, StreamExt};
use tokio::sync::Semaphore;
use tonic::{
    Code, Request, Status, Streaming,
    transport::{Channel, Endpoint},
};

use crate::{
    addr::Addr,
    exit::RpcError,
    flow,
    proto::{StreamResponse, stream_client::StreamClient},
};
use headers::Header;
use input::Source;
use output::AnswerWriter;

#[derive(Clone, Debug)]
pub struct AskConfig {
    pub addr: Addr,
    /// Deadline for the whole conversation, sent to the server as `grpc-timeout`.
    pub timeout: Option<Duration>,
    pub connect_timeout: Duration,
    /// The largest encoded message sent or accepted, in bytes.
    pub max_message_size: usize,
    pub input: input::Format,
    pub output: output::Format,
    /// Request metadata, sent with the call.
    pub headers: Vec<Header>,
    /// Send each question only once the previous one has been answered.
    pub lockstep: bool,
    /// Print a summary line on stderr when the conversation ends.
    pub stats: bool,
}

/// The server could not be reached at all; exits as UNAVAILABLE.
#[derive(Debug)]
pub struct Unreachable {
    addr: Addr,
    cause: String,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot reach {}: {}", self.addr, self.cause)
    }
}

impl std::error::Error for Unreachable {}

/// Opens the HTTP/2 connection, so that an unreachable server is reported before any input is read.
pub async fn connect(addr: &Addr, connect_timeout: Duration) -> Result<Channel, Unreachable> {
    let unreachable = |cause: String| Unreachable {
        addr: addr.clone(),
        cause,
    };
    let endpoint = Endpoint::from_shared(addr.uri())
        .map_err(|err| unreachable(err.to_string()))?
        .user_agent(concat!("grpc-convo/", env!("CARGO_PKG_VERSION")))
        .map_err(|err| unreachable(err.to_string()))?
        .connect_timeout(connect_timeout)
        .tcp_nodelay(true)
        .initial_stream_window_size(flow::STREAM_WINDOW)
        .initial_connection_window_size(flow::CONNECTION_WINDOW);
    let connected = match addr {
        Addr::Tcp { .. } => endpoint.connect().await,
        Addr::Unix(path) => {
            let path = path.clone();
            let connector = tower::service_fn(move |_| {
                let path = path.clone();
                async move {
                    let stream = tokio::net::UnixStream::connect(path).await?;
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(stream))
                }
            });
            endpoint.connect_with_connector(connector).await
        }
    };
    connected.map_err(|err| {
        // tonic wraps the cause in layers of "transport error"; the innermost says what happened.
        let mut cause: &dyn std::error::Error = &err;
        while let Some(source) = cause.source() {
            cause = source;
        }
        unreachable(cause.to_string())
    })
}

/// Holds one conversation: questions from `source`, answers to `out`. Every answer received is
/// written to `out` before this returns, whatever ends the conversation. `interrupt` ends it early.
pub async fn ask(
    config: &AskConfig,
    source: Source,
    out: impl Write,
    interrupt: impl Future<Output = anyhow::Error>,
) -> anyhow::Result<()> {
    let channel = connect(&config.addr, config.connect_timeout).await?;
    let mut client = StreamClient::new(channel)
        .max_decoding_message_size(config.max_message_size)
        .max_encoding_message_size(config.max_message_size);

    let input = input::questions(source, config.input, config.max_message_size);
    let tally = Arc::new(Tally::new(config.lockstep));
    let questions = {
        let tally = tally.clone();
        input.questions.then(move |question| {
            let tally = tally.clone();
            async move {
                tally.before_sending().await;
                question
            }
        })
    };
    let mut request = Request::new(questions);
    if let Some(timeout) = config.timeout {
        request.set_timeout(timeout);
    }
    for header in &config.headers {
        header.insert_into(request.metadata_mut());
    }

    let mut out = AnswerWriter::new(out, config.output);
    let started = Instant::now();
    let conversation = async {
        let answers = client
            .conversations(request)
            .await
            .map_err(RpcError)?
            .into_inner();
        print_answers(answers, &mut out, &tally, config.max_message_size).await
    };
    // The server is told the deadline, but enforcing it here too covers servers that ignore it.
    let deadline = async {
        match config.timeout {
            Some(timeout) => {
                tokio::time::sleep(timeout).await;
                let message = format!(
                    "conversation exceeded --timeout {}",
                    humantime::format_duration(timeout)
                );
                anyhow::Error::new(RpcError(Status::deadline_exceeded(message)))
            }
            None => std::future::pending().await,
        }
    };
    let interrupted_at_prompt = async {
        match input.interrupted.await {
            Ok(signal) => anyhow::Error::new(signal),
            Err(_) => std::future::pending().await,
        }
    };
    let ended = tokio::select! {
        ended = conversation => ended,
        err = deadline => Err(err),
        err = interrupt => Err(err),
        err = interrupted_at_prompt => Err(err),
    };
    // Whatever ended the conversation, the answers that came before it are kept.
    let flushed = out.flush();
    if config.stats {
        eprintln!("{}", tally.summary(started.elapsed()));
    }
    // Refused input is why the questions stopped, so it is the error to report.
    if let Some(Ok(refusal)) = input.refused.now_or_never() {
        return Err(refusal);
    }
    ended?;
    Ok(flushed?)
}

/// Counts both directions, and in lockstep holds each question until the previous is answered.
struct Tally {
    sent: AtomicU64,
    answered: AtomicU64,
    /// One permit per question that may go out now; in lockstep an answer adds the next.
    turn: Option<Semaphore>,
}

impl Tally {
    fn new(lockstep: bool) -> Self {
        Tally {
            sent: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            turn: lockstep.then(|| Semaphore::new(1)),
        }
    }

    async fn before_sending(&self) {
        if let Some(turn) = &self.turn
            && let Ok(permit) = turn.acquire().await
        {
            permit.forget();
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    fn answer_received(&self) {
        self.answered.fetch_add(1, Ordering::Relaxed);
        if let Some(turn) = &self.turn {
            turn.add_permits(1);
        }
    }

    fn summary(&self, elapsed: Duration) -> String {
        let answered = self.answered.load(Ordering::Relaxed);
        let rate = answered as f64 / elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} questions sent, {answered} answers received, {:.3}s, {rate:.0} answers/s",
            self.sent.load(Ordering::Relaxed),
            elapsed.as_secs_f64(),
        )
    }
}

async fn print_answers(
    mut answers: Streaming<StreamResponse>,
    out: &mut AnswerWriter<impl Write>,
    tally: &Tally,
    max_message_size: usize,
) -> anyhow::Result<()> {
    loop {
        // Write out what we have only when no further answer is ready: one write per burst.
        let next = match answers.message().now_or_never() {
            Some(next) => next,
            None => {
                out.flush()?;
                answers.message().await
            }
        };
        match next {
            Ok(Some(StreamResponse { answer })) => {
                out.answer(&answer)?;
                tally.answer_received();
            }
            Ok(None) => return Ok(()),
            Err(status) => return Err(RpcError(over_limit(status, max_message_size)).into()),
        }
    }
}

/// tonic reports an answer over our receive limit as OUT_OF_RANGE; gRPC's own clients say
/// RESOURCE_EXHAUSTED. Only tonic's decoder words its status this way: a server's own
/// OUT_OF_RANGE passes unchanged.
fn over_limit(status: Status, max_message_size: usize) -> Status {
    if status.code() == Code::OutOfRange
        && status
            .message()
            .starts_with("Error, decoded message length too large")
    {
        return Status::resource_exhausted(format!(
            "answer over the {max_message_size}-byte message limit (--max-message-size; {})",
            status.message()
        ));
    }
    status
}
