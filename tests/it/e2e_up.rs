//! End-to-end tests of `exo compose up`, `exo run` and the pass-through to
//! `docker compose`, on the real Docker Engine (see `crate::docker` for what
//! they need and when they skip).
//!
//! Each test runs an application from a temporary copy (of `fixtures/` or of
//! `tests/apps/`) renamed to the test's own Compose project,
//! `exo-e2e-<test>-<pid>`, so that its containers, network and images
//! (tagged `<project>-<role>:development`) are its own. A [`Project`]
//! guard removes all of them when the test ends, passed or failed, and then
//! fails the test if anything is left. No application publishes a host port,
//! so the tests run in parallel; their traffic goes to the project's own
//! containers and to loopback only. Every wait is bounded, and an `exo` that
//! outlives its bound is killed.

use crate::common::{copy_dir, root, temp_copy};
use crate::docker::{output_within, require_docker, require_program};
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `exo` binary Cargo built for these tests.
const EXO: &str = env!("CARGO_BIN_EXE_exo");

/// Building and starting one of the small applications takes seconds; this
/// bounds a hung `exo`.
pub(crate) const UP_TIMEOUT: Duration = Duration::from_secs(120);

/// One `docker` command (inspect, ps, down, rmi).
const DOCKER_TIMEOUT: Duration = Duration::from_secs(60);

/// From a SIGINT to exo's exit, `compose down` included (about 0.5 s here).
pub(crate) const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// How late a dependent may start after its dependency's delay, at most:
/// exo sees readiness within a second (about 0.5 s here), the rest is room
/// for a busy CI machine.
const PROMPTLY: f64 = 8.0;

/// Clock granularity between two `StartedAt` times.
const SLACK: f64 = 0.05;

/// `COMPOSE_*` variables that would change what exo's Compose reads.
pub(crate) const COMPOSE_OVERRIDES: [&str; 6] = [
    "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_PROFILES",
    "COMPOSE_ENV_FILES",
    "COMPOSE_PATH_SEPARATOR",
    "COMPOSE_REMOVE_ORPHANS",
];

// ---------------------------------------------------------------------------
// 1. Dependencies that become ready late
// ---------------------------------------------------------------------------

/// fixtures/chain: a <- b <- c, each listening READY_AFTER seconds after it
/// starts. Each must start only once the one before it answers.
#[test]
fn dependents_start_only_once_their_dependency_is_ready() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("chain", &root().join("fixtures/chain"));
    let delay = project.ready_after();
    let up = project.up(&[]);
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

// ---------------------------------------------------------------------------
// 2. Every kind of readiness check
// ---------------------------------------------------------------------------

/// tests/apps/probes: one service per kind of check, each ready READY_AFTER
/// seconds after it starts (`plain` once it runs), one follower per kind
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
    let up = project.up(&[]);
    up.assert_code(0);
    let kinds = [
        ("http", "(http :8080/)", delay),
        ("tcp", "(tcp :9000)", delay),
        ("log", "(log \"accepting work\")", delay),
        ("cmd", "(healthcheck)", delay),
        ("plain", "(running)", 0.0),
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

// ---------------------------------------------------------------------------
// 3. and 4. Services that never become ready
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// 5. Ctrl-C during start-up
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// 6. Other Compose commands
// ---------------------------------------------------------------------------

/// fixtures/minimal: `ps`, `exec`, `logs` and `down` go to `docker compose`
/// with the generated file and the project, and exo exits with their code.
#[test]
fn other_compose_commands_pass_through_with_their_exit_codes() {
    let Some(prefix) = require_docker() else {
        return;
    };
    let project = Project::new("passthrough", &root().join("fixtures/minimal"));
    project.up(&[]).assert_code(0);

    // COMPOSE_PROJECT_NAME names the project as `-p` does.
    let mut ps = project.exo();
    ps.env("COMPOSE_PROJECT_NAME", &project.name)
        .args(["compose", "ps"]);
    let ps = finish(ps, DOCKER_TIMEOUT);
    ps.assert_code(0);
    assert!(
        ps.stdout.contains(&format!("{}-worker-1", project.name)) && ps.stdout.contains("Up"),
        "`exo compose ps` does not list the running worker\n{ps}"
    );

    let exec = project.exo_compose(&["exec", "-T", "worker", "sh", "-c", "exit 7"]);
    exec.assert_code(7);

    let logs = project.exo_compose(&["logs", "nosuchservice"]);
    let mut direct = crate::docker::compose(&prefix, ["-f"]);
    direct
        .arg(project.file())
        .args(["-p", &project.name, "logs", "nosuchservice"]);
    let direct = output_within(&mut direct, DOCKER_TIMEOUT).expect("docker compose logs");
    assert_ne!(
        direct.status.code(),
        Some(0),
        "Compose accepted a wrong name"
    );
    assert_eq!(
        logs.code,
        direct.status.code(),
        "exo's exit code differs from Compose's\n{logs}"
    );
    logs.assert_stderr_has(&["no such service: nosuchservice"]);

    let down = project.exo_compose(&["down"]);
    down.assert_code(0);
    project.assert_nothing_left(&down);
}

// ---------------------------------------------------------------------------
// 7. No Docker
// ---------------------------------------------------------------------------

/// A DOCKER_HOST where nothing listens, then one that accepts connections
/// and never answers: exit 3 at once (or after exo's 1.5 s limit), naming
/// the daemon, with a hint. Needs only the `docker` CLI.
#[test]
fn an_unreachable_daemon_exits_3_with_a_hint() {
    if !require_program("docker") {
        return;
    }
    let app = temp_copy(&root().join("fixtures/minimal"));
    // Accepted by the kernel, never answered: nothing calls `accept`.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let silent = format!("tcp://{}", listener.local_addr().expect("its address"));
    // (the refusal's own words are the `docker` CLI's, which vary)
    for (host, says, within) in [
        ("tcp://127.0.0.1:1", "", 2),
        (silent.as_str(), "no answer within 1500 ms", 3),
    ] {
        for args in [
            &["compose", "up", "-d", "--wait"][..],
            &["run"][..],
            &["compose", "ps"][..],
        ] {
            let mut exo = exo_in(app.path());
            exo.env("DOCKER_HOST", host)
                .env_remove("DOCKER_CONTEXT")
                .args(args);
            let ran = finish(exo, Duration::from_secs(20));
            ran.assert_code(3);
            ran.assert_stderr_has(&[
                &format!("error: cannot reach the Docker daemon at {host}"),
                says,
                "hint: start the Docker daemon",
                "DOCKER_HOST",
            ]);
            assert!(
                ran.elapsed < Duration::from_secs(within),
                "exo {args:?} took {:?} to give up\n{ran}",
                ran.elapsed
            );
        }
    }
}

/// No `docker` on PATH, then a `docker` without Compose, then one with only
/// Compose v1: exit 3 with what is missing and a hint. Needs no Docker.
#[test]
fn missing_docker_or_compose_exits_3_with_a_hint() {
    let app = temp_copy(&root().join("fixtures/minimal"));
    let bin = tempfile::tempdir().expect("create a directory for PATH");
    let check = |says: &[&str]| {
        for args in [
            &["compose", "up", "-d", "--wait"][..],
            &["run"][..],
            &["compose", "ps"][..],
        ] {
            let mut exo = exo_in(app.path());
            exo.env("PATH", bin.path()).args(args);
            let ran = finish(exo, Duration::from_secs(20));
            ran.assert_code(3);
            ran.assert_stderr_has(says);
            assert!(ran.elapsed < Duration::from_secs(2), "too slow\n{ran}");
        }
    };
    check(&[
        "error: `docker` was not found on PATH",
        "hint: install Docker Engine",
    ]);
    // A daemon that answers, and a CLI without the Compose plugin.
    executable(
        &bin.path().join("docker"),
        "#!/bin/sh\ncase \"$1\" in\n  version) echo 20.10.24 ;;\n  \
         compose) echo \"docker: 'compose' is not a docker command.\" >&2; exit 1 ;;\n  \
         *) exit 1 ;;\nesac\n",
    );
    check(&[
        "error: Docker Compose v2 or later was not found",
        "hint: install the Compose v2 plugin",
    ]);
    executable(
        &bin.path().join("docker-compose"),
        "#!/bin/sh\necho 1.29.2\n",
    );
    check(&[
        "error: only Docker Compose 1.29.2 was found; exo needs Compose v2 or later",
        "scripts/provision.sh",
    ]);
}

// ---------------------------------------------------------------------------
// 8. A database, waited for through the catalog
// ---------------------------------------------------------------------------

/// tests/apps/cache: Redis from exo-base/redis:1 with no health-check of its
/// own, and `pinger`, which pings it once the moment it starts (at
/// CACHE_HOST:CACHE_PORT, which exo injects) and exits 1 without PONG.
#[test]
fn a_database_is_waited_for_through_the_catalogs_probe() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("cache", &root().join("tests/apps/cache"));
    let written = std::fs::read_to_string(project.dir().join("application.yml"))
        .expect("read application.yml");
    assert!(
        !written
            .lines()
            .any(|l| l.contains("health-check") && !l.trim_start().starts_with('#')),
        "the application must rely on the catalog's health check"
    );
    let up = project.up(&[]);
    up.assert_code(0);
    up.assert_ready_line("cache", "(healthcheck)");
    up.assert_ready_line("pinger", "(log \"answered: PONG\")");
    let file = std::fs::read_to_string(project.file()).expect("read the generated file");
    assert!(
        file.contains("redis-cli -h 127.0.0.1 ping"),
        "the catalog's health check is not in the generated file"
    );
    let logs = docker(&["logs", &project.container("pinger")]);
    assert!(
        logs.contains("pinger: cache:6379 answered: PONG"),
        "pinger's log: {logs}"
    );
    // The first health check that passed ended before pinger started.
    let health = docker(&[
        "inspect",
        "--format",
        "{{json .State.Health}}",
        &project.container("cache"),
    ]);
    let health: serde_json::Value = serde_json::from_str(&health).expect("health JSON");
    let healthy = health["Log"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|check| check["ExitCode"] == 0)
        .filter_map(|check| check["End"].as_str().map(parse_time))
        .min()
        .unwrap_or_else(|| panic!("no passing health check: {health}"));
    let pinger = project.started_at("pinger");
    assert!(
        pinger > healthy,
        "pinger started {:.3} s before Redis was healthy\n{up}",
        seconds(healthy - pinger)
    );
    // Up again: everything is ready already, nothing restarts.
    let again = project.up(&[]);
    again.assert_code(0);
    again.assert_ready_line("cache", "(healthcheck)");
    assert!(
        again.elapsed < Duration::from_secs(10),
        "a second up took {:?}\n{again}",
        again.elapsed
    );
    assert_eq!(
        project.started_at("pinger"),
        pinger,
        "the second up restarted pinger\n{again}"
    );
}

// ---------------------------------------------------------------------------
// 9. `exo run`'s log output
// ---------------------------------------------------------------------------

/// The lines tests/apps/chatty's services print.
const CHATTY: [(&str, &str); 6] = [
    ("api", "api line 1"),
    ("api", "api line 2"),
    ("api", "api line 3"),
    ("scheduler", "scheduler line 1"),
    ("scheduler", "scheduler line 2"),
    ("scheduler", "scheduler line 3"),
];

/// `exo run` shows each service's lines (stdout and stderr) on stdout,
/// after `role |` padded to the longest role, and nothing else there.
#[test]
fn exo_run_prefixes_log_lines_with_the_padded_role() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("logs", &root().join("tests/apps/chatty"));
    let (ran, stdout) = run_until_chatty_said_all(&project, &[], "INT");
    ran.assert_code(130);
    let expected: Vec<String> = CHATTY
        .iter()
        .map(|(role, text)| format!("{role:9} | {text}"))
        .collect();
    assert_same_lines(&stdout, &expected, &ran);
    ran.assert_stderr_has(&["all 2 containers are ready in"]);
}

/// `--no-log-prefix`: the lines as the services printed them. (Stopped with
/// SIGTERM, which ends `exo run` as Ctrl-C does.)
#[test]
fn exo_run_without_log_prefix_prints_the_bare_lines() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("no-prefix", &root().join("tests/apps/chatty"));
    let (ran, stdout) = run_until_chatty_said_all(&project, &["--no-log-prefix"], "TERM");
    ran.assert_code(130);
    project.assert_nothing_left(&ran);
    let expected: Vec<String> = CHATTY.iter().map(|(_, text)| text.to_string()).collect();
    assert_same_lines(&stdout, &expected, &ran);
}

/// With NO_COLOR and stderr on a terminal (where exo colours), no colour
/// anywhere: stdout has no escape code at all, and the terminal none of
/// exo's colours. Without NO_COLOR, the same run colours exo's status lines,
/// which shows that the terminal is one exo colours.
#[test]
fn no_color_turns_colours_off_on_a_terminal() {
    if require_docker().is_none() || !require_program("script") {
        return;
    }
    let project = Project::new("no-color", &root().join("tests/apps/chatty"));
    let plain = run_on_terminal(&project, true);
    plain.ran.assert_code(130);
    assert!(
        !plain.stdout.contains('\x1b'),
        "escape codes on stdout with NO_COLOR: {:?}",
        plain.stdout
    );
    // Compose's own warnings colour `WARN` whatever NO_COLOR says (e.g. that
    // buildx is missing); they are not exo's.
    let terminal = plain.terminal.replace("\x1b[33mWARN\x1b[0m", "WARN");
    let colours = sgr_sequences(&terminal);
    assert!(
        colours.is_empty(),
        "colours on the terminal with NO_COLOR: {colours:?}\n{}",
        plain.ran
    );
    let coloured = run_on_terminal(&project, false);
    coloured.ran.assert_code(130);
    assert!(
        coloured.terminal.contains("\x1b[1;32mBuilding\x1b[0m"),
        "exo did not colour the terminal without NO_COLOR\n{}",
        coloured.ran
    );
}

/// Colours on stdout follow whether stdout is a terminal, as Compose's do:
/// `exo run > file` from a terminal writes no escape codes into the file.
#[test]
fn log_lines_piped_from_a_terminal_session_are_not_coloured() {
    if require_docker().is_none() || !require_program("script") {
        return;
    }
    let project = Project::new("color", &root().join("tests/apps/chatty"));
    let run = run_on_terminal(&project, false);
    run.ran.assert_code(130);
    assert!(
        !run.stdout.contains('\x1b'),
        "escape codes in stdout, which is a file, not a terminal: {:?}",
        run.stdout
    );
}

/// Runs `exo run ARGS` on tests/apps/chatty until every line of [`CHATTY`]
/// is on stdout, then sends it `stop` (`INT` or `TERM`); returns how it
/// ended and its stdout.
fn run_until_chatty_said_all(project: &Project, args: &[&str], stop: &str) -> (Ran, String) {
    let mut run = Background::spawn(project.exo_run(args));
    run.wait_until("every line of chatty", UP_TIMEOUT, |r| {
        let stdout = r.stdout();
        CHATTY.iter().all(|(_, text)| stdout.contains(text))
    });
    signal(run.pid(), stop);
    let ran = run.finish(STOP_TIMEOUT);
    let stdout = ran.stdout.clone();
    (ran, stdout)
}

/// What `exo run` printed with its stderr on a terminal.
struct TerminalRun {
    /// How `script` ended (with exo's exit code).
    ran: Ran,
    /// Everything on the terminal: exo's stderr (and Compose's).
    terminal: String,
    /// exo's stdout, redirected to a file.
    stdout: String,
}

/// `exo run` on tests/apps/chatty with stderr on a pseudo-terminal (from
/// `script`) and stdout to a file, until every line of [`CHATTY`] is in the
/// file; then Ctrl-C.
fn run_on_terminal(project: &Project, no_color: bool) -> TerminalRun {
    let files = tempfile::tempdir().expect("create a directory");
    let (pid_file, out_file) = (files.path().join("pid"), files.path().join("stdout"));
    let inner = format!(
        "echo $$ > {}; exec {} -C {} run -p {} > {}",
        quote(&pid_file),
        quote(Path::new(EXO)),
        quote(project.dir()),
        project.name,
        quote(&out_file),
    );
    let mut script = Command::new("script");
    script
        .args(["-q", "-e", "-f", "-c", &inner, "/dev/null"])
        .env("SHELL", "/bin/sh")
        .env("TERM", "xterm-256color")
        .env_remove("EXO_APP");
    for name in COMPOSE_OVERRIDES {
        script.env_remove(name);
    }
    if no_color {
        script.env("NO_COLOR", "1");
    } else {
        script.env_remove("NO_COLOR");
    }
    let mut run = Background::spawn(script);
    let read_pid = || std::fs::read_to_string(&pid_file).ok()?.trim().parse().ok();
    run.wait_until("exo's PID", DOCKER_TIMEOUT, |_| read_pid().is_some());
    let pid: u32 = read_pid().expect("the shell wrote its PID");
    // `script` makes exo a session leader: its process group is its PID.
    run.groups.push(pid);
    let read_out = || std::fs::read_to_string(&out_file).unwrap_or_default();
    run.wait_until("every line of chatty", UP_TIMEOUT, |_| {
        let stdout = read_out();
        CHATTY.iter().all(|(_, text)| stdout.contains(text))
    });
    signal(pid, "INT");
    let ran = run.finish(STOP_TIMEOUT);
    TerminalRun {
        terminal: ran.stdout.clone(),
        ran,
        stdout: read_out(),
    }
}

/// `text`'s lines, in any order, are exactly `expected`.
fn assert_same_lines(text: &str, expected: &[String], ran: &Ran) {
    let mut got: Vec<&str> = text.lines().collect();
    let mut want: Vec<&str> = expected.iter().map(String::as_str).collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "stdout's lines\n{ran}");
}

/// The colour (SGR) escape sequences in `text`, e.g. `\x1b[1;32m`.
fn sgr_sequences(text: &str) -> Vec<String> {
    text.match_indices("\x1b[")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            (rest[end..].starts_with('m')).then(|| format!("\\x1b[{}m", &rest[..end]))
        })
        .collect()
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

// ---------------------------------------------------------------------------
// 10. Watching files
// ---------------------------------------------------------------------------

/// tests/apps/watched under `exo run`, both services up: `alpha says hello
/// (image v1)` and the same of `beta` printed.
fn run_watched(test: &str, args: &[&str]) -> (Project, Background) {
    let project = Project::new(test, &root().join("tests/apps/watched"));
    let mut run = Background::spawn(project.exo_run(args));
    run.wait_until("both services to say hello", UP_TIMEOUT, |r| {
        let out = r.stdout();
        out.contains("alpha says hello") && out.contains("beta says hello")
    });
    (project, run)
}

/// Ctrl-C, exit 130, nothing left.
fn interrupt(project: &Project, mut run: Background) -> Ran {
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    project.assert_nothing_left(&ran);
    ran
}

#[test]
fn a_file_change_restarts_only_its_service() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-one", &[]);
    let beta_started = project.started_at("beta");
    std::fs::write(project.dir().join("alpha/message.txt"), "changed\n").unwrap();
    run.wait_until("alpha to say what changed", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says changed")
    });
    assert_eq!(project.started_at("beta"), beta_started, "beta restarted");
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&[
        "alpha changed: message.txt",
        "alpha files changed, restarting",
    ]);
    assert!(!ran.stderr.contains("beta  changed"), "{ran}");
    assert_eq!(ran.stdout.matches("beta says").count(), 1, "{ran}");
}

#[test]
fn a_dockerfile_change_rebuilds_the_image() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-rebuild", &[]);
    let before = project.container("alpha");
    let dockerfile = project.dir().join("alpha/Dockerfile.dev");
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    std::fs::write(&dockerfile, text.replace("v1", "v2")).unwrap();
    run.wait_until("alpha to run the new image", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says hello (image v2)")
    });
    assert_ne!(
        project.container("alpha"),
        before,
        "the container was not replaced"
    );
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&[
        "alpha changed: Dockerfile.dev",
        "alpha files changed, rebuilding",
        "alpha rebuilt, starting",
    ]);
    assert!(!ran.stderr.contains("beta  changed"), "{ran}");
}

#[test]
fn a_failed_rebuild_keeps_the_old_container_running() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-broken", &[]);
    let before = project.container("alpha");
    let dockerfile = project.dir().join("alpha/Dockerfile.dev");
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    std::fs::write(&dockerfile, text.replace("RUN echo v1", "RUN exit 3; echo")).unwrap();
    run.wait_until("the rebuild to fail", UP_TIMEOUT, |r| {
        r.stderr().contains("rebuild failed")
    });
    assert_eq!(
        project.container("alpha"),
        before,
        "the container was replaced"
    );
    let running = docker(&["inspect", "--format", "{{.State.Running}}", &before]);
    assert_eq!(running.trim(), "true", "the old container stopped");
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&["alpha rebuild failed; the old container keeps running"]);
    assert!(
        ran.stdout.contains("alpha | rebuild: "),
        "no build output\n{ran}"
    );
}

/// `*.tmp` is in alpha's `.gitignore` and `logs/` in its `ignore`: changing
/// them does nothing; a change after them shows the watch was on.
#[test]
fn an_ignored_file_does_nothing() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-ignored", &[]);
    let alpha = project.dir().join("alpha");
    std::fs::write(alpha.join("scratch.tmp"), "x\n").unwrap();
    std::fs::create_dir(alpha.join("logs")).unwrap();
    std::fs::write(alpha.join("logs/today.log"), "x\n").unwrap();
    // Editors' and `sed -i`'s temporary files are ignored by default.
    std::fs::write(alpha.join("sedNSQqAZ"), "x\n").unwrap();
    std::fs::write(alpha.join(".message.txt.swp"), "x\n").unwrap();
    // Ten debounce periods.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!run.stderr().contains("changed:"), "{}", run.stderr());
    std::fs::write(alpha.join("message.txt"), "noticed\n").unwrap();
    run.wait_until("alpha to notice a watched file", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says noticed")
    });
    let ran = interrupt(&project, run);
    assert_eq!(ran.stderr.matches("alpha changed:").count(), 1, "{ran}");
    assert!(
        !ran.stderr.contains(".tmp")
            && !ran.stderr.contains("today.log")
            && !ran.stderr.contains("sedNSQqAZ")
            && !ran.stderr.contains(".swp"),
        "{ran}"
    );
}

/// `--poll`: the fallback where native file events are unavailable notices
/// changes too, and says how it watches.
#[test]
fn polling_notices_a_change() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-poll", &["--poll"]);
    std::fs::write(project.dir().join("beta/message.txt"), "polled\n").unwrap();
    run.wait_until("beta to say what changed", UP_TIMEOUT, |r| {
        r.stdout().contains("beta says polled")
    });
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&[
        "Watching files of alpha, beta by polling every 500ms (as asked by --poll)",
        "beta  files changed, restarting",
    ]);
}

/// `--no-watch`: a change does nothing.
#[test]
fn no_watch_leaves_changes_alone() {
    if require_docker().is_none() {
        return;
    }
    let (project, run) = run_watched("watch-off", &["--no-watch"]);
    std::fs::write(project.dir().join("alpha/message.txt"), "unseen\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let ran = interrupt(&project, run);
    assert!(
        !ran.stderr.contains("Watching") && !ran.stderr.contains("changed"),
        "{ran}"
    );
    assert_eq!(ran.stdout.matches("alpha says").count(), 1, "{ran}");
}

#[test]
fn a_burst_of_50_changes_restarts_once() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-burst", &[]);
    let message = project.dir().join("alpha/message.txt");
    for n in 1..=50 {
        std::fs::write(&message, format!("burst {n}\n")).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    run.wait_until("alpha to say the last change", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says burst 50")
    });
    // Room for a second restart, which must not come.
    std::thread::sleep(Duration::from_millis(1500));
    let ran = interrupt(&project, run);
    assert_eq!(
        ran.stderr
            .matches("alpha files changed, restarting")
            .count(),
        1,
        "{ran}"
    );
    assert_eq!(ran.stdout.matches("alpha says").count(), 2, "{ran}");
}

// ---------------------------------------------------------------------------
// The project of one test
// ---------------------------------------------------------------------------

/// A temporary copy of an application under a Compose project of its own;
/// dropping it removes the project's containers, networks, volumes and
/// images, then fails the test if any is left.
pub(crate) struct Project {
    name: String,
    dir: tempfile::TempDir,
}

impl Project {
    /// Copies `app` and renames it `exo-e2e-<test>-<pid>`, the project's
    /// name, so that its image tags are its own too.
    pub(crate) fn new(test: &str, app: &Path) -> Project {
        let name = format!("exo-e2e-{test}-{}", std::process::id());
        let dir = tempfile::tempdir().expect("create a temporary directory");
        copy_dir(app, dir.path());
        let file = dir.path().join("application.yml");
        let text = std::fs::read_to_string(&file).expect("read application.yml");
        let mut renamed = false;
        let text: String = text
            .lines()
            .map(|line| {
                if !renamed && line.starts_with("name:") {
                    renamed = true;
                    format!("name: {name}\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        assert!(renamed, "{} has no `name:` line", file.display());
        std::fs::write(&file, text).expect("write application.yml");
        Project { name, dir }
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The Compose file exo writes and runs.
    fn file(&self) -> PathBuf {
        self.dir().join("docker-compose/run_development.yml")
    }

    /// READY_AFTER of the application's environment, in seconds.
    fn ready_after(&self) -> f64 {
        let text = std::fs::read_to_string(self.dir().join("application.yml"))
            .expect("read application.yml");
        text.lines()
            .find_map(|line| line.trim().strip_prefix("READY_AFTER:"))
            .and_then(|value| value.trim().trim_matches('"').parse().ok())
            .expect("application.yml sets READY_AFTER")
    }

    /// `exo -C <copy>`, without colours.
    pub(crate) fn exo(&self) -> Command {
        exo_in(self.dir())
    }

    /// `exo compose -p <project> up -d --wait ARGS`, to its end.
    fn up(&self, args: &[&str]) -> Ran {
        let mut exo = self.exo();
        exo.args(["compose", "-p", &self.name, "up", "-d", "--wait"])
            .args(args);
        finish(exo, UP_TIMEOUT)
    }

    /// `exo compose -p <project> ARGS`, to its end.
    fn exo_compose(&self, args: &[&str]) -> Ran {
        let mut exo = self.exo();
        exo.args(["compose", "-p", &self.name]).args(args);
        finish(exo, DOCKER_TIMEOUT)
    }

    /// `exo run -p <project> ARGS`, not started yet.
    fn exo_run(&self, args: &[&str]) -> Command {
        let mut exo = self.exo();
        exo.args(["run", "-p", &self.name]).args(args);
        exo
    }

    fn label(&self) -> String {
        format!("label=com.docker.compose.project={}", self.name)
    }

    /// The ID of the container of `service`.
    fn container(&self, service: &str) -> String {
        let service = format!("label=com.docker.compose.service={service}");
        let ids = docker(&["ps", "-aq", "--filter", &self.label(), "--filter", &service]);
        let ids: Vec<&str> = ids.split_whitespace().collect();
        assert_eq!(ids.len(), 1, "containers with {service}: {ids:?}");
        ids[0].to_owned()
    }

    /// When the container of `service` last started (engine time).
    fn started_at(&self, service: &str) -> i128 {
        let at = docker(&[
            "inspect",
            "--format",
            "{{.State.StartedAt}}",
            &self.container(service),
        ]);
        parse_time(at.trim())
    }

    /// The project's containers, networks, volumes and images, each as
    /// `kind id`.
    fn leftovers(&self) -> Vec<String> {
        let label = self.label();
        let mut found = Vec::new();
        for (kind, list) in [
            ("container", &["ps", "-aq", "--filter"][..]),
            ("network", &["network", "ls", "-q", "--filter"][..]),
            ("volume", &["volume", "ls", "-q", "--filter"][..]),
            ("image", &["image", "ls", "-q", "--filter"][..]),
        ] {
            let mut args = list.to_vec();
            args.push(&label);
            let ids = docker(&args);
            found.extend(ids.split_whitespace().map(|id| format!("{kind} {id}")));
        }
        found.sort();
        found.dedup();
        found
    }

    /// No container, network or volume of the project exists (its images
    /// stay until the end of the test).
    pub(crate) fn assert_nothing_left(&self, ran: &Ran) {
        let left: Vec<String> = self
            .leftovers()
            .into_iter()
            .filter(|thing| !thing.starts_with("image "))
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}\n{ran}");
    }

    /// `down -v --remove-orphans -t 0`, then whatever has the project's
    /// label (containers of a file that was never written, images).
    fn clean_up(&self) {
        if self.file().is_file() {
            let mut down = Command::new("docker");
            down.arg("compose")
                .arg("-f")
                .arg(self.file())
                .args(["-p", &self.name])
                .args(["down", "-v", "--remove-orphans", "-t", "0"]);
            for name in COMPOSE_OVERRIDES {
                down.env_remove(name);
            }
            let _ = output_within(&mut down, DOCKER_TIMEOUT);
        }
        for thing in self.leftovers() {
            let (kind, id) = thing.split_once(' ').expect("kind id");
            let remove: &[&str] = match kind {
                "container" => &["rm", "-f", "-v"],
                "network" => &["network", "rm"],
                "volume" => &["volume", "rm", "-f"],
                _ => &["image", "rm", "-f"],
            };
            let mut command = Command::new("docker");
            command.args(remove).arg(id);
            let _ = output_within(&mut command, DOCKER_TIMEOUT);
        }
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        self.clean_up();
        if std::thread::panicking() {
            return;
        }
        let left = self.leftovers();
        assert!(
            left.is_empty(),
            "project {} could not be cleaned up: {left:?}",
            self.name
        );
    }
}

/// `exo -C DIR` with colours off and no application, project or Compose
/// settings from the environment.
fn exo_in(dir: &Path) -> Command {
    let mut exo = Command::new(EXO);
    exo.arg("-C")
        .arg(dir)
        .env("NO_COLOR", "1")
        .env_remove("EXO_APP");
    for name in COMPOSE_OVERRIDES {
        exo.env_remove(name);
    }
    exo
}

/// `docker ARGS`'s stdout; panics if it fails.
fn docker(args: &[&str]) -> String {
    let mut command = Command::new("docker");
    command.args(args);
    let output = output_within(&mut command, DOCKER_TIMEOUT)
        .unwrap_or_else(|err| panic!("docker {args:?}: {err}"));
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write a script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .expect("make it executable");
}

/// `kill -SIGNAL PID`.
pub(crate) fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

// ---------------------------------------------------------------------------
// Running exo
// ---------------------------------------------------------------------------

/// How a run of exo ended.
pub(crate) struct Ran {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: Duration,
}

impl Ran {
    pub(crate) fn assert_code(&self, code: i32) {
        assert_eq!(self.code, Some(code), "exit code\n{self}");
    }

    pub(crate) fn assert_stderr_has(&self, parts: &[&str]) {
        for part in parts {
            assert!(self.stderr.contains(part), "stderr lacks {part:?}\n{self}");
        }
    }

    /// A progress line `<service> ready in N s <how>...`.
    fn assert_ready_line(&self, service: &str, how: &str) {
        let found = self.stderr.lines().any(|line| {
            line.split_once(' ').is_some_and(|(name, rest)| {
                name == service && rest.trim_start().starts_with("ready in ") && rest.contains(how)
            })
        });
        assert!(found, "no `{service} ready in N s {how}...` line\n{self}");
    }
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "exit code {:?} after {:?}", self.code, self.elapsed)?;
        writeln!(f, "--- stdout\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr\n{}", self.stderr.trim_end())
    }
}

/// Runs `command` to its end, killing it after `timeout`.
pub(crate) fn finish(command: Command, timeout: Duration) -> Ran {
    let mut run = Background::spawn(command);
    run.finish(timeout)
}

/// A running process whose output is collected as it comes. It runs in a
/// process group of its own, so that killing it kills what it started too
/// (an orphaned `docker events` would never end).
pub(crate) struct Background {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
    began: Instant,
    describe: String,
    /// Other process groups to kill with it (exo under `script`).
    groups: Vec<u32>,
}

impl Background {
    pub(crate) fn spawn(mut command: Command) -> Background {
        use std::os::unix::process::CommandExt;
        let describe = format!("{command:?}");
        let mut child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {describe}: {err}"));
        let (stdout, stderr) = (Arc::default(), Arc::default());
        let readers = vec![
            collect(child.stdout.take(), Arc::clone(&stdout)),
            collect(child.stderr.take(), Arc::clone(&stderr)),
        ];
        Background {
            child,
            stdout,
            stderr,
            readers,
            began: Instant::now(),
            describe,
            groups: Vec::new(),
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn stdout(&self) -> String {
        text(&self.stdout)
    }

    fn stderr(&self) -> String {
        text(&self.stderr)
    }

    /// Waits until `done` holds; after `timeout`, or if the process ended
    /// first, kills it and fails the test.
    pub(crate) fn wait_until(
        &mut self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&Self) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        while !done(self) {
            let exited = matches!(self.child.try_wait(), Ok(Some(_)));
            if exited || Instant::now() >= deadline {
                let ran = self.finish(Duration::ZERO);
                panic!(
                    "waited {:?} for {what}; {}\n{ran}",
                    self.began.elapsed(),
                    if exited { "it ended" } else { "gave up" }
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the end; after `timeout`, kills the process and fails.
    pub(crate) fn finish(&mut self, timeout: Duration) -> Ran {
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => break None,
            }
        };
        let elapsed = self.began.elapsed();
        if status.is_none() {
            self.kill();
        }
        // The pipes close when the last process holding them ends.
        let readers_deadline = Instant::now() + Duration::from_secs(10);
        while self.readers.iter().any(|r| !r.is_finished()) && Instant::now() < readers_deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let ran = Ran {
            code: status.and_then(|s| s.code()),
            stdout: self.stdout(),
            stderr: self.stderr(),
            elapsed,
        };
        assert!(
            status.is_some() || timeout.is_zero(),
            "{} did not end within {timeout:?}; killed\n{ran}",
            self.describe
        );
        ran
    }

    /// SIGKILL to its process group and to [`Background::groups`].
    fn kill(&mut self) {
        for group in std::iter::once(self.pid()).chain(self.groups.iter().copied()) {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{group}")])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

fn collect(pipe: Option<impl Read + Send + 'static>, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let Some(mut pipe) = pipe else { return };
        let mut buffer = [0; 8192];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(&buffer[..n]);
        }
    })
}

fn text(bytes: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&bytes.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

// ---------------------------------------------------------------------------
// Engine times
// ---------------------------------------------------------------------------

/// Nanoseconds since the Unix epoch of an engine time such as
/// `2026-11-25T02:33:21.282011851Z` (always UTC).
fn parse_time(text: &str) -> i128 {
    try_parse_time(text).unwrap_or_else(|| panic!("not an engine time: {text:?}"))
}

fn try_parse_time(text: &str) -> Option<i128> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let (time, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let numbers =
        |s: &str, sep: char| -> Option<Vec<i64>> { s.split(sep).map(|n| n.parse().ok()).collect() };
    let [year, month, day] = numbers(date, '-')?[..] else {
        return None;
    };
    let [hour, minute, second] = numbers(time, ':')?[..] else {
        return None;
    };
    let digits = fraction.get(..fraction.len().min(9))?;
    let nanos: i128 = format!("{digits:0<9}").parse().ok()?;
    // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(i128::from(seconds) * 1_000_000_000 + nanos)
}

fn seconds(nanos: i128) -> f64 {
    nanos as f64 / 1e9
}

#[test]
fn engine_times_are_read_to_the_nanosecond() {
    assert_eq!(parse_time("1970-01-01T00:00:00Z"), 0);
    assert_eq!(
        parse_time("2026-11-25T02:33:21.282011851Z"),
        1_795_574_001_282_011_851
    );
    assert_eq!(
        parse_time("2000-03-01T00:00:01.5Z") - parse_time("2000-02-29T23:59:59Z"),
        2_500_000_000
    );
}
