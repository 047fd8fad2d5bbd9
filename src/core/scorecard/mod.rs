//! The results of `exo test --performance` as typed data: what each
//! scenario and container measured and each budget's verdict. The
//! operation (`performance/`) fills it; `output/` puts it in words; the
//! JUnit and JSON writers and the baseline file are here, pure.

mod baseline;
mod html;
mod judge;
mod junit;

pub use baseline::{BASELINE_FILE, Baseline, BaselineError};
pub use html::html;
pub use judge::{judge_container, judge_scenario};
pub use junit::junit_xml;

use crate::core::model::performance::Unit;
use serde::{Deserialize, Serialize};

/// One run, whole.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub application: String,
    pub scenarios: Vec<ScenarioResult>,
    pub containers: Vec<ContainerResult>,
    /// Every budget and baseline figure, judged.
    pub checks: Vec<Check>,
    /// Scenarios that did not run although the rest could, and why: their
    /// budgets are not judged, so the run is not a pass.
    pub skipped: Vec<Skipped>,
    /// Why the load could not run; the checks are then not all there.
    pub broken: Option<String>,
    pub interrupted: bool,
    pub seconds: f64,
}

/// How a run ended, as the exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    Met,
    Missed,
    /// A scenario was skipped: not every budget was judged.
    Incomplete,
    Broken,
    Interrupted,
}

impl Scorecard {
    pub fn conclusion(&self) -> Conclusion {
        if self.interrupted {
            Conclusion::Interrupted
        } else if self.broken.is_some() {
            Conclusion::Broken
        } else if !self.skipped.is_empty() {
            Conclusion::Incomplete
        } else if self.checks.iter().any(|c| !c.met) {
            Conclusion::Missed
        } else {
            Conclusion::Met
        }
    }
}

/// A scenario that did not run, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub scenario: String,
    pub reason: String,
}

/// What one scenario's load measured. Durations in seconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScenarioResult {
    pub name: String,
    /// The role it loaded; empty for a k6 journey of application.yml,
    /// which reaches whichever services its script does.
    pub target: String,
    /// The k6 script that sent the load; `None`: exo's generator.
    pub script: Option<String>,
    /// 0 for a k6 script, which plans its own load.
    pub planned_rate: f64,
    pub requests: u64,
    pub rate: f64,
    pub throughput: f64,
    pub errors: u64,
    pub error_rate: f64,
    pub timeouts: u64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
    pub min: f64,
    /// Latency over time: per second, requests, errors, mean and max.
    pub per_second: Vec<SecondResult>,
}

impl ScenarioResult {
    /// `web/steady -> web`, or with the k6 script that sent the load:
    /// `web/checkout -> web (k6 perf/checkout.js)`.
    pub fn heading(&self) -> String {
        let mut heading = self.name.clone();
        if !self.target.is_empty() {
            heading = format!("{heading} -> {}", self.target);
        }
        match &self.script {
            Some(script) => format!("{heading} (k6 {script})"),
            None => heading,
        }
    }

    /// `600 requests, 199.5/s (planned 200/s)`; a k6 script plans its own.
    pub fn sent(&self) -> String {
        let rate = Unit::PerSecond.show(self.rate);
        match self.script {
            Some(_) => format!("{} requests, {rate}", self.requests),
            None => format!(
                "{} requests, {rate} (planned {})",
                self.requests,
                Unit::PerSecond.show(self.planned_rate)
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct SecondResult {
    pub requests: u64,
    pub errors: u64,
    pub mean: f64,
    pub max: f64,
}

/// One container while the scenarios ran.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ContainerResult {
    pub role: String,
    pub peak_memory_bytes: u64,
    pub average_memory_bytes: u64,
    /// 1.0 is one core.
    pub peak_cpu: f64,
    pub average_cpu: f64,
    pub restarts: u32,
    /// Container start to ready, in seconds.
    pub ready: f64,
    pub image_bytes: u64,
}

/// One budget (or baseline figure) judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// The scenario or the service it is about.
    pub subject: String,
    /// `latency p95`, `memory max`, `baseline latency p95`.
    pub name: String,
    pub measured: String,
    pub limit: String,
    pub met: bool,
}

impl Check {
    /// `checkout: latency p95`.
    pub fn title(&self) -> String {
        format!("{}: {}", self.subject, self.name)
    }
}

/// The JSON report (`--json FILE`).
pub fn json(scorecard: &Scorecard) -> String {
    let mut text = serde_json::to_string_pretty(scorecard)
        .unwrap_or_else(|err| unreachable!("a scorecard is plain data: {err}"));
    text.push('\n');
    text
}
