//! End-to-end tests of `runner: k6` scenarios of `exo test --performance`
//! on the real Docker Engine: tests/apps/loaded's `web` (a CGI that sleeps
//! 20 ms) loaded by web/perf/steady.js through k6 1.1.0 from
//! scripts/provision.sh, its summary and thresholds judged in exo's report;
//! a script k6 cannot run; and without k6 on PATH, the scenario skipped and
//! the run not a pass.

use crate::docker::require_docker;
use crate::e2e_performance::{budget_line, exo_performance_with, loaded, scenario};
use crate::e2e_test::assert_valid_junit;
use crate::e2e_up::Project;
use std::ffi::OsString;
use std::path::PathBuf;

/// tests/apps/loaded with web's scenarios replaced by one k6 scenario.
fn loaded_by_k6(test: &str) -> Project {
    loaded(test, |text| {
        let start = text.find("  scenarios:\n").expect("web has scenarios");
        let end = text
            .find("  budgets:\n    memory")
            .expect("web has budgets");
        format!(
            "{}  scenarios:\n    - name: k6\n      runner: k6\n      script: perf/steady.js\n\
             \x20     budgets:\n        latency: p50 < 5s\n        errors: rate < 5%\n{}",
            &text[..start],
            &text[end..]
        )
    })
}

/// PATH with the tools of scripts/provision.sh (k6) first.
fn path_with_k6() -> OsString {
    let tools = crate::deployment::tool("k6");
    let mut dirs = vec![
        tools
            .parent()
            .expect("the tools' bin directory")
            .to_path_buf(),
    ];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("a PATH")
}

/// PATH without any directory that holds a k6.
fn path_without_k6() -> OsString {
    let dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|dir| !dir.join("k6").exists())
        .collect();
    std::env::join_paths(dirs).expect("a PATH")
}

/// k6's thresholds are met and so are the scenario's budgets, judged on
/// k6's figures: exit 0, the k6 figures in the JSON report, and each
/// threshold a testcase of the JUnit file.
#[test]
fn a_k6_script_s_thresholds_and_budgets_are_met() {
    if require_docker().is_none() {
        return;
    }
    let project = loaded_by_k6("perf-k6-met");
    let (ran, report, xml) = exo_performance_with(&project, &["web"], |exo| {
        exo.env("PATH", path_with_k6());
    });
    ran.assert_code(0);
    let k6 = scenario(&report, "web/k6", &ran);
    assert_eq!(k6["script"], "perf/steady.js", "{k6}");
    let requests = k6["requests"].as_u64().expect("requests");
    assert!((140..=160).contains(&requests), "{k6}\n{ran}");
    assert!(k6["p50"].as_f64().expect("p50") >= 0.02, "{k6}");
    assert_eq!(k6["errors"], 0, "{k6}");
    for title in [
        "web/k6: latency p50",
        "web/k6: errors rate",
        "web/k6: k6 http_req_duration p(95)<10000",
        "web/k6: k6 http_req_failed rate<0.05",
    ] {
        assert!(budget_line(&ran, title).contains(" met "), "{title}\n{ran}");
    }
    ran.assert_stderr_has(&[
        "Running k6 perf/steady.js for `web/k6` (",
        "WEB_URL=http://",
    ]);
    ran.assert_stderr_has(&["every budget met (8 checked)"]);
    assert_valid_junit(&xml, &ran);
    assert_eq!(xml.matches("<testcase ").count(), 8, "{xml}");
    assert!(
        xml.contains("name=\"k6 http_req_failed rate&lt;0.05\""),
        "{xml}"
    );
    project.assert_nothing_left(&ran);
}

/// A threshold k6 finds crossed (it exits 99) is a missed budget, named,
/// with k6's measured value against the threshold's limit: exit 1, while
/// exo's own budgets on the same figures are met.
#[test]
fn a_crossed_k6_threshold_is_a_missed_budget() {
    if require_docker().is_none() {
        return;
    }
    let project = loaded_by_k6("perf-k6-crossed");
    let (ran, _, xml) = exo_performance_with(&project, &["web"], |exo| {
        exo.env("PATH", path_with_k6()).env("LATENCY_LIMIT_MS", "1");
    });
    ran.assert_code(1);
    let crossed = budget_line(&ran, "web/k6: k6 http_req_duration p(95)<1");
    assert!(
        crossed.contains(" MISSED p(95)=") && crossed.ends_with("/ < 1"),
        "{crossed}\n{ran}"
    );
    assert!(
        budget_line(&ran, "web/k6: latency p50").contains(" met "),
        "{ran}"
    );
    ran.assert_stderr_has(&["1 of 8 budgets missed"]);
    assert_valid_junit(&xml, &ran);
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(
        xml.contains("web/k6: k6 http_req_duration p(95)&lt;1: measured p(95)="),
        "{xml}"
    );
    project.assert_nothing_left(&ran);
}

/// Without k6 the scenario is skipped, said on the way and in the summary,
/// and the run is not a pass: exit 5, an error testcase in the JUnit file.
#[test]
fn without_k6_the_scenario_is_skipped_and_the_run_does_not_pass() {
    if require_docker().is_none() {
        return;
    }
    let project = loaded_by_k6("perf-k6-missing");
    let (ran, report, xml) = exo_performance_with(&project, &["web"], |exo| {
        exo.env("PATH", path_without_k6());
    });
    ran.assert_code(5);
    ran.assert_stderr_has(&[
        "scenario web/k6: skipped: k6 not installed; its budgets were not judged",
        "not every budget was judged: 1 scenario(s) skipped",
    ]);
    assert_eq!(report["skipped"][0]["scenario"], "web/k6", "{report}");
    assert_valid_junit(&xml, &ran);
    assert!(
        xml.contains("<error message=\"skipped: k6 not installed; its budgets were not judged\"/>"),
        "{xml}"
    );
    project.assert_nothing_left(&ran);
}

/// A script k6 cannot run is no finding: the run stops, naming the
/// scenario and k6's own error (exit 5).
#[test]
fn a_script_k6_cannot_run_is_reported_with_k6_s_error() {
    if require_docker().is_none() {
        return;
    }
    let project = loaded_by_k6("perf-k6-broken");
    std::fs::write(
        project.dir().join("web/perf/steady.js"),
        "export default function ( {\n",
    )
    .expect("break the script");
    let (ran, _, xml) = exo_performance_with(&project, &["web"], |exo| {
        exo.env("PATH", path_with_k6());
    });
    ran.assert_code(5);
    ran.assert_stderr_has(&[
        "the load could not run: web/k6: k6 exited with 107:",
        "steady.js",
    ]);
    assert_valid_junit(&xml, &ran);
    assert!(
        xml.contains("<error message=\"web/k6: k6 exited with 107:"),
        "{xml}"
    );
    project.assert_nothing_left(&ran);
}
