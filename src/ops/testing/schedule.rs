//! Which test starts next: at most `jobs` at a time, in the order given,
//! and none after a failure under `--fail-fast`. Pure; the runner asks it.

use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pending: VecDeque<String>,
    running: Vec<String>,
    jobs: usize,
    fail_fast: bool,
    stopped: bool,
}

impl Schedule {
    /// `jobs` is at least one.
    pub fn new(names: impl IntoIterator<Item = String>, jobs: usize, fail_fast: bool) -> Self {
        Schedule {
            pending: names.into_iter().collect(),
            running: Vec::new(),
            jobs: jobs.max(1),
            fail_fast,
            stopped: false,
        }
    }

    /// The next test to start now, if a job is free and none has stopped
    /// the run.
    pub fn start_next(&mut self) -> Option<String> {
        if self.stopped || self.running.len() >= self.jobs {
            return None;
        }
        let name = self.pending.pop_front()?;
        self.running.push(name.clone());
        Some(name)
    }

    /// A test ended. Under `--fail-fast` a failure stops the run: nothing
    /// starts any more, and the tests still running or pending are
    /// returned, to be cancelled.
    pub fn finished(&mut self, name: &str, passed: bool) -> Vec<String> {
        self.running.retain(|n| n != name);
        if passed || !self.fail_fast || self.stopped {
            return Vec::new();
        }
        self.stopped = true;
        self.running
            .drain(..)
            .chain(self.pending.drain(..))
            .collect()
    }

    /// Every test has ended, or the run was stopped.
    pub fn is_done(&self) -> bool {
        self.running.is_empty() && (self.pending.is_empty() || self.stopped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn start_all(schedule: &mut Schedule) -> Vec<String> {
        std::iter::from_fn(|| schedule.start_next()).collect()
    }

    #[test]
    fn at_most_jobs_tests_run_at_once_in_order() {
        let mut schedule = Schedule::new(names(&["a", "b", "c", "d"]), 2, false);
        assert_eq!(start_all(&mut schedule), ["a", "b"]);
        assert!(schedule.finished("b", true).is_empty());
        assert_eq!(start_all(&mut schedule), ["c"]);
        assert!(schedule.finished("a", false).is_empty());
        assert_eq!(start_all(&mut schedule), ["d"]);
        schedule.finished("c", true);
        assert!(!schedule.is_done());
        schedule.finished("d", true);
        assert!(schedule.is_done());
    }

    #[test]
    fn zero_jobs_still_runs_one() {
        let mut schedule = Schedule::new(names(&["a", "b"]), 0, false);
        assert_eq!(start_all(&mut schedule), ["a"]);
    }

    #[test]
    fn fail_fast_stops_at_the_first_failure() {
        let mut schedule = Schedule::new(names(&["a", "b", "c", "d"]), 2, true);
        assert_eq!(start_all(&mut schedule), ["a", "b"]);
        assert!(schedule.finished("a", true).is_empty());
        assert_eq!(start_all(&mut schedule), ["c"]);
        assert_eq!(schedule.finished("c", false), ["b", "d"]);
        assert_eq!(schedule.start_next(), None);
        assert!(schedule.is_done());
        assert!(schedule.finished("b", false).is_empty());
    }

    #[test]
    fn nothing_to_test_is_done_at_once() {
        assert!(Schedule::new(Vec::new(), 4, false).is_done());
    }
}
