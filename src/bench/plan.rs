//! When the questions (or calls) of one slot go out: as fast as they may, or each at its time on
//! the run's schedule. Each question or call is a ticket of the run; slot n of C takes tickets
//! n, n + C, n + 2C, ...

use tokio::time::Instant;

use super::{Length, Load, Setup};

#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    n: usize,
    length: Length,
    started: Instant,
    /// With a rate: the run's schedule, and how many slots share it.
    schedule: Option<(Load, usize)>,
}

impl Plan {
    pub(super) fn new(n: usize, setup: &Setup, started: Instant) -> Plan {
        Plan {
            n,
            length: setup.length,
            started,
            schedule: setup
                .config
                .rate
                .map(|load| (load, setup.config.conversations)),
        }
    }

    /// Whether the slot's ticket `i` is within the run's length.
    pub(super) fn more(&self, i: u64) -> bool {
        match self.length {
            Length::Count(count) => i < count,
            Length::Duration(duration) => self.started.elapsed() < duration,
        }
    }

    /// Waits until ticket `i` is due and returns the time its latency counts from; `None` when
    /// the slot has sent all it will.
    pub(super) async fn due(&self, i: u64) -> Option<Instant> {
        if !self.more(i) {
            return None;
        }
        let due = self.at(i);
        // A ticket due after the run's end is never sent, but the slot lasts the run all the
        // same.
        if let (Some(due), Length::Duration(duration)) = (due, self.length)
            && due >= self.started + duration
        {
            tokio::time::sleep_until(self.started + duration).await;
            return None;
        }
        Some(self.wait(i).await)
    }

    /// Waits until ticket `i` is due, whether or not the run's length covers it, and returns
    /// the time its latency counts from: when it was due if the slot is behind (held up by the
    /// server's earlier answers, which must not hide), else when the timer woke it, which may
    /// be up to a millisecond past the due time (tokio's timer granularity, the client's own).
    pub(super) async fn wait(&self, i: u64) -> Instant {
        match self.at(i) {
            Some(due) if due > Instant::now() => {
                tokio::time::sleep_until(due).await;
                Instant::now()
            }
            Some(due) => due,
            None => Instant::now(),
        }
    }

    /// When ticket `i` is due on the schedule, if there is one.
    fn at(&self, i: u64) -> Option<Instant> {
        let (load, slots) = self.schedule?;
        Some(self.started + load.due(ticket(self.n, i, slots) as f64))
    }
}

/// The run's number for the `i`-th ticket of slot `n` of `slots`: slot n takes n, n + slots, ...
pub(super) fn ticket(n: usize, i: u64, slots: usize) -> u64 {
    n as u64 + i * slots as u64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn plan(length: Length, rate: f64) -> Plan {
        Plan {
            n: 0,
            length,
            started: Instant::now(),
            schedule: Some((Load::Constant(rate), 1)),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_ticket_counts_from_when_it_was_due_if_the_slot_is_behind() {
        let plan = plan(Length::Count(10), 10.0);
        let ms = |ms| plan.started + Duration::from_millis(ms);
        // Ticket 1 was due at 100 ms; the slot, held up, comes to it at 250 ms.
        tokio::time::advance(Duration::from_millis(250)).await;
        assert_eq!(plan.due(1).await, Some(ms(100)));
        // Ticket 5 is ahead, at 500 ms: the slot sleeps until then.
        assert_eq!(plan.due(5).await, Some(ms(500)));
        assert_eq!(Instant::now(), ms(500));
        assert_eq!(plan.due(10).await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_ticket_due_after_the_run_is_never_sent_but_the_slot_lasts_the_run() {
        let plan = plan(Length::Duration(Duration::from_millis(300)), 10.0);
        assert!(plan.due(2).await.is_some());
        assert_eq!(plan.due(3).await, None);
        assert_eq!(Instant::now(), plan.started + Duration::from_millis(300));
        // A client-streaming call started in time still waits for its later questions.
        assert_eq!(
            plan.wait(4).await,
            plan.started + Duration::from_millis(400)
        );
    }
}
