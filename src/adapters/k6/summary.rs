//! k6's end-of-test summary (`--summary-export FILE`): the HTTP figures exo
//! judges budgets on, and every threshold with k6's own verdict. In that
//! JSON a threshold's value `true` means it was crossed (failed); trends
//! are in milliseconds; a rate metric counts its non-zero samples as
//! `passes`, so `http_req_failed.passes` is the number of failed requests.

use serde_json::{Map, Value};

/// The statistics exo asks k6 for (`--summary-trend-stats`).
pub const TREND_STATS: &str = "avg,min,med,max,p(90),p(95),p(99)";

/// What one k6 run measured. Durations in seconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// `http_reqs`: every request the script sent.
    pub requests: u64,
    /// Requests per second over the whole run.
    pub rate: f64,
    /// `http_req_failed`: answers outside the expected statuses (by
    /// default 200-399) and transport errors.
    pub failed: u64,
    pub failed_rate: f64,
    /// `http_req_duration`.
    pub latency: Latency,
    pub thresholds: Vec<Threshold>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    pub avg: f64,
    pub min: f64,
    pub med: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// One threshold of the script, as k6 judged it.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// The metric, with its tag filter if any: `http_req_duration{expected_response:true}`.
    pub metric: String,
    /// As written in the script: `p(95)<200`.
    pub expression: String,
    pub crossed: bool,
    /// The statistic the expression is about (`p(95)`), and its value in
    /// the summary, when both are there.
    pub measured: Option<(String, f64)>,
}

#[derive(Debug, thiserror::Error)]
#[error("k6's summary is not the JSON expected: {0}")]
pub struct SummaryError(String);

pub fn parse_summary(text: &str) -> Result<Summary, SummaryError> {
    let root: Value = serde_json::from_str(text).map_err(|err| SummaryError(err.to_string()))?;
    let metrics = root
        .get("metrics")
        .and_then(Value::as_object)
        .ok_or_else(|| SummaryError("no `metrics`".to_owned()))?;
    let number = |metric: &str, key: &str| {
        metrics
            .get(metric)
            .and_then(|m| m.get(key))
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    };
    let seconds = |key: &str| number("http_req_duration", key) / 1000.0;
    let mut thresholds = Vec::new();
    for (metric, values) in metrics {
        let Some(judged) = values.get("thresholds").and_then(Value::as_object) else {
            continue;
        };
        for (expression, crossed) in judged {
            thresholds.push(Threshold {
                metric: metric.clone(),
                expression: expression.clone(),
                crossed: crossed.as_bool().ok_or_else(|| {
                    SummaryError(format!(
                        "the threshold `{expression}` of {metric} is not a boolean"
                    ))
                })?,
                measured: measured(values, expression),
            });
        }
    }
    Ok(Summary {
        requests: number("http_reqs", "count") as u64,
        rate: number("http_reqs", "rate"),
        failed: number("http_req_failed", "passes") as u64,
        failed_rate: number("http_req_failed", "value"),
        latency: Latency {
            avg: seconds("avg"),
            min: seconds("min"),
            med: seconds("med"),
            p90: seconds("p(90)"),
            p95: seconds("p(95)"),
            p99: seconds("p(99)"),
            max: seconds("max"),
        },
        thresholds,
    })
}

/// The statistic on the left of a threshold expression and its value:
/// `p(95)` of a trend, `rate` of a rate metric (its `value`), `count`.
fn measured(values: &Value, expression: &str) -> Option<(String, f64)> {
    let end = expression.find(['<', '>', '=', '!'])?;
    let statistic = expression[..end].trim();
    let key = match statistic {
        "rate" => "value",
        other => other,
    };
    let values: &Map<String, Value> = values.as_object()?;
    let value = values.get(key).and_then(Value::as_f64)?;
    Some((statistic.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Summary {
        let path = format!("{}/tests/k6/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parse_summary(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn crossed_thresholds_and_the_http_figures_are_read() {
        let summary = fixture("thresholds-crossed.json");
        assert_eq!((summary.requests, summary.failed), (302, 151));
        assert!(close(summary.rate, 99.869820383589));
        assert!(close(summary.failed_rate, 0.5));
        assert!(close(summary.latency.p95, 0.02678795975));
        assert!(close(summary.latency.med, 0.0151666575));
        assert!(close(summary.latency.max, 0.040744611));
        let seen: Vec<(&str, &str, bool)> = summary
            .thresholds
            .iter()
            .map(|t| (t.metric.as_str(), t.expression.as_str(), t.crossed))
            .collect();
        assert_eq!(
            seen,
            [
                ("checks", "rate>0.9", false),
                ("http_req_duration", "p(95)<2000", false),
                ("http_req_duration", "p(99)<1", true),
                (
                    "http_req_duration{expected_response:true}",
                    "max<5000",
                    false
                ),
                ("http_req_failed", "rate<0.01", true),
            ]
        );
        let p99 = &summary.thresholds[2].measured;
        assert_eq!(p99.as_ref().map(|(s, _)| s.as_str()), Some("p(99)"));
        assert!(close(p99.as_ref().unwrap().1, 29.668859050000002));
        assert_eq!(
            summary.thresholds[4].measured,
            Some(("rate".to_owned(), 0.5))
        );
    }

    #[test]
    fn met_thresholds_are_read_as_met() {
        let summary = fixture("thresholds-met.json");
        assert_eq!((summary.requests, summary.failed), (151, 0));
        assert!(summary.thresholds.iter().all(|t| !t.crossed));
        assert_eq!(summary.thresholds.len(), 2);
        assert!(summary.latency.med >= 0.02, "{summary:?}");
    }

    #[test]
    fn a_script_without_requests_has_no_http_figures() {
        let summary = fixture("no-requests.json");
        assert_eq!(summary.requests, 0);
        assert!(summary.thresholds.is_empty());
        assert_eq!(summary.latency, Latency::default());
    }

    #[test]
    fn anything_else_is_refused() {
        assert!(parse_summary("{\"root_group\": {}}").is_err());
        assert!(parse_summary("not json").is_err());
        let odd = r#"{"metrics": {"http_reqs": {"count": 1, "thresholds": {"count>0": "yes"}}}}"#;
        assert!(parse_summary(odd).is_err());
    }
}
