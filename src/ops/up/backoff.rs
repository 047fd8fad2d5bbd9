//! When to restart a crashed container: exponential backoff, capped, started
//! over after a stable uptime, and given up after too many crashes in a
//! window. Pure: time is passed in, so it is tested without waiting.

use crate::core::model::RestartPolicy;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Restart after this delay; `attempt` counts from 1 since the last
    /// stable run.
    Restart { delay: Duration, attempt: u32 },
    /// Too many crashes within the window: leave the service stopped.
    GiveUp { crashes: usize, window: Duration },
}

#[derive(Debug, Clone)]
pub struct Backoff {
    policy: RestartPolicy,
    attempt: u32,
    crashes: VecDeque<Instant>,
}

impl Backoff {
    pub fn new(policy: RestartPolicy) -> Self {
        Backoff {
            policy,
            attempt: 0,
            crashes: VecDeque::new(),
        }
    }

    /// What to do about a crash at `now` after running for `uptime`.
    pub fn on_crash(&mut self, now: Instant, uptime: Duration) -> Decision {
        if uptime >= self.policy.reset_after {
            self.attempt = 0;
        }
        while self
            .crashes
            .front()
            .is_some_and(|first| now.duration_since(*first) > self.policy.window)
        {
            self.crashes.pop_front();
        }
        self.crashes.push_back(now);
        if self.crashes.len() > self.policy.max_crashes as usize {
            return Decision::GiveUp {
                crashes: self.crashes.len(),
                window: self.policy.window,
            };
        }
        self.attempt += 1;
        Decision::Restart {
            delay: self.delay(self.attempt),
            attempt: self.attempt,
        }
    }

    /// Starts over, as after a stable run: no attempts, no crashes counted.
    pub fn forget(&mut self) {
        self.attempt = 0;
        self.crashes.clear();
    }

    /// `initial × multiplier^(attempt-1)`, at most `max`.
    fn delay(&self, attempt: u32) -> Duration {
        let factor = self
            .policy
            .multiplier
            .powi(attempt.saturating_sub(1).min(64) as i32);
        let seconds = self.policy.initial_delay.as_secs_f64() * factor;
        Duration::try_from_secs_f64(seconds)
            .unwrap_or(self.policy.max_delay)
            .min(self.policy.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RestartPolicy {
        RestartPolicy {
            initial_delay: Duration::from_millis(100),
            multiplier: 2.0,
            max_delay: Duration::from_millis(500),
            reset_after: Duration::from_secs(10),
            max_crashes: 5,
            window: Duration::from_secs(60),
            ..RestartPolicy::default()
        }
    }

    fn delays(backoff: &mut Backoff, start: Instant, count: u64) -> Vec<Decision> {
        (0..count)
            .map(|i| backoff.on_crash(start + Duration::from_secs(i), Duration::from_millis(50)))
            .collect()
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let mut backoff = Backoff::new(policy());
        let got = delays(&mut backoff, Instant::now(), 5);
        let expected: Vec<Decision> = [100, 200, 400, 500, 500]
            .iter()
            .zip(1..)
            .map(|(ms, attempt)| Decision::Restart {
                delay: Duration::from_millis(*ms),
                attempt,
            })
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn gives_up_after_too_many_crashes_in_the_window() {
        let mut backoff = Backoff::new(policy());
        let start = Instant::now();
        delays(&mut backoff, start, 5);
        assert_eq!(
            backoff.on_crash(start + Duration::from_secs(5), Duration::ZERO),
            Decision::GiveUp {
                crashes: 6,
                window: Duration::from_secs(60)
            }
        );
    }

    #[test]
    fn old_crashes_leave_the_window() {
        let mut backoff = Backoff::new(policy());
        let start = Instant::now();
        delays(&mut backoff, start, 5);
        let later = start + Duration::from_secs(120);
        assert!(matches!(
            backoff.on_crash(later, Duration::ZERO),
            Decision::Restart { .. }
        ));
    }

    #[test]
    fn a_stable_run_starts_the_delays_over() {
        let mut backoff = Backoff::new(policy());
        let start = Instant::now();
        delays(&mut backoff, start, 3);
        let decision = backoff.on_crash(start + Duration::from_secs(30), Duration::from_secs(20));
        assert_eq!(
            decision,
            Decision::Restart {
                delay: Duration::from_millis(100),
                attempt: 1
            }
        );
    }

    #[test]
    fn a_multiplier_of_one_keeps_the_delay() {
        let mut backoff = Backoff::new(RestartPolicy {
            multiplier: 1.0,
            ..policy()
        });
        let got = delays(&mut backoff, Instant::now(), 3);
        assert!(got.iter().all(
            |d| matches!(d, Decision::Restart { delay, .. } if *delay == Duration::from_millis(100))
        ));
    }
}
