//! Each container's memory and CPU, sampled through the Engine API while
//! the load runs: peaks and averages, CPU as the difference of the
//! container's CPU counter over wall time (1.0 is one core).

use crate::adapters::docker::Engine;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior, interval};

/// How often each container is sampled.
pub const EVERY: Duration = Duration::from_millis(500);

/// What the samples of one container add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sampled {
    pub peak_memory: u64,
    pub memory_sum: u128,
    pub memory_samples: u64,
    pub peak_cpu: f64,
    pub cpu_nanos: u64,
    pub cpu_seconds: f64,
}

impl Sampled {
    pub fn average_memory(&self) -> u64 {
        if self.memory_samples == 0 {
            0
        } else {
            (self.memory_sum / u128::from(self.memory_samples)) as u64
        }
    }

    pub fn average_cpu(&self) -> f64 {
        if self.cpu_seconds == 0.0 {
            0.0
        } else {
            self.cpu_nanos as f64 / 1e9 / self.cpu_seconds
        }
    }

    /// Adds a sample: `memory` now, `cpu` (counter) now, after `previous`
    /// (counter and when) if there was one.
    pub fn add(&mut self, memory: u64, cpu: (u64, Instant), previous: Option<(u64, Instant)>) {
        self.peak_memory = self.peak_memory.max(memory);
        self.memory_sum += u128::from(memory);
        self.memory_samples += 1;
        let Some((before, then)) = previous else {
            return;
        };
        let wall = cpu.1.saturating_duration_since(then).as_secs_f64();
        // A restarted container's counter starts again from 0.
        let used = cpu.0.saturating_sub(before);
        if wall > 0.0 {
            self.peak_cpu = self.peak_cpu.max(used as f64 / 1e9 / wall);
            self.cpu_nanos += used;
            self.cpu_seconds += wall;
        }
    }
}

/// Samples `containers` (IDs) until `stop` turns true; one [`Sampled`]
/// each, in order. A sample the engine does not give is skipped.
pub async fn sample(
    engine: Arc<dyn Engine>,
    containers: Vec<String>,
    mut stop: watch::Receiver<bool>,
) -> Vec<Sampled> {
    let mut sampled = vec![Sampled::default(); containers.len()];
    let mut previous: Vec<Option<(u64, Instant)>> = vec![None; containers.len()];
    let mut ticks = interval(EVERY);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => break,
        }
        for (i, id) in containers.iter().enumerate() {
            if let Ok(usage) = engine.usage(id).await {
                let now = (usage.cpu_nanos, Instant::now());
                sampled[i].add(usage.memory_bytes, now, previous[i]);
                previous[i] = Some(now);
            }
        }
    }
    sampled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::docker::fake::FakeEngine;
    use crate::adapters::docker::{Inspection, Usage};

    #[tokio::test(start_paused = true)]
    async fn peaks_and_averages_over_the_samples() {
        let start = Instant::now();
        let mut sampled = Sampled::default();
        sampled.add(100, (0, start), None);
        sampled.add(
            300,
            (500_000_000, start + Duration::from_secs(1)),
            Some((0, start)),
        );
        sampled.add(
            200,
            (2_500_000_000, start + Duration::from_secs(2)),
            Some((500_000_000, start + Duration::from_secs(1))),
        );
        assert_eq!(sampled.peak_memory, 300);
        assert_eq!(sampled.average_memory(), 200);
        assert_eq!(sampled.peak_cpu, 2.0);
        assert_eq!(sampled.average_cpu(), 1.25);
    }

    #[tokio::test(start_paused = true)]
    async fn the_fake_engine_s_usage_is_sampled_until_stopped() {
        let engine = FakeEngine::new(&[]);
        let id = engine.place("web", Inspection::default(), &[]);
        engine.uses(
            "web",
            Usage {
                memory_bytes: 64 << 20,
                cpu_nanos: 0,
            },
        );
        let engine: Arc<dyn Engine> = Arc::new(engine);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(sample(engine, vec![id], stopped));
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.send(true).unwrap();
        let sampled = task.await.unwrap();
        assert_eq!(sampled.len(), 1);
        assert!(sampled[0].memory_samples >= 4, "{sampled:?}");
        assert_eq!(sampled[0].peak_memory, 64 << 20);
    }
}
