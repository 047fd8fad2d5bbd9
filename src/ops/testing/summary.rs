//! The table `exo test` ends with: one line per test (its name, result and
//! duration), then the counts.

use super::{Report, Verdict};
use std::fmt::Write as _;

/// The summary's lines, coloured or not.
pub fn summary(report: &Report, color: bool) -> String {
    let rows: Vec<(&str, String, &str, String)> = report
        .cases
        .iter()
        .map(|case| {
            let (result, style) = match &case.verdict {
                Verdict::Passed => ("passed".to_owned(), "32"),
                Verdict::Failed { exit_code } => (format!("FAILED (exit code {exit_code})"), "31"),
                Verdict::BuildFailed => ("ERROR: its image did not build".to_owned(), "31"),
                Verdict::NotRun { reason } => (format!("ERROR: not run, {reason}"), "31"),
                Verdict::Skipped { reason } => (format!("skipped: {reason}"), "33"),
            };
            let time = case
                .duration
                .map(|d| format!("{:.1} s", d.as_secs_f64()))
                .unwrap_or_default();
            (case.name.as_str(), result, style, time)
        })
        .collect();
    let name_width = rows
        .iter()
        .map(|r| r.0.len())
        .chain(["test".len()])
        .max()
        .unwrap_or(0);
    let result_width = rows
        .iter()
        .map(|r| r.1.chars().count())
        .chain(["result".len()])
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:name_width$}  {:result_width$}  time",
        "test", "result"
    );
    for (name, result, style, time) in rows {
        let padded = format!("{result:result_width$}");
        let shown = if color {
            format!("\x1b[{style}m{padded}\x1b[0m")
        } else {
            padded
        };
        let line = format!("{name:name_width$}  {shown}  {time}");
        let _ = writeln!(text, "{}", line.trim_end());
    }
    let mut counts = format!("{} passed, {} failed", report.passed(), report.failed());
    if report.broken() > 0 {
        let _ = write!(counts, ", {} could not run", report.broken());
    }
    if report.skipped() > 0 {
        let _ = write!(counts, ", {} skipped", report.skipped());
    }
    let _ = write!(
        text,
        "{counts} in {:.1} s{}",
        report.duration.as_secs_f64(),
        if report.interrupted {
            " (interrupted)"
        } else {
            ""
        }
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{Kind, TestCase};
    use std::time::Duration;

    fn case(name: &str, kind: Kind, verdict: Verdict, ms: Option<u64>) -> TestCase {
        TestCase {
            name: name.into(),
            kind,
            verdict,
            duration: ms.map(Duration::from_millis),
            output: String::new(),
        }
    }

    fn report() -> Report {
        Report {
            application: "shop".into(),
            cases: vec![
                case("api", Kind::Service, Verdict::Passed, Some(1230)),
                case(
                    "web",
                    Kind::Service,
                    Verdict::Failed { exit_code: 3 },
                    Some(450),
                ),
                case("billing", Kind::Service, Verdict::BuildFailed, None),
                case(
                    "worker",
                    Kind::Service,
                    Verdict::Skipped {
                        reason: "no test script".into(),
                    },
                    None,
                ),
                case("end-to-end", Kind::EndToEnd, Verdict::Passed, Some(2000)),
            ],
            interrupted: false,
            duration: Duration::from_millis(5300),
        }
    }

    #[test]
    fn one_line_per_test_then_the_counts() {
        insta::assert_snapshot!(summary(&report(), false));
    }

    #[test]
    fn colours_mark_only_the_result() {
        let text = summary(&report(), true);
        assert!(text.contains("api         \x1b[32mpassed"), "{text}");
        assert!(text.contains("\x1b[31mFAILED (exit code 3)"), "{text}");
    }
}
