//! What exo says is so (issue 26): a container given up or never ready is
//! not counted ready, a start the engine refuses is shown with the
//! engine's reason and where to change the port, a failed `up -d` says
//! what it left behind (or removes it), and a `--wait-timeout` beyond the
//! maximum is a usage error.

use super::*;

/// A host port held by this test for as long as the listener lives: the
/// engine cannot publish it.
fn hold_a_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind("0.0.0.0:0").expect("bind a free port");
    let port = listener.local_addr().expect("its address").port();
    (listener, port)
}

/// tests/apps/taken with web's `host-port` set to `port`.
fn taken(test: &str, port: u16) -> Project {
    let project = Project::new(test, &root().join("tests/apps/taken"));
    let file = project.dir().join("web/service.yml");
    let text = std::fs::read_to_string(&file).expect("read web/service.yml");
    assert!(text.contains("host-port: 40998"), "{text}");
    let text = text.replace("host-port: 40998", &format!("host-port: {port}"));
    std::fs::write(&file, text).expect("write web/service.yml");
    project
}

/// tests/apps/quitter under `exo run`: `quitter` exits 3 at every start and
/// is given up; the summary counts only `steady` ready, and so does `exo
/// status`, which names the exit.
#[test]
fn a_worker_given_up_is_not_counted_ready() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("gave-up", &root().join("tests/apps/quitter"));
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("the summary", UP_TIMEOUT, |r| {
        r.stderr().contains("Ctrl-C stops them")
    });
    let status = {
        let mut exo = project.exo();
        exo.args(["status", "-p", &project.name, "--format", "json"]);
        finish(exo, DOCKER_TIMEOUT)
    };
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    ran.assert_stderr_has(&[
        "quitter gave up: 3 crashes within 30s (exit 3)",
        "1 of 2 containers ready in ",
        "; quitter gave up (exit 3); Ctrl-C stops them",
    ]);
    assert!(!ran.stderr.contains("are ready"), "{ran}");
    assert!(!ran.stderr.contains("quitter ready"), "{ran}");
    ran.assert_ready_line("steady", "(running)");
    status.assert_code(1);
    let report: serde_json::Value = serde_json::from_str(&status.stdout).expect("JSON");
    assert_eq!((&report["ready"], &report["total"]), (&1.into(), &2.into()));
    assert_eq!(
        report["summary"], "1 of 2 ready; quitter exited (3)",
        "{status}"
    );
    project.assert_nothing_left(&ran);
}

/// tests/apps/taken with web's host port held by this test: `up -d --wait`
/// says the engine's reason, where web's port is set, and that the store
/// is left running and how to remove it; `--down-on-failure` removes it.
#[test]
fn a_taken_host_port_fails_up_with_the_reason_and_a_hint() {
    if require_docker().is_none() {
        return;
    }
    let (_held, port) = hold_a_port();
    let project = taken("port-up", port);
    let up = project.up(&["web"]);
    up.assert_code(1);
    up.assert_stderr_has(&[
        "`web` could not start: ",
        "address already in use",
        "hint: another process holds that host port: stop it, or give `web` another \
         `host-port` in its service.yml, under `development`",
        "the containers are left running to be looked at",
        &format!("`exo compose -p {} down` removes them", project.name),
    ]);
    assert!(!up.stderr.contains("exit -1"), "{up}");
    let store = docker(&[
        "inspect",
        "--format",
        "{{.State.Running}}",
        &project.container("store"),
    ]);
    assert_eq!(store.trim(), "true", "the store is left running\n{up}");
    let removed = project.up(&["--down-on-failure", "web"]);
    removed.assert_code(1);
    removed.assert_stderr_has(&["`web` could not start: ", "address already in use"]);
    assert!(!removed.stderr.contains("left running"), "{removed}");
    project.assert_nothing_left(&removed);
}

/// The same under `exo run`: each failed start is shown with the engine's
/// reason, not as a crash, then given up with the hint; the rest runs.
#[test]
fn a_taken_host_port_is_given_up_by_run_with_the_reason_and_a_hint() {
    if require_docker().is_none() {
        return;
    }
    let (_held, port) = hold_a_port();
    let project = taken("port-run", port);
    let mut run = Background::spawn(project.exo_run(&[]));
    run.wait_until("the summary", UP_TIMEOUT, |r| {
        r.stderr().contains("Ctrl-C stops them")
    });
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    // Progress lines pad the names: `web   could not start: ...`.
    ran.assert_stderr_has(&[
        "could not start: driver failed programming external connectivity",
        "trying again in 100ms (attempt 1)",
        "gave up after 3 attempts within 30s: could not start: ",
        "address already in use",
        "hint: another process holds that host port: stop it, or give `web` another \
         `host-port` in its service.yml, under `development`",
        "1 of 2 containers ready in ",
        "web gave up (could not start)",
    ]);
    assert!(!ran.stderr.contains("exit -1"), "{ran}");
    assert!(!ran.stderr.contains("crash"), "{ran}");
    project.assert_nothing_left(&ran);
}

/// tests/apps/failing `lost` answers 404 on its readiness path: `exo up -d
/// --wait` gives up after `--wait-timeout` and says how to remove what it
/// left, in the words of the shortcut.
#[test]
fn a_check_answering_404_times_out_and_says_what_is_left() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("lost", &root().join("tests/apps/failing"));
    let mut exo = project.exo();
    exo.args([
        "up",
        "-p",
        &project.name,
        "-d",
        "--wait",
        "--wait-timeout",
        "3",
    ])
    .arg("lost");
    let up = finish(exo, UP_TIMEOUT);
    up.assert_code(124);
    up.assert_stderr_has(&[
        "`lost` was not ready after ",
        "readiness: http :8080/ready",
        "404",
        &format!("`exo down -p {}` removes them", project.name),
    ]);
}

/// Issue 26's panic: a `--wait-timeout` too long to add to the clock. It
/// is a usage error now, before anything is built or started.
#[test]
fn a_wait_timeout_beyond_the_maximum_starts_nothing() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("overflow", &root().join("tests/apps/failing"));
    let up = project.up(&["--wait-timeout", "18446744073709551615", "lost"]);
    up.assert_code(2);
    up.assert_stderr_has(&["is not in 0..=604800"]);
    assert!(project.leftovers().is_empty(), "{up}");
}
