//! The k6 adapter against the real k6 1.1.0 from scripts/provision.sh, on
//! scripts that send no request (no server, no network): how it reads each
//! way k6 ends. The HTTP figures are tested on captured summaries (unit
//! tests of `exo::adapters::k6`) and end to end (`e2e_performance_k6`).

use exo::adapters::k6::{Outcome, run_with};

/// `script` (the text of a k6 script) run by k6 in a directory of its own.
fn run(script: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("script.js"), script).expect("write the script");
    let k6 = crate::deployment::tool("k6");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(run_with(
        &k6,
        std::path::Path::new("script.js"),
        dir.path(),
        &[("EXO_TEST_ITERATIONS".to_owned(), "3".to_owned())],
    ))
}

const COUNTED: &str = "export const options = {
  iterations: Number(__ENV.EXO_TEST_ITERATIONS),
  thresholds: { iterations: ['count>=3'], checks: [LIMIT] },
};
import { check } from 'k6';
export default function () { check(1, { 'one is one': (v) => v === 1 }); }
";

#[test]
fn met_thresholds_are_a_run_with_the_environment_it_was_given() {
    let Outcome::Ran { summary, crossed } = run(&COUNTED.replace("LIMIT", "'rate>0.5'")) else {
        panic!("k6 did not run");
    };
    assert!(!crossed);
    assert_eq!(summary.requests, 0);
    let judged: Vec<(&str, &str, bool)> = summary
        .thresholds
        .iter()
        .map(|t| (t.metric.as_str(), t.expression.as_str(), t.crossed))
        .collect();
    assert_eq!(
        judged,
        [
            ("checks", "rate>0.5", false),
            ("iterations", "count>=3", false)
        ]
    );
    assert_eq!(summary.thresholds[1].measured, Some(("count".into(), 3.0)));
}

#[test]
fn a_crossed_threshold_exit_99_is_a_run_not_a_failure() {
    let outcome = run(&COUNTED.replace("LIMIT", "'rate<0.5'"));
    let Outcome::Ran { summary, crossed } = outcome else {
        panic!("k6 did not run: {outcome:?}");
    };
    assert!(crossed);
    assert!(summary.thresholds[0].crossed, "{summary:?}");
}

#[test]
fn a_script_k6_cannot_run_is_a_failure_with_its_error() {
    let Outcome::Failed(why) = run("export default function ( {") else {
        panic!("k6 ran a broken script");
    };
    assert!(why.starts_with("k6 exited with 107:\n"), "{why}");
    assert!(why.contains("script.js"), "{why}");
}
