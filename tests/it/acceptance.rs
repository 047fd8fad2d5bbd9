//! Exosphere 0.37's acceptance scenarios (its `features/`, summarised in
//! the reference's "0.37 spec", section 7) that run without Docker, ported
//! to exo on the applications of the 0.37 corpus (`tests/compat/`). Each
//! test names its feature and scenario and says what 0.37 asserted; where
//! exo's words or exit code differ on purpose, the test holds exo's and the
//! migration guide (docs/src/guide/from-exosphere.md, "Exosphere's
//! acceptance scenarios") lists the difference. The scenarios that need
//! Docker are covered by the end-to-end tests (`e2e_*`), and the ones of
//! commands exo does not have are listed there too.

use crate::common::{compat_dir, exo, temp_copy};
use predicates::str::contains;
use std::path::Path;

fn in_app(dir: &Path) -> assert_cmd::Command {
    let mut command = exo();
    command.arg("-C").arg(dir);
    command
}

/// version.feature, "displaying the version": 0.37 printed `Exosphere
/// v0.37.0`; exo prints its own name and version.
#[test]
fn version_feature_displaying_the_version() {
    exo()
        .arg("--version")
        .assert()
        .success()
        .stdout(contains(format!("exo {}", env!("CARGO_PKG_VERSION"))));
}

/// generate.feature, "generate docker-compose": the Compose files of
/// `simple` exist afterwards (0.37 checked run_production.yml and
/// test.yml).
#[test]
fn generate_feature_generate_docker_compose() {
    let app = temp_copy(&compat_dir().join("simple"));
    in_app(app.path()).arg("generate").assert().success();
    for file in ["run_development.yml", "run_production.yml", "test.yml"] {
        assert!(
            app.path().join("docker-compose").join(file).is_file(),
            "{file}"
        );
    }
}

/// generate.feature, "--check when the files do not exist"
/// (`generate-check-dne`): 0.37 said `'docker-compose/test.yml' does not
/// exist. Please run 'exo generate'` and exited 1; exo says the same of
/// each file.
#[test]
fn generate_feature_check_when_the_files_do_not_exist() {
    let app = temp_copy(&compat_dir().join("generate-check-dne"));
    in_app(app.path())
        .args(["generate", "--check"])
        .assert()
        .code(1)
        .stderr(contains("'docker-compose/test.yml' does not exist"))
        .stderr(contains("run `exo generate`"));
}

/// generate.feature, "--check when out of date"
/// (`generate-check-out-of-date-yml`, whose test.yml was stale): 0.37 said
/// `'docker-compose/test.yml' is out of date. Please run 'exo generate'`
/// and exited 1.
#[test]
fn generate_feature_check_when_out_of_date() {
    let app = temp_copy(&compat_dir().join("generate-check-out-of-date-yml"));
    in_app(app.path()).arg("generate").assert().success();
    let stale = app.path().join("expected/test.yml");
    std::fs::copy(&stale, app.path().join("docker-compose/test.yml")).expect("a stale test.yml");
    in_app(app.path())
        .args(["generate", "--check"])
        .assert()
        .code(1)
        .stderr(contains("'docker-compose/test.yml' is out of date"))
        .stderr(contains("run `exo generate`"));
}

/// generate.feature, "--check when up to date" (`generate-check-good`):
/// exit 0. The fixture held 0.37's own files, which exo writes differently
/// (see the guide), so here they are exo's.
#[test]
fn generate_feature_check_when_up_to_date() {
    let app = temp_copy(&compat_dir().join("generate-check-good"));
    in_app(app.path()).arg("generate").assert().success();
    in_app(app.path())
        .args(["generate", "--check"])
        .assert()
        .success();
}

/// init.feature, "creating an application": 0.37 asked for the name and
/// an Exocom version, printed `done`, and wrote application.yml and an
/// empty `.exosphere/service_templates`. exo takes the name as an argument
/// (no Exocom), and writes the schemas editors use instead of the empty
/// folder (0.37 templates there are still found).
#[test]
fn init_feature_creating_an_application() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    in_app(dir.path())
        .args(["init", "foo"])
        .assert()
        .success()
        .stderr(contains("Created"));
    let text = std::fs::read_to_string(dir.path().join("application.yml")).expect("written");
    assert!(text.contains("name: foo\n"), "{text}");
    assert!(text.contains("services:"), "{text}");
    in_app(dir.path()).arg("check").assert().success();
}

/// add/duplicate-role.feature: adding the role `test-service` that
/// `test-app` has: 0.37 printed `Service role 'test-service' already
/// exists in this application` and exited 1. exo refuses it before asking
/// anything, as a usage error (exit 2), and changes no file.
#[test]
fn add_feature_duplicate_role() {
    let app = temp_copy(&compat_dir().join("test-app"));
    let before = std::fs::read_to_string(app.path().join("application.yml")).expect("read");
    in_app(app.path())
        .args(["add", "test-service", "--template", "busybox"])
        .assert()
        .code(2)
        .stderr(contains("the service `test-service` already exists"));
    let after = std::fs::read_to_string(app.path().join("application.yml")).expect("read");
    assert_eq!(before, after);
}

/// test/test-service.feature, "exo test outside any exosphere app": 0.37
/// said `is not an exosphere application` and exited 1; exo says it is
/// not an exo application, with a hint, and exits 2 (a usage error).
#[test]
fn test_feature_outside_any_application() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    exo()
        .current_dir(dir.path())
        .arg("test")
        .assert()
        .code(2)
        .stderr(contains("is not an exo application"));
}

/// deploy.feature, "invalid remote id" (`simple`, whose one environment is
/// `qa`): 0.37 said `Invalid remote environment id: production. Valid
/// remote environment ids: qa` and exited 1. exo names the environments
/// too, and exits 2.
#[test]
fn deploy_feature_invalid_remote_id() {
    let app = temp_copy(&compat_dir().join("simple"));
    in_app(app.path())
        .args(["deploy", "production"])
        .assert()
        .code(2)
        .stderr(contains("production"))
        .stderr(contains("qa"));
}

/// generate.feature, "generate terraform" (`simple`, environment `qa` on
/// AWS): 0.37's scenario checked nothing (a one-row table); exo writes one
/// configuration for ECS on Fargate.
#[test]
fn generate_feature_generate_terraform() {
    let app = temp_copy(&compat_dir().join("simple"));
    in_app(app.path())
        .args(["generate", "terraform"])
        .assert()
        .success();
    assert!(app.path().join("terraform/main.tf").is_file());
}

/// deploy.feature, "not enough arguments" and "too many arguments": 0.37
/// said `Error: Wrong number of arguments` and exited 1; exo's argument
/// parser says what is missing or extra, with the usage, and exits 2.
#[test]
fn deploy_feature_wrong_number_of_arguments() {
    let app = temp_copy(&compat_dir().join("simple"));
    in_app(app.path())
        .arg("deploy")
        .assert()
        .code(2)
        .stderr(contains("required arguments were not provided"));
    in_app(app.path())
        .args(["deploy", "qa", "extra"])
        .assert()
        .code(2)
        .stderr(contains("Usage: exo deploy"));
}
