//! Ctrl-C during start-up, and the supervision of `exo run`: restarts
//! after crashes, crash loops given up, unhealthy services, followers.

use super::*;

/// `exo run` on fixtures/chain, interrupted while `a` is still starting:
/// exit 130 soon after, with every container and the network removed.
#[test]
fn an_interrupt_during_start_up_removes_everything() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("interrupt", &root().join("fixtures/chain"));
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("`a` to start", UP_TIMEOUT, |r| {
        r.stderr().lines().any(|l| l.starts_with("a starting"))
    });
    std::thread::sleep(Duration::from_secs(1));
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
        !ran.stderr.contains("containers ready"),
        "the interrupt came after start-up\n{ran}"
    );
    project.assert_nothing_left(&ran);
}

/// tests/apps/flaky: `exo run` restarts a service that crashes on its first
/// two runs, after its backoff delays, and it then stays up; its logs follow
/// every run, each line once.
#[test]
fn a_service_that_crashes_twice_is_restarted_and_stays_up() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("flaky", &root().join("tests/apps/flaky"));
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("the third run to stay up", UP_TIMEOUT, |r| {
        r.stdout().contains("flaky steady")
    });
    std::thread::sleep(Duration::from_secs(1));
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    ran.assert_stderr_has(&[
        "crashed (exit 1), restarting in 100ms (attempt 1)",
        "crashed (exit 1), restarting in 200ms (attempt 2)",
    ]);
    assert!(!ran.stderr.contains("gave up"), "it gave up\n{ran}");
    assert_eq!(
        ran.stderr.matches("flaky ready in").count(),
        3,
        "three runs, each ready\n{ran}"
    );
    for n in 1..=3 {
        let line = format!("flaky run {n}");
        assert_eq!(ran.stdout.matches(&line).count(), 1, "`{line}` once\n{ran}");
    }
    project.assert_nothing_left(&ran);
}

/// fixtures/crashing: `crasher` crashes every second and `exo run` gives it
/// up after more than 3 crashes within 30 s, while `steady` keeps serving and
/// exo keeps running.
#[test]
fn a_crash_loop_is_given_up_while_the_rest_runs() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("crash-loop", &root().join("fixtures/crashing"));
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("exo to give crasher up", UP_TIMEOUT, |r| {
        r.stderr().contains("gave up")
    });
    let restarts = run.stderr().matches("restarting in").count();
    assert_eq!(
        restarts,
        3,
        "three restarts before giving up\n{}",
        run.stderr()
    );
    std::thread::sleep(Duration::from_secs(2));
    let steady = docker(&[
        "inspect",
        "--format",
        "{{.State.Running}}",
        &project.container("steady"),
    ]);
    assert_eq!(steady.trim(), "true", "steady stopped");
    let crasher = docker(&[
        "inspect",
        "--format",
        "{{.State.Running}} {{.RestartCount}}",
        &project.container("crasher"),
    ]);
    assert_eq!(
        crasher.trim(),
        "false 0",
        "the engine must not restart what exo gave up"
    );
    assert!(
        matches!(run.child.try_wait(), Ok(None)),
        "exo ended after giving up"
    );
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    ran.assert_stderr_has(&["crasher gave up: 4 crashes within 30s (exit 1)"]);
    project.assert_nothing_left(&ran);
}

/// tests/apps/wobbly: healthy for two seconds, then unhealthy; `exo run`
/// restarts it after `on-unhealthy: 1s`, and the new run is ready again.
#[test]
fn an_unhealthy_service_is_restarted() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("wobbly", &root().join("tests/apps/wobbly"));
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("a second run", UP_TIMEOUT, |r| {
        r.stdout().matches("wobbly run").count() >= 2
    });
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    ran.assert_stderr_has(&[
        "wobbly unhealthy; restarting in 1s unless it recovers",
        "wobbly unhealthy for 1s, restarting",
    ]);
    assert!(
        !ran.stderr.contains("crashed"),
        "an unhealthy restart is no crash\n{ran}"
    );
    project.assert_nothing_left(&ran);
}

/// tests/apps/following: `follower` depends on `base` (which crashes on its
/// first two runs) with `with-dependencies: true`, so it is restarted each
/// time `base` is ready again.
#[test]
fn a_dependent_follows_a_restarted_service() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("following", &root().join("tests/apps/following"));
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("follower's third run", UP_TIMEOUT, |r| {
        r.stdout().matches("follower run").count() >= 3
    });
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    assert_eq!(
        ran.stderr.matches("follower restarting after base").count(),
        2,
        "{ran}"
    );
    assert!(!ran.stderr.contains("follower crashed"), "{ran}");
    project.assert_nothing_left(&ran);
}

/// tests/apps/stubborn: its service ignores SIGTERM, so the `compose down`
/// of the first Ctrl-C would wait Compose's 10 s stop timeout; a second
/// Ctrl-C kills the containers instead, and everything is still removed.
#[test]
fn a_second_interrupt_kills_instead_of_waiting() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("second-interrupt", &root().join("tests/apps/stubborn"));
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("the worker's first line", UP_TIMEOUT, |r| {
        r.stdout().contains("worker: ignoring SIGTERM")
    });
    signal(run.pid(), "INT");
    run.wait_until("exo to stop the containers", STOP_TIMEOUT, |r| {
        r.stderr().contains("Ctrl-C again to kill")
    });
    std::thread::sleep(Duration::from_millis(500));
    let interrupted = Instant::now();
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    ran.assert_stderr_has(&["Killing"]);
    assert!(
        interrupted.elapsed() < Duration::from_secs(6),
        "exo took {:?} after the second Ctrl-C; the stop timeout is 10 s\n{ran}",
        interrupted.elapsed()
    );
    project.assert_nothing_left(&ran);
}
