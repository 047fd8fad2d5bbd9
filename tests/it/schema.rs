//! The JSON Schemas of application.yml and service.yml: the copies in
//! `schemas/` are what `exo schema` writes, every application of the
//! fixtures, the test apps and the 0.37 corpus is valid, and every bad-input
//! case of `tests/errors/` with an unknown key or a value of the wrong type
//! is invalid (checked with the `jsonschema` crate).

use crate::common::{compat_dir, exo, root};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas").join(name)).expect("read a schema");
    let schema: Value = serde_json::from_str(&text).expect("a schema is JSON");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

/// A YAML file as JSON, read as exo and editors read it (YAML 1.2: `yes`
/// is text); `None` when it is not YAML.
fn json_of(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    exo::config::yaml::parse(&text)
        .ok()
        .map(|root| exo::config::json_of(&root))
}

/// The application.yml and each service.yml (of its `location`s) of `app`.
fn files_of(app: &Path) -> (PathBuf, Vec<PathBuf>) {
    let application = app.join("application.yml");
    let services = json_of(&application)
        .and_then(|json| json.get("services").cloned())
        .and_then(|services| services.as_object().cloned())
        .unwrap_or_default()
        .values()
        .filter_map(|entry| {
            entry
                .get("location")?
                .as_str()
                .map(|l| app.join(l).join("service.yml"))
        })
        .filter(|path| path.is_file())
        .collect();
    (application, services)
}

/// Problems of `path` against `validator`, as text.
fn problems(validator: &jsonschema::Validator, path: &Path) -> Vec<String> {
    let Some(json) = json_of(path) else {
        return vec![format!("{}: not YAML that JSON can hold", path.display())];
    };
    validator
        .iter_errors(&json)
        .map(|err| format!("{}: {err} at {}", path.display(), err.instance_path()))
        .collect()
}

fn directories(parent: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(parent)
        .expect("read a directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.join("application.yml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn the_committed_schemas_are_current() {
    let dir = tempfile::tempdir().unwrap();
    exo().arg("schema").arg(dir.path()).assert().success();
    for name in ["application.schema.json", "service.schema.json"] {
        let written = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let committed =
            std::fs::read_to_string(root().join("schemas").join(name)).unwrap_or_default();
        assert!(
            written == committed,
            "schemas/{name} is stale: run `cargo run -- schema schemas` and commit it"
        );
    }
}

#[test]
fn every_known_good_application_is_valid() {
    let (application, service) = (
        validator("application.schema.json"),
        validator("service.schema.json"),
    );
    let mut apps = directories(&root().join("fixtures"));
    apps.extend(directories(&root().join("tests/apps")));
    apps.extend(
        directories(&compat_dir())
            .into_iter()
            .filter(|app| !app.join("expected/error.txt").is_file()),
    );
    assert!(apps.len() > 40, "only {} applications found", apps.len());
    let mut found = Vec::new();
    for app in &apps {
        let (app_file, service_files) = files_of(app);
        found.extend(problems(&application, &app_file));
        for file in service_files {
            found.extend(problems(&service, &file));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The cases whose expected message is an unknown key or a value of the
/// wrong type, by their snapshots.
fn unknown_key_or_wrong_type_cases() -> Vec<PathBuf> {
    let snapshots = root().join("tests/it/snapshots/errors");
    directories(&root().join("tests/errors"))
        .into_iter()
        .filter(|case| {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let snapshot =
                std::fs::read_to_string(snapshots.join(format!("{name}.snap"))).unwrap_or_default();
            snapshot.contains("× unknown key `")
                || (snapshot.contains(" must be a") && snapshot.contains(", found a"))
                || snapshot.contains("× invalid value \"")
                || snapshot.contains("must be a port number")
                || snapshot.contains("must be `true` or `false`")
        })
        .collect()
}

#[test]
fn every_unknown_key_or_wrong_type_is_invalid() {
    let (application, service) = (
        validator("application.schema.json"),
        validator("service.schema.json"),
    );
    let cases = unknown_key_or_wrong_type_cases();
    assert!(cases.len() > 25, "only {} cases", cases.len());
    let passed: Vec<String> = cases
        .iter()
        .filter(|case| {
            let (app_file, service_files) = files_of(case);
            problems(&application, &app_file).is_empty()
                && service_files
                    .iter()
                    .all(|file| problems(&service, file).is_empty())
        })
        .map(|case| case.display().to_string())
        .collect();
    assert!(
        passed.is_empty(),
        "valid by the schema:\n{}",
        passed.join("\n")
    );
}
