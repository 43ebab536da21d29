//! `serve`: accepts connections and wires each conversation to a [`Responder`]. The service only
//! connects streams, counts, logs and enforces limits; answering is the responder's business.
//! Beside it run the standard health and reflection services, so that load balancers, probes and
//! tools such as grpcurl know what the server is.

pub mod exec;
mod idle;
mod memory;
pub mod responder;

use std::{
    future::Future,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    task::{Context, Poll, ready},
    time::{Duration, Instant},
};

use anyhow::Context as _;
use futures_util::{FutureExt, Stream, StreamExt};
use prost::Message;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_stream::wrappers::UnixListenerStream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::{
    Code, Request, Response, Status, Streaming,
    server::NamedService,
    transport::{
        ServerTlsConfig,
        server::{TcpIncoming, UdsConnectInfo},
    },
};
use tonic_health::{ServingStatus, server::HealthReporter};

use crate::{
    addr::Listener,
    exit::code_name,
    flow,
    message::DEFAULT_MAX_MESSAGE_SIZE,
    proto::{self, StreamRequest, StreamResponse, stream_server::StreamServer},
    token::Token,
};
use idle::IdleLimit;
pub use responder::{Answers, Conversation, Echo, Questions, Responder};

/// How long connections may take to close once no conversation is left: long enough to flush
/// the last answers to a slow reader, short enough not to hold up a restart.
const CLOSE_LIMIT: Duration = Duration::from_secs(5);

/// The service name health checks ask about, besides "" for the whole server.
const SERVICE_NAME: &str = <StreamServer<Service> as NamedService>::NAME;

#[derive(Clone, Debug)]
pub struct Config {
    /// The largest encoded message accepted or sent, in bytes.
    pub max_message_size: usize,
    /// Conversations in progress at once; one more is refused with RESOURCE_EXHAUSTED.
    pub max_conversations: u32,
    /// End a conversation that has sent no question for this long.
    pub idle_timeout: Option<Duration>,
    /// HTTP/2 ping interval, so that dead peers are noticed; zero for none.
    pub keepalive: Duration,
    /// How long conversations in progress may go on after shutdown begins.
    pub grace: Duration,
    /// Serve gRPC reflection (v1 and v1alpha).
    pub reflection: bool,
    /// Serve over TLS (and require client certificates if it names a client CA).
    pub tls: Option<ServerTlsConfig>,
    /// Require `authorization: Bearer <token>` on every conversation.
    pub token: Option<Token>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_conversations: 10_000,
            idle_timeout: None,
            keepalive: Duration::from_secs(30),
            grace: Duration::from_secs(10),
            reflection: true,
            tls: None,
            token: None,
        }
    }
}

/// Serves conversations on `listener` until `shutdown` completes, then drains: health turns
/// NOT_SERVING, no new connection or conversation is accepted, conversations in progress may
/// finish within `config.grace`, and those still going then end with UNAVAILABLE. Returns once
/// every connection has closed, or `CLOSE_LIMIT` after the last conversation ended.
pub async fn run(
    listener: Listener,
    config: Config,
    responder: Arc<dyn Responder>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let slots = Arc::new(Semaphore::new(config.max_conversations as usize));
    let stop = Stop::default();
    let idle = memory::Idle::default();
    let trimmer = {
        let (slots, max) = (slots.clone(), config.max_conversations as usize);
        tokio::spawn(
            idle.clone()
                .trim_when_idle(move || slots.available_permits() < max),
        )
    };
    let _trimmer = AbortOnDrop(trimmer);
    let service = StreamServer::new(Service {
        responder,
        stop: stop.clone(),
        next_id: AtomicU64::new(1),
        slots: slots.clone(),
        idle,
        config: config.clone(),
    })
    .max_decoding_message_size(config.max_message_size)
    // Answers are checked against the limit before they are encoded, with a clearer status
    // than tonic's own; this only keeps tonic from refusing what we already allowed.
    .max_encoding_message_size(usize::MAX);

    let (mut health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status(SERVICE_NAME, ServingStatus::Serving)
        .await;

    let draining = CancellationToken::new();
    let signal = {
        let draining = draining.clone();
        let health = health.clone();
        async move {
            shutdown.await;
            tracing::info!("shutting down: draining conversations in progress");
            set_health(&health, ServingStatus::NotServing).await;
            draining.cancel();
        }
    };

    let mut builder = tonic::transport::Server::builder();
    if let Some(tls) = config.tls.clone() {
        builder = builder.tls_config(tls).context("cannot set up TLS")?;
    }
    // A ping unanswered for the interval (20 s at most) closes the connection: a shorter
    // interval should also notice a dead client sooner than hyper's fixed 20 s would.
    let keepalive = (!config.keepalive.is_zero()).then_some(config.keepalive);
    let router = builder
        .initial_stream_window_size(flow::STREAM_WINDOW)
        .initial_connection_window_size(flow::CONNECTION_WINDOW)
        .max_concurrent_streams(flow::MAX_STREAMS)
        .http2_keepalive_interval(keepalive)
        .http2_keepalive_timeout(keepalive.map(flow::ping_timeout))
        .add_service(health_service)
        .add_optional_service(
            config
                .reflection
                .then(|| reflection().build_v1().expect(VALID_DESCRIPTORS)),
        )
        .add_optional_service(
            config
                .reflection
                .then(|| reflection().build_v1alpha().expect(VALID_DESCRIPTORS)),
        )
        .add_service(service);
    let serve = match listener {
        Listener::Tcp(listener) => {
            let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
            router
                .serve_with_incoming_shutdown(incoming, signal)
                .boxed()
        }
        Listener::Unix(listener, socket_file) => {
            let incoming = UnixListenerStream::new(listener);
            async move {
                let served = router.serve_with_incoming_shutdown(incoming, signal).await;
                // The socket file goes when the server stops, or with this future if the
                // drain gives up on it.
                drop(socket_file);
                served
            }
            .boxed()
        }
    };

    let drain = async {
        draining.cancelled().await;
        let max = config.max_conversations;
        let all_ended = slots.acquire_many(max);
        if tokio::time::timeout(config.grace, all_ended).await.is_err() {
            let left = max as usize - slots.available_permits();
            tracing::warn!(
                "grace of {} over: ending {left} conversations with UNAVAILABLE",
                humantime::format_duration(config.grace)
            );
            stop.set();
        }
        // Health watchers hold their connections open; ending their streams lets them close.
        health.clear_service_status(SERVICE_NAME).await;
        health.clear_service_status("").await;
        tokio::time::sleep(CLOSE_LIMIT).await;
    };

    tokio::select! {
        served = serve => served.context("server failed"),
        () = drain => {
            tracing::warn!("connections still open {CLOSE_LIMIT:?} after the drain; closing them");
            Ok(())
        }
    }
}

async fn set_health(health: &HealthReporter, status: ServingStatus) {
    health.set_service_status("", status).await;
    health.set_service_status(SERVICE_NAME, status).await;
}

/// Reflection knows the conversation service and the health service.
fn reflection() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
}

const VALID_DESCRIPTORS: &str = "the descriptors compiled into this binary are valid";

struct Service {
    responder: Arc<dyn Responder>,
    stop: Stop,
    next_id: AtomicU64,
    slots: Arc<Semaphore>,
    idle: memory::Idle,
    config: Config,
}

impl Service {
    /// The client's address for logs and responders.
    fn peer(request: &Request<Streaming<StreamRequest>>) -> String {
        if let Some(addr) = request.remote_addr() {
            return addr.to_string();
        }
        match request.extensions().get::<UdsConnectInfo>() {
            Some(_) => "unix".to_owned(),
            None => "unknown".to_owned(),
        }
    }
}

#[tonic::async_trait]
impl proto::stream_server::Stream for Service {
    type ConversationsStream = Tracked;

    async fn conversations(
        &self,
        request: Request<Streaming<StreamRequest>>,
    ) -> Result<Response<Tracked>, Status> {
        if let Some(token) = &self.config.token {
            let authorization = request
                .metadata()
                .get("authorization")
                .map(|v| v.as_bytes());
            if !token.admits(authorization) {
                tracing::warn!(peer = %Service::peer(&request), "conversation refused: missing or wrong bearer token");
                return Err(Status::unauthenticated("missing or wrong bearer token"));
            }
        }
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| {
            Status::resource_exhausted(format!(
                "server busy: {} conversations in progress",
                self.config.max_conversations
            ))
        })?;
        let deadline = Deadline::from_metadata(request.metadata());
        let conversation = Conversation {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            peer: Service::peer(&request),
            metadata: request.metadata().clone(),
        };
        tracing::info!(id = conversation.id, peer = %conversation.peer, "conversation opened");

        let questions_seen = Arc::new(AtomicU64::new(0));
        let questions = {
            let seen = questions_seen.clone();
            let id = conversation.id;
            let limit = self.config.max_message_size;
            request.into_inner().map(move |question| match question {
                Ok(StreamRequest { question }) => {
                    seen.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(id, question, "question");
                    Ok(question)
                }
                // tonic's decoder says OUT_OF_RANGE; gRPC servers promise RESOURCE_EXHAUSTED.
                Err(status) if status.code() == Code::OutOfRange => {
                    Err(Status::resource_exhausted(format!(
                        "question over the {limit}-byte message limit ({})",
                        status.message()
                    )))
                }
                Err(status) => Err(status),
            })
        };
        let questions = match self.config.idle_timeout {
            Some(limit) => IdleLimit::new(questions, limit).boxed(),
            None => questions.boxed(),
        };
        let answers = self.responder.respond(&conversation, questions);
        Ok(Response::new(Tracked {
            answers,
            stopped: Box::pin(self.stop.token.clone().cancelled_owned()),
            stop: self.stop.clone(),
            deadline,
            conversation,
            questions: questions_seen,
            answers_sent: 0,
            max_message_size: self.config.max_message_size,
            started: Instant::now(),
            status: None,
            slot: Some(slot),
            slots: self.slots.clone(),
            max_conversations: self.config.max_conversations as usize,
            idle: self.idle.clone(),
        }))
    }
}

/// One conversation's answer stream as the wire sees it: it counts, enforces the answer size
/// limit and the client's deadline, ends when the drain's grace is over, holds the
/// conversation's slot, and logs the conversation's close when it is dropped, however it ended.
pub struct Tracked {
    answers: Answers,
    stop: Stop,
    stopped: Pin<Box<WaitForCancellationFutureOwned>>,
    deadline: Option<Deadline>,
    conversation: Conversation,
    questions: Arc<AtomicU64>,
    answers_sent: u64,
    max_message_size: usize,
    started: Instant,
    /// Set once the stream has ended; `None` at drop means the client went away first.
    status: Option<Code>,
    /// This conversation's place among `--max-conversations`, given back when it is dropped.
    slot: Option<OwnedSemaphorePermit>,
    slots: Arc<Semaphore>,
    max_conversations: usize,
    idle: memory::Idle,
}

impl Tracked {
    /// Records how the conversation goes on (or ends) with this outcome of the responder.
    fn record(
        &mut self,
        outcome: Option<Result<String, Status>>,
    ) -> Option<<Self as Stream>::Item> {
        let Some(outcome) = outcome else {
            self.status = Some(Code::Ok);
            return None;
        };
        let item = outcome.and_then(|answer| self.within_limit(StreamResponse { answer }));
        match &item {
            Ok(_) => self.answers_sent += 1,
            Err(status) => self.status = Some(status.code()),
        }
        Some(item)
    }

    fn within_limit(&self, response: StreamResponse) -> Result<StreamResponse, Status> {
        let size = response.encoded_len();
        if size > self.max_message_size {
            return Err(Status::resource_exhausted(format!(
                "answer of {size} bytes over the {}-byte message limit",
                self.max_message_size
            )));
        }
        Ok(response)
    }
}

impl Stream for Tracked {
    type Item = Result<StreamResponse, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.status.is_some() {
            return Poll::Ready(None);
        }
        // A flag check per answer (and a clock check where there is a deadline), so that a
        // conversation with answers always ready still notices the end of the grace period or
        // its deadline; the wakers are registered only when it is idle.
        let passed = |deadline: &Deadline| Instant::now() >= deadline.at;
        let outcome = if self.stop.is_set() {
            Some(Err(shutting_down()))
        } else if self.deadline.as_ref().is_some_and(passed) {
            Some(Err(deadline_passed()))
        } else {
            match self.answers.poll_next_unpin(cx) {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => {
                    let deadline_fired = match self.deadline.as_mut() {
                        Some(deadline) => deadline.timer.as_mut().poll(cx).is_ready(),
                        None => false,
                    };
                    if deadline_fired {
                        Some(Err(deadline_passed()))
                    } else {
                        ready!(self.stopped.as_mut().poll(cx));
                        Some(Err(shutting_down()))
                    }
                }
            }
        };
        Poll::Ready(self.record(outcome))
    }
}

fn shutting_down() -> Status {
    Status::unavailable("server shutting down")
}

fn deadline_passed() -> Status {
    Status::deadline_exceeded("the conversation passed its deadline (grpc-timeout)")
}

/// The deadline a client sent as `grpc-timeout`.
struct Deadline {
    at: Instant,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Deadline {
    fn from_metadata(metadata: &tonic::metadata::MetadataMap) -> Option<Deadline> {
        let timeout = parse_grpc_timeout(metadata.get("grpc-timeout")?.to_str().ok()?)?;
        let at = Instant::now() + timeout;
        Some(Deadline {
            at,
            timer: Box::pin(tokio::time::sleep_until(at.into())),
        })
    }
}

/// `grpc-timeout`: at most eight digits and a unit, H, M, S, m (milli), u (micro) or n (nano).
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    // Split at a character: a multi-byte last character (never valid) must not split a byte.
    let unit = value.chars().next_back()?;
    let (digits, unit) = value.split_at(value.len() - unit.len_utf8());
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let status = self.status.map_or("CANCELLED by client", code_name);
        tracing::info!(
            id = self.conversation.id,
            peer = %self.conversation.peer,
            questions = self.questions.load(Ordering::Relaxed),
            answers = self.answers_sent,
            duration = ?self.started.elapsed(),
            status = %status,
            "conversation closed"
        );
        // Give the slot back first: of conversations ending at once, the last to look then
        // sees every slot free.
        drop(self.slot.take());
        if self.slots.available_permits() == self.max_conversations {
            self.idle.now_idle();
        }
    }
}

/// Tells every conversation that the drain's grace is over. `CancellationToken::is_cancelled`
/// takes a mutex that all conversations share; checked per answer, that lock was the server's
/// hottest function (9% of its time, by perf), so the per-answer check reads a flag instead.
#[derive(Clone, Default)]
struct Stop {
    flag: Arc<AtomicBool>,
    /// Wakes conversations that are waiting for their next answer.
    token: CancellationToken,
}

impl Stop {
    fn set(&self) {
        self.flag.store(true, Ordering::Release);
        self.token.cancel();
    }

    fn is_set(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }
}

/// A task that goes when its owner does.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_takes_every_unit_and_refuses_the_malformed() {
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_grpc_timeout("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse_grpc_timeout("10S"), Some(Duration::from_secs(10)));
        assert_eq!(parse_grpc_timeout("500m"), Some(Duration::from_millis(500)));
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(
            parse_grpc_timeout("99999999n"),
            Some(Duration::from_nanos(99_999_999))
        );
        for bad in ["", "S", "123456789S", "10s", "-1S", "1.5S", "10"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_grpc_timeout_text_parses_or_is_refused_without_panic(text in ".*") {
            let _ = parse_grpc_timeout(&text);
        }

        #[test]
        fn every_valid_grpc_timeout_means_its_digits_in_its_unit(
            n in 0u64..100_000_000,
            unit in proptest::sample::select(vec!["H", "M", "S", "m", "u", "n"]),
        ) {
            let nanos_per = match unit {
                "H" => 3_600_000_000_000u128,
                "M" => 60_000_000_000,
                "S" => 1_000_000_000,
                "m" => 1_000_000,
                "u" => 1_000,
                _ => 1,
            };
            let parsed = parse_grpc_timeout(&format!("{n}{unit}")).unwrap();
            proptest::prop_assert_eq!(parsed.as_nanos(), n as u128 * nanos_per);
        }
    }
}
