//! `--lockstep`, for ask and bench alike: a question goes out only once the one before it has
//! been answered.

use tokio::sync::Semaphore;

/// The turn-taking of one conversation; a no-op when questions are pipelined.
#[derive(Debug)]
pub(crate) struct Lockstep(Option<Semaphore>);

impl Lockstep {
    pub(crate) fn new(lockstep: bool) -> Lockstep {
        Lockstep(lockstep.then(|| Semaphore::new(1)))
    }

    /// Whether questions take turns at all.
    pub(crate) fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// Waits until the next question may go.
    pub(crate) async fn take_turn(&self) {
        if let Some(turn) = &self.0
            && let Ok(permit) = turn.acquire().await
        {
            permit.forget();
        }
    }

    /// An answer came: the next question may go.
    pub(crate) fn answered(&self) {
        if let Some(turn) = &self.0 {
            turn.add_permits(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[test]
    fn each_turn_after_the_first_waits_for_an_answer() {
        let lockstep = Lockstep::new(true);
        assert!(lockstep.take_turn().now_or_never().is_some());
        assert!(lockstep.take_turn().now_or_never().is_none());
        lockstep.answered();
        assert!(lockstep.take_turn().now_or_never().is_some());
        let pipelined = Lockstep::new(false);
        for _ in 0..3 {
            assert!(pipelined.take_turn().now_or_never().is_some());
        }
    }
}
