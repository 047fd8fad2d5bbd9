//! A `runner: k6` scenario: the user's script run by k6 (a separate
//! process) with every service's URL, as exo's generator reaches it; k6's
//! summary mapped to the figures the scenario's budgets are judged on, and
//! each of k6's own thresholds as one more verdict.

use super::Job;
use crate::adapters::k6::{self, Outcome, Summary, Threshold};
use crate::core::config::constant_case;
use crate::core::model::performance::trim_float;
use crate::core::scorecard::{Check, ScenarioResult};
use crate::ops::report::Reporter;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

/// How a k6 scenario ended.
#[derive(Debug)]
pub enum Ran {
    /// Its figures, and its thresholds as checks.
    Measured(Box<ScenarioResult>, Vec<Check>),
    /// It did not run (k6 is not installed): why.
    Skipped(String),
    /// k6 could not run the script: why.
    Failed(String),
}

/// `<ROLE>_URL=http://address:port` for every service that has an address
/// on the project's network and a port, in the order of `services`.
pub fn urls(
    services: &[(String, Option<IpAddr>)],
    ports: &HashMap<String, u16>,
) -> Vec<(String, String)> {
    let mut urls: Vec<(String, String)> = Vec::new();
    for (role, address) in services {
        let (Some(ip), Some(port)) = (address, ports.get(role)) else {
            continue;
        };
        let name = format!("{}_URL", constant_case(role));
        if urls.iter().all(|(known, _)| *known != name) {
            urls.push((name, format!("http://{}", SocketAddr::new(*ip, *port))));
        }
    }
    urls
}

/// Runs `script` of `job` with `urls` in its environment.
pub async fn run(
    job: &Job,
    script: &str,
    urls: &[(String, String)],
    printer: &mut dyn Reporter,
) -> Ran {
    printer.k6_starts(&job.subject, script, urls);
    let outcome = k6::run(&job.base_dir.join(script), &job.base_dir, urls).await;
    match outcome {
        Outcome::Ran { summary, crossed } => Ran::Measured(
            Box::new(figures(job, script, &summary)),
            thresholds(&job.subject, &summary.thresholds, crossed),
        ),
        Outcome::NotInstalled => Ran::Skipped("k6 not installed".to_owned()),
        Outcome::Failed(why) => Ran::Failed(why),
    }
}

fn figures(job: &Job, script: &str, summary: &Summary) -> ScenarioResult {
    let latency = &summary.latency;
    ScenarioResult {
        name: job.subject.clone(),
        target: job.target.clone(),
        script: Some(script.to_owned()),
        planned_rate: 0.0,
        requests: summary.requests,
        rate: summary.rate,
        throughput: summary.rate * (1.0 - summary.failed_rate),
        errors: summary.failed,
        error_rate: summary.failed_rate,
        timeouts: 0,
        p50: latency.med,
        p90: latency.p90,
        p95: latency.p95,
        p99: latency.p99,
        max: latency.max,
        mean: latency.avg,
        min: latency.min,
        per_second: Vec::new(),
    }
}

/// One check per threshold: `k6 http_req_duration p(95)<200`, measured
/// `p(95)=231.5` against `< 200`, in k6's units (milliseconds for
/// durations). k6 exiting 99 with no threshold marked crossed still fails.
fn thresholds(subject: &str, thresholds: &[Threshold], crossed: bool) -> Vec<Check> {
    let mut checks: Vec<Check> = thresholds
        .iter()
        .map(|t| {
            let (measured, limit) = match &t.measured {
                Some((statistic, value)) => (
                    format!("{statistic}={}", trim_float(*value)),
                    spaced(&t.expression[statistic.len()..]),
                ),
                None => ("not in k6's summary".to_owned(), t.expression.clone()),
            };
            Check {
                subject: subject.to_owned(),
                name: format!("k6 {} {}", t.metric, t.expression),
                measured,
                limit,
                met: !t.crossed,
            }
        })
        .collect();
    if crossed && checks.iter().all(|c| c.met) {
        checks.push(Check {
            subject: subject.to_owned(),
            name: "k6 thresholds".to_owned(),
            measured: "k6 exited 99".to_owned(),
            limit: "every threshold met".to_owned(),
            met: false,
        });
    }
    checks
}

/// `<200` as `< 200`.
fn spaced(comparison: &str) -> String {
    let comparison = comparison.trim();
    let value = comparison.trim_start_matches(['<', '>', '=', '!']);
    let operator = &comparison[..comparison.len() - value.len()];
    format!("{operator} {}", value.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::performance::{Runner, Scenario};

    fn job(subject: &str, target: &str) -> Job {
        Job {
            subject: subject.to_owned(),
            target: target.to_owned(),
            scenario: Scenario {
                name: "checkout".to_owned(),
                runner: Runner::K6 {
                    script: "perf/checkout.js".to_owned(),
                },
                budgets: Vec::new(),
            },
            base_dir: "/app/web".into(),
        }
    }

    #[test]
    fn every_service_with_an_address_and_a_port_gets_its_url() {
        let services = vec![
            ("web".to_owned(), Some("172.18.0.3".parse().unwrap())),
            ("web".to_owned(), Some("172.18.0.4".parse().unwrap())),
            ("users-api".to_owned(), Some("fd00::5".parse().unwrap())),
            ("worker".to_owned(), Some("172.18.0.6".parse().unwrap())),
            ("db".to_owned(), None),
        ];
        let ports = HashMap::from([
            ("web".to_owned(), 8080),
            ("users-api".to_owned(), 4000),
            ("db".to_owned(), 5432),
        ]);
        assert_eq!(
            urls(&services, &ports),
            [
                ("WEB_URL".to_owned(), "http://172.18.0.3:8080".to_owned()),
                (
                    "USERS_API_URL".to_owned(),
                    "http://[fd00::5]:4000".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn the_summary_becomes_the_figures_budgets_are_judged_on() {
        let text = include_str!("../../../tests/k6/thresholds-crossed.json");
        let summary = k6::parse_summary(text).unwrap();
        let result = figures(&job("web/checkout", "web"), "perf/checkout.js", &summary);
        assert_eq!((result.requests, result.errors), (302, 151));
        assert_eq!(result.error_rate, 0.5);
        assert!((result.throughput - summary.rate / 2.0).abs() < 1e-9);
        assert_eq!(result.p95, summary.latency.p95);
        assert_eq!(result.p50, summary.latency.med);
        assert_eq!(
            result.heading(),
            "web/checkout -> web (k6 perf/checkout.js)"
        );
        assert_eq!(result.sent(), "302 requests, 99.9/s");
        let checks = thresholds("web/checkout", &summary.thresholds, true);
        let seen: Vec<(&str, &str, &str, bool)> = checks
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.measured.as_str(),
                    c.limit.as_str(),
                    c.met,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("k6 checks rate>0.9", "rate=1", "> 0.9", true),
                (
                    "k6 http_req_duration p(95)<2000",
                    "p(95)=26.788",
                    "< 2000",
                    true
                ),
                ("k6 http_req_duration p(99)<1", "p(99)=29.669", "< 1", false),
                (
                    "k6 http_req_duration{expected_response:true} max<5000",
                    "max=40.745",
                    "< 5000",
                    true
                ),
                ("k6 http_req_failed rate<0.01", "rate=0.5", "< 0.01", false),
            ]
        );
    }

    #[test]
    fn exit_99_without_a_crossed_threshold_still_fails() {
        let checks = thresholds("journey", &[], true);
        assert_eq!(checks.len(), 1);
        assert!(!checks[0].met);
        assert!(thresholds("journey", &[], false).is_empty());
    }
}
