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

pub fn attribute(value: &str) -> String {
    escape(value, true)
}

pub fn text(value: &str) -> String {
    escape(value, false)
}

/// XML 1.0 escaping. Characters XML 1.0 cannot hold at all (control
/// characters such as the ESC of colour codes) become U+FFFD; in attributes,
/// line breaks and tabs are written as references so that they survive
/// attribute normalisation.
fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn allowed(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

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
    fn escaping_keeps_text_and_drops_what_xml_cannot_hold() {
        assert_eq!(escape("a<b>&'c'\t", false), "a&lt;b&gt;&amp;'c'\t");
        assert_eq!(escape("\"x\"\ny", true), "&quot;x&quot;&#10;y");
        assert_eq!(escape("\x1b[0m\u{0}", false), "\u{FFFD}[0m\u{FFFD}");
        assert_eq!(escape("caf\u{e9} \u{1F600}", false), "caf\u{e9} \u{1F600}");
    }

    #[test]
    fn times_are_seconds() {
        assert_eq!(seconds(Duration::from_millis(1234)), "1.234");
        assert_eq!(seconds(Duration::ZERO), "0.000");
    }
}
