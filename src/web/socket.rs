//! One conversation over a WebSocket: the first message names the method and its mapping, each
//! later one is a question (a line, a whole request, or the end of them), and the answers go
//! back as they arrive, the status last. The socket and the upstream pace each other: answers
//! are taken from upstream only as fast as the socket takes them, and questions read from the
//! socket only as fast as the calls send them (`QUEUED` at most in between).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::{anyhow, bail};
use axum::{
    extract::{
        State,
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code},
    },
    response::Response,
};
use futures_util::{
    FutureExt, SinkExt, StreamExt,
    stream::{SplitSink, SplitStream},
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::{
    Shared,
    metrics::{OpenSocket, Refusal, WebMetrics},
    protocol::{self, Format, Question, Start},
};
use crate::{
    client::{Calls, Heard, MethodArgs, Received, gateway},
    error::rpc_status,
    mapping::{Flags, Lines, MappingArgs, Outgoing, Separator, ToMessage},
    message::within_limit,
    schema::MethodName,
};

/// Questions read from the socket ahead of the calls that send them, at most, and their bytes.
const QUEUED: usize = 16;
const QUEUED_BYTES: usize = 1024 * 1024;
/// A question waiting for the calls, with its share of `QUEUED_BYTES`.
type Queued = (Outgoing, OwnedSemaphorePermit);

/// How long a socket may hold a seat among `--max-conversations` without saying what to call.
const START_WITHIN: Duration = Duration::from_secs(30);

type Sink = SplitSink<WebSocket, Message>;

pub(super) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    socket: WebSocketUpgrade,
) -> Response {
    // A request in JSON may spell each byte of a message as six.
    let limit = (shared.config.call.max_message_size)
        .saturating_mul(6)
        .saturating_add(64 * 1024);
    socket
        .max_message_size(limit)
        .on_upgrade(move |socket| converse(socket, shared))
}

async fn converse(socket: WebSocket, shared: Arc<Shared>) {
    let (mut sink, mut stream) = socket.split();
    let metrics = shared.metrics.as_deref();
    let _open = OpenSocket(metrics).counted();
    let Ok(_seat) = shared.seats.clone().try_acquire_owned() else {
        if let Some(metrics) = metrics {
            metrics.refused(Refusal::Busy);
        }
        let busy = format!(
            "gateway busy: {} conversations in progress (--max-conversations)",
            shared.config.max_conversations
        );
        return close(&mut sink, close_code::AGAIN, protocol::error(&busy)).await;
    };
    let start = match tokio::time::timeout(START_WITHIN, first(&mut stream)).await {
        Ok(Some(Ok(start))) => start,
        Ok(Some(Err(why))) => {
            return close(&mut sink, close_code::POLICY, protocol::error(&why)).await;
        }
        Ok(None) => return,
        Err(_) => {
            let why = format!("no first message within {START_WITHIN:?}");
            return close(&mut sink, close_code::POLICY, protocol::error(&why)).await;
        }
    };
    tracing::info!(method = start.method, "web conversation opened");
    if let Some(metrics) = metrics {
        metrics.conversations.inc();
    }
    let opened = match open(&shared, &start).await {
        Ok(opened) => opened,
        Err(err) => {
            let (code, last) = refusal(&err, metrics);
            return close(&mut sink, code, last).await;
        }
    };
    let (code, last) = talk(opened, &mut sink, stream, start.output, metrics).await;
    tracing::info!(method = start.method, "web conversation closed");
    if let Some(last) = last {
        close(&mut sink, code, last).await;
    }
}

/// The first text message, as a `Start`; `None` when the socket closed first.
async fn first(stream: &mut SplitStream<WebSocket>) -> Option<Result<Start, String>> {
    loop {
        return match stream.next().await? {
            Ok(Message::Text(text)) => Some(
                serde_json::from_str(&text)
                    .map_err(|err| format!("message 1: not a start of a conversation: {err}")),
            ),
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Ok(Message::Binary(_)) => {
                Some(Err("message 1: the API speaks JSON text, not binary".into()))
            }
            Ok(Message::Close(_)) | Err(_) => None,
        };
    }
}

/// A conversation ready to go: its calls, and how its messages are made.
struct Opened {
    calls: Calls,
    lines: ToMessage,
    whole: ToMessage,
    max_message_size: usize,
    ping_interval: Duration,
}

async fn open(shared: &Shared, start: &Start) -> anyhow::Result<Opened> {
    let config = &shared.config;
    let method: MethodName =
        (start.method.parse()).map_err(|why| anyhow!("method {}: {why}", start.method))?;
    if !config.methods.is_empty() && !config.methods.contains(&method) {
        bail!("method {method}: not offered here (--method)");
    }
    let mut call = config.call.clone();
    let pass = config.pass_authorization;
    (call.headers).extend(gateway::headers(
        &start.metadata,
        pass,
        "--pass-authorization",
    )?);
    let args = MethodArgs {
        method,
        files: config.files.clone(),
        mapping: mapping(start)?,
    };
    let opened = gateway::open(&shared.upstream, &call, &args).await?;
    Ok(Opened {
        lines: opened.lines,
        whole: opened.whole,
        max_message_size: call.max_message_size,
        ping_interval: config.ping_interval,
        calls: opened.calls,
    })
}

/// The start message's mapping, as ask's flags of the same names make it.
fn mapping(start: &Start) -> anyhow::Result<MappingArgs> {
    let separator = match &start.separator {
        Some(text) => Separator::new(text).ok_or_else(|| anyhow!("separator: empty"))?,
        None => Separator::default(),
    };
    Ok(MappingArgs {
        fields: start.field.clone(),
        set: start.set.clone(),
        answer_fields: start.answer_field.clone(),
        json_in: start.input == Format::Json,
        json_out: start.output == Format::Json,
        separator,
        bytes: start.bytes,
        flags: Flags::WEB,
        ..MappingArgs::default()
    })
}

/// An upstream that failed (unreachable, a failed reflection call) ends with its status, as a
/// conversation would; anything else the client asked for wrong is refused: the close code and
/// the last message.
fn refusal(err: &anyhow::Error, metrics: Option<&WebMetrics>) -> (u16, String) {
    match rpc_status(err) {
        Some(status) => {
            if let Some(metrics) = metrics {
                metrics.upstream_failed(status.code());
            }
            (close_code::NORMAL, protocol::status(&status, None))
        }
        None => (close_code::POLICY, protocol::error(&format!("{err:#}"))),
    }
}

/// Why the socket's side stopped before the answers did.
#[derive(Debug)]
enum Stopped {
    /// A message that cannot be sent, named.
    Refused(String),
    /// The client closed the socket, or went away: the calls are cancelled.
    Gone,
}

/// The conversation from its first question to its status: the close code and the last
/// message, or none when the client went away.
async fn talk(
    opened: Opened,
    sink: &mut Sink,
    stream: SplitStream<WebSocket>,
    output: Format,
    metrics: Option<&WebMetrics>,
) -> (u16, Option<String>) {
    let (questions, queued) = mpsc::channel(QUEUED);
    let (stopped_tx, stopped) = oneshot::channel();
    let heard = Arc::new(AtomicBool::new(true));
    let ping_interval = opened.ping_interval;
    let reader = Reader {
        lines: opened.lines,
        whole: opened.whole,
        max_message_size: opened.max_message_size,
        queue: Arc::new(Semaphore::new(QUEUED_BYTES)),
        heard: heard.clone(),
    };
    let reading = tokio::spawn(reader.read(stream, questions, stopped_tx));
    // A question's share of the queue is given back as the calls take it.
    let queued = ReceiverStream::new(queued).map(|(question, _share)| question);
    let answers = opened.calls.answers(queued).await;
    let out = Out::new(sink, heard, ping_interval);
    let ended = relay(answers, out, stopped, output, metrics).await;
    // Dropped with the answers: the calls still open are cancelled.
    reading.abort();
    ended
}

/// Answers to the socket as they come, until the calls end, fail, or the socket's side stops.
async fn relay(
    mut answers: Received,
    mut out: Out<'_>,
    mut stopped: oneshot::Receiver<Stopped>,
    output: Format,
    metrics: Option<&WebMetrics>,
) -> (u16, Option<String>) {
    let mut trailers = None;
    loop {
        // Messages are written out only when no further answer is ready: one write per burst.
        let ready = match answers.next().now_or_never() {
            Some(heard) => Some(heard),
            None if out.flush().await.is_err() => return ended_by(Stopped::Gone),
            None => None,
        };
        let heard = match (ready, stopped.try_recv()) {
            (_, Ok(why)) => return ended_by(why),
            (Some(heard), _) => heard,
            (None, _) => tokio::select! {
                heard = answers.next() => heard,
                why = &mut stopped => return ended_by(why.unwrap_or(Stopped::Gone)),
                alive = out.ping() => match alive {
                    Ok(()) => continue,
                    Err(()) => return ended_by(Stopped::Gone),
                },
            },
        };
        // A refused question ends the questions, and so perhaps the call: the refusal, sent
        // before the questions ended, is the conversation's end, not the call's status.
        if matches!(heard, None | Some(Err(_)))
            && let Ok(why) = stopped.try_recv()
        {
            return ended_by(why);
        }
        let messages = match heard {
            None => {
                let ok = protocol::status(&Status::ok(""), trailers.as_ref());
                return (close_code::NORMAL, Some(ok));
            }
            Some(Err(status)) => {
                if let Some(metrics) = metrics {
                    metrics.upstream_failed(status.code());
                }
                return (close_code::NORMAL, Some(protocol::status(&status, None)));
            }
            Some(Ok(Heard::Trailers(map))) => {
                trailers = Some(map);
                continue;
            }
            Some(Ok(Heard::Headers(map))) => vec![protocol::headers(&map)],
            Some(Ok(Heard::Answer(lines, _))) => answer_messages(&lines, output),
        };
        for message in messages {
            if out.send(Message::Text(message.into())).await.is_err() {
                return ended_by(Stopped::Gone);
            }
        }
    }
}

/// An answer's lines as the API's messages.
fn answer_messages(lines: &Lines, output: Format) -> Vec<String> {
    (lines.iter())
        .map(|line| match output {
            Format::Text => protocol::answer(line),
            Format::Json => protocol::response(line).unwrap_or_else(|why| protocol::error(&why)),
        })
        .collect()
}

/// The socket's sending side, with its keepalive: a ping every `--ping-interval` while answers
/// wait, and a peer that has sent nothing since the last (not even the pong) is gone; so is one
/// that takes no message for that long.
struct Out<'a> {
    sink: &'a mut Sink,
    heard: Arc<AtomicBool>,
    every: Duration,
    pings: tokio::time::Interval,
}

impl<'a> Out<'a> {
    fn new(sink: &'a mut Sink, heard: Arc<AtomicBool>, every: Duration) -> Out<'a> {
        let start = tokio::time::Instant::now() + every;
        Out {
            sink,
            heard,
            every,
            pings: tokio::time::interval_at(start, every),
        }
    }

    async fn send(&mut self, message: Message) -> Result<(), ()> {
        match tokio::time::timeout(self.every, self.sink.feed(message)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        }
    }

    async fn flush(&mut self) -> Result<(), ()> {
        match tokio::time::timeout(self.every, self.sink.flush()).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        }
    }

    /// Waits for the next ping's time, then pings: `Err` when the peer was not heard since the
    /// last.
    async fn ping(&mut self) -> Result<(), ()> {
        self.pings.tick().await;
        if !self.heard.swap(false, Ordering::Relaxed) {
            return Err(());
        }
        self.send(Message::Ping(Default::default())).await
    }
}

/// How a conversation whose socket side stopped first ends.
fn ended_by(why: Stopped) -> (u16, Option<String>) {
    match why {
        Stopped::Refused(why) => (close_code::POLICY, Some(protocol::error(&why))),
        Stopped::Gone => (close_code::NORMAL, None),
    }
}

/// Turns the socket's messages into requests.
struct Reader {
    lines: ToMessage,
    whole: ToMessage,
    max_message_size: usize,
    /// `QUEUED_BYTES` of questions waiting for the calls, at most (or one larger question).
    queue: Arc<Semaphore>,
    /// Set whenever the peer says anything (a pong included), for `Out::ping`.
    heard: Arc<AtomicBool>,
}

impl Reader {
    /// Reads until the socket closes or a message is refused, then says why on `stopped`
    /// before the questions end; after `end`, nothing more may come but the close.
    async fn read(
        self,
        stream: SplitStream<WebSocket>,
        questions: mpsc::Sender<Queued>,
        stopped: oneshot::Sender<Stopped>,
    ) {
        let mut questions = Some(questions);
        let why = self.questions(stream, &mut questions).await;
        let _ = stopped.send(why);
        drop(questions);
    }

    async fn questions(
        &self,
        mut stream: SplitStream<WebSocket>,
        questions: &mut Option<mpsc::Sender<Queued>>,
    ) -> Stopped {
        for number in 2.. {
            let next = stream.next().await;
            self.heard.store(true, Ordering::Relaxed);
            let text = match next {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Binary(_))) => {
                    return Stopped::Refused(format!(
                        "message {number}: the API speaks JSON text, not binary"
                    ));
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return Stopped::Gone,
            };
            let refuse = |why: String| Stopped::Refused(format!("message {number}: {why}"));
            let question = match Question::parse(&text) {
                Ok(Question::End) => {
                    *questions = None;
                    continue;
                }
                Ok(question) => question,
                Err(why) => return refuse(why),
            };
            let Some(sender) = &questions else {
                return refuse("a question after end".into());
            };
            let (request, size) = match self.request(question) {
                Ok(request) => request,
                Err(why) => return refuse(why),
            };
            let share = size.clamp(1, QUEUED_BYTES) as u32;
            let Ok(share) = self.queue.clone().acquire_many_owned(share).await else {
                return Stopped::Gone;
            };
            if sender.send((request, share)).await.is_err() {
                // The calls are over; their status is on its way.
                return Stopped::Gone;
            }
        }
        Stopped::Gone
    }

    fn request(&self, question: Question) -> Result<(Outgoing, usize), String> {
        let (request, size) = match question {
            Question::Line(line) => self.lines.request(line.as_bytes(), false)?,
            Question::Request(json) => self.whole.request(json.get().as_bytes(), false)?,
            Question::End => unreachable!("handled by the reader"),
        };
        within_limit("question", size, self.max_message_size)?;
        Ok((request, size))
    }
}

async fn close(sink: &mut Sink, code: u16, last: String) {
    let _ = sink.send(Message::Text(last.into())).await;
    let frame = CloseFrame {
        code,
        reason: "".into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
}
