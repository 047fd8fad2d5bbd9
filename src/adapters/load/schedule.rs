//! When each request is due. Computed from the index, not by adding
//! intervals, so that rounding never drifts over a long run.

use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    start: Instant,
    rate: f64,
}

impl Schedule {
    pub fn new(start: Instant, rate: f64) -> Self {
        Schedule { start, rate }
    }

    /// When request `index` is due.
    pub fn at(&self, index: u64) -> Instant {
        self.start + self.offset(index)
    }

    /// How long after the start request `index` is due.
    pub fn offset(&self, index: u64) -> Duration {
        Duration::from_secs_f64(index as f64 / self.rate)
    }

    /// How many requests are due within `span` from the start.
    pub fn count(&self, span: Duration) -> u64 {
        (span.as_secs_f64() * self.rate).round() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_evenly_without_drift() {
        let start = Instant::now();
        let schedule = Schedule::new(start, 3.0);
        assert_eq!(schedule.at(0), start);
        assert_eq!(schedule.offset(3), Duration::from_secs(1));
        assert_eq!(
            schedule.offset(3_000_000),
            Duration::from_secs(1_000_000),
            "a day-long run ends on the second"
        );
        assert_eq!(schedule.count(Duration::from_secs(10)), 30);
        let fast = Schedule::new(start, 200.0);
        assert_eq!(fast.offset(1), Duration::from_millis(5));
        assert_eq!(fast.count(Duration::from_millis(2500)), 500);
    }
}
