//! `.exo/performance-baseline.json`: the figures of a run the user chose to
//! keep (`--save-baseline`), which later runs must not fall behind by more
//! than `max-regression`.

use super::{Check, Scorecard};
use crate::core::model::performance::Unit;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the baseline lives, relative to the application.
pub const BASELINE_FILE: &str = ".exo/performance-baseline.json";

/// Differences below these are noise, whatever the ratio: 1 ms of latency,
/// 1 MiB of memory, 2 % of a core.
const NOISE_SECONDS: f64 = 0.001;
const NOISE_BYTES: f64 = 1048576.0;
const NOISE_CPU: f64 = 0.02;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{BASELINE_FILE} is not a baseline exo wrote: {0}")]
    Invalid(#[from] serde_json::Error),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    /// By subject (scenario or service), then figure name.
    pub figures: BTreeMap<String, BTreeMap<String, f64>>,
}

/// One kept figure: its name, unit and direction.
struct Kept {
    name: &'static str,
    unit: Unit,
    lower_is_better: bool,
}

const SCENARIO_FIGURES: [Kept; 4] = [
    Kept {
        name: "latency p50",
        unit: Unit::Duration,
        lower_is_better: true,
    },
    Kept {
        name: "latency p95",
        unit: Unit::Duration,
        lower_is_better: true,
    },
    Kept {
        name: "latency p99",
        unit: Unit::Duration,
        lower_is_better: true,
    },
    Kept {
        name: "throughput",
        unit: Unit::PerSecond,
        lower_is_better: false,
    },
];
const CONTAINER_FIGURES: [Kept; 2] = [
    Kept {
        name: "memory max",
        unit: Unit::Bytes,
        lower_is_better: true,
    },
    Kept {
        name: "cpu avg",
        unit: Unit::Percent,
        lower_is_better: true,
    },
];

impl Baseline {
    pub fn of(scorecard: &Scorecard) -> Baseline {
        let mut figures = BTreeMap::new();
        for s in &scorecard.scenarios {
            let values = [s.p50, s.p95, s.p99, s.throughput];
            figures.insert(s.name.clone(), named(&SCENARIO_FIGURES, &values));
        }
        for c in &scorecard.containers {
            let values = [c.peak_memory_bytes as f64, c.average_cpu];
            figures.insert(c.role.clone(), named(&CONTAINER_FIGURES, &values));
        }
        Baseline {
            version: 1,
            figures,
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        Ok(serde_json::from_str(text)?)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self)
            .unwrap_or_else(|err| unreachable!("a baseline is plain data: {err}"));
        text.push('\n');
        text
    }

    /// A check per figure both runs have; `max_regression(subject)` is the
    /// share by which that subject's figures may worsen.
    pub fn compare(&self, now: &Baseline, max_regression: impl Fn(&str) -> f64) -> Vec<Check> {
        let mut checks = Vec::new();
        for (subject, figures) in &now.figures {
            let Some(saved) = self.figures.get(subject) else {
                continue;
            };
            let allowed = max_regression(subject);
            for kept in SCENARIO_FIGURES.iter().chain(&CONTAINER_FIGURES) {
                let (Some(was), Some(is)) = (saved.get(kept.name), figures.get(kept.name)) else {
                    continue;
                };
                checks.push(judge(subject, kept, *was, *is, allowed));
            }
        }
        checks
    }
}

fn named(kept: &[Kept], values: &[f64]) -> BTreeMap<String, f64> {
    kept.iter()
        .zip(values)
        .map(|(k, v)| (k.name.to_owned(), *v))
        .collect()
}

fn judge(subject: &str, kept: &Kept, was: f64, is: f64, allowed: f64) -> Check {
    let worse_by = if kept.lower_is_better {
        is - was
    } else {
        was - is
    };
    let noise = match kept.unit {
        Unit::Duration => NOISE_SECONDS,
        Unit::Bytes => NOISE_BYTES,
        Unit::Percent => NOISE_CPU,
        _ => 0.0,
    };
    let share = if was > 0.0 { worse_by / was } else { 0.0 };
    let met = worse_by <= noise || share <= allowed;
    let sign = if is >= was { "+" } else { "-" };
    let change = if was > 0.0 {
        format!(", {sign}{}", Unit::Percent.show(((is - was) / was).abs()))
    } else {
        String::new()
    };
    Check {
        subject: subject.to_owned(),
        name: format!("baseline {}", kept.name),
        measured: format!(
            "{} (baseline {}{change})",
            kept.unit.show(is),
            kept.unit.show(was)
        ),
        limit: format!("{} worse at most", Unit::Percent.show(allowed)),
        met,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scorecard::ScenarioResult;

    fn card(p95: f64, throughput: f64) -> Scorecard {
        Scorecard {
            application: "shop".into(),
            scenarios: vec![ScenarioResult {
                name: "home".into(),
                p50: 0.01,
                p95,
                p99: p95,
                throughput,
                ..ScenarioResult::default()
            }],
            containers: Vec::new(),
            checks: Vec::new(),
            skipped: Vec::new(),
            broken: None,
            interrupted: false,
            seconds: 1.0,
        }
    }

    #[test]
    fn a_figure_worse_than_allowed_fails_naming_both_values() {
        let saved = Baseline::of(&card(0.1, 50.0));
        let text = saved.to_json();
        assert_eq!(Baseline::parse(&text).unwrap(), saved);
        let checks = saved.compare(&Baseline::of(&card(0.2, 49.0)), |_| 0.1);
        let p95 = checks
            .iter()
            .find(|c| c.name == "baseline latency p95")
            .unwrap();
        assert!(!p95.met);
        assert_eq!(p95.measured, "200ms (baseline 100ms, +100%)");
        assert_eq!(p95.limit, "10% worse at most");
        let throughput = checks
            .iter()
            .find(|c| c.name == "baseline throughput")
            .unwrap();
        assert!(throughput.met, "2% fewer is within 10%");
    }

    #[test]
    fn sub_millisecond_changes_are_noise() {
        let saved = Baseline::of(&card(0.0005, 50.0));
        let checks = saved.compare(&Baseline::of(&card(0.0012, 50.0)), |_| 0.1);
        assert!(checks.iter().all(|c| c.met), "{checks:?}");
    }
}
