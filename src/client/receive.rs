//! The receiving half of ask: answers to the writer as they arrive, until the server ends the
//! conversation or ask has heard enough (`--max-answers`, `--until`) or too little
//! (`--idle-timeout`).

use std::{io::Write, time::Duration};

use futures_util::{FutureExt, Stream, StreamExt};
use regex::bytes::Regex;
use tokio::time::Instant;
use tonic::{Status, metadata::MetadataMap};

use super::{
    calls::Heard,
    metadata::{self, Part},
    output::AnswerWriter,
    tally::Tally,
    transcript::Transcript,
};
use crate::{
    error::{Idle, RpcError, innermost, lost_connection},
    mapping::Lines,
    message::over_limit,
    net::{ConnectConfig, GoAway, Link, hint},
};

/// When ask stops listening before the server ends the conversation.
pub(super) struct Enough {
    pub max_answers: Option<u64>,
    pub until: Option<Regex>,
    pub idle_timeout: Option<Duration>,
}

/// How the conversation ended, when it ended well.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ended {
    /// The server ended it with OK.
    ByServer,
    /// `--max-answers` or `--until` was satisfied; ask cancels the rest.
    Enough,
}

/// The receiving side's view of a conversation: when it has heard enough, what it counts and
/// records, and how it words a failure.
pub(super) struct AnswerPrinter<'a> {
    pub(super) enough: Enough,
    pub(super) tally: &'a Tally,
    pub(super) transcript: Option<&'a Transcript>,
    pub(super) explain: &'a Explain,
    /// `--show-metadata`: the response metadata on stderr.
    pub(super) show_metadata: bool,
}

impl AnswerPrinter<'_> {
    /// Writes each answer as it comes, until the answers end, fail, or are enough.
    pub(super) async fn print(
        &self,
        mut answers: impl Stream<Item = Result<Heard, Status>> + Unpin,
        out: &mut AnswerWriter<impl Write>,
    ) -> anyhow::Result<Ended> {
        loop {
            // Write out what we have only when no further answer is ready: one write per burst.
            let next = match answers.next().now_or_never() {
                Some(next) => next,
                None => {
                    out.flush()?;
                    match self.enough.idle_timeout {
                        None => answers.next().await,
                        Some(limit) => next_before_idle(&mut answers, self.tally, limit).await?,
                    }
                }
            };
            let (answer, bytes) = match next {
                Some(Ok(Heard::Answer(answer, bytes))) => (answer, bytes),
                Some(Ok(Heard::Headers(map))) => {
                    self.metadata(Part::Headers, &map, out)?;
                    continue;
                }
                Some(Ok(Heard::Trailers(map))) => {
                    self.metadata(Part::Trailers, &map, out)?;
                    continue;
                }
                None => return Ok(Ended::ByServer),
                Some(Err(status)) => {
                    self.metadata(Part::Trailers, status.metadata(), out)?;
                    let first = self.tally.answered() == 0;
                    return Err(RpcError(self.explain.explain(status, first)).into());
                }
            };
            if self.answered(&answer, bytes.as_deref(), out)? {
                out.flush()?;
                return Ok(Ended::Enough);
            }
        }
    }

    /// Writes and records one answer; whether it was the last one wanted.
    fn answered(
        &self,
        answer: &Lines,
        bytes: Option<&[u8]>,
        out: &mut AnswerWriter<impl Write>,
    ) -> std::io::Result<bool> {
        out.answer(answer)?;
        if let Some(transcript) = self.transcript {
            transcript.answer(answer, bytes.unwrap_or_default());
        }
        let count = self.tally.answer_received();
        let matched = (self.enough.until.as_ref())
            .is_some_and(|until| answer.iter().any(|line| until.is_match(line)));
        Ok(matched || self.enough.max_answers == Some(count))
    }

    /// Records metadata, and shows it on stderr after the answers that came before it.
    fn metadata(
        &self,
        part: Part,
        map: &MetadataMap,
        out: &mut AnswerWriter<impl Write>,
    ) -> std::io::Result<()> {
        if let Some(transcript) = self.transcript {
            transcript.metadata(part, map);
        }
        if self.show_metadata {
            out.flush()?;
            eprint!("{}", metadata::shown(part, map));
        }
        Ok(())
    }
}

/// The next answer, unless nothing moves for `limit` once a question has been sent.
async fn next_before_idle(
    answers: &mut (impl Stream<Item = Result<Heard, Status>> + Unpin),
    tally: &Tally,
    limit: Duration,
) -> Result<Option<Result<Heard, Status>>, Idle> {
    loop {
        // Before the first question there is nothing to wait for: look again after `limit`.
        let since = tally.last_moved().map(Instant::from_std);
        let deadline = since.unwrap_or_else(Instant::now) + limit;
        // `next()` may be dropped and called again without losing anything.
        if let Ok(next) = tokio::time::timeout_at(deadline, answers.next()).await {
            return Ok(next);
        }
        let quiet_since = tally.last_moved().map(Instant::from_std);
        if quiet_since.is_some_and(|moved| moved + limit <= Instant::now()) {
            return Err(Idle(limit));
        }
    }
}

/// What ask knows that turns tonic's statuses into ones a user can act on.
pub(super) struct Explain {
    tls: bool,
    max_message_size: usize,
    link: Link,
    /// How long a keepalive ping may go unanswered, when pings are sent.
    ping_timeout: Option<Duration>,
}

impl Explain {
    pub(super) fn new(connect: &ConnectConfig, link: Link, max_message_size: usize) -> Explain {
        Explain {
            tls: connect.tls.is_some(),
            max_message_size,
            link,
            ping_timeout: (!connect.keepalive.is_zero()).then(|| connect.ping_timeout()),
        }
    }

    /// `before_any_answer`: whether the connection could be the wrong kind (plaintext to a TLS
    /// server and the like), which is worth a hint only until an answer has come through.
    pub(super) fn explain(&self, status: Status, before_any_answer: bool) -> Status {
        let status = over_limit(status, "answer", self.max_message_size);
        self.broken_connection(status, before_any_answer)
    }

    /// A connection that fails under the call reaches us as UNKNOWN, CANCELLED, INTERNAL or
    /// UNAVAILABLE with an HTTP/2, hyper or socket error as its source, which no server sent:
    /// say what happened, as UNAVAILABLE, the status gRPC gives a broken connection. A status the
    /// server sent has no source and passes unchanged.
    fn broken_connection(&self, status: Status, before_any_answer: bool) -> Status {
        if !lost_connection(&status) {
            return status;
        }
        let cause = match self.lost_why() {
            Some(why) => why,
            None if before_any_answer => hint(&status, self.tls),
            None => innermost(&status),
        };
        Status::unavailable(format!("connection lost: {cause}"))
    }

    /// The causes worth more than the innermost error's words: a server that closed the
    /// connection with a reason, and our keepalive giving up on a silent one.
    fn lost_why(&self) -> Option<String> {
        if let Some(GoAway { reason, debug }) = self.link.go_away()
            && reason != h2::Reason::NO_ERROR
        {
            if reason == h2::Reason::ENHANCE_YOUR_CALM && debug == "too_many_pings" {
                return Some(
                    "the server closed the connection for too many pings (GOAWAY too_many_pings): \
                     make --keepalive longer (grpc-go servers take one per 5 minutes by default)"
                        .into(),
                );
            }
            let debug = if debug.is_empty() {
                debug
            } else {
                format!(" ({debug})")
            };
            return Some(format!(
                "the server closed the connection: GOAWAY {reason:?}{debug}"
            ));
        }
        let timeout = self.ping_timeout?;
        self.link.went_silent(timeout).then(|| {
            format!(
                "no answer to a keepalive ping within {} (--keepalive)",
                humantime::format_duration(timeout)
            )
        })
    }
}
