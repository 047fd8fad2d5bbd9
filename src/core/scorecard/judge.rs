//! Budgets against measurements.

use super::{Check, ContainerResult, ScenarioResult};
use crate::core::model::performance::{Figure, NamedBudget, Statistic, Unit};

/// The checks of a scenario's budgets.
pub fn judge_scenario(result: &ScenarioResult, budgets: &[NamedBudget]) -> Vec<Check> {
    budgets
        .iter()
        .map(|budget| {
            let measured = scenario_figure(result, budget);
            check(&result.name, budget, measured)
        })
        .collect()
}

/// The checks of a service's own budgets on one of its containers.
pub fn judge_container(result: &ContainerResult, budgets: &[NamedBudget]) -> Vec<Check> {
    budgets
        .iter()
        .map(|budget| {
            let measured = container_figure(result, budget);
            check(&result.role, budget, measured)
        })
        .collect()
}

fn check(subject: &str, budget: &NamedBudget, measured: f64) -> Check {
    Check {
        subject: subject.to_owned(),
        name: budget.name(),
        measured: unit_of(budget).show(measured),
        limit: budget.limit_text(),
        met: budget.budget.holds(measured),
    }
}

fn unit_of(budget: &NamedBudget) -> Unit {
    match budget.budget.statistic {
        Statistic::Count => Unit::Count,
        _ => budget.figure.unit(),
    }
}

/// The figure a scenario budget is about, in base units.
pub(super) fn scenario_figure(result: &ScenarioResult, budget: &NamedBudget) -> f64 {
    match (budget.figure, budget.budget.statistic) {
        (Figure::Latency, Statistic::Percentile(p)) => percentile(result, p),
        (Figure::Latency, Statistic::Max) => result.max,
        (Figure::Latency, Statistic::Min) => result.min,
        (Figure::Latency, _) => result.mean,
        (Figure::Errors, Statistic::Count) => result.errors as f64,
        (Figure::Errors, _) => result.error_rate,
        _ => result.throughput,
    }
}

/// The percentiles the report keeps; others are rounded to the nearest
/// kept one from above.
fn percentile(result: &ScenarioResult, p: f64) -> f64 {
    match p {
        p if p <= 0.5 => result.p50,
        p if p <= 0.9 => result.p90,
        p if p <= 0.95 => result.p95,
        p if p <= 0.99 => result.p99,
        _ => result.max,
    }
}

pub(super) fn container_figure(result: &ContainerResult, budget: &NamedBudget) -> f64 {
    let average = budget.budget.statistic == Statistic::Avg;
    match budget.figure {
        Figure::Memory if average => result.average_memory_bytes as f64,
        Figure::Memory => result.peak_memory_bytes as f64,
        Figure::Cpu if average => result.average_cpu,
        Figure::Cpu => result.peak_cpu,
        Figure::Restarts => f64::from(result.restarts),
        Figure::Ready => result.ready,
        _ => result.image_bytes as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::performance::{Budget, Comparison};

    fn budget(
        figure: Figure,
        statistic: Statistic,
        comparison: Comparison,
        limit: f64,
    ) -> NamedBudget {
        NamedBudget {
            figure,
            budget: Budget {
                statistic,
                comparison,
                limit,
            },
        }
    }

    #[test]
    fn each_budget_is_judged_on_its_figure_with_both_values_in_words() {
        let result = ScenarioResult {
            name: "home".into(),
            p95: 0.25,
            errors: 3,
            error_rate: 0.003,
            throughput: 47.5,
            ..ScenarioResult::default()
        };
        let checks = judge_scenario(
            &result,
            &[
                budget(
                    Figure::Latency,
                    Statistic::Percentile(0.95),
                    Comparison::Below,
                    0.2,
                ),
                budget(Figure::Errors, Statistic::Rate, Comparison::Below, 0.01),
                budget(
                    Figure::Throughput,
                    Statistic::Value,
                    Comparison::AtLeast,
                    48.0,
                ),
            ],
        );
        let seen: Vec<(String, String, String, bool)> = checks
            .into_iter()
            .map(|c| (c.name, c.measured, c.limit, c.met))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "latency p95".into(),
                    "250ms".into(),
                    "< 200ms".into(),
                    false
                ),
                ("errors rate".into(), "0.3%".into(), "< 1%".into(), true),
                (
                    "throughput".into(),
                    "47.5/s".into(),
                    ">= 48/s".into(),
                    false
                ),
            ]
        );
        let container = ContainerResult {
            role: "web".into(),
            peak_memory_bytes: 300 << 20,
            restarts: 1,
            ..ContainerResult::default()
        };
        let checks = judge_container(
            &container,
            &[
                budget(
                    Figure::Memory,
                    Statistic::Max,
                    Comparison::Below,
                    (256u64 << 20) as f64,
                ),
                budget(Figure::Restarts, Statistic::Value, Comparison::AtMost, 0.0),
            ],
        );
        assert_eq!(checks[0].measured, "300MiB");
        assert!(!checks[0].met);
        assert_eq!((checks[1].measured.as_str(), checks[1].met), ("1", false));
    }
}
