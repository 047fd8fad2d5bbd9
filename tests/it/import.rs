//! `exo import` through the binary: a hand-written Compose file and its
//! override file (tests/import/webapp: a web application with a database, a
//! cache and a queue worker, env files, profiles, named volumes,
//! healthchecks) become
//! an application whose generated run_development.yml Compose reads as the
//! same services with the same settings as the original.

use crate::common::{exo, root, temp_copy};
use crate::docker::{compose, output_within, require_compose};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// What the variables the file reads from the environment are set to.
const ENVIRONMENT: [(&str, &str); 2] = [("SESSION_SECRET", "s3cret"), ("LOG_LEVEL", "info")];

/// `docker compose config` of `files` in `dir`, with the `jobs` profile on.
fn config(prefix: &[String], dir: &Path, files: &[&str]) -> Value {
    let mut args: Vec<&str> = files.iter().flat_map(|file| ["-f", file]).collect();
    args.extend(["--profile", "jobs", "config", "--format", "json"]);
    let mut command = compose(prefix, args);
    command.current_dir(dir);
    for (name, value) in ENVIRONMENT {
        command.env(name, value);
    }
    let output = output_within(&mut command, Duration::from_secs(60)).expect("compose config");
    assert!(
        output.status.success(),
        "{files:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("compose config prints JSON")
}

fn import(dir: &Path) -> std::process::Output {
    exo()
        .arg("import")
        .current_dir(dir)
        .output()
        .expect("run exo import")
}

#[test]
fn an_imported_application_runs_the_same_services() {
    let Some(prefix) = require_compose() else {
        return;
    };
    let app = temp_copy(&root().join("tests/import/webapp"));
    let imported = import(app.path());
    let said = String::from_utf8_lossy(&imported.stderr);
    assert!(imported.status.success(), "{said}");
    for line in [
        "Read docker-compose.yml\nRead docker-compose.override.yml\n",
        "Wrote application.yml",
        "Wrote web/service.yml",
        "Copied web/Dockerfile to web/Dockerfile.dev",
        "web: ports -> development.port 8080, host-port 3000",
        "worker: profiles, cap_add, ulimits, shm_size under `compose:`",
        "db: volumes.db-data -> persist /var/lib/postgresql/data",
    ] {
        assert!(said.contains(line), "no `{line}` in:\n{said}");
    }
    exo()
        .arg("-C")
        .arg(app.path())
        .arg("generate")
        .assert()
        .success();
    let original = config(
        &prefix,
        app.path(),
        &["docker-compose.yml", "docker-compose.override.yml"],
    );
    assert_eq!(original["services"]["web"]["environment"]["DEBUG"], "1");
    let generated = config(&prefix, app.path(), &["docker-compose/run_development.yml"]);
    let names = |config: &Value| -> Vec<String> {
        config["services"]
            .as_object()
            .expect("services")
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(names(&original), names(&generated));
    for name in names(&original) {
        let differences = compare(&original["services"][&name], &generated["services"][&name]);
        assert!(
            differences.is_empty(),
            "{name}:\n{}",
            differences.join("\n")
        );
    }
}

/// Where `generated` does not do what `original` does: the same image or
/// build context, command, published ports, health check test and timing,
/// every variable (exo adds its own), every mount's target and kind (exo
/// names a dependency's data volumes), every service waited for, and the
/// other keys as they are.
fn compare(original: &Value, generated: &Value) -> Vec<String> {
    let mut differences = Vec::new();
    for (key, value) in original.as_object().expect("a service") {
        match key.as_str() {
            "build" => differ(
                &mut differences,
                "build context",
                &value["context"],
                &generated[key]["context"],
            ),
            "image" if original.get("build").is_some() => {}
            "environment" => {
                for (name, value) in value.as_object().expect("variables") {
                    differ(
                        &mut differences,
                        &format!("environment.{name}"),
                        value,
                        &generated[key][name],
                    );
                }
            }
            "healthcheck" => {
                for (setting, value) in value.as_object().expect("a healthcheck") {
                    differ(
                        &mut differences,
                        &format!("healthcheck.{setting}"),
                        value,
                        &generated[key][setting],
                    );
                }
            }
            "volumes" => {
                let mounts = |v: &Value| -> Vec<(Value, Value)> {
                    v.as_array()
                        .map(|items| {
                            items
                                .iter()
                                .map(|m| (m["type"].clone(), m["target"].clone()))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let now = mounts(&generated[key]);
                for mount in mounts(value) {
                    if !now.contains(&mount) {
                        differences.push(format!("the mount {mount:?} is gone"));
                    }
                }
            }
            "depends_on" => {
                for waited in value.as_object().expect("depends_on").keys() {
                    if generated[key].get(waited).is_none() {
                        differences.push(format!("no longer waits for {waited}"));
                    }
                }
            }
            "networks" | "restart" => {}
            _ => differ(&mut differences, key, value, &generated[key]),
        }
    }
    differences
}

fn differ(differences: &mut Vec<String>, what: &str, was: &Value, is: &Value) {
    if was != is {
        differences.push(format!("{what}: {was} was, {is} is"));
    }
}

#[test]
fn import_overwrites_nothing() {
    let app = temp_copy(&root().join("tests/import/webapp"));
    assert!(import(app.path()).status.success());
    let service = app.path().join("web/service.yml");
    std::fs::write(&service, "type: worker\n").expect("edit service.yml");
    let again = import(app.path());
    assert_eq!(again.status.code(), Some(2));
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("already exist"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&service).expect("service.yml"),
        "type: worker\n"
    );
}

#[test]
fn without_a_compose_file_import_says_where_it_looked() {
    let empty = tempfile::tempdir().expect("a temporary directory");
    let output = import(empty.path());
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("no Compose file in"), "{said}");
    assert!(said.contains("docker-compose.yml"), "{said}");
}
