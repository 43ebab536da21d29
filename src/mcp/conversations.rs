//! Conversations an agent holds across tool calls, for client-streaming and bidirectional
//! methods: `open_conversation` starts the call and returns its id, `send` passes requests in,
//! `receive` takes the answers that arrived since the last receive (waiting up to `wait_ms` for
//! one), in order, with the status once the call has ended, and `close` ends it. The answers
//! are read as they come into the conversation's inbox, so that a `receive` finds them; one idle
//! past `--conversation-idle` is ended, and `--max-conversations` bounds them all.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::{
    sync::{Notify, OwnedSemaphorePermit, mpsc},
    time::Instant,
};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::task::AbortOnDropHandle;
use tonic::Status;

use super::invoke::Gathered;
use crate::{
    client::{Heard, Received, gateway::Opened, metadata},
    error::{lock, status_json},
    mapping::{Outgoing, ToMessage},
    message::within_limit,
};

/// Requests queued ahead of the call, at most: `send` waits for room past them.
const QUEUED: usize = 16;
/// How long `send` waits for a call that takes no more requests (its server not reading).
const SEND_WAIT: Duration = Duration::from_secs(30);

/// One conversation in progress.
struct Conversation {
    questions: Mutex<Option<mpsc::Sender<Outgoing>>>,
    lines: ToMessage,
    whole: ToMessage,
    max_message_size: usize,
    inbox: Arc<(Mutex<Inbox>, Notify)>,
    last_used: Mutex<Instant>,
    _reader: AbortOnDropHandle<()>,
    _seat: OwnedSemaphorePermit,
}

#[derive(Default)]
struct Inbox {
    answers: VecDeque<Value>,
    /// The call's end: its status (with trailers) in JSON.
    ended: Option<Value>,
}

/// The conversations of one MCP session.
#[derive(Default)]
pub(super) struct Conversations {
    open: Mutex<HashMap<String, Arc<Conversation>>>,
    next: Mutex<u64>,
}

/// A request as `send` takes it: a whole message in JSON, or a line by the mapping.
pub(super) enum Request {
    Json(Value),
    Line(String),
}

impl Conversations {
    /// Starts reading `opened`'s answers and returns the conversation's id.
    pub(super) fn open(
        &self,
        opened: Opened,
        max_message_size: usize,
        seat: OwnedSemaphorePermit,
    ) -> String {
        let (questions, queued) = mpsc::channel(QUEUED);
        let inbox: Arc<(Mutex<Inbox>, Notify)> = Arc::default();
        // The call opens in the reader's task: a server that sends its headers with its first
        // answer (grpc-go's) opens it only once a question has been sent.
        let (calls, held) = (opened.calls, inbox.clone());
        let reader = tokio::spawn(async move {
            read(calls.answers(ReceiverStream::new(queued)).await, held).await;
        });
        let reader = AbortOnDropHandle::new(reader);
        let conversation = Conversation {
            questions: Mutex::new(Some(questions)),
            lines: opened.lines,
            whole: opened.whole,
            max_message_size,
            inbox,
            last_used: Mutex::new(Instant::now()),
            _reader: reader,
            _seat: seat,
        };
        let id = {
            let mut next = lock(&self.next);
            *next += 1;
            format!("c{next}")
        };
        lock(&self.open).insert(id.clone(), Arc::new(conversation));
        id
    }

    fn get(&self, id: &str) -> anyhow::Result<Arc<Conversation>> {
        let conversation = lock(&self.open).get(id).cloned();
        let conversation = conversation.ok_or_else(|| {
            anyhow::anyhow!("no conversation {id} (closed, idle too long, or never opened)")
        })?;
        *lock(&conversation.last_used) = Instant::now();
        Ok(conversation)
    }

    /// Sends `requests` in order, then ends the input if `end`; returns how many went.
    pub(super) async fn send(
        &self,
        id: &str,
        requests: Vec<Request>,
        end: bool,
    ) -> anyhow::Result<usize> {
        let conversation = self.get(id)?;
        let sender = lock(&conversation.questions).clone();
        let Some(sender) = sender else {
            anyhow::bail!("conversation {id}: its input has ended");
        };
        let count = requests.len();
        for (n, request) in requests.into_iter().enumerate() {
            let made = match request {
                Request::Json(value) => conversation
                    .whole
                    .request(value.to_string().as_bytes(), false),
                Request::Line(line) => conversation.lines.request(line.as_bytes(), false),
            };
            let (outgoing, size) =
                made.map_err(|why| anyhow::anyhow!("request {}: {why}", n + 1))?;
            within_limit("request", size, conversation.max_message_size)
                .map_err(|why| anyhow::anyhow!("request {}: {why}", n + 1))?;
            match tokio::time::timeout(SEND_WAIT, sender.send(outgoing)).await {
                Ok(Ok(())) => {}
                // The call is over; receive says how.
                Ok(Err(_)) => return Ok(n),
                Err(_) => anyhow::bail!(
                    "request {}: the call took no request for {SEND_WAIT:?} (its server is not \
                     reading); {n} went",
                    n + 1
                ),
            }
        }
        if end {
            lock(&conversation.questions).take();
        }
        Ok(count)
    }

    /// The answers since the last receive, `max` at most, waiting up to `wait` for the first;
    /// with the call's status once it has ended and every answer has been taken.
    pub(super) async fn receive(
        &self,
        id: &str,
        wait: Duration,
        max: usize,
    ) -> anyhow::Result<Value> {
        let conversation = self.get(id)?;
        let (inbox, arrived) = &*conversation.inbox;
        let deadline = Instant::now() + wait;
        loop {
            let notified = arrived.notified();
            {
                let mut inbox = lock(inbox);
                if !inbox.answers.is_empty() || inbox.ended.is_some() {
                    let take = inbox.answers.len().min(max);
                    let answers: Vec<Value> = inbox.answers.drain(..take).collect();
                    let status = inbox.ended.clone().filter(|_| inbox.answers.is_empty());
                    return Ok(
                        json!({ "answers": answers, "ended": status.is_some(), "status": status }),
                    );
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Ok(json!({ "answers": [], "ended": false, "status": null }));
            }
        }
    }

    /// Ends the conversation: its input closed, its answers dropped. tonic's client sends a
    /// call's requests from a task of its own, so dropping the answers does not reset the
    /// stream; the server sees the end of the questions.
    pub(super) fn close(&self, id: &str) -> anyhow::Result<()> {
        lock(&self.open)
            .remove(id)
            .map(drop)
            .ok_or_else(|| anyhow::anyhow!("no conversation {id}"))
    }

    /// Ends, as `close` does, those unused for `idle`.
    pub(super) fn sweep(&self, idle: Duration) {
        let now = Instant::now();
        lock(&self.open).retain(|_, conversation| now - *lock(&conversation.last_used) < idle);
    }
}

/// Reads the call's answers into the inbox as they come, then its status.
async fn read(mut answers: Received, inbox: Arc<(Mutex<Inbox>, Notify)>) {
    let (held, arrived) = &*inbox;
    let mut gathered = Gathered::default();
    let mut trailers = None;
    let status = loop {
        match answers.next().await {
            Some(Ok(Heard::Answer(lines, _))) => gathered.answer(&lines),
            Some(Ok(Heard::Trailers(map))) => trailers = Some(metadata::json(&map)),
            Some(Ok(Heard::Headers(_))) => {}
            Some(Err(status)) => break status,
            None => break Status::ok(""),
        }
        lock(held).answers.extend(gathered.responses.drain(..));
        arrived.notify_waiters();
    };
    let mut ended = status_json(&status);
    ended["trailers"] = trailers.unwrap_or_else(|| metadata::json(status.metadata()));
    lock(held).ended = Some(ended);
    arrived.notify_waiters();
}
