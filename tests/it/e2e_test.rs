//! End-to-end tests of `exo test` on the real Docker Engine, with the
//! helpers of [`crate::e2e_up`]: each test runs a temporary copy of an
//! application under a Compose project of its own (`-p`), and its
//! [`Project`] guard removes every container, network, volume and image of
//! that project when the test ends, passed or failed.

use crate::common::root;
use crate::docker::{output_within, require_docker, require_program};
use crate::e2e_up::{
    Background, COMPOSE_OVERRIDES, Project, Ran, STOP_TIMEOUT, UP_TIMEOUT, executable, finish,
    signal,
};
use std::process::Command;
use std::time::{Duration, Instant};

/// `exo test -p <project> --junit <file> ARGS`, to its end, and the JUnit
/// file it wrote.
fn exo_test(project: &Project, args: &[&str]) -> (Ran, String) {
    let junit = project.dir().join("junit.xml");
    let mut exo = project.exo();
    exo.args(["test", "-p", &project_name(project)])
        .arg("--junit")
        .arg(&junit)
        .args(args);
    let ran = finish(exo, UP_TIMEOUT);
    let xml = std::fs::read_to_string(&junit).unwrap_or_default();
    (ran, xml)
}

/// The project's name: the application's, which [`Project::new`] set.
fn project_name(project: &Project) -> String {
    let text = std::fs::read_to_string(project.dir().join("application.yml"))
        .expect("read application.yml");
    text.lines()
        .find_map(|line| line.strip_prefix("name: "))
        .expect("a name line")
        .trim()
        .to_owned()
}

/// The JUnit file is valid against the JUnit schema (tests/schemas/junit.xsd).
pub(crate) fn assert_valid_junit(xml: &str, ran: &Ran) {
    assert!(
        require_program("xmllint"),
        "xmllint is needed (libxml2-utils)"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).expect("write the JUnit file");
    let schema = root().join("tests/schemas/junit.xsd");
    let mut xmllint = Command::new("xmllint");
    xmllint
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file);
    let output = output_within(&mut xmllint, Duration::from_secs(30)).expect("run xmllint");
    assert!(
        output.status.success(),
        "the JUnit file does not validate: {}\n{xml}\n{ran}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The summary line of `name`: its result and time, spaces squeezed.
fn summary_line(ran: &Ran, name: &str) -> String {
    let summary = ran
        .stderr
        .rsplit("\ntest ")
        .next()
        .unwrap_or_else(|| panic!("no summary table\n{ran}"));
    summary
        .lines()
        .find(|line| line.split_whitespace().next() == Some(name))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| panic!("no summary line for {name}\n{ran}"))
}

/// fixtures/quartet: four services whose tests need one store that becomes
/// ready only after three failed probes. Every test passes, because each
/// starts once the store is ready; the store is started once for all four.
/// A second run builds no test image, a third only the one that changed.
#[test]
fn all_tests_pass_with_one_slow_dependency_started_once() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("test-pass", &root().join("fixtures/quartet"));
    let (ran, xml) = exo_test(&project, &[]);
    ran.assert_code(0);
    for role in ["alpha", "beta", "gamma", "delta"] {
        let ok = format!("{role}: ok");
        assert!(
            ran.stdout.lines().any(|line| line
                .split_once(" | ")
                .is_some_and(|(prefix, text)| prefix.trim_end() == role && text == ok)),
            "no `{role} | {ok}` line\n{ran}"
        );
        assert!(
            summary_line(&ran, role).starts_with(&format!("{role} passed ")),
            "{ran}"
        );
    }
    let starts = ran.stderr.matches("store starting").count();
    assert_eq!(starts, 1, "the store started {starts} times\n{ran}");
    ran.assert_stderr_has(&[
        "store ready in",
        "(healthcheck)",
        "4 passed, 0 failed",
        "Wrote the JUnit report to ",
    ]);
    assert_valid_junit(&xml, &ran);
    assert_eq!(xml.matches("<testcase ").count(), 4, "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
    ran.assert_stderr_has(&["Building test images of alpha, beta, gamma, delta"]);
    project.assert_nothing_left(&ran);

    // Again with nothing changed: no image is built; after one of alpha's
    // files changed, alpha's alone.
    let (again, _) = exo_test(&project, &[]);
    again.assert_code(0);
    assert!(!again.stderr.contains("Building test images"), "{again}");
    let script = project.dir().join("alpha/test.sh");
    let text = std::fs::read_to_string(&script).expect("read alpha/test.sh");
    std::fs::write(&script, format!("{text}\n# changed\n")).expect("write alpha/test.sh");
    let (changed, _) = exo_test(&project, &[]);
    changed.assert_code(0);
    changed.assert_stderr_has(&["Building test images of alpha\n"]);
    project.assert_nothing_left(&changed);
}

/// tests/apps/checked: `bad` fails (exit 1, named in the summary, a
/// `<failure>` with its output in the JUnit file), `quiet` has no test and is
/// listed as skipped, and the end-to-end suite runs against the whole
/// application, which it reaches through GOOD_INTERNAL_ORIGIN.
#[test]
fn a_failing_test_exits_1_and_the_end_to_end_suite_runs_against_the_application() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("test-fail", &root().join("tests/apps/checked"));
    let (ran, xml) = exo_test(&project, &[]);
    ran.assert_code(1);
    assert!(
        summary_line(&ran, "bad").starts_with("bad FAILED (exit code 3) "),
        "{ran}"
    );
    assert!(
        summary_line(&ran, "good").starts_with("good passed "),
        "{ran}"
    );
    assert_eq!(summary_line(&ran, "quiet"), "quiet skipped: no test script");
    assert!(
        summary_line(&ran, "end-to-end").starts_with("end-to-end passed "),
        "{ran}"
    );
    assert!(
        ran.stdout
            .contains("end-to-end | e2e: http://good:8080 answered the good page"),
        "{ran}"
    );
    ran.assert_stderr_has(&["2 passed, 1 failed, 1 skipped"]);
    assert_valid_junit(&xml, &ran);
    let bad = xml
        .split("<testcase ")
        .find(|case| case.starts_with("name=\"bad\""))
        .unwrap_or_else(|| panic!("no test case for bad\n{xml}"));
    assert!(
        bad.contains("<failure type=\"exit-code\" message=\"exited with code 3\">")
            && bad.contains("bad: expected 2, got 3"),
        "{xml}"
    );
    assert!(
        xml.contains("<skipped type=\"skipped\" message=\"no test script\"/>"),
        "{xml}"
    );
    assert!(xml.contains("name=\"end-to-end\" classname="), "{xml}");
    project.assert_nothing_left(&ran);
}

/// fixtures/quartet with a Dockerfile that fails: that service's failure,
/// with the build's output; the other service's test still runs; exit 5.
#[test]
fn a_build_failure_is_that_services_failure_with_its_output() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("test-build", &root().join("fixtures/quartet"));
    let dockerfile = project.dir().join("beta/Dockerfile.dev");
    let text = std::fs::read_to_string(&dockerfile).expect("read beta's Dockerfile");
    std::fs::write(
        &dockerfile,
        text.replace(
            "COPY . /mnt",
            "COPY . /mnt\nRUN echo 'beta cannot build' && false",
        ),
    )
    .expect("break beta's Dockerfile");
    let (ran, xml) = exo_test(&project, &["alpha", "beta"]);
    ran.assert_code(5);
    ran.assert_stderr_has(&["`beta`: its test image did not build", "beta cannot build"]);
    assert_eq!(
        summary_line(&ran, "beta"),
        "beta ERROR: its image did not build"
    );
    assert!(
        summary_line(&ran, "alpha").starts_with("alpha passed "),
        "{ran}"
    );
    assert_valid_junit(&xml, &ran);
    assert!(
        xml.contains("<error type=\"build\" message=\"its image did not build\">"),
        "{xml}"
    );
    project.assert_nothing_left(&ran);
}

/// fixtures/quartet with a store that is never ready: after
/// `--wait-timeout`, the tests could not run; exit 5, naming the store.
#[test]
fn a_dependency_that_is_never_ready_exits_5_naming_it() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("test-never-ready", &root().join("fixtures/quartet"));
    let file = project.dir().join("application.yml");
    let text = std::fs::read_to_string(&file).expect("read application.yml");
    std::fs::write(
        &file,
        text.replace(
            "READY_AFTER_PROBES: \"3\"",
            "READY_AFTER_PROBES: \"100000\"",
        ),
    )
    .expect("write application.yml");
    let (ran, xml) = exo_test(&project, &["--wait-timeout", "3", "alpha", "beta"]);
    ran.assert_code(5);
    ran.assert_stderr_has(&["`store` was not ready after"]);
    for role in ["alpha", "beta"] {
        assert_eq!(
            summary_line(&ran, role),
            format!("{role} ERROR: not run, its dependencies (store) were not ready within 3 s")
        );
    }
    assert_valid_junit(&xml, &ran);
    assert!(xml.contains("<error type=\"not-run\""), "{xml}");
    project.assert_nothing_left(&ran);
}

/// fixtures/quartet with alpha's test failing, one job at a time and
/// `--fail-fast`: the first failure stops the run, the other tests are
/// listed as skipped, and exo exits 1.
#[test]
fn fail_fast_stops_at_the_first_failure() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("test-fail-fast", &root().join("fixtures/quartet"));
    executable(
        &project.dir().join("alpha/test.sh"),
        "#!/bin/sh\necho \"alpha: broken\"\nexit 4\n",
    );
    let (ran, xml) = exo_test(&project, &["--fail-fast", "--jobs", "1"]);
    ran.assert_code(1);
    assert!(
        summary_line(&ran, "alpha").starts_with("alpha FAILED (exit code 4) "),
        "{ran}"
    );
    for role in ["beta", "gamma", "delta"] {
        assert_eq!(
            summary_line(&ran, role),
            format!("{role} skipped: stopped by --fail-fast")
        );
        assert!(!ran.stdout.contains(&format!("{role}: ok")), "{ran}");
    }
    assert_valid_junit(&xml, &ran);
    project.assert_nothing_left(&ran);
}

/// A long test interrupted with SIGINT: exo stops it, removes every
/// container, network and volume of the tests, and exits 130.
#[test]
fn an_interrupted_test_leaves_nothing_behind() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("test-interrupt", &root().join("fixtures/quartet"));
    executable(
        &project.dir().join("gamma/test.sh"),
        "#!/bin/sh\necho \"gamma: started\"\nsleep 600\n",
    );
    let mut exo = project.exo();
    exo.args(["test", "-p", &project_name(&project), "gamma"]);
    let mut run = Background::spawn(exo);
    run.wait_until("gamma's test to start", UP_TIMEOUT, |r| {
        r.stdout().contains("gamma: started")
    });
    let interrupted = Instant::now();
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    assert!(
        interrupted.elapsed() < Duration::from_secs(15),
        "exo took {:?} to stop after SIGINT\n{ran}",
        interrupted.elapsed()
    );
    assert!(
        summary_line(&ran, "gamma").starts_with("gamma skipped: interrupted"),
        "{ran}"
    );
    project.assert_nothing_left(&ran);
}

/// Run from a service's directory, without a role, `exo test` tests that
/// service alone (as 0.37 did).
#[test]
fn inside_a_service_directory_only_that_service_is_tested() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("test-here", &root().join("fixtures/quartet"));
    let mut exo = Command::new(env!("CARGO_BIN_EXE_exo"));
    exo.current_dir(project.dir().join("delta"))
        .args(["test", "-p", &project_name(&project)])
        .env("NO_COLOR", "1")
        .env_remove("EXO_APP");
    for name in COMPOSE_OVERRIDES {
        exo.env_remove(name);
    }
    let ran = finish(exo, UP_TIMEOUT);
    ran.assert_code(0);
    assert!(ran.stdout.contains("delta | delta: ok"), "{ran}");
    for other in ["alpha", "beta", "gamma"] {
        assert!(!ran.stdout.contains(&format!("{other}:")), "{ran}");
    }
    ran.assert_stderr_has(&["1 passed, 0 failed"]);
    project.assert_nothing_left(&ran);
}
