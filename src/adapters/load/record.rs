//! What the generator measured: every latency in an HdrHistogram (fixed
//! memory whatever the number of requests), and per second of the run the
//! requests, errors, mean and max latency.

use super::Outcome;
use hdrhistogram::Histogram;
use std::time::Duration;

/// Latencies are kept in microseconds with 3 significant digits.
const SIGNIFICANT_DIGITS: u8 = 3;

/// One second of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Second {
    pub requests: u64,
    pub errors: u64,
    pub total_micros: u64,
    pub max_micros: u64,
}

/// The counted requests of a run.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub latencies: Histogram<u64>,
    pub errors: u64,
    pub timeouts: u64,
    pub seconds: Vec<Second>,
    /// From the first counted request's due time to the last answer.
    pub elapsed: Duration,
    /// From the first counted request's due time to one interval after the
    /// last was sent: what the sending rate is over.
    pub sending: Duration,
}

impl Recorded {
    /// Ready for a run of `duration` whose requests time out after `timeout`.
    pub fn new(duration: Duration, timeout: Duration) -> Self {
        let highest = (timeout.as_micros() as u64).saturating_mul(4).max(2);
        let latencies = Histogram::new_with_bounds(1, highest, SIGNIFICANT_DIGITS)
            .unwrap_or_else(|err| unreachable!("1 < {highest}, 3 digits: {err}"));
        Recorded {
            latencies,
            errors: 0,
            timeouts: 0,
            seconds: vec![Second::default(); duration.as_secs() as usize + 1],
            elapsed: Duration::ZERO,
            sending: Duration::ZERO,
        }
    }

    /// A request due `due` after the counted start took `latency`.
    pub fn record(&mut self, due: Duration, latency: Duration, outcome: Outcome) {
        let micros = (latency.as_micros() as u64).max(1);
        self.latencies.saturating_record(micros);
        let errored = outcome.is_error();
        self.errors += u64::from(errored);
        self.timeouts += u64::from(outcome == Outcome::TimedOut);
        let last = self.seconds.len() - 1;
        let second = &mut self.seconds[(due.as_secs() as usize).min(last)];
        second.requests += 1;
        second.errors += u64::from(errored);
        second.total_micros += micros;
        second.max_micros = second.max_micros.max(micros);
    }

    /// Counts `other`'s requests too (both made by `new` with the same
    /// duration and timeout).
    pub fn add(&mut self, other: &Recorded) {
        self.latencies
            .add(&other.latencies)
            .unwrap_or_else(|err| unreachable!("the same bounds: {err}"));
        self.errors += other.errors;
        self.timeouts += other.timeouts;
        for (mine, theirs) in self.seconds.iter_mut().zip(&other.seconds) {
            mine.requests += theirs.requests;
            mine.errors += theirs.errors;
            mine.total_micros += theirs.total_micros;
            mine.max_micros = mine.max_micros.max(theirs.max_micros);
        }
    }

    pub fn requests(&self) -> u64 {
        self.latencies.len()
    }

    /// The latency at `quantile` (0.95 for p95).
    pub fn quantile(&self, quantile: f64) -> Duration {
        Duration::from_micros(self.latencies.value_at_quantile(quantile))
    }

    pub fn max(&self) -> Duration {
        Duration::from_micros(self.latencies.max())
    }

    pub fn min(&self) -> Duration {
        Duration::from_micros(self.latencies.min())
    }

    pub fn mean(&self) -> Duration {
        Duration::from_secs_f64(self.latencies.mean() / 1e6)
    }

    /// Requests sent per second over the counted part.
    pub fn rate(&self) -> f64 {
        per_second(self.requests(), self.sending)
    }

    /// Answers that were not errors, per second.
    pub fn throughput(&self) -> f64 {
        per_second(self.requests() - self.errors, self.elapsed)
    }

    pub fn error_rate(&self) -> f64 {
        if self.requests() == 0 {
            0.0
        } else {
            self.errors as f64 / self.requests() as f64
        }
    }
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    if elapsed.is_zero() {
        0.0
    } else {
        count as f64 / elapsed.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_keep_three_significant_digits() {
        let mut recorded = Recorded::new(Duration::from_secs(10), Duration::from_secs(1));
        for ms in 1..=100 {
            recorded.record(
                Duration::from_millis(ms * 10),
                Duration::from_millis(ms),
                Outcome::Answered,
            );
        }
        recorded.record(Duration::ZERO, Duration::from_secs(1), Outcome::TimedOut);
        recorded.elapsed = Duration::from_secs(1);
        recorded.sending = Duration::from_secs(1);
        assert_eq!(recorded.requests(), 101);
        let p50 = recorded.quantile(0.5).as_micros();
        assert!((50_000..=51_100).contains(&p50), "{p50}");
        assert!(recorded.quantile(0.99).as_millis() >= 99);
        assert_eq!(recorded.max().as_millis(), 1000);
        assert_eq!((recorded.errors, recorded.timeouts), (1, 1));
        assert_eq!(recorded.rate(), 101.0);
        assert_eq!(recorded.throughput(), 100.0);
    }

    #[test]
    fn each_second_has_its_bucket_and_late_ones_share_the_last() {
        let mut recorded = Recorded::new(Duration::from_secs(2), Duration::from_secs(1));
        recorded.record(
            Duration::from_millis(500),
            Duration::from_millis(3),
            Outcome::Answered,
        );
        recorded.record(
            Duration::from_millis(1500),
            Duration::from_millis(7),
            Outcome::Status(500),
        );
        recorded.record(
            Duration::from_secs(9),
            Duration::from_millis(1),
            Outcome::Answered,
        );
        assert_eq!(recorded.seconds.len(), 3);
        assert_eq!(recorded.seconds[0].requests, 1);
        assert_eq!(recorded.seconds[1].errors, 1);
        assert_eq!(recorded.seconds[1].max_micros, 7000);
        assert_eq!(recorded.seconds[2].requests, 1);
    }

    #[test]
    fn two_workers_figures_add_up() {
        let mut first = Recorded::new(Duration::from_secs(2), Duration::from_secs(1));
        let mut second = first.clone();
        first.record(Duration::ZERO, Duration::from_millis(2), Outcome::Answered);
        second.record(Duration::ZERO, Duration::from_millis(9), Outcome::TimedOut);
        second.record(
            Duration::from_millis(1200),
            Duration::from_millis(4),
            Outcome::Status(503),
        );
        first.add(&second);
        assert_eq!(first.requests(), 3);
        assert_eq!((first.errors, first.timeouts), (2, 1));
        assert_eq!(first.max().as_millis(), 9);
        assert_eq!(first.seconds[0].requests, 2);
        assert_eq!(first.seconds[0].max_micros, 9000);
        assert_eq!(first.seconds[1].errors, 1);
    }

    #[test]
    fn latencies_beyond_the_range_are_kept_at_its_top() {
        let mut recorded = Recorded::new(Duration::from_secs(1), Duration::from_millis(10));
        recorded.record(Duration::ZERO, Duration::from_secs(60), Outcome::TimedOut);
        assert_eq!(recorded.requests(), 1);
        assert!(recorded.max() >= Duration::from_millis(40));
    }
}
