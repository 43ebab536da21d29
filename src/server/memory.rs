//! Hands freed memory back to the system when the server falls idle. glibc's malloc keeps what
//! thousands of closed conversations freed in its arenas, so without this a server's RSS stays at
//! its peak long after the crowd has gone.

use std::{sync::Arc, time::Duration};

use tokio::sync::Notify;

/// Conversations often end in bursts: trim once the burst is over, not once per conversation.
const SETTLE: Duration = Duration::from_millis(100);

/// Told when the last conversation in progress ends, and when a connection closes; it trims
/// only while no conversation is in progress.
#[derive(Clone, Debug, Default)]
pub(super) struct IdleNotice(Arc<Notify>);

impl IdleNotice {
    pub(super) fn now_idle(&self) {
        self.0.notify_one();
    }

    /// Trims whenever the server has been idle for `SETTLE`; `busy` says whether conversations
    /// came back meanwhile. Runs until dropped.
    pub(super) async fn trim_when_idle(self, busy: impl Fn() -> bool) {
        loop {
            self.0.notified().await;
            tokio::time::sleep(SETTLE).await;
            if !busy() {
                let _ = tokio::task::spawn_blocking(trim).await;
            }
        }
    }
}

#[cfg(target_env = "gnu")]
fn trim() {
    // SAFETY: malloc_trim only walks and releases glibc's own free lists; it takes no pointers
    // and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(target_env = "gnu"))]
fn trim() {}
