//! The JSON Schemas of application.yml and service.yml: the copies in
//! `schemas/` are what `exo schema` writes, every application of the
//! fixtures, the test apps and the 0.37 corpus is valid, every bad-input
//! case of `tests/errors/` with an unknown key or a value of the wrong type
//! is invalid (checked with the `jsonschema` crate), and at every map the
//! schemas list exactly the keys the loader knows.

use crate::common::{compat_dir, exo, root};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas").join(name)).expect("read a schema");
    let schema: Value = serde_json::from_str(&text).expect("a schema is JSON");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

/// A YAML file as JSON, read as exo and editors read it (YAML 1.2: `yes`
/// is text); `None` when it is not YAML.
fn json_of(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    exo::core::config::yaml::parse(&text)
        .ok()
        .map(|root| exo::core::config::json_of(&root))
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
/// wrong type or form (durations, HTTP paths, the kind of a health check),
/// by their snapshots.
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
                // A health check map's kind is part of its shape too.
                || snapshot.contains("names no kind of check")
                || snapshot.contains("a health check has one kind")
                || snapshot.contains("must be a duration")
                || snapshot.contains("must be an HTTP path starting with `/`")
                // The remote settings' values, by the loader's own patterns.
                || snapshot.contains("is not a registry:")
                || snapshot.contains("is not a host name:")
                || snapshot.contains("is not an AWS region:")
                || snapshot.contains("is not an AWS account id:")
                || snapshot.contains("is not a certificate ARN:")
                || snapshot.contains("which is not a placement constraint")
                || snapshot.contains("× the environment name `")
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

/// A key no known key is close to, so that the loader lists every key it
/// knows at that place.
const STRANGER: &str = "qqqqqqqqqqqq";

/// The keys the loader knows at the map where `document` (YAML with
/// `STRANGER` somewhere) has its stranger, from its "known keys here" hint.
fn loader_keys(application: &str, service: Option<&str>) -> Vec<String> {
    let app = tempfile::tempdir().unwrap();
    std::fs::write(app.path().join("application.yml"), application).unwrap();
    if let Some(service) = service {
        std::fs::create_dir(app.path().join("web")).unwrap();
        std::fs::write(app.path().join("web/service.yml"), service).unwrap();
    }
    let Err(exo::core::config::LoadError::Invalid(problems)) = exo::core::config::load(app.path())
    else {
        panic!("{application}\n{service:?}: the stranger key was accepted");
    };
    let problem = problems
        .iter()
        .find(|p| p.message.contains(STRANGER))
        .unwrap_or_else(|| panic!("no problem names {STRANGER}: {problems:?}"));
    let help = problem.help.as_deref().unwrap_or_default();
    let keys = help
        .strip_prefix("known keys here: ")
        .unwrap_or_else(|| panic!("unexpected help {help:?}"));
    let mut keys: Vec<String> = keys.split(", ").map(str::to_owned).collect();
    keys.sort();
    keys
}

/// The property names of the object schema at `path` (`*`: any entry of a
/// map, `[]`: an item of a list), through `$ref`s and `anyOf`s.
fn schema_keys(schema: &Value, path: &[&str]) -> Vec<String> {
    fn resolve<'s>(root: &'s Value, node: &'s Value) -> Vec<&'s Value> {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/definitions/");
            return resolve(root, &root["definitions"][name]);
        }
        // `allOf` wraps a `$ref` that has a description of its own.
        for combinator in ["anyOf", "allOf"] {
            if let Some(variants) = node.get(combinator).and_then(Value::as_array) {
                return variants.iter().flat_map(|v| resolve(root, v)).collect();
            }
        }
        vec![node]
    }
    let mut nodes = vec![schema];
    for step in path {
        nodes = nodes
            .into_iter()
            .flat_map(|node| resolve(schema, node))
            .filter_map(|node| match *step {
                "*" => node.get("additionalProperties").filter(|v| v.is_object()),
                "[]" => node.get("items"),
                key => node.get("properties").and_then(|p| p.get(key)),
            })
            .collect();
    }
    let mut keys: Vec<String> = nodes
        .into_iter()
        .flat_map(|node| resolve(schema, node))
        .filter_map(|node| node.get("properties").and_then(Value::as_object))
        .flat_map(|properties| properties.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The schema follows the loader: at every map with fixed keys, the schema
/// lists exactly the keys the loader knows (so a key added to the loader,
/// e.g. under `remote`, fails this test until the schema has it).
#[test]
fn the_schemas_know_the_keys_the_loader_knows() {
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root().join("schemas").join(name)).unwrap())
            .unwrap()
    };
    let (application, service) = (read("application.schema.json"), read("service.schema.json"));
    let s = STRANGER;
    let app_cases: [(&str, String); 9] = [
        ("", format!("name: a\n{s}: 1\n")),
        ("local", format!("name: a\nlocal:\n  {s}: 1\n")),
        (
            "local.dependencies.*",
            format!("name: a\nlocal:\n  dependencies:\n    db:\n      image: x\n      {s}: 1\n"),
        ),
        (
            "local.dependencies.*.health-check",
            format!(
                "name: a\nlocal:\n  dependencies:\n    db:\n      image: x\n      health-check:\n        tcp: true\n        {s}: 1\n"
            ),
        ),
        ("remote", format!("name: a\nremote:\n  {s}: 1\n")),
        (
            "remote.dependencies.*",
            format!("name: a\nremote:\n  dependencies:\n    db:\n      {s}: 1\n"),
        ),
        (
            "remote.environments.*",
            format!("name: a\nremote:\n  environments:\n    qa:\n      {s}: 1\n"),
        ),
        (
            "services.*",
            format!("name: a\nservices:\n  web:\n    docker-image: x\n    {s}: 1\n"),
        ),
        (
            "tests",
            format!("name: a\ntests:\n  location: ./e2e\n  {s}: 1\n"),
        ),
    ];
    let app = "name: a\nservices:\n  web:\n    location: ./web\n";
    let service_cases: [(&str, String); 18] = [
        ("", format!("type: worker\n{s}: 1\n")),
        (
            "development",
            format!("type: worker\ndevelopment:\n  {s}: 1\n"),
        ),
        (
            "development.scripts",
            format!("type: worker\ndevelopment:\n  scripts:\n    {s}: 1\n"),
        ),
        (
            "development.health-check",
            format!("type: worker\ndevelopment:\n  health-check:\n    log: x\n    {s}: 1\n"),
        ),
        (
            "development.restart",
            format!("type: worker\ndevelopment:\n  restart:\n    {s}: 1\n"),
        ),
        (
            "development.watch",
            format!("type: worker\ndevelopment:\n  watch:\n    {s}: 1\n"),
        ),
        (
            "development.watch.rules.[]",
            format!(
                "type: worker\ndevelopment:\n  watch:\n    rules:\n      - paths: [a]\n        action: restart\n        {s}: 1\n"
            ),
        ),
        (
            "production",
            format!("type: worker\nproduction:\n  {s}: 1\n"),
        ),
        ("local", format!("type: worker\nlocal:\n  {s}: 1\n")),
        ("remote", format!("type: worker\nremote:\n  {s}: 1\n")),
        (
            "remote.dependencies.*",
            format!("type: worker\nremote:\n  dependencies:\n    db:\n      {s}: 1\n"),
        ),
        (
            "remote.environments.*",
            format!("type: worker\nremote:\n  environments:\n    qa:\n      {s}: 1\n"),
        ),
        (
            "performance",
            format!("type: worker\nperformance:\n  {s}: 1\n"),
        ),
        (
            "performance.scenarios.[]",
            format!("type: worker\nperformance:\n  scenarios:\n    - {s}: 1\n"),
        ),
        (
            "performance.scenarios.[].request",
            format!("type: worker\nperformance:\n  scenarios:\n    - request:\n        {s}: 1\n"),
        ),
        (
            "performance.scenarios.[].budgets",
            format!("type: worker\nperformance:\n  scenarios:\n    - budgets:\n        {s}: 1\n"),
        ),
        (
            "performance.budgets",
            format!("type: worker\nperformance:\n  budgets:\n    {s}: 1\n"),
        ),
        (
            "performance.baseline",
            format!("type: worker\nperformance:\n  baseline:\n    {s}: 1\n"),
        ),
    ];
    let cases = app_cases
        .iter()
        .map(|(path, document)| {
            (
                "application.yml",
                &application,
                *path,
                document.as_str(),
                None,
            )
        })
        .chain(service_cases.iter().map(|(path, document)| {
            ("service.yml", &service, *path, app, Some(document.as_str()))
        }));
    let mut differences = Vec::new();
    for (file, schema, path, application_yml, service_yml) in cases {
        let steps: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
        let loader = loader_keys(application_yml, service_yml);
        let schema = schema_keys(schema, &steps);
        if loader != schema {
            differences.push(format!(
                "{file} `{path}`: loader {loader:?}, schema {schema:?}"
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
