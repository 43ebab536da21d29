//! Turned-away connections and calls, logged without flooding the log.

use std::time::Duration;

use tokio::time::Instant;

/// The pause after an accept that failed for want of resources.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// One log line a second at most, however many connections or calls are turned away.
#[derive(Debug, Default)]
pub(crate) struct Refusals {
    last: Option<Instant>,
    since: u64,
}

impl Refusals {
    /// A failed accept, logged; when it was for want of file descriptors or memory, a pause
    /// before the next, so that the loop does not spin while the condition lasts.
    pub(crate) async fn accept_failed(&mut self, err: &std::io::Error) {
        self.note(&format!("cannot accept a connection: {err}"));
        if crate::addr::out_of_resources(err) {
            tokio::time::sleep(ACCEPT_PAUSE).await;
        }
    }

    pub(crate) fn note(&mut self, what: &str) {
        self.since += 1;
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now - last < Duration::from_secs(1))
        {
            return;
        }
        let more = match self.since {
            1 => String::new(),
            n => format!(" ({n} times since the last such line)"),
        };
        tracing::warn!("{what}{more}");
        (self.last, self.since) = (Some(now), 0);
    }
}
