//! Turned-away connections and calls, logged without flooding the log.

use std::time::Duration;

use tokio::time::Instant;

/// One log line a second at most, however many connections or calls are turned away.
#[derive(Debug, Default)]
pub(crate) struct Refusals {
    last: Option<Instant>,
    since: u64,
}

impl Refusals {
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
