//! Compose commands that pass through, and what happens without Docker.

use super::*;

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
