//! The JUnit file of `exo test --performance --junit FILE`: one testcase
//! per budget, the measured value and the limit in its message.

use super::{Check, Scorecard};
use crate::core::xml::attribute;
use std::fmt::Write as _;

pub fn junit_xml(scorecard: &Scorecard) -> String {
    let failures = scorecard.checks.iter().filter(|c| !c.met).count();
    let errors = usize::from(scorecard.broken.is_some()) + scorecard.skipped.len();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let name = attribute(&format!("{} performance", scorecard.application));
    let _ = writeln!(
        xml,
        "<testsuites name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{:.3}\">",
        scorecard.checks.len() + errors,
        scorecard.seconds
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{:.3}\">",
        scorecard.checks.len() + errors,
        scorecard.seconds
    );
    for check in &scorecard.checks {
        testcase(&mut xml, check);
    }
    for skipped in &scorecard.skipped {
        let _ = writeln!(
            xml,
            "    <testcase classname=\"{}\" name=\"load\" time=\"0\">\n      <error message=\"{}\"/>\n    </testcase>",
            attribute(&skipped.scenario),
            attribute(&format!(
                "skipped: {}; its budgets were not judged",
                skipped.reason
            ))
        );
    }
    if let Some(reason) = &scorecard.broken {
        let _ = writeln!(
            xml,
            "    <testcase classname=\"performance\" name=\"load\" time=\"0\">\n      <error message=\"{}\"/>\n    </testcase>",
            attribute(reason)
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

fn testcase(xml: &mut String, check: &Check) {
    let _ = write!(
        xml,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
        attribute(&check.subject),
        attribute(&check.name)
    );
    let said = format!(
        "{}: measured {}, limit {}",
        check.title(),
        check.measured,
        check.limit
    );
    if check.met {
        let _ = writeln!(
            xml,
            ">\n      <system-out>{}</system-out>\n    </testcase>",
            attribute(&said)
        );
    } else {
        let _ = writeln!(
            xml,
            ">\n      <failure message=\"{}\" type=\"budget\"/>\n    </testcase>",
            attribute(&said)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_testcase_per_budget_with_measured_and_limit() {
        let card = Scorecard {
            application: "shop".into(),
            scenarios: Vec::new(),
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
            seconds: 2.5,
        };
        let xml = junit_xml(&card);
        assert!(
            xml.contains("<testcase classname=\"home\" name=\"latency p95\""),
            "{xml}"
        );
        assert!(
            xml.contains("message=\"home: latency p95: measured 250ms, limit &lt; 200ms\""),
            "{xml}"
        );
        assert!(xml.contains("failures=\"1\""));
    }

    #[test]
    fn a_skipped_scenario_is_an_error_not_a_pass() {
        let card = Scorecard {
            application: "shop".into(),
            scenarios: Vec::new(),
            containers: Vec::new(),
            checks: Vec::new(),
            skipped: vec![super::super::Skipped {
                scenario: "web/checkout".into(),
                reason: "k6 not installed".into(),
            }],
            broken: None,
            interrupted: false,
            seconds: 1.0,
        };
        assert_eq!(card.conclusion(), super::super::Conclusion::Incomplete);
        let xml = junit_xml(&card);
        assert!(
            xml.contains("tests=\"1\" failures=\"0\" errors=\"1\""),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase classname=\"web/checkout\" name=\"load\" time=\"0\">\n      <error message=\"skipped: k6 not installed; its budgets were not judged\"/>"),
            "{xml}"
        );
    }
}
