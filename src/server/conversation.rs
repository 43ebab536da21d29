//! One conversation on the wire: the gRPC service that opens it (its slot among
//! `--max-conversations`, its id, its log line) and the stream of answers that carries it to its
//! end (the answer size limit, the client's deadline, the drain's stop, the closing log line).

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll, ready},
    time::Instant,
};

use futures_util::{Stream, StreamExt};
use prost::Message;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::WaitForCancellationFutureOwned;
use tonic::{Code, Request, Response, Status, Streaming, codegen::http, metadata::MetadataMap};

use super::{
    Config,
    cutoff::{Cut, Stop},
    deadline::Deadline,
    idle::IdleLimit,
    memory,
    meter::{MethodStats, Metrics, Refusal},
    respond::{AnswerStream, Conversation, Hold, QuestionStream, Responder},
};
use crate::{
    error::code_name,
    message::{over_limit, within_limit},
    proto::{StreamRequest, StreamResponse, stream_server},
    token::Token,
    trace::Traceparent,
    tutorial,
};

/// Wires each conversation to the responder.
pub(super) struct Service {
    pub(super) responder: Arc<dyn Responder>,
    pub(super) stop: Stop,
    pub(super) next_id: AtomicU64,
    pub(super) slots: Arc<Semaphore>,
    pub(super) idle: memory::IdleNotice,
    pub(super) config: Config,
    /// The tutorial's answers on the wire (`tutorial_shape`).
    pub(super) tutorial_shape: Shape<StreamResponse>,
}

/// How an answer line becomes the message the wire carries, or why it cannot (over the size
/// limit; for a bridged method, a line that is not a response).
pub(crate) type Shape<T> = Arc<dyn Fn(String) -> Result<T, Status> + Send + Sync>;

/// The tutorial's method name, for logs and for the process of `serve -- COMMAND`.

#[tonic::async_trait]
impl stream_server::Stream for Service {
    type ConversationsStream = Wire<StreamResponse>;

    async fn conversations(
        &self,
        request: Request<Streaming<StreamRequest>>,
    ) -> Result<Response<Wire<StreamResponse>>, Status> {
        let (head, body) = opened(request);
        let questions = body.map(|question| question.map(|StreamRequest { question }| question));
        self.converse_tutorial(head, questions).map(Response::new)
    }
}

impl Service {
    /// Opens one conversation of the tutorial's method, however its messages are carried.
    pub(super) fn converse_tutorial(
        &self,
        head: Head,
        questions: impl Stream<Item = Result<String, Status>> + Send + 'static,
    ) -> Result<Wire<StreamResponse>, Status> {
        let shape = self.tutorial_shape.clone();
        self.converse(tutorial::METHOD, head, questions, shape)
    }
}

/// How the tutorial's answers go on the wire, within `limit`: one for the whole server.
pub(super) fn tutorial_shape(limit: usize) -> Shape<StreamResponse> {
    Arc::new(move |answer| {
        let response = StreamResponse { answer };
        within_limit("answer", response.encoded_len(), limit)
            .map_err(Status::resource_exhausted)?;
        Ok(response)
    })
}

/// A request's metadata and peer, apart from its messages, and where the exchange says why it
/// cut the call.
pub(super) struct Head {
    metadata: MetadataMap,
    peer: String,
    cut: Option<Cut>,
    /// Where its messages are counted, when serve has metrics.
    stats: Option<Arc<MethodStats>>,
}

pub(super) fn opened<T>(request: Request<T>) -> (Head, T) {
    // Taken, not cloned: a copy per conversation is measurable at 100,000 of them.
    let (metadata, extensions, message) = request.into_parts();
    (Head::new(metadata, extensions), message)
}

impl Head {
    /// The head of a request whose metadata and extensions (its peer, its cut) are taken apart.
    pub(super) fn new(metadata: MetadataMap, mut extensions: http::Extensions) -> Head {
        Head {
            metadata,
            peer: peer_in(&extensions),
            cut: extensions.remove::<Cut>(),
            stats: extensions.remove::<Arc<MethodStats>>(),
        }
    }

    pub(super) fn metadata(&self) -> &MetadataMap {
        &self.metadata
    }

    pub(super) fn peer(&self) -> &str {
        &self.peer
    }

    /// When the client's deadline passes, if it gave one.
    pub(super) fn deadline(&self) -> Option<tokio::time::Instant> {
        self.cut.as_ref().and_then(|cut| cut.deadline)
    }
}

/// Lets a conversation in when it carries `authorization: Bearer <token>`, or when serve has no
/// token; the refusal is logged, since the client may not say why it failed.
pub(super) fn check_token(
    token: Option<&Token>,
    metadata: &MetadataMap,
    peer: impl std::fmt::Display,
    metrics: Option<&Metrics>,
) -> Result<(), Status> {
    let Some(token) = token else {
        return Ok(());
    };
    let authorization = metadata.get("authorization");
    if token.admits(authorization.map(|value| value.as_bytes())) {
        return Ok(());
    }
    if let Some(metrics) = metrics {
        metrics.refused(Refusal::Token);
    }
    tracing::warn!(%peer, "conversation refused: missing or wrong bearer token");
    Err(Status::unauthenticated("missing or wrong bearer token"))
}

impl Service {
    /// Opens one conversation of `method`: the questions' texts go to the responder, its
    /// answers come back shaped for the wire, within the conversation's slot and limits.
    pub(super) fn converse<T>(
        &self,
        method: &str,
        head: Head,
        questions: impl Stream<Item = Result<String, Status>> + Send + 'static,
        shape: Shape<T>,
    ) -> Result<Wire<T>, Status> {
        let seat = self.slot()?;
        let deadline = (head.cut.as_ref()).and_then(|cut| cut.deadline.map(Deadline::at));
        let conversation = Conversation {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            peer: head.peer,
            metadata: head.metadata,
            method: method.to_owned(),
            hold: Hold::new(seat),
        };
        let traceparent = opened_log(&conversation);
        let seen = Arc::new(AtomicU64::new(0));
        let counted = Counted {
            stats: head.stats,
            metrics: self.config.metrics.clone(),
        };
        let questions = self.questions(questions, conversation.id, seen.clone(), counted.clone());
        let answers = self.responder.respond(&conversation, questions);
        // Responders read the metadata and the method when they start; a long conversation
        // keeps only what its closing line and its seat need.
        let Conversation {
            id,
            peer,
            hold,
            method,
            ..
        } = conversation;
        Ok(Wire {
            answers: CutShort {
                answers,
                stop: self.stop.clone(),
                stopped: Box::pin(self.stop.cancelled()),
                deadline,
            },
            shape,
            counted,
            log: CloseLog {
                id,
                peer,
                method,
                traceparent,
                _hold: hold,
                questions: seen,
                answers: 0,
                started: Instant::now(),
                status: None,
                cut: head.cut,
            },
        })
    }

    /// A place among `--max-conversations`, or RESOURCE_EXHAUSTED.
    pub(super) fn slot(&self) -> Result<Seat, Status> {
        let metrics = self.config.metrics.clone();
        let permit = self.slots.clone().try_acquire_owned().map_err(|_| {
            if let Some(metrics) = &metrics {
                metrics.refused(Refusal::Conversations);
            }
            Status::resource_exhausted(format!(
                "server busy: {} conversations in progress",
                self.config.max_conversations
            ))
        })?;
        if let Some(metrics) = &metrics {
            metrics.conversations.inc();
        }
        Ok(Seat {
            permit: Some(permit),
            slots: self.slots.clone(),
            max: self.config.max_conversations as usize,
            idle: self.idle.clone(),
            metrics,
        })
    }

    /// The question texts, counted into `seen`, with the size and idle limits applied.
    fn questions(
        &self,
        questions: impl Stream<Item = Result<String, Status>> + Send + 'static,
        id: u64,
        seen: Arc<AtomicU64>,
        counted: Counted,
    ) -> QuestionStream {
        let limit = self.config.max_message_size;
        let questions = questions.boxed().map(move |question| match question {
            Ok(question) => {
                seen.fetch_add(1, Ordering::Relaxed);
                if let Some(stats) = &counted.stats {
                    stats.received.inc();
                }
                tracing::debug!(id, question, "question");
                Ok(question)
            }
            Err(status) => Err(counted.failed(over_limit(status, "question", limit))),
        });
        match self.config.idle_timeout {
            Some(limit) => IdleLimit::new(questions, limit).boxed(),
            None => questions.boxed(),
        }
    }
}

/// The opening log line, with the call's trace context, whose traceparent the closing line
/// carries too.
fn opened_log(conversation: &Conversation) -> Option<Traceparent> {
    let trace = crate::trace::context_in(&conversation.metadata);
    let (traceparent, tracestate) = trace.unzip();
    tracing::info!(
        id = conversation.id,
        peer = %conversation.peer,
        method = conversation.method,
        traceparent = traceparent.as_ref().map(Traceparent::as_str),
        tracestate = tracestate.flatten().as_deref(),
        "conversation opened"
    );
    traceparent
}

/// The client's address, put on each of its requests by the connection that carries it, and
/// what a route keeps for the connection's life (`front::connection_state`).
#[derive(Clone, Debug)]
pub(super) struct Peer(pub(super) Arc<str>, pub(super) ConnectionState);

/// What a route keeps for one connection: made by its first call, dropped with the connection
/// and the last of its calls.
pub(super) type ConnectionState = Arc<std::sync::OnceLock<Arc<dyn std::any::Any + Send + Sync>>>;

impl Peer {
    pub(super) fn new(addr: impl Into<Arc<str>>) -> Peer {
        Peer(addr.into(), ConnectionState::default())
    }
}

/// The client's address for logs and responders.
pub(super) fn peer<T>(request: &Request<T>) -> String {
    peer_in(request.extensions())
}

fn peer_in(extensions: &http::Extensions) -> String {
    match extensions.get::<Peer>() {
        Some(Peer(addr, _)) => addr.to_string(),
        None => "unknown".to_owned(),
    }
}

/// One conversation's answers as the wire sees them: shaped (and so within the size limit), and
/// logged when the conversation closes, however it ends.
pub struct Wire<T> {
    answers: CutShort,
    shape: Shape<T>,
    counted: Counted,
    log: CloseLog,
}

/// Where a conversation's messages and over-size refusals are counted, if anywhere.
#[derive(Clone)]
struct Counted {
    stats: Option<Arc<MethodStats>>,
    metrics: Option<Arc<Metrics>>,
}

impl Counted {
    /// `status`, a message over the size limit counted as such.
    fn failed(&self, status: Status) -> Status {
        if let Some(metrics) = &self.metrics
            && status.code() == Code::ResourceExhausted
        {
            metrics.refused(Refusal::MessageSize);
        }
        status
    }
}

impl<T> std::fmt::Debug for Wire<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wire").finish_non_exhaustive()
    }
}

impl<T> Stream for Wire<T> {
    type Item = Result<T, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.log.status.is_some() {
            return Poll::Ready(None);
        }
        let Some(answer) = ready!(self.answers.poll_next_unpin(cx)) else {
            self.log.status = Some(Code::Ok);
            return Poll::Ready(None);
        };
        let item = match answer {
            Ok(answer) => (self.shape)(answer).map_err(|status| self.counted.failed(status)),
            Err(status) => Err(status),
        };
        match &item {
            Ok(_) => {
                self.log.answers += 1;
                if let Some(stats) = &self.counted.stats {
                    stats.sent.inc();
                }
            }
            Err(status) => self.log.status = Some(status.code()),
        }
        Poll::Ready(Some(item))
    }
}

/// The responder's answers, cut short by the client's deadline or the end of the drain's grace.
struct CutShort {
    answers: AnswerStream,
    stop: Stop,
    stopped: Pin<Box<WaitForCancellationFutureOwned>>,
    deadline: Option<Deadline>,
}

impl Stream for CutShort {
    type Item = Result<String, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // A flag check per answer (and a clock check where there is a deadline), so that a
        // conversation with answers always ready still notices the end of the grace period or
        // its deadline; the wakers are registered only when it is idle.
        let passed = |deadline: &Deadline| tokio::time::Instant::now() >= deadline.at;
        if self.stop.is_set() {
            return Poll::Ready(Some(Err(shutting_down())));
        }
        if self.deadline.as_ref().is_some_and(passed) {
            return Poll::Ready(Some(Err(deadline_passed())));
        }
        if let Poll::Ready(outcome) = self.answers.poll_next_unpin(cx) {
            return Poll::Ready(outcome);
        }
        if let Some(deadline) = self.deadline.as_mut()
            && deadline.timer.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Some(Err(deadline_passed())));
        }
        ready!(self.stopped.as_mut().poll(cx));
        Poll::Ready(Some(Err(shutting_down())))
    }
}

fn shutting_down() -> Status {
    Status::unavailable("server shutting down")
}

fn deadline_passed() -> Status {
    Status::deadline_exceeded("the conversation passed its deadline (grpc-timeout)")
}

/// The closing log line, written when the conversation's stream is dropped. Its hold keeps the
/// seat, given back after the line is written (or later, while a responder holds it).
struct CloseLog {
    id: u64,
    peer: String,
    method: String,
    traceparent: Option<Traceparent>,
    _hold: Hold,
    questions: Arc<AtomicU64>,
    answers: u64,
    started: Instant,
    /// Set once the stream has ended; `None` at drop means the client went away first, unless
    /// the exchange cut the call.
    status: Option<Code>,
    cut: Option<Cut>,
}

impl Drop for CloseLog {
    fn drop(&mut self) {
        let cut = self.cut.as_ref().and_then(Cut::why);
        let status = match (self.status, cut) {
            (Some(code), _) => code_name(code).to_owned(),
            (None, Some(why)) => format!("{} (reset: {why})", code_name(why.code())),
            (None, None) => "CANCELLED by client".to_owned(),
        };
        // Milliseconds to the microsecond: a number a JSON reader can sum.
        let duration_ms = (self.started.elapsed().as_micros() as f64) / 1000.0;
        tracing::info!(
            id = self.id,
            peer = %self.peer,
            method = self.method,
            traceparent = self.traceparent.as_ref().map(Traceparent::as_str),
            questions = self.questions.load(Ordering::Relaxed),
            answers = self.answers,
            duration_ms,
            status = %status,
            "conversation closed"
        );
    }
}

/// A conversation's place among `--max-conversations`, held by its `Hold`. The last one given
/// back tells the memory trimmer that the server is idle.
pub(super) struct Seat {
    permit: Option<OwnedSemaphorePermit>,
    slots: Arc<Semaphore>,
    max: usize,
    idle: memory::IdleNotice,
    metrics: Option<Arc<Metrics>>,
}

impl Drop for Seat {
    fn drop(&mut self) {
        if let Some(metrics) = &self.metrics {
            metrics.conversations.dec();
        }
        // Give the permit back first: of conversations ending at once, the last to look then
        // sees every slot free.
        drop(self.permit.take());
        if self.slots.available_permits() == self.max {
            self.idle.now_idle();
        }
    }
}
