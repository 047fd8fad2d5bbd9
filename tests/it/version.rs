//! `exo version` through the binary: exo's version always, Docker's when
//! there is one.

use crate::common::exo;
use crate::docker::require_docker;

#[test]
fn a_stopped_daemon_is_said_on_its_line_and_exo_still_answers() {
    let output = exo()
        .arg("version")
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("exo {}", env!("CARGO_PKG_VERSION")));
    assert!(
        lines[1].starts_with(
            "Docker Engine: none found (cannot reach the Docker daemon at tcp://127.0.0.1:1"
        ),
        "{stdout}"
    );
    assert!(lines[2].starts_with("Docker Compose"), "{stdout}");
}

#[test]
fn without_docker_on_path_compose_is_said_missing() {
    let output = exo()
        .arg("version")
        .env("PATH", "/nonexistent")
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Docker Compose: none found (`docker` was not found on PATH)"),
        "{stdout}"
    );
}

#[test]
fn a_running_docker_gives_both_versions() {
    let Some(_) = require_docker() else { return };
    let output = exo().arg("version").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let engine = lines[1].strip_prefix("Docker Engine ").expect(&stdout);
    let compose = lines[2].strip_prefix("Docker Compose ").expect(&stdout);
    assert!(engine.starts_with(|c: char| c.is_ascii_digit()), "{stdout}");
    assert!(
        compose.starts_with(|c: char| c.is_ascii_digit()),
        "{stdout}"
    );
}
