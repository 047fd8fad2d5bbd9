//! Readiness: dependents wait for their dependencies, by every kind of
//! check; services that never become ready time out or fail.

use super::*;

/// fixtures/chain: a <- b <- c, each listening READY_AFTER seconds after it
/// starts. Each must start only once the one before it answers.
#[test]
fn dependents_start_only_once_their_dependency_is_ready() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("chain", &root().join("fixtures/chain"));
    let delay = project.ready_after();
    let up = project.built_then_up();
    up.assert_code(0);
    // Build output and progress are on stderr: stdout stays for data.
    assert_eq!(up.stdout, "", "stdout of `up -d --wait`\n{up}");
    let [a, b, c] = ["a", "b", "c"].map(|s| project.started_at(s));
    for (dependent, after, dependency, before) in [("b", b, "a", a), ("c", c, "b", b)] {
        let gap = seconds(after - before);
        assert!(
            gap >= delay - SLACK && gap <= delay + PROMPTLY,
            "{dependent} started {gap:.3} s after {dependency}; expected at least {delay} s \
             (READY_AFTER) and at most {PROMPTLY} s more\n{up}"
        );
    }
    for service in ["a", "b", "c"] {
        up.assert_ready_line(service, "(http :808");
    }
}

/// tests/apps/probes: one service per kind of check, each ready READY_AFTER
/// seconds after it starts (`plain`, without a check, once it has run 1 s),
/// one follower per kind
/// that depends on that service alone, and `all`, which depends on all of
/// them. The follower of each kind shows that this check holds its
/// dependents back: `all` alone would start late even if one check passed
/// too early, held back by the others.
#[test]
fn each_kind_of_readiness_check_holds_its_dependents_back() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("probes", &root().join("tests/apps/probes"));
    let delay = project.ready_after();
    let up = project.built_then_up();
    up.assert_code(0);
    let kinds = [
        ("http", "(http :8080/)", delay),
        ("tcp", "(tcp :9000)", delay),
        ("log", "(log \"accepting work\")", delay),
        ("cmd", "(healthcheck)", delay),
        ("plain", "(running)", 1.0),
    ];
    let all = project.started_at("all");
    for (kind, how, delay) in kinds {
        up.assert_ready_line(kind, how);
        let started = project.started_at(kind);
        let follower = format!("after-{kind}");
        for (dependent, at) in [
            (follower.as_str(), project.started_at(&follower)),
            ("all", all),
        ] {
            let gap = seconds(at - started);
            assert!(
                gap >= delay - SLACK,
                "{dependent} started {gap:.3} s after {kind}, before {kind} was ready \
                 ({delay} s after it started)\n{up}"
            );
        }
        let gap = seconds(project.started_at(&follower) - started);
        assert!(
            gap <= delay + PROMPTLY,
            "{follower} started only {gap:.3} s after {kind} ({delay} s expected)\n{up}"
        );
    }
}

/// tests/apps/probes `log` (with `after-log`), up, stopped, then up again:
/// the second start is ready only once it prints its line again, not at
/// once because the line is in the log of the first start.
#[test]
fn log_readiness_ignores_the_lines_of_an_earlier_start() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("log-restart", &root().join("tests/apps/probes"));
    let delay = project.ready_after();
    project.up(&["after-log"]).assert_code(0);
    project.exo_compose(&["stop", "-t", "0"]).assert_code(0);
    let again = project.up(&["after-log"]);
    again.assert_code(0);
    let gap = seconds(project.started_at("after-log") - project.started_at("log"));
    assert!(
        gap >= delay - SLACK,
        "after the restart, after-log started {gap:.3} s after log, before log printed \
         \"accepting work\" again ({delay} s after it started)\n{again}"
    );
}

/// tests/apps/failing `stuck`: prints two lines, never listens. The wait
/// gives up after `--wait-timeout` with 124 and says why.
#[test]
fn a_service_that_never_becomes_ready_times_out_with_124() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("stuck", &root().join("tests/apps/failing"));
    let up = project.up(&["--wait-timeout", "5", "stuck"]);
    up.assert_code(124);
    // Building takes a second or two, then 5 s of waiting.
    assert!(
        up.elapsed < Duration::from_secs(15),
        "a 5 s wait took {:?}\n{up}",
        up.elapsed
    );
    let waited = up
        .stderr
        .split("`stuck` was not ready after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no \"`stuck` was not ready after N s\"\n{up}"));
    assert!(
        (5.0..6.5).contains(&waited),
        "waited {waited} s with --wait-timeout 5\n{up}"
    );
    up.assert_stderr_has(&[
        "readiness: http :8080/ready",
        "last check: GET http://",
        ":8080/ready: Connection refused",
        "stuck: loading the catalogue",
        "stuck: waiting for the licence server",
    ]);
}

/// tests/apps/failing `late-crasher`: prints two lines, exits with status 3
/// a second later, before it listens.
#[test]
fn a_service_that_crashes_while_starting_fails_with_its_exit_code() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("crash", &root().join("tests/apps/failing"));
    let up = project.up(&["late-crasher"]);
    up.assert_code(1);
    up.assert_stderr_has(&[
        "`late-crasher` exited with code 3 before the application was ready",
        "readiness: tcp :8080",
        "crasher: reading /etc/crasher.conf",
        "crasher: fatal: /etc/crasher.conf: no such file",
    ]);
}

/// tests/apps/failing `crasher`: as `late-crasher`, but it exits the moment
/// it has printed its lines, as a service with a missing file does. Its
/// lines must be in the diagnostics all the same.
#[test]
fn a_service_that_crashes_at_once_shows_its_last_log_lines() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("crash-at-once", &root().join("tests/apps/failing"));
    let up = project.up(&["crasher"]);
    up.assert_code(1);
    up.assert_stderr_has(&[
        "`crasher` exited with code 3 before the application was ready",
        "crasher: reading /etc/crasher.conf",
        "crasher: fatal: /etc/crasher.conf: no such file",
    ]);
}

/// tests/apps/failing `sick`: runs, but its Compose healthcheck always
/// fails; the engine's `unhealthy` event ends the wait with 1.
#[test]
fn a_service_turning_unhealthy_fails_with_1() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("unhealthy", &root().join("tests/apps/failing"));
    let up = project.up(&["--wait-timeout", "60", "sick"]);
    up.assert_code(1);
    up.assert_stderr_has(&[
        "`sick` is unhealthy",
        "readiness: healthcheck",
        "last check: healthcheck exited with 1: sick - no database configured",
        "sick: started without a database",
    ]);
    assert!(
        up.elapsed < Duration::from_secs(30),
        "the unhealthy event took {:?}\n{up}",
        up.elapsed
    );
}
