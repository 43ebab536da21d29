//! `--idle-timeout`: a conversation whose client has sent no question for that long is ended with
//! DEADLINE_EXCEEDED, so that forgotten conversations do not hold a slot forever.

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use futures_util::Stream;
use tokio::time::{Instant, Sleep};
use tonic::Status;

/// Passes questions through, ending with DEADLINE_EXCEEDED after `limit` without one.
pub(super) struct IdleLimit<S> {
    questions: S,
    limit: Duration,
    /// When the conversation goes idle, unless a question comes first.
    deadline: Instant,
    /// Armed lazily: a question only moves `deadline`, and the timer is moved to it when it
    /// fires early, so the busy path never touches the timer wheel.
    timer: Pin<Box<Sleep>>,
    expired: bool,
}

impl<S> IdleLimit<S> {
    pub(super) fn new(questions: S, limit: Duration) -> Self {
        let deadline = Instant::now() + limit;
        IdleLimit {
            questions,
            limit,
            deadline,
            timer: Box::pin(tokio::time::sleep_until(deadline)),
            expired: false,
        }
    }
}

impl<S> Stream for IdleLimit<S>
where
    S: Stream<Item = Result<String, Status>> + Unpin,
{
    type Item = Result<String, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(question) = Pin::new(&mut self.questions).poll_next(cx) {
            self.deadline = Instant::now() + self.limit;
            return Poll::Ready(question);
        }
        loop {
            if self.timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let deadline = self.deadline;
            if Instant::now() >= deadline {
                self.expired = true;
                return Poll::Ready(Some(Err(Status::deadline_exceeded(format!(
                    "no question for {} (--idle-timeout)",
                    humantime::format_duration(self.limit)
                )))));
            }
            self.timer.as_mut().reset(deadline);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use tokio::sync::mpsc;
    use tokio_stream::wrappers::UnboundedReceiverStream;

    #[tokio::test(start_paused = true)]
    async fn questions_keep_it_alive_and_silence_ends_it() {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut questions =
            IdleLimit::new(UnboundedReceiverStream::new(rx), Duration::from_secs(10));
        for n in 0..3 {
            tokio::time::advance(Duration::from_secs(9)).await;
            tx.send(Ok(format!("q{n}"))).unwrap();
            assert_eq!(questions.next().await.unwrap().unwrap(), format!("q{n}"));
        }
        let started = Instant::now();
        let ended = questions.next().await.unwrap().unwrap_err();
        assert_eq!(ended.code(), tonic::Code::DeadlineExceeded);
        assert_eq!(ended.message(), "no question for 10s (--idle-timeout)");
        assert_eq!(started.elapsed(), Duration::from_secs(10));
        assert!(questions.next().await.is_none());
    }
}
