//! The words of `exo test --performance`: live progress per scenario, then
//! the figures of each scenario and container and each budget's verdict.

use super::Printer;
use crate::adapters::load::Progress;
use crate::core::model::performance::Unit;
use crate::core::scorecard::{Conclusion, Scorecard};
use std::fmt::Write as _;
use std::io::Write as _;

impl Printer {
    /// One scenario's progress: a line rewritten in place on a terminal,
    /// one plain line every 5 s otherwise.
    pub fn load_progress(&mut self, scenario: &str, progress: &Progress) {
        let line = format!(
            "{scenario}: {:>3.0}/{:.0} s, {} requests ({:.1}/s), {} errors, p95 {}",
            progress.elapsed.as_secs_f64(),
            progress.total.as_secs_f64(),
            progress.requests,
            progress.rate,
            progress.errors,
            Unit::Duration.show(progress.p95.as_secs_f64()),
        );
        if self.terminal {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{line}");
        } else if progress.elapsed.as_secs().is_multiple_of(5) {
            self.stderr(&line);
        }
    }

    /// Ends a scenario's live line on a terminal.
    pub fn load_done(&mut self) {
        if self.terminal {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }

    /// A scenario starts.
    pub fn load_starts(&mut self, scenario: &str, target: &str, rate: f64, seconds: f64) {
        self.status(
            "Loading",
            &format!(
                "{target} with `{scenario}`: {} for {}",
                Unit::PerSecond.show(rate),
                Unit::Duration.show(seconds)
            ),
        );
    }
}

impl Printer {
    /// A k6 script starts, with the URLs it is given.
    pub fn k6_starts(&mut self, scenario: &str, script: &str, urls: &[(String, String)]) {
        let given: Vec<String> = urls
            .iter()
            .map(|(name, url)| format!("{name}={url}"))
            .collect();
        self.status(
            "Running",
            &format!("k6 {script} for `{scenario}` ({})", given.join(" ")),
        );
    }

    /// A scenario that does not run: never silently.
    pub fn scenario_skipped(&mut self, scenario: &str, reason: &str) {
        self.warn(&format!(
            "scenario {scenario}: skipped: {reason}; its budgets are not judged, and the run cannot pass"
        ));
    }
}

/// The figures and verdicts of a run.
pub fn scorecard(card: &Scorecard, color: bool) -> String {
    let mut text = String::new();
    for s in &card.scenarios {
        let d = |v: f64| Unit::Duration.show(v);
        let _ = writeln!(
            text,
            "scenario {}: {}, {} errors ({})",
            s.heading(),
            s.sent(),
            s.errors,
            Unit::Percent.show(s.error_rate),
        );
        let _ = writeln!(
            text,
            "  latency p50 {}  p90 {}  p95 {}  p99 {}  max {}",
            d(s.p50),
            d(s.p90),
            d(s.p95),
            d(s.p99),
            d(s.max)
        );
    }
    for skipped in &card.skipped {
        let _ = writeln!(
            text,
            "scenario {}: skipped: {}; its budgets were not judged",
            skipped.scenario, skipped.reason
        );
    }
    for c in &card.containers {
        let _ = writeln!(
            text,
            "container {}: memory peak {}, cpu peak {} avg {}, {} restarts, ready in {}, image {}",
            c.role,
            Unit::Bytes.show(c.peak_memory_bytes as f64),
            Unit::Percent.show(c.peak_cpu),
            Unit::Percent.show(c.average_cpu),
            c.restarts,
            Unit::Duration.show(c.ready),
            Unit::Bytes.show(c.image_bytes as f64),
        );
    }
    if !card.checks.is_empty() {
        let width = card
            .checks
            .iter()
            .map(|c| c.title().len())
            .max()
            .unwrap_or(0);
        let _ = writeln!(text, "\n{:width$}  measured / limit", "budget");
        for check in &card.checks {
            let (verdict, style) = if check.met {
                ("met", "32")
            } else {
                ("MISSED", "31")
            };
            let verdict = if color {
                format!("\x1b[{style}m{verdict:6}\x1b[0m")
            } else {
                format!("{verdict:6}")
            };
            let _ = writeln!(
                text,
                "{:width$}  {verdict}  {} / {}",
                check.title(),
                check.measured,
                check.limit
            );
        }
    }
    let missed = card.checks.iter().filter(|c| !c.met).count();
    let _ = match card.conclusion() {
        Conclusion::Met => writeln!(text, "\nevery budget met ({} checked)", card.checks.len()),
        Conclusion::Missed => writeln!(text, "\n{missed} of {} budgets missed", card.checks.len()),
        Conclusion::Incomplete => writeln!(
            text,
            "\nnot every budget was judged: {} scenario(s) skipped; {missed} of {} judged budgets missed",
            card.skipped.len(),
            card.checks.len()
        ),
        Conclusion::Broken => writeln!(
            text,
            "\nthe load could not run: {}",
            card.broken.as_deref().unwrap_or_default()
        ),
        Conclusion::Interrupted => writeln!(text, "\ninterrupted"),
    };
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scorecard::{Check, ScenarioResult};

    #[test]
    fn a_missed_budget_names_its_measure_and_limit() {
        let card = Scorecard {
            application: "shop".into(),
            scenarios: vec![ScenarioResult {
                name: "home".into(),
                target: "web".into(),
                planned_rate: 200.0,
                requests: 1000,
                rate: 199.5,
                p95: 0.25,
                ..ScenarioResult::default()
            }],
            containers: Vec::new(),
            checks: vec![Check {
                subject: "home".into(),
                name: "latency p95".into(),
                measured: "250ms".into(),
                limit: "< 200ms".into(),
                met: false,
            }],
            skipped: Vec::new(),
            broken: None,
            interrupted: false,
            seconds: 3.0,
        };
        let text = scorecard(&card, false);
        assert!(
            text.contains("home: latency p95  MISSED  250ms / < 200ms"),
            "{text}"
        );
        assert!(text.contains("1 of 1 budgets missed"), "{text}");
        assert!(text.contains("199.5/s (planned 200/s)"), "{text}");
    }
}
