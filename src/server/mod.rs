//! `serve`: accepts connections and wires each conversation to a [`Responder`]. The service only
//! connects streams, counts, logs and enforces limits; answering is the responder's business.

pub mod responder;

use std::{
    future::Future,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll, ready},
    time::{Duration, Instant},
};

use anyhow::Context as _;
use futures_util::{Stream, StreamExt};
use prost::Message;
use tokio::net::TcpListener;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::{Code, Request, Response, Status, Streaming, transport::server::TcpIncoming};

use crate::{
    exit::code_name,
    flow,
    proto::{StreamRequest, StreamResponse, stream_server},
};
pub use responder::{Answers, Conversation, Echo, Questions, Responder};

/// gRPC's customary default, for questions and answers alike.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// How long connections may take to wind down once every conversation has been told to end.
const CLOSE_LIMIT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct Config {
    /// The largest encoded message accepted or sent, in bytes.
    pub max_message_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

/// Serves conversations on `listener` until `shutdown` completes. Then every conversation in
/// progress ends with UNAVAILABLE and the call returns once connections have closed, or after a
/// bounded wait for peers that do not close.
pub async fn run(
    listener: TcpListener,
    config: Config,
    responder: Arc<dyn Responder>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let stop = CancellationToken::new();
    let service = stream_server::StreamServer::new(Service {
        responder,
        stop: stop.clone(),
        next_id: AtomicU64::new(1),
        max_message_size: config.max_message_size,
    })
    .max_decoding_message_size(config.max_message_size)
    // Answers are checked against the limit before they are encoded, with a clearer status
    // than tonic's own; this only keeps tonic from refusing what we already allowed.
    .max_encoding_message_size(usize::MAX);

    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let signal = {
        let stop = stop.clone();
        async move {
            shutdown.await;
            tracing::info!("shutting down");
            stop.cancel();
        }
    };
    let serve = tonic::transport::Server::builder()
        .initial_stream_window_size(flow::STREAM_WINDOW)
        .initial_connection_window_size(flow::CONNECTION_WINDOW)
        .add_service(service)
        .serve_with_incoming_shutdown(incoming, signal);

    // tonic waits for every connection to close, and a peer that never reads its last answers
    // would keep it waiting: bound the wait.
    tokio::select! {
        served = serve => served.context("server failed"),
        () = async {
            stop.cancelled().await;
            tokio::time::sleep(CLOSE_LIMIT).await;
        } => {
            tracing::warn!("connections still open {CLOSE_LIMIT:?} after shutdown; closing them");
            Ok(())
        }
    }
}

struct Service {
    responder: Arc<dyn Responder>,
    stop: CancellationToken,
    next_id: AtomicU64,
    max_message_size: usize,
}

#[tonic::async_trait]
impl stream_server::Stream for Service {
    type ConversationsStream = Tracked;

    async fn conversations(
        &self,
        request: Request<Streaming<StreamRequest>>,
    ) -> Result<Response<Tracked>, Status> {
        let conversation = Conversation {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            peer: request
                .remote_addr()
                .map_or_else(|| "unknown".to_owned(), |peer| peer.to_string()),
        };
        tracing::info!(
            id = conversation.id,
            peer = %conversation.peer,
            "conversation opened"
        );

        let questions_seen = Arc::new(AtomicU64::new(0));
        let questions = {
            let seen = questions_seen.clone();
            let id = conversation.id;
            let limit = self.max_message_size;
            request
                .into_inner()
                .map(move |question| match question {
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
                .boxed()
        };
        let answers = self.responder.respond(&conversation, questions);
        Ok(Response::new(Tracked {
            answers,
            stop: Box::pin(self.stop.clone().cancelled_owned()),
            conversation,
            questions: questions_seen,
            answers_sent: 0,
            max_message_size: self.max_message_size,
            started: Instant::now(),
            status: None,
        }))
    }
}

/// One conversation's answer stream as the wire sees it: it counts, enforces the answer size
/// limit, ends on shutdown, and logs the conversation's close when it is dropped, however it
/// ended.
pub struct Tracked {
    answers: Answers,
    stop: Pin<Box<WaitForCancellationFutureOwned>>,
    conversation: Conversation,
    questions: Arc<AtomicU64>,
    answers_sent: u64,
    max_message_size: usize,
    started: Instant,
    /// Set once the stream has ended; `None` at drop means the client went away first.
    status: Option<Code>,
}

impl Tracked {
    /// Records how the conversation goes on (or ends) with this outcome of the responder.
    fn record(
        &mut self,
        outcome: Option<Result<String, Status>>,
    ) -> Option<<Self as Stream>::Item> {
        let item = match outcome? {
            Ok(answer) => self.within_limit(StreamResponse { answer }),
            Err(status) => Err(status),
        };
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
        // The answers come first so that a busy conversation pays for the shutdown check only
        // when it has to wait anyway.
        let outcome = match self.answers.poll_next_unpin(cx) {
            Poll::Ready(outcome) => outcome,
            Poll::Pending => {
                ready!(self.stop.as_mut().poll(cx));
                Some(Err(Status::unavailable("server shutting down")))
            }
        };
        let item = self.record(outcome);
        if item.is_none() {
            self.status = Some(Code::Ok);
        }
        Poll::Ready(item)
    }
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
    }
}
