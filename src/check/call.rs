//! One recording's call made again: its questions sent as the recording sent them, each once the
//! answers that came before it in the recording have (or `--wait` has passed), and what the
//! server does recorded the same way, so that the two can be compared and the new one written.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use bytes::Bytes;
use tokio::{
    sync::{mpsc, watch},
    time::Instant,
};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{
    Code, Request, Status, Streaming, client::Grpc, codegen::http::uri::PathAndQuery,
    metadata::MetadataMap,
};

use super::CheckConfig;
use crate::{
    codec::BytesCodec,
    error::lock,
    net::Channel,
    net::ENCODINGS,
    recording::{self, Event, Metadata, REDACTED, Recording, What, metadata_map, rfc3339},
};

/// Request metadata a recording carries that is the transport's to send, not the call's.
const NOT_SENT: [&str; 3] = ["user-agent", "grpc-timeout", "te"];

/// The call as the server answered it now.
pub(super) async fn again(
    channel: &Channel,
    config: &CheckConfig,
    recorded: &Recording,
) -> Recording {
    let log = Log::new();
    let (questions, stream) = mpsc::channel::<Bytes>(16);
    let (answered, answers) = watch::channel(0usize);
    let sender = send(recorded, questions, answers, config.wait, log.clone());
    let receiver = receive(channel, config, recorded, stream, answered, &log);
    tokio::pin!(sender, receiver);
    // The questions' side stays open until the call ends: a server that waits for the
    // client's half-close sees one only where the recording had it.
    let mut held = None;
    let status = loop {
        tokio::select! {
            status = &mut receiver => break status,
            open = &mut sender, if held.is_none() => held = Some(open),
        }
    };
    drop(held);
    let events = log.taken();
    Recording {
        method: recorded.method.clone(),
        kind: recorded.kind,
        started: rfc3339(SystemTime::now()),
        metadata: recorded.metadata.clone(),
        files: recorded.files.clone(),
        events,
        status: recording::Status {
            ms: log.ms(),
            code: status.code(),
            message: status.message().to_owned(),
        },
        origin: recorded.origin.clone(),
    }
}

/// The events of the call, in the order they happened.
#[derive(Clone)]
struct Log {
    started: Instant,
    events: Arc<Mutex<Vec<Event>>>,
}

impl Log {
    fn new() -> Log {
        Log {
            started: Instant::now(),
            events: Arc::default(),
        }
    }

    fn ms(&self) -> f64 {
        self.started.elapsed().as_micros() as f64 / 1000.0
    }

    fn push(&self, what: What) {
        let event = Event {
            ms: self.ms(),
            what,
            line: 0,
        };
        lock(&self.events).push(event);
    }

    fn answers(&self) -> usize {
        let events = lock(&self.events);
        events
            .iter()
            .filter(|e| matches!(e.what, What::Answer(_)))
            .count()
    }

    fn taken(&self) -> Vec<Event> {
        std::mem::take(&mut *lock(&self.events))
    }
}

/// Sends each recorded question once the answers before it are in, or `wait` has passed; the
/// sender, unless the recording half-closed, is what is left.
async fn send(
    recorded: &Recording,
    questions: mpsc::Sender<Bytes>,
    mut answers: watch::Receiver<usize>,
    wait: Duration,
    log: Log,
) -> Option<mpsc::Sender<Bytes>> {
    let mut questions = Some(questions);
    let mut before = 0;
    for event in &recorded.events {
        match &event.what {
            What::Answer(_) => before += 1,
            What::Question(question) => {
                let _ = tokio::time::timeout(wait, answers.wait_for(|n| *n >= before)).await;
                let sender = questions.as_ref()?;
                if sender.send(question.clone()).await.is_err() {
                    return None;
                }
                log.push(What::Question(question.clone()));
            }
            What::HalfClose => {
                let _ = tokio::time::timeout(wait, answers.wait_for(|n| *n >= before)).await;
                questions = None;
                log.push(What::HalfClose);
            }
            What::Headers(_) | What::Trailers(_) => {}
        }
    }
    questions
}

/// Makes the call and takes its answers; its status is how it ended.
async fn receive(
    channel: &Channel,
    config: &CheckConfig,
    recorded: &Recording,
    stream: mpsc::Receiver<Bytes>,
    answered: watch::Sender<usize>,
    log: &Log,
) -> Status {
    let path = match PathAndQuery::try_from(recorded.method.as_str()) {
        Ok(path) => path,
        Err(err) => return Status::invalid_argument(format!("{}: {err}", recorded.method)),
    };
    let mut grpc = Grpc::new(channel.clone())
        .max_decoding_message_size(config.call.max_message_size)
        .max_encoding_message_size(config.call.max_message_size);
    for encoding in ENCODINGS {
        grpc = grpc.accept_compressed(encoding);
    }
    if let Err(err) = grpc.ready().await {
        return Status::unavailable(format!("the connection is not ready: {err}"));
    }
    let mut request = Request::new(ReceiverStream::new(stream));
    *request.metadata_mut() = request_metadata(&recorded.metadata);
    config.call.stamp(request.metadata_mut());
    // Connect sends a unary call in its unary form, which only the recording's kind tells.
    if recorded.kind == Some(crate::schema::CallKind::Unary) {
        request = crate::net::unary(request);
    }
    let wait = config.wait;
    let opened = tokio::time::timeout(wait, grpc.streaming(request, path, BytesCodec)).await;
    let response = match opened {
        Err(_) => return no_answer(wait),
        Ok(Err(status)) => return ended(status, log),
        Ok(Ok(response)) => response,
    };
    log.push(What::Headers(recording::metadata_of(
        &response.metadata().clone().into_headers(),
    )));
    let answers = recorded.answers().count();
    let client_ended = recorded.status.code == Code::Cancelled;
    answer_all(
        response.into_inner(),
        answered,
        log,
        wait,
        (client_ended, answers),
        recorded,
    )
    .await
}

/// Takes the answers until the call ends; when the recording's client cancelled the call once
/// it had its answers, cancels it at the same place.
async fn answer_all(
    mut answers: Streaming<Bytes>,
    answered: watch::Sender<usize>,
    log: &Log,
    wait: Duration,
    (client_ended, count): (bool, usize),
    recorded: &Recording,
) -> Status {
    loop {
        if client_ended && log.answers() >= count {
            return Status::cancelled(recorded.status.message.clone());
        }
        match tokio::time::timeout(wait, answers.message()).await {
            Err(_) => return no_answer(wait),
            Ok(Ok(Some(answer))) => {
                log.push(What::Answer(answer));
                answered.send_modify(|n| *n += 1);
            }
            Ok(Ok(None)) => {
                let trailers = answers.trailers().await.ok().flatten().unwrap_or_default();
                push_trailers(log, &trailers);
                return Status::ok("");
            }
            Ok(Err(status)) => return ended(status, log),
        }
    }
}

fn no_answer(wait: Duration) -> Status {
    Status::deadline_exceeded(format!(
        "no answer within --wait {}",
        humantime::format_duration(wait)
    ))
}

/// A call that ended with `status`: its metadata is the trailers.
fn ended(status: Status, log: &Log) -> Status {
    push_trailers(log, status.metadata());
    status
}

fn push_trailers(log: &Log, trailers: &MetadataMap) {
    let metadata = recording::metadata_of(&trailers.clone().into_headers());
    if !metadata.is_empty() {
        log.push(What::Trailers(metadata));
    }
}

/// The recorded request metadata that goes again: not what the transport sends itself, nor a
/// token the recording left out.
fn request_metadata(recorded: &Metadata) -> MetadataMap {
    let sent: Metadata = (recorded.iter())
        .filter(|(name, value)| !NOT_SENT.contains(&name.as_str()) && value != REDACTED)
        .cloned()
        .collect();
    metadata_map(&sent)
}
