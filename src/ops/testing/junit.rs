//! The report as JUnit XML, the format CI systems read (Jenkins, GitLab,
//! GitHub Actions reporters and others): one test case
//! per service test and per end-to-end suite, the output of failures inside
//! `<failure>`. Written by hand: the format is small and only needs escaping.

use super::report::{Kind, Report, TestCase, Verdict};
use std::fmt::Write as _;
use std::time::Duration;

pub fn junit_xml(report: &Report) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let name = attribute(&report.application);
    let (tests, failures, errors, skipped) = (
        report.cases.len(),
        report.failed(),
        report.broken(),
        report.skipped(),
    );
    let time = seconds(report.duration);
    let _ = writeln!(
        xml,
        "<testsuites name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{time}\">"
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{time}\">"
    );
    for case in &report.cases {
        test_case(&mut xml, &report.application, case);
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

fn test_case(xml: &mut String, application: &str, case: &TestCase) {
    let class = match case.kind {
        Kind::Service => format!("{application}.services"),
        Kind::EndToEnd => format!("{application}.end-to-end"),
    };
    let _ = write!(
        xml,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
        attribute(&case.name),
        attribute(&class),
        seconds(case.duration.unwrap_or_default())
    );
    let (element, kind, message) = match &case.verdict {
        Verdict::Passed if case.output.is_empty() => {
            xml.push_str("/>\n");
            return;
        }
        Verdict::Passed => {
            let _ = write!(
                xml,
                ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                text(&case.output)
            );
            return;
        }
        Verdict::Failed { exit_code } => (
            "failure",
            "exit-code",
            format!("exited with code {exit_code}"),
        ),
        Verdict::BuildFailed => ("error", "build", "its image did not build".to_owned()),
        Verdict::NotRun { reason } => ("error", "not-run", reason.clone()),
        Verdict::Skipped { reason } => ("skipped", "skipped", reason.clone()),
    };
    let _ = write!(
        xml,
        ">\n      <{element} type=\"{kind}\" message=\"{}\"",
        attribute(&message)
    );
    if case.output.is_empty() {
        xml.push_str("/>\n");
    } else {
        let _ = writeln!(xml, ">{}</{element}>", text(&case.output));
    }
    xml.push_str("    </testcase>\n");
}

/// Seconds with millisecond precision, as JUnit's `time` attributes hold them.
fn seconds(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64())
}

pub use crate::core::xml::{attribute, text};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::report::END_TO_END;

    fn case(name: &str, kind: Kind, verdict: Verdict, ms: u64, output: &str) -> TestCase {
        TestCase {
            name: name.into(),
            kind,
            verdict,
            duration: (ms > 0).then(|| Duration::from_millis(ms)),
            output: output.into(),
        }
    }

    #[test]
    fn every_kind_of_case() {
        let report = Report {
            application: "shop".into(),
            cases: vec![
                case("api", Kind::Service, Verdict::Passed, 1200, "api: ok\n"),
                case(
                    "web",
                    Kind::Service,
                    Verdict::Failed { exit_code: 3 },
                    450,
                    "expected <h1> & got \"nothing\"\n\x1b[31mred\x1b[0m\n",
                ),
                case(
                    "billing",
                    Kind::Service,
                    Verdict::BuildFailed,
                    0,
                    "step 2: no such file\n",
                ),
                case(
                    "mailer",
                    Kind::Service,
                    Verdict::NotRun {
                        reason: "the dependency `db` did not become ready".into(),
                    },
                    0,
                    "",
                ),
                case(
                    "worker",
                    Kind::Service,
                    Verdict::Skipped {
                        reason: "no test script".into(),
                    },
                    0,
                    "",
                ),
                case(END_TO_END, Kind::EndToEnd, Verdict::Passed, 2000, ""),
            ],
            interrupted: false,
            duration: Duration::from_millis(5250),
        };
        insta::assert_snapshot!(junit_xml(&report));
    }

    #[test]
    fn times_are_seconds() {
        assert_eq!(seconds(Duration::from_millis(1234)), "1.234");
        assert_eq!(seconds(Duration::ZERO), "0.000");
    }
}
