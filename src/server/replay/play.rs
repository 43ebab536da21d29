//! One replayed call. The recordings of its method that match every question so far stay in
//! play; one of them leads, and each of its events goes once what came before it in the
//! recording has: an answer once the question it followed is in (so lockstep and pipelined
//! clients both work), the status once the recording's questions, and its half-close, are.
//! When a question rules the leader out, another that answered the same so far takes over.

use std::sync::{Arc, atomic::Ordering};

use bytes::{BufMut, Bytes, BytesMut};
use futures_util::StreamExt as _;
use http_body::Frame;
use http_body_util::StreamBody;
use tokio::{
    sync::{mpsc, oneshot},
    time::{Duration, Instant},
};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{
    Code, Status,
    body::Body,
    codec::{CompressionEncoding, Streaming},
    codegen::http::{self, HeaderMap},
    metadata::MetadataMap,
};

use super::{Recorded, Replays};
use crate::{
    codec::BytesCodec,
    recording::{self, Metadata, Side, Timing, What, metadata_map},
    server::{
        conversation::{Head, Service},
        direct::trailers,
    },
};

/// Answers framed ahead of a client that reads slowly.
const AHEAD: usize = 16;

/// Serves one call of a recorded method.
pub(in crate::server) async fn replay(
    replays: Arc<Replays>,
    service: Arc<Service>,
    request: http::Request<Body>,
) -> http::Response<Body> {
    let path = request.uri().path().to_owned();
    let encoding = match encoding(request.headers()) {
        Ok(encoding) => encoding,
        Err(status) => return status.into_http(),
    };
    let (parts, body) = request.into_parts();
    let head = Head::new(MetadataMap::from_headers(parts.headers), parts.extensions);
    let seat = match service.slot() {
        Ok(seat) => seat,
        Err(status) => return status.into_http(),
    };
    let limit = service.config.max_message_size;
    let questions = Streaming::new_request(BytesCodec, body, encoding, Some(limit));
    let (mut out, opened, frames) = Out::new();
    let deadline = head.deadline();
    let stopped = service.stop.cancelled();
    tokio::spawn(async move {
        let _seat = seat;
        let mut player = Player::new(replays, &path);
        let ended = tokio::select! {
            ended = player.play(questions, &mut out) => ended,
            () = until(deadline) => Status::deadline_exceeded("the call's deadline passed"),
            () = stopped => Status::unavailable("the server is stopping"),
        };
        player.log(&path, &ended);
        out.end(ended).await;
    });
    match opened.await {
        Ok(Ok(headers)) => {
            let body = Body::new(StreamBody::new(ReceiverStream::new(frames)));
            let mut response = http::Response::new(body);
            *response.headers_mut() = headers.into_headers();
            (response.headers_mut()).insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/grpc"),
            );
            response
        }
        Ok(Err(status)) => status.into_http(),
        Err(_) => Status::internal("the replay ended without a response").into_http(),
    }
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The questions' compression, as tonic's servers take it.
fn encoding(headers: &HeaderMap) -> Result<Option<CompressionEncoding>, Status> {
    match headers.get("grpc-encoding").map(|value| value.as_bytes()) {
        None | Some(b"identity") => Ok(None),
        Some(b"gzip") => Ok(Some(CompressionEncoding::Gzip)),
        Some(b"zstd") => Ok(Some(CompressionEncoding::Zstd)),
        Some(other) => Err(Status::unimplemented(format!(
            "questions compressed with {}: this server takes gzip and zstd",
            String::from_utf8_lossy(other)
        ))),
    }
}

type Opened = oneshot::Receiver<Result<MetadataMap, Status>>;
type Frames = mpsc::Receiver<Result<Frame<Bytes>, Status>>;

/// Where the call's response goes: its head once, then its messages, then its status.
struct Out {
    head: Option<oneshot::Sender<Result<MetadataMap, Status>>>,
    frames: mpsc::Sender<Result<Frame<Bytes>, Status>>,
}

/// The client left: nothing more can be sent.
struct Gone;

impl Out {
    fn new() -> (Out, Opened, Frames) {
        let (head, opened) = oneshot::channel();
        let (frames, receiver) = mpsc::channel(AHEAD);
        let out = Out {
            head: Some(head),
            frames,
        };
        (out, opened, receiver)
    }

    fn headers(&mut self, headers: &Metadata) -> Result<(), Gone> {
        match self.head.take() {
            Some(head) => head.send(Ok(metadata_map(headers))).map_err(|_| Gone),
            None => Ok(()),
        }
    }

    async fn answer(&mut self, message: &[u8]) -> Result<(), Gone> {
        self.headers(&Vec::new())?;
        let mut framed = BytesMut::with_capacity(5 + message.len());
        framed.put_u8(0);
        // Recorded messages were held to a u32 length on the wire.
        framed.put_u32(message.len() as u32);
        framed.put_slice(message);
        let frame = Ok(Frame::data(framed.freeze()));
        self.frames.send(frame).await.map_err(|_| Gone)
    }

    /// The status: in the trailers, or as the whole response when nothing went before it.
    async fn end(mut self, status: Status) {
        match self.head.take() {
            Some(head) => drop(head.send(Err(status))),
            None => drop(
                self.frames
                    .send(Ok(Frame::trailers(*trailers(status))))
                    .await,
            ),
        }
    }
}

/// The recordings in play for one call, and how far it has come.
struct Player {
    replays: Arc<Replays>,
    all: Vec<Arc<Recorded>>,
    /// Indexes into `all` of the recordings that match every question so far.
    alive: Vec<usize>,
    leader: usize,
    /// The leader's next event, and the questions among the events before it.
    next: usize,
    passed: usize,
    received: Vec<Bytes>,
    half_closed: bool,
    sent: Vec<Bytes>,
    headers_sent: bool,
    /// The recording ruled out last, and by which question (from 1): the closest miss.
    closest: Option<(usize, usize)>,
    started: Instant,
}

/// What the leader waits for.
enum Waiting {
    /// A question, or the end of them.
    Question,
    /// Nothing: the recording's call is over.
    Ended,
}

impl Player {
    fn new(replays: Arc<Replays>, path: &str) -> Player {
        let all = replays.recorded(path).to_vec();
        let alive: Vec<usize> = (0..all.len()).collect();
        let mut player = Player {
            replays,
            all,
            alive,
            leader: 0,
            next: 0,
            passed: 0,
            received: Vec::new(),
            half_closed: false,
            sent: Vec::new(),
            headers_sent: false,
            closest: None,
            started: Instant::now(),
        };
        player.leader = player.least_used(&player.alive).unwrap_or(0);
        player
    }

    /// Plays the call through; its status is how it ends.
    async fn play(&mut self, mut questions: Streaming<Bytes>, out: &mut Out) -> Status {
        loop {
            match self.emit(out).await {
                Err(Gone) => return Status::cancelled("the client left"),
                Ok(Waiting::Ended) => return self.recorded_status().await,
                Ok(Waiting::Question) => {}
            }
            let taken = match questions.next().await {
                Some(Ok(question)) => self.question(question),
                None => self.no_more_questions(),
                Some(Err(status)) => return status,
            };
            if let Err(status) = taken {
                return status;
            }
        }
    }

    /// Sends the leader's events that are due, and says what it waits for next.
    async fn emit(&mut self, out: &mut Out) -> Result<Waiting, Gone> {
        let leader = self.all[self.leader].clone();
        while let Some(event) = leader.recording.events.get(self.next) {
            match &event.what {
                What::Question(_) if self.passed < self.received.len() => self.passed += 1,
                What::Question(_) => return Ok(Waiting::Question),
                What::HalfClose if self.half_closed => {}
                What::HalfClose => return Ok(Waiting::Question),
                What::Headers(headers) => {
                    out.headers(headers)?;
                    self.headers_sent = true;
                }
                What::Answer(answer) => {
                    self.at(event.ms).await;
                    out.answer(answer).await?;
                    self.headers_sent = true;
                    self.sent.push(answer.clone());
                }
                What::Trailers(_) => {}
            }
            self.next += 1;
        }
        Ok(Waiting::Ended)
    }

    /// Waits, under `--replay-timing recorded`, for the recorded offset `ms`.
    async fn at(&self, ms: f64) {
        if let Timing::Recorded { speed } = self.replays.timing {
            let offset = Duration::from_secs_f64((ms / 1000.0 / speed).max(0.0));
            tokio::time::sleep_until(self.started + offset).await;
        }
    }

    async fn recorded_status(&mut self) -> Status {
        let leader = self.all[self.leader].clone();
        let recording = &leader.recording;
        self.at(recording.status.ms).await;
        leader.uses.fetch_add(1, Ordering::Relaxed);
        let trailers = recording.trailers().cloned().unwrap_or_default();
        let status = &recording.status;
        Status::with_metadata(status.code, status.message.clone(), metadata_map(&trailers))
    }

    fn question(&mut self, question: Bytes) -> Result<(), Status> {
        let index = self.received.len();
        self.received.push(question);
        let (all, matcher, received) = (&self.all, &self.replays.matcher, &self.received);
        let matches = |candidate: &usize| {
            let recorded = &all[*candidate];
            let message = recorded.message(Side::Question);
            let theirs = recorded.recording.questions().nth(index);
            theirs.is_some_and(|theirs| matcher.same(theirs, &received[index], message.as_ref()))
        };
        let kept = self.alive.iter().copied().filter(matches).collect();
        self.narrow(kept, index + 1)
    }

    fn no_more_questions(&mut self) -> Result<(), Status> {
        self.half_closed = true;
        let (all, count) = (&self.all, self.received.len());
        let matches = |candidate: &usize| all[*candidate].recording.questions().count() == count;
        let kept = self.alive.iter().copied().filter(matches).collect();
        self.narrow(kept, count + 1)
    }

    /// Keeps in play the recordings that still match; `at` is the question (from 1) that decided.
    fn narrow(&mut self, kept: Vec<usize>, at: usize) -> Result<(), Status> {
        if let Some(last) = self.alive.iter().rev().find(|c| !kept.contains(c)) {
            self.closest = Some((*last, at));
        }
        self.alive = kept;
        if self.alive.contains(&self.leader) {
            return Ok(());
        }
        let same_so_far: Vec<usize> = (self.alive.iter().copied())
            .filter(|candidate| self.answered_alike(*candidate))
            .collect();
        let Some(leader) = self.least_used(&same_so_far) else {
            return Err(self.no_match());
        };
        self.take_over(leader);
        Ok(())
    }

    /// Whether `candidate` sent what the leader has sent so far.
    fn answered_alike(&self, candidate: usize) -> bool {
        let recording = &self.all[candidate].recording;
        let mut answers = recording.answers();
        let alike = self.sent.iter().all(|sent| answers.next() == Some(sent));
        let headers = recording.headers();
        alike && (!self.headers_sent || headers == self.all[self.leader].recording.headers())
    }

    /// Makes `leader` lead from where the call has come.
    fn take_over(&mut self, leader: usize) {
        let events = &self.all[leader].recording.events;
        let (mut questions, mut answers, mut next) = (0, 0, 0);
        for event in events {
            let done = match &event.what {
                What::Question(_) if questions < self.received.len() => {
                    questions += 1;
                    true
                }
                What::Answer(_) if answers < self.sent.len() => {
                    answers += 1;
                    true
                }
                What::Headers(_) => self.headers_sent,
                What::HalfClose => self.half_closed,
                _ => false,
            };
            if !done {
                break;
            }
            next += 1;
        }
        (self.leader, self.next, self.passed) = (leader, next, questions);
    }

    fn least_used(&self, candidates: &[usize]) -> Option<usize> {
        let uses = |c: &&usize| self.all[**c].uses.load(Ordering::Relaxed);
        candidates.iter().min_by_key(uses).copied()
    }

    /// NOT_FOUND, naming the closest recording and where this call left it.
    fn no_match(&self) -> Status {
        let method = self
            .all
            .first()
            .map(|r| r.recording.method.clone())
            .unwrap_or_default();
        let Some((closest, question)) = self.closest else {
            return Status::not_found(format!("no recording of {method} matches this call"));
        };
        let recorded = &self.all[closest];
        let place = recorded.recording.place();
        let message = recorded.message(Side::Question);
        let theirs = recorded.recording.questions().nth(question - 1);
        let shown = |bytes: &Bytes| recording::shown(bytes, message.as_ref()).to_string();
        let why = match (self.received.get(question - 1), theirs) {
            (Some(ours), Some(theirs)) => format!(
                "question {question} differs: this call's is {}, the recording's {}",
                shown(ours),
                shown(theirs)
            ),
            (Some(_), None) => format!(
                "the recording has {} questions, this call more",
                recorded.recording.questions().count()
            ),
            _ => format!(
                "this call ended its questions after {}, the recording has more",
                self.received.len()
            ),
        };
        Status::not_found(format!(
            "no recording of {method} matches this call; the closest, {place}: {why}"
        ))
    }

    fn log(&self, path: &str, status: &Status) {
        let method = path.trim_start_matches('/');
        match status.code() {
            Code::NotFound if !self.alive.contains(&self.leader) || self.alive.is_empty() => {
                tracing::warn!(method, "replay: {}", status.message());
            }
            _ => {
                let place = self.all.get(self.leader).map(|r| r.recording.place());
                tracing::info!(method, recording = place.unwrap_or_default(), "replayed");
            }
        }
    }
}
