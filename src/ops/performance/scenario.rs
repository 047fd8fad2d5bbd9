//! One scenario: its request against the target's address, the load, and
//! the figures of what it measured.

use super::PerformanceError;
use crate::adapters::load::{self, HttpTarget, Load, Recorded};
use crate::core::model::performance::{OpenLoad, Runner, Scenario};
use crate::core::scorecard::{ScenarioResult, SecondResult};
use crate::ops::report::Reporter;
use bytes::Bytes;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A scenario to run, with where it came from.
#[derive(Debug, Clone)]
pub struct Job {
    /// `web/home` for a service's scenario, the name for a journey.
    pub subject: String,
    /// The service its requests go to; empty for a k6 journey, whose
    /// script reaches whichever services it does.
    pub target: String,
    pub scenario: Scenario,
    /// The directory its `body-file` or k6 `script` is relative to.
    pub base_dir: PathBuf,
}

impl Job {
    /// The body, read before any load starts.
    pub fn body(&self) -> Result<Bytes, PerformanceError> {
        let file = match &self.scenario.runner {
            Runner::Exo(load) => load.request.body_file.as_ref(),
            Runner::K6 { .. } => None,
        };
        let Some(file) = file else {
            return Ok(Bytes::new());
        };
        let path = self.base_dir.join(file);
        std::fs::read(&path)
            .map(Bytes::from)
            .map_err(|source| PerformanceError::BodyFile { path, source })
    }
}

/// Sends `job`'s load (`scenario`, exo's generator) to `address`.
pub async fn run(
    job: &Job,
    scenario: &OpenLoad,
    body: Bytes,
    address: SocketAddr,
    printer: &mut dyn Reporter,
) -> Result<ScenarioResult, PerformanceError> {
    let request = &scenario.request;
    let target = HttpTarget::new(
        address,
        &request.method,
        &request.path,
        &request.headers,
        body,
    )
    .map_err(PerformanceError::Request)?;
    let plan = Load {
        rate: scenario.rate,
        warm_up: scenario.warm_up,
        duration: scenario.duration,
        timeout: scenario.timeout,
        connections: scenario.connections,
    };
    printer.load_starts(
        &job.subject,
        &job.target,
        scenario.rate,
        (scenario.warm_up + scenario.duration).as_secs_f64(),
    );
    let recorded = load::drive(
        plan,
        || target.connection(),
        |progress| printer.load_progress(&job.subject, &progress),
    )
    .await;
    printer.load_done();
    Ok(figures(job, scenario, &recorded))
}

fn figures(job: &Job, scenario: &OpenLoad, recorded: &Recorded) -> ScenarioResult {
    let seconds = |d: std::time::Duration| d.as_secs_f64();
    ScenarioResult {
        name: job.subject.clone(),
        target: job.target.clone(),
        script: None,
        planned_rate: scenario.rate,
        requests: recorded.requests(),
        rate: recorded.rate(),
        throughput: recorded.throughput(),
        errors: recorded.errors,
        error_rate: recorded.error_rate(),
        timeouts: recorded.timeouts,
        p50: seconds(recorded.quantile(0.5)),
        p90: seconds(recorded.quantile(0.9)),
        p95: seconds(recorded.quantile(0.95)),
        p99: seconds(recorded.quantile(0.99)),
        max: seconds(recorded.max()),
        mean: seconds(recorded.mean()),
        min: seconds(recorded.min()),
        per_second: recorded
            .seconds
            .iter()
            .map(|s| SecondResult {
                requests: s.requests,
                errors: s.errors,
                mean: if s.requests == 0 {
                    0.0
                } else {
                    s.total_micros as f64 / s.requests as f64 / 1e6
                },
                max: s.max_micros as f64 / 1e6,
            })
            .collect(),
    }
}
