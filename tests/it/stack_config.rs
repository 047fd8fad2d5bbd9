//! Every stack file exo writes is one that `docker stack deploy` accepts:
//! for each application in `fixtures/` and each valid one of the Exosphere
//! 0.37 corpus, the stack file of a Swarm environment (with a registry,
//! variables and a secret added) passes `docker stack config`, which checks
//! a file offline, without a daemon or a swarm, and warns about options
//! Swarm ignores; a warning fails the test too.

use crate::compose_config::{applications, numbered, referenced_variables};
use crate::docker::{output_within, require_program};
use exo::core::compose::stack::{compile_stack, render_stack};
use exo::core::model::{Environment, Target};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const CONFIG_TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn every_stack_file_passes_docker_stack_config() {
    if !require_program("docker") {
        return;
    }
    let apps = applications();
    assert!(
        apps.len() >= 32,
        "expected the fixtures and the 0.37 corpus"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let failures: Vec<String> = apps
        .iter()
        .filter_map(|app| check_application(app, dir.path()))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} stack files failed `docker stack config`:\n\n{}",
        failures.len(),
        apps.len(),
        failures.join("\n\n")
    );
}

fn check_application(dir: &Path, scratch: &Path) -> Option<String> {
    let mut app = match exo::core::config::load(dir) {
        Ok(app) => app,
        Err(err) => return Some(format!("{}: does not load: {err:?}", dir.display())),
    };
    let mut deployment = Environment::new(Target::Swarm);
    deployment.registry = Some("registry.example.com:5000/team".to_owned());
    deployment.secrets = vec!["DEPLOY_TOKEN".to_owned()];
    deployment
        .environment
        .insert("PRICE".to_owned(), "$5 and ${HOME}".to_owned());
    app.remote.environments.insert("ci".to_owned(), deployment);
    let swarm = match exo::core::compose::stack::swarm(&app, "ci") {
        Ok(swarm) => swarm,
        Err(err) => return Some(format!("{}: {err}", dir.display())),
    };
    let text = render_stack(&compile_stack(&swarm));
    let file = scratch.join(format!("{}.yml", app.name));
    std::fs::write(&file, &text).expect("write the stack file");
    let mut command = Command::new("docker");
    command.args(["stack", "config", "-c"]).arg(&file);
    command.current_dir(scratch);
    for name in referenced_variables(&text) {
        command.env(name, "exo-test-value");
    }
    let output = match output_within(&mut command, CONFIG_TIMEOUT) {
        Ok(output) => output,
        Err(err) => return Some(format!("{}: {err}", app.name)),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    (!output.status.success() || !stderr.trim().is_empty()).then(|| {
        format!(
            "{} ({}):\n{}\n--- the file ---\n{}",
            app.name,
            output.status,
            stderr.trim_end(),
            numbered(&text)
        )
    })
}
