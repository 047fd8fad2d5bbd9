//! `shared-directories` end to end, on the real Docker Engine: `exo compose
//! up` copies `shared/` into the service before building it, and the
//! service, which prints the file from its image, becomes ready only if it
//! is there (a `log` readiness check on its content).

use crate::common::{root, temp_copy};
use crate::docker::{output_within, require_docker};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(180);

/// Removes the project's containers, network and images however the test
/// ends.
struct Down {
    dir: PathBuf,
    project: String,
}

impl Drop for Down {
    fn drop(&mut self) {
        let mut down = Command::new("docker");
        down.arg("compose")
            .arg("-f")
            .arg(self.dir.join("docker-compose/run_development.yml"))
            .args(["-p", &self.project])
            .args(["down", "-v", "--remove-orphans", "-t", "0", "--rmi", "all"]);
        let _ = output_within(&mut down, TIMEOUT);
    }
}

fn up(dir: &Path, project: &str) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_exo"));
    command
        .env("NO_COLOR", "1")
        .arg("-C")
        .arg(dir)
        .args(["compose", "-p", project, "up", "-d", "--wait"])
        .args(["--wait-timeout", "120"])
        .env_remove("COMPOSE_PROJECT_NAME")
        .env_remove("COMPOSE_FILE");
    output_within(&mut command, TIMEOUT).expect("run exo compose up")
}

#[test]
fn shared_directories_are_copied_into_each_service_before_it_is_built() {
    if require_docker().is_none() {
        return;
    }
    let copy = temp_copy(&root().join("tests/apps/shared"));
    let project = format!("exo-e2e-shared-{}", std::process::id());
    let _down = Down {
        dir: copy.path().to_path_buf(),
        project: project.clone(),
    };
    let output = up(copy.path(), &project);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exo compose up failed:\n{stderr}");
    assert!(
        stderr.contains("Copied 1 shared file into the services"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(copy.path().join("reader/shared/test.txt")).unwrap(),
        "shared content\n"
    );
}
