//! On the real Docker Engine: a new application with a service from the
//! offline template comes up ready and the template's test passes in it.
//! The application is named after the test and the process, and a guard
//! removes its containers, network, volumes and images, passed or failed.

use crate::docker::{output_within, require_docker};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const EXO: &str = env!("CARGO_BIN_EXE_exo");
const UP_TIMEOUT: Duration = Duration::from_secs(180);
const DOCKER_TIMEOUT: Duration = Duration::from_secs(60);

/// Removes everything of the Compose project `name` when dropped.
struct Cleanup {
    name: String,
    file: PathBuf,
}

impl Cleanup {
    fn leftovers(&self) -> Vec<String> {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let mut found = Vec::new();
        for list in [
            &["ps", "-aq", "--filter"][..],
            &["network", "ls", "-q", "--filter"],
            &["volume", "ls", "-q", "--filter"],
            &["image", "ls", "-q", "--filter"],
        ] {
            let output = docker(&[list, &[label.as_str()]].concat());
            let ids = String::from_utf8_lossy(&output.stdout).into_owned();
            found.extend(ids.split_whitespace().map(|id| format!("{} {id}", list[0])));
        }
        found
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let file = self.file.to_string_lossy().into_owned();
        docker(&[
            "compose",
            "-f",
            &file,
            "-p",
            &self.name,
            "down",
            "-v",
            // Not `all`: that removes the images services run as they are
            // (the shared exo-base/redis:1); the images built for the
            // project carry its label and are removed below.
            "--rmi",
            "local",
            "--remove-orphans",
            "-t",
            "0",
        ]);
        for thing in self.leftovers() {
            let (kind, id) = thing.split_once(' ').unwrap_or_default();
            match kind {
                "ps" => docker(&["rm", "-f", "-v", id]),
                "network" => docker(&["network", "rm", id]),
                "volume" => docker(&["volume", "rm", "-f", id]),
                _ => docker(&["image", "rm", "-f", id]),
            };
        }
        if !std::thread::panicking() {
            let left = self.leftovers();
            assert!(left.is_empty(), "left behind: {left:?}");
        }
    }
}

fn docker(args: &[&str]) -> Output {
    let mut command = Command::new("docker");
    command.args(args);
    output_within(&mut command, DOCKER_TIMEOUT).unwrap_or_else(|e| panic!("docker {args:?}: {e}"))
}

fn exo(dir: &Path, args: &[&str], timeout: Duration) -> Output {
    let mut command = Command::new(EXO);
    command
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("EXO_APP")
        .env_remove("COMPOSE_PROJECT_NAME")
        .env_remove("COMPOSE_FILE");
    output_within(&mut command, timeout).unwrap_or_else(|e| panic!("exo {args:?}: {e}"))
}

fn assert_ok(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `exo compose -p NAME up -d --wait` in `dir`, which must say it is
/// ready; the guard that removes the project.
#[must_use]
fn up_ready(dir: &Path, name: &str) -> Cleanup {
    let cleanup = Cleanup {
        name: name.to_owned(),
        file: dir.join("docker-compose/run_development.yml"),
    };
    let up = exo(
        dir,
        &[
            "compose",
            "-p",
            name,
            "up",
            "-d",
            "--wait",
            "--wait-timeout",
            "120",
        ],
        UP_TIMEOUT,
    );
    assert_ok(&up, "exo compose up -d --wait");
    assert!(String::from_utf8_lossy(&up.stderr).contains("ready in"));
    cleanup
}

#[test]
fn a_new_service_from_the_offline_template_comes_up_and_passes_its_test() {
    if require_docker().is_none() {
        return;
    }
    let name = format!("exo-e2e-scaffold-{}", std::process::id());
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join(&name);
    assert_ok(&exo(&dir, &["init", &name], DOCKER_TIMEOUT), "exo init");
    assert_ok(
        &exo(
            &dir,
            &["add", "web", "--template", "busybox"],
            DOCKER_TIMEOUT,
        ),
        "exo add",
    );
    let _cleanup = up_ready(&dir, &name);
    let test = exo(
        &dir,
        &["compose", "-p", &name, "exec", "-T", "web", "./test.sh"],
        DOCKER_TIMEOUT,
    );
    assert_ok(&test, "the template's test");
    assert!(String::from_utf8_lossy(&test.stdout).contains("web: 1 test passed"));
}

/// A hand-written Compose file (a busybox web server that waits for a
/// healthy redis, with a bind mount and an extra capability) imported with
/// `exo import` comes up ready under exo, serving the mounted page.
#[test]
fn an_imported_compose_application_comes_up_ready() {
    if require_docker().is_none() {
        return;
    }
    let name = format!("exo-e2e-import-{}", std::process::id());
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join(&name);
    std::fs::create_dir_all(dir.join("web/static")).unwrap();
    std::fs::write(dir.join("web/Dockerfile"), "FROM exo-base/busybox:1\n").unwrap();
    std::fs::write(dir.join("web/static/index.html"), "imported\n").unwrap();
    std::fs::write(
        dir.join("docker-compose.yml"),
        "services:\n  web:\n    build: ./web\n    expose: [\"8080\"]\n    command: [httpd, -f, -p, \"8080\", -h, /srv]\n    environment: {GREETING: hello}\n    depends_on: {cache: {condition: service_healthy}}\n    healthcheck:\n      test: [CMD, wget, -q, -O, /dev/null, \"http://127.0.0.1:8080/\"]\n      interval: 1s\n      retries: 30\n    volumes: [./web/static:/srv:ro]\n    cap_add: [NET_ADMIN]\n  cache:\n    image: exo-base/redis:1\n",
    )
    .unwrap();
    assert_ok(&exo(&dir, &["import"], DOCKER_TIMEOUT), "exo import");
    assert_ok(&exo(&dir, &["generate"], DOCKER_TIMEOUT), "exo generate");
    let _cleanup = up_ready(&dir, &name);
    let page = exo(
        &dir,
        &[
            "compose",
            "-p",
            &name,
            "exec",
            "-T",
            "web",
            "wget",
            "-q",
            "-O",
            "-",
            "http://127.0.0.1:8080/",
        ],
        DOCKER_TIMEOUT,
    );
    assert_ok(&page, "the mounted page");
    assert_eq!(String::from_utf8_lossy(&page.stdout), "imported\n");
    let greeting = exo(
        &dir,
        &[
            "compose",
            "-p",
            &name,
            "exec",
            "-T",
            "web",
            "sh",
            "-c",
            "echo $GREETING",
        ],
        DOCKER_TIMEOUT,
    );
    assert_eq!(String::from_utf8_lossy(&greeting.stdout), "hello\n");
}
