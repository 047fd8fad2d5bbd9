//! `exo generate` and `exo generate --check` through the binary, with the
//! generated files as snapshots.

use crate::common::{compat_dir, exo, root, temp_copy};
use predicates::str::contains;
use std::path::Path;

const FILES: [&str; 3] = [
    "docker-compose/test.yml",
    "docker-compose/run_development.yml",
    "docker-compose/run_production.yml",
];

fn generate(dir: &Path) {
    exo().arg("-C").arg(dir).arg("generate").assert().success();
}

fn snapshot_app(name: &str, source: &Path) {
    let app = temp_copy(source);
    generate(app.path());
    for file in FILES {
        let text = std::fs::read_to_string(app.path().join(file)).expect("generated file");
        let snapshot = format!(
            "{name}__{}",
            file.trim_start_matches("docker-compose/")
                .trim_end_matches(".yml")
        );
        insta::with_settings!({ snapshot_path => "snapshots/generate", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(snapshot, text);
        });
    }
}

#[test]
fn every_addition_to_the_format() {
    snapshot_app("features", &root().join("tests/apps/features"));
}

#[test]
fn exosphere_applications() {
    for app in [
        "running",
        "space-tweet",
        "external-dependency",
        "service-specific-dependency",
    ] {
        snapshot_app(app, &compat_dir().join(app));
    }
}

#[test]
fn check_names_missing_files_and_passes_once_generated() {
    let app = temp_copy(&compat_dir().join("running"));
    exo()
        .arg("-C")
        .arg(app.path())
        .args(["generate", "--check"])
        .assert()
        .code(1)
        .stderr(contains("'docker-compose/test.yml' does not exist"))
        .stderr(contains(
            "'docker-compose/run_development.yml' does not exist",
        ))
        .stderr(contains(
            "'docker-compose/run_production.yml' does not exist",
        ))
        .stderr(contains("run `exo generate`"));
    generate(app.path());
    exo()
        .arg("-C")
        .arg(app.path())
        .args(["generate", "--check"])
        .assert()
        .success();
}

#[test]
fn check_names_stale_files_and_writes_nothing() {
    let app = temp_copy(&compat_dir().join("generate-check-out-of-date-yml"));
    generate(app.path());
    let test_file = app.path().join("docker-compose/test.yml");
    std::fs::write(&test_file, "").unwrap();
    let application = app.path().join("application.yml");
    let edited = std::fs::read_to_string(&application).unwrap()
        + "local:\n  environment-variables:\n    MODE: new\n";
    std::fs::write(&application, edited).unwrap();
    exo()
        .arg("-C")
        .arg(app.path())
        .args(["generate", "docker-compose", "--check"])
        .assert()
        .code(1)
        .stderr(contains("'docker-compose/test.yml' is out of date"))
        .stderr(contains(
            "'docker-compose/run_development.yml' is out of date",
        ))
        .stderr(contains(
            "'docker-compose/run_production.yml' is out of date",
        ));
    assert_eq!(
        std::fs::read_to_string(&test_file).unwrap(),
        "",
        "--check must not write"
    );
}

#[cfg(unix)]
#[test]
fn generated_files_are_readable_by_everyone() {
    use std::os::unix::fs::PermissionsExt;
    let app = temp_copy(&compat_dir().join("simple"));
    generate(app.path());
    for file in FILES {
        let mode = std::fs::metadata(app.path().join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{file}");
    }
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let app = temp_copy(&compat_dir().join("simple"));
    generate(app.path());
    let path = app.path().join("docker-compose/run_development.yml");
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    exo()
        .arg("-C")
        .arg(app.path())
        .arg("generate")
        .assert()
        .success()
        .stderr(contains("Unchanged docker-compose/run_development.yml"));
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn finds_the_application_from_a_service_directory() {
    let app = temp_copy(&compat_dir().join("running"));
    exo()
        .current_dir(app.path().join("web-server"))
        .arg("generate")
        .assert()
        .success();
    assert!(
        app.path()
            .join("docker-compose/run_development.yml")
            .is_file()
    );
}

#[test]
fn outside_an_application_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    exo()
        .current_dir(empty.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(contains("is not an exo application"))
        .stderr(contains("-C DIR"));
}
