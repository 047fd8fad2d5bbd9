//! Performance settings (`performance:` of service.yml and application.yml):
//! the scenarios that load a service and the budgets it is held to. Figures
//! are kept in base units (seconds, fractions, bytes, per second) so that a
//! budget compares any measurement the same way.

use indexmap::IndexMap;
use std::time::Duration;

/// `performance:` of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Performance {
    pub scenarios: Vec<Scenario>,
    /// The service itself while under load (service.yml only).
    pub budgets: Vec<NamedBudget>,
    pub baseline: Option<BaselinePolicy>,
}

impl Performance {
    pub fn is_empty(&self) -> bool {
        self.scenarios.is_empty() && self.budgets.is_empty()
    }
}

/// One load and the budgets its figures are held to.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub runner: Runner,
    pub budgets: Vec<NamedBudget>,
}

impl Scenario {
    /// The role its requests go to, when the file says.
    pub fn target(&self) -> Option<&str> {
        match &self.runner {
            Runner::Exo(load) => load.request.target.as_deref(),
            Runner::K6 { .. } => None,
        }
    }
}

/// What sends a scenario's requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Runner {
    /// exo's own generator (`runner: exo`, the default).
    Exo(Box<OpenLoad>),
    /// The user's k6 script (`runner: k6`), which says its own load.
    K6 {
        /// Relative to the directory of the file that names it.
        script: String,
    },
}

/// exo's load: one request sent at a constant rate for a while.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenLoad {
    pub request: Request,
    /// Requests started per second, whatever the server does (open model).
    pub rate: f64,
    pub duration: Duration,
    /// Sent before `duration`, not counted.
    pub warm_up: Duration,
    /// A request not answered within this long counts as an error.
    pub timeout: Duration,
    /// Most connections kept open at once.
    pub connections: u32,
}

impl OpenLoad {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_CONNECTIONS: u32 = 256;
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    /// Starts with `/`.
    pub path: String,
    /// Relative to the directory of the file that names it.
    pub body_file: Option<String>,
    pub headers: IndexMap<String, String>,
    /// The role it is sent to; `None`: the service the file belongs to.
    pub target: Option<String>,
}

/// What a budget is about, as its key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    Latency,
    Errors,
    Throughput,
    Memory,
    Cpu,
    Restarts,
    Ready,
    ImageSize,
}

impl Figure {
    pub const SCENARIO: [Figure; 3] = [Figure::Latency, Figure::Errors, Figure::Throughput];
    pub const SERVICE: [Figure; 5] = [
        Figure::Memory,
        Figure::Cpu,
        Figure::Restarts,
        Figure::Ready,
        Figure::ImageSize,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Figure::Latency => "latency",
            Figure::Errors => "errors",
            Figure::Throughput => "throughput",
            Figure::Memory => "memory",
            Figure::Cpu => "cpu",
            Figure::Restarts => "restarts",
            Figure::Ready => "ready",
            Figure::ImageSize => "image-size",
        }
    }

    pub fn from_key(key: &str) -> Option<Figure> {
        Figure::SCENARIO
            .into_iter()
            .chain(Figure::SERVICE)
            .find(|f| f.key() == key)
    }

    /// The statistics it may be judged by; the first is taken when none
    /// is written.
    pub fn statistics(self) -> &'static [Statistic] {
        use Statistic::*;
        match self {
            Figure::Latency => &[Percentile(0.0), Max, Avg, Min],
            Figure::Errors => &[Rate, Count],
            Figure::Throughput => &[Value],
            Figure::Memory | Figure::Cpu => &[Max, Avg],
            Figure::Restarts | Figure::Ready | Figure::ImageSize => &[Value],
        }
    }

    /// The unit its limit is written in.
    pub fn unit(self) -> Unit {
        match self {
            Figure::Latency | Figure::Ready => Unit::Duration,
            Figure::Errors | Figure::Cpu => Unit::Percent,
            Figure::Throughput => Unit::PerSecond,
            Figure::Memory | Figure::ImageSize => Unit::Bytes,
            Figure::Restarts => Unit::Count,
        }
    }

    /// Whether more is worse (a regression is a rise).
    pub fn lower_is_better(self) -> bool {
        self != Figure::Throughput
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// `p95`: the fraction 0.95.
    Percentile(f64),
    Max,
    Avg,
    Min,
    /// A share of the requests (`errors: rate < 1%`).
    Rate,
    /// How many (`errors: < 5`).
    Count,
    /// The figure itself, when it is one number.
    Value,
}

impl Statistic {
    /// As written: `p95`, `p99.9`, `max`; empty for a plain value.
    pub fn name(self) -> String {
        match self {
            Statistic::Percentile(p) => format!("p{}", trim_float(p * 100.0)),
            Statistic::Max => "max".into(),
            Statistic::Avg => "avg".into(),
            Statistic::Min => "min".into(),
            Statistic::Rate => "rate".into(),
            Statistic::Count | Statistic::Value => String::new(),
        }
    }

    /// Same kind, whatever the percentile.
    pub fn same_kind(self, other: Statistic) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Below,
    AtMost,
    Above,
    AtLeast,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Below => "<",
            Comparison::AtMost => "<=",
            Comparison::Above => ">",
            Comparison::AtLeast => ">=",
        }
    }

    pub fn holds(self, measured: f64, limit: f64) -> bool {
        match self {
            Comparison::Below => measured < limit,
            Comparison::AtMost => measured <= limit,
            Comparison::Above => measured > limit,
            Comparison::AtLeast => measured >= limit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Duration,
    Percent,
    PerSecond,
    Bytes,
    Count,
}

impl Unit {
    /// `value` (in base units) as a person reads it.
    pub fn show(self, value: f64) -> String {
        match self {
            Unit::Duration if value < 1.0 => format!("{}ms", rounded(value * 1000.0, 1)),
            Unit::Duration => format!("{}s", rounded(value, 3)),
            Unit::Percent => format!("{}%", rounded(value * 100.0, 2)),
            Unit::PerSecond => format!("{}/s", rounded(value, 1)),
            Unit::Bytes => show_bytes(value),
            Unit::Count => trim_float(value),
        }
    }
}

/// One limit, e.g. `p95 < 200ms`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub statistic: Statistic,
    pub comparison: Comparison,
    /// In base units: seconds, a fraction, bytes, per second or a count.
    pub limit: f64,
}

impl Budget {
    pub fn holds(&self, measured: f64) -> bool {
        self.comparison.holds(measured, self.limit)
    }
}

/// A budget with the figure it is about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NamedBudget {
    pub figure: Figure,
    pub budget: Budget,
}

impl NamedBudget {
    /// `latency p95`, `memory max`, `restarts`.
    pub fn name(&self) -> String {
        let statistic = self.budget.statistic.name();
        if statistic.is_empty() {
            self.figure.key().to_owned()
        } else {
            format!("{} {statistic}", self.figure.key())
        }
    }

    /// `< 200ms`, as a person reads the limit.
    pub fn limit_text(&self) -> String {
        let unit = match self.budget.statistic {
            Statistic::Count => Unit::Count,
            _ => self.figure.unit(),
        };
        format!(
            "{} {}",
            self.budget.comparison.symbol(),
            unit.show(self.budget.limit)
        )
    }
}

/// `baseline:` of `performance`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaselinePolicy {
    /// A figure may be this fraction worse than the saved one.
    pub max_regression: f64,
}

/// A float without trailing zeros: `1.5`, `200`, `0.1`.
pub fn trim_float(value: f64) -> String {
    rounded(value, 3)
}

/// `value` with at most `decimals` decimals, without trailing zeros.
fn rounded(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn show_bytes(value: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut scaled = value;
    let mut unit = 0;
    while scaled >= 1024.0 && unit < UNITS.len() - 1 {
        scaled /= 1024.0;
        unit += 1;
    }
    format!(
        "{}{}",
        trim_float((scaled * 10.0).round() / 10.0),
        UNITS[unit]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_shown_in_the_unit_people_read() {
        assert_eq!(Unit::Duration.show(0.2), "200ms");
        assert_eq!(Unit::Duration.show(15.0), "15s");
        assert_eq!(Unit::Percent.show(0.015), "1.5%");
        assert_eq!(Unit::PerSecond.show(48.0), "48/s");
        assert_eq!(Unit::Bytes.show(256.0 * 1024.0 * 1024.0), "256MiB");
        assert_eq!(Unit::Count.show(0.0), "0");
    }

    #[test]
    fn a_budget_is_named_by_its_figure_and_statistic() {
        let budget = NamedBudget {
            figure: Figure::Latency,
            budget: Budget {
                statistic: Statistic::Percentile(0.999),
                comparison: Comparison::Below,
                limit: 0.5,
            },
        };
        assert_eq!(budget.name(), "latency p99.9");
        assert_eq!(budget.limit_text(), "< 500ms");
        assert!(budget.budget.holds(0.4));
        assert!(!budget.budget.holds(0.5));
    }
}
