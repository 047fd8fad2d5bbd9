//! Everyday commands through the binary: `exo up|down|ps|logs` as the
//! `exo compose` commands, Compose commands that need no daemon, image names
//! that follow the Compose project, and what a failed start shows.

use crate::common::{exo, root, temp_copy};
use crate::docker::{output_within, require_compose, require_docker};
use crate::e2e_up::{Project, UP_TIMEOUT, finish};
use predicates::str::contains;
use std::process::Command;
use std::time::Duration;

/// `exo compose config` reads only the files: it works with no daemon, as
/// `docker compose config` does, and shows the image names Compose will
/// use: the project's, whichever way it is named.
#[test]
fn compose_config_needs_no_daemon_and_images_follow_the_project() {
    if require_compose().is_none() {
        return;
    }
    let app = temp_copy(&root().join("fixtures/shop"));
    let images = |args: &[&str], project_env: Option<&str>| {
        let mut cmd = exo();
        cmd.env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .env_remove("COMPOSE_PROJECT_NAME")
            .arg("-C")
            .arg(app.path())
            .args(args);
        if let Some(name) = project_env {
            cmd.env("COMPOSE_PROJECT_NAME", name);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    };
    let default = images(&["compose", "config", "--images"], None);
    assert!(default.contains("shop-web:development"), "{default}");
    let job1 = images(&["compose", "-p", "job1", "config", "--images"], None);
    assert!(job1.contains("job1-web:development"), "{job1}");
    assert!(!job1.contains("shop-web"), "{job1}");
    let job2 = images(&["compose", "config", "--images"], Some("job2"));
    assert!(job2.contains("job2-web:development"), "{job2}");
    let production = images(&["compose", "--production", "config", "--images"], None);
    assert!(production.contains("shop-web:production"), "{production}");
    // A command that needs the daemon still says it is missing.
    exo()
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .arg("-C")
        .arg(app.path())
        .arg("ps")
        .assert()
        .code(3)
        .stderr(contains("cannot reach the Docker daemon"));
}

#[test]
fn exo_up_has_the_help_of_compose_up_under_its_own_name() {
    exo()
        .args(["up", "--help"])
        .assert()
        .success()
        .stdout(contains("Usage: exo up [OPTIONS] [SERVICE]..."))
        .stdout(contains("--wait-timeout <SECONDS>"));
    exo()
        .args(["up", "--bogus"])
        .assert()
        .code(2)
        .stderr(contains("--bogus"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _exo"),
        ("zsh", "#compdef exo"),
        ("fish", "complete -c exo"),
    ] {
        exo()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(contains(marker))
            .stdout(contains("graph"));
    }
    exo().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn graph_shows_checks_and_edges_as_dot_and_mermaid() {
    let shop = root().join("fixtures/shop");
    let dot = exo().arg("-C").arg(&shop).arg("graph").assert().success();
    let dot = String::from_utf8(dot.get_output().stdout.clone()).unwrap();
    insta::assert_snapshot!("graph_dot", dot);
    let mermaid = exo()
        .arg("-C")
        .arg(&shop)
        .args(["graph", "--format", "mermaid"])
        .assert()
        .success();
    let mermaid = String::from_utf8(mermaid.get_output().stdout.clone()).unwrap();
    insta::assert_snapshot!("graph_mermaid", mermaid);
}

/// `exo up -d --wait`, `exo ps`, `exo logs`, `exo down` on tests/apps/chatty;
/// the built images are named after the project and carry no label of the
/// base images.
#[test]
fn up_ps_logs_down_are_the_compose_commands() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("shortcuts", &root().join("tests/apps/chatty"));
    // The Compose project the guard cleans up (Project's name).
    let name = format!("exo-e2e-shortcuts-{}", std::process::id());
    let run = |args: &[&str]| {
        let mut exo = project.exo();
        exo.args([args[0], "-p", &name]).args(&args[1..]);
        finish(exo, UP_TIMEOUT)
    };
    let up = run(&["up", "-d", "--wait"]);
    up.assert_code(0);
    let ps = run(&["ps", "--format", "{{.Service}} {{.State}}"]);
    ps.assert_code(0);
    assert!(ps.stdout.contains("api running"), "{ps}");
    assert!(ps.stdout.contains("scheduler running"), "{ps}");
    let logs = run(&["logs", "--no-log-prefix", "api"]);
    logs.assert_code(0);
    assert!(logs.stdout.contains("api line 1"), "{logs}");
    let image = format!("{name}-api:development");
    let mut inspect = Command::new("docker");
    inspect.args([
        "image",
        "inspect",
        "--format",
        "{{json .Config.Labels}}",
        &image,
    ]);
    let labels = output_within(&mut inspect, Duration::from_secs(60)).unwrap();
    assert!(labels.status.success(), "no image {image}");
    let labels = String::from_utf8_lossy(&labels.stdout);
    assert!(!labels.contains("org.exo.base"), "{labels}");
    let down = run(&["down"]);
    down.assert_code(0);
    project.assert_nothing_left(&down);
}

/// A service that prints one line and exits before it is ready: the
/// diagnostics say "last 1 log line".
#[test]
fn a_single_log_line_is_counted_in_the_singular() {
    if require_docker().is_none() {
        return;
    }
    let app = tempfile::tempdir().unwrap();
    std::fs::write(
        app.path().join("application.yml"),
        "name: once\nservices:\n  once:\n    location: ./once\n",
    )
    .unwrap();
    let service = app.path().join("once");
    std::fs::create_dir(&service).unwrap();
    std::fs::write(
        service.join("service.yml"),
        "type: private\ndevelopment:\n  port: 8080\n  restart: false\n  scripts:\n    run: sh -c 'echo the only line; exit 3'\n",
    )
    .unwrap();
    std::fs::write(service.join("Dockerfile.dev"), "FROM exo-base/busybox:1\n").unwrap();
    let project = Project::new("one-line", app.path());
    let name = format!("exo-e2e-one-line-{}", std::process::id());
    let mut up = project.exo();
    up.args(["up", "-p", &name, "-d", "--wait"]);
    let up = finish(up, UP_TIMEOUT);
    up.assert_code(1);
    up.assert_stderr_has(&["last 1 log line:", "the only line"]);
    assert!(!up.stderr.contains("log lines:"), "{up}");
}
