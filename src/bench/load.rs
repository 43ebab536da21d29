//! How the load of a run changes over time: a question rate that is constant (`--rate`), rises in
//! steps or along a line (`--rate-schedule`), and a number of open conversations that steps up
//! (`--conversations-start`, `--conversations-step`). Each question of the run is a ticket, due
//! when the rate's integral reaches its number; conversation n of C takes tickets n, n + C, ...
//! so the whole run keeps the schedule without a central dispatcher.

use std::time::Duration;

/// Questions per second over the whole run, as time goes on.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Load {
    Constant(f64),
    /// From `start`, by `step` every `every`, up to `end` (down to it, for a negative step).
    Steps {
        start: f64,
        end: f64,
        step: f64,
        every: Duration,
    },
    /// From `start` to `end` along a line over `over` (the run's `--duration`).
    Line {
        start: f64,
        end: f64,
        over: Duration,
    },
}

impl Load {
    /// How long after the start the run's `k`-th question (from 0) is due.
    pub(super) fn due(&self, k: f64) -> Duration {
        let seconds = match *self {
            Load::Constant(rate) => k / rate,
            Load::Line { start, end, over } => line_due(start, end, over.as_secs_f64(), k),
            Load::Steps {
                start,
                end,
                step,
                every,
            } => steps_due(start, end, step, every.as_secs_f64(), k),
        };
        Duration::from_secs_f64(seconds.max(0.0))
    }
}

impl Load {
    /// For steps that do not reach `end` within a run of `within`: the last rate they reach.
    pub fn unreached(&self, within: Duration) -> Option<f64> {
        let Load::Steps {
            start,
            end,
            step,
            every,
        } = *self
        else {
            return None;
        };
        let needed = ((end - start) / step).ceil().max(0.0);
        let taken = (within.as_secs_f64() / every.as_secs_f64()).ceil() - 1.0;
        (taken < needed).then(|| start + step * taken.max(0.0))
    }

    /// The schedule in words, its rates in `unit` (questions/s, or calls/s when each call
    /// carries one question).
    pub(super) fn describe(&self, unit: &str) -> String {
        match *self {
            Load::Constant(rate) => format!("{rate} {unit}"),
            Load::Line { start, end, .. } => format!("{start} to {end} {unit} along a line"),
            Load::Steps {
                start,
                end,
                step,
                every,
            } => format!(
                "{start} to {end} {unit} in steps of {step} every {}",
                humantime::format_duration(every)
            ),
        }
    }
}

/// Along the line the count is `start*t + (end-start)*t²/(2*over)`; past `over`, `end` per second.
fn line_due(start: f64, end: f64, over: f64, k: f64) -> f64 {
    let slope = (end - start) / over;
    let by_the_end = (start + end) / 2.0 * over;
    if k > by_the_end {
        return over + (k - by_the_end) / end;
    }
    if slope.abs() < f64::EPSILON {
        return k / start;
    }
    (-start + (start * start + 2.0 * slope * k).sqrt()) / slope
}

/// Walks the steps until the one the `k`-th question falls in.
fn steps_due(start: f64, end: f64, step: f64, every: f64, k: f64) -> f64 {
    let (mut at, mut sent, mut rate) = (0.0, 0.0, start);
    loop {
        let last = (step >= 0.0 && rate >= end) || (step < 0.0 && rate <= end);
        if last || sent + rate * every >= k {
            return at + (k - sent) / rate;
        }
        sent += rate * every;
        at += every;
        rate = if step >= 0.0 {
            (rate + step).min(end)
        } else {
            (rate + step).max(end)
        };
    }
}

/// When conversations join the run: `start` at once, then `step` more every `every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Joining {
    pub start: usize,
    pub step: usize,
    pub every: Duration,
}

impl Joining {
    /// How long after the start conversation `n` (from 0) opens.
    pub(super) fn opens(&self, n: usize) -> Duration {
        match n.checked_sub(self.start) {
            None => Duration::ZERO,
            Some(later) => self.every * (later / self.step.max(1) + 1) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_until(load: &Load, t: f64) -> usize {
        (0..100_000)
            .take_while(|&k| load.due(k as f64).as_secs_f64() < t)
            .count()
    }

    #[test]
    fn a_line_sends_the_area_under_it_and_goes_on_at_its_end_rate() {
        let load = Load::Line {
            start: 100.0,
            end: 300.0,
            over: Duration::from_secs(2),
        };
        // 100..200 per second in the first second (150), 200..300 in the second (250).
        assert!((149..=151).contains(&count_until(&load, 1.0)));
        assert!((399..=401).contains(&count_until(&load, 2.0)));
        assert!((699..=701).contains(&count_until(&load, 3.0)));
    }

    #[test]
    fn steps_rise_every_interval_up_to_the_end_rate_and_stay() {
        let every = Duration::from_secs(1);
        let load = Load::Steps {
            start: 100.0,
            end: 250.0,
            step: 100.0,
            every,
        };
        // 100, then 200, then 250 from then on.
        assert!((99..=101).contains(&count_until(&load, 1.0)));
        assert!((299..=301).contains(&count_until(&load, 2.0)));
        assert!((799..=801).contains(&count_until(&load, 4.0)));
        let down = Load::Steps {
            start: 300.0,
            end: 100.0,
            step: -200.0,
            every,
        };
        assert!((399..=401).contains(&count_until(&down, 2.0)));
    }

    #[test]
    fn steps_that_cannot_reach_the_end_within_the_run_say_where_they_stop() {
        let steps = |start: f64, end: f64, step: f64| Load::Steps {
            start,
            end,
            step,
            every: Duration::from_secs(1),
        };
        let secs = Duration::from_secs_f64;
        // 1000 at 0 s, 2000 at 1 s, 3000 at 2 s: 4000 would come at 3 s, when the run is over.
        assert_eq!(
            steps(1000.0, 4000.0, 1000.0).unreached(secs(3.0)),
            Some(3000.0)
        );
        assert_eq!(steps(1000.0, 4000.0, 1000.0).unreached(secs(3.5)), None);
        assert_eq!(
            steps(400.0, 100.0, -100.0).unreached(secs(2.0)),
            Some(300.0)
        );
        assert_eq!(steps(400.0, 100.0, -100.0).unreached(secs(4.0)), None);
        assert_eq!(steps(100.0, 150.0, 100.0).unreached(secs(1.5)), None);
        let constant = Load::Constant(5.0);
        assert_eq!(constant.unreached(secs(0.1)), None);
    }

    #[test]
    fn conversations_join_in_steps() {
        let joining = Joining {
            start: 2,
            step: 3,
            every: Duration::from_secs(1),
        };
        let opens: Vec<u64> = (0..8).map(|n| joining.opens(n).as_secs()).collect();
        assert_eq!(opens, [0, 0, 1, 1, 1, 2, 2, 2]);
    }
}
