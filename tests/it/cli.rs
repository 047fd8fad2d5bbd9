//! Help, version and argument handling of the binary.

use crate::common::exo;
use predicates::str::contains;

/// What `exo ARGS` prints on stdout, having succeeded.
fn help(args: &[&str]) -> String {
    let output = exo()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

#[test]
fn help_lists_every_command() {
    insta::assert_snapshot!(help(&["--help"]));
}

#[test]
fn every_command_has_help() {
    for command in [
        "generate",
        "check",
        "test",
        "init",
        "add",
        "template",
        "clone",
        "update",
        "down",
        "ps",
        "logs",
        "graph",
        "schema",
        "completions",
        "deploy",
    ] {
        exo()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(contains("Usage: exo"))
            .stdout(contains("--app <DIR>"));
    }
}

#[test]
fn version_is_the_crate_version() {
    exo()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("exo {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_commands_and_flags_are_usage_errors() {
    exo()
        .arg("launch")
        .assert()
        .code(2)
        .stderr(contains("unrecognized subcommand 'launch'"));
    exo()
        .args(["generate", "--chekc"])
        .assert()
        .code(2)
        .stderr(contains("--check"));
}

#[test]
fn a_missing_app_directory_is_a_usage_error() {
    exo()
        .args(["-C", "/nonexistent/app", "check"])
        .assert()
        .code(2)
        .stderr(contains("/nonexistent/app: no such directory"));
}

#[test]
fn outside_any_application_the_error_suggests_exo_init() {
    let empty = tempfile::tempdir().unwrap();
    exo()
        .arg("check")
        .current_dir(empty.path())
        .assert()
        .code(2)
        .stderr(contains("is not an exo application"))
        .stderr(contains("`exo init` starts a new application here"));
}

#[test]
fn exo_test_help_lists_its_options() {
    insta::assert_snapshot!(help(&["test", "--help"]));
}

#[test]
fn exo_test_of_an_unknown_role_is_a_usage_error() {
    exo()
        .args(["-C", "fixtures/quartet", "test", "omega"])
        .current_dir(crate::common::root())
        .assert()
        .code(2)
        .stderr(contains(
            "`omega` is not a service of this application (the services are: alpha, beta, gamma, delta)",
        ));
}

#[test]
fn the_everyday_commands_have_their_help() {
    for command in [
        "up",
        "down",
        "logs",
        "add",
        "graph",
        "schema",
        "completions",
    ] {
        insta::assert_snapshot!(format!("help_{command}"), help(&[command, "--help"]));
    }
}

#[test]
fn exo_app_names_the_application_and_the_flag_wins_over_it() {
    exo()
        .arg("check")
        .env("EXO_APP", "/nonexistent/app")
        .assert()
        .code(2)
        .stderr(contains("/nonexistent/app: no such directory"))
        .stderr(contains("`-C DIR` (or EXO_APP)"));
    exo()
        .args(["check", "-C", "fixtures/minimal"])
        .env("EXO_APP", "/nonexistent/app")
        .current_dir(crate::common::root())
        .assert()
        .success();
}

#[test]
fn the_docker_context_is_a_global_option() {
    let help = help(&["--help"]);
    assert!(help.contains("--context <NAME>"), "{help}");
    assert!(help.contains("DOCKER_CONTEXT"), "{help}");
    for command in ["run", "test", "status", "compose", "ps", "deploy"] {
        exo()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(contains("--context <NAME>"));
    }
}

/// Every command that reaches the engine asks the context of `--context`,
/// before or after the command; one that does not exist stops it with exit
/// 3 before any container is touched (no Docker needed).
#[test]
fn an_unknown_docker_context_is_named_with_exit_3() {
    let app = crate::common::temp_copy(&crate::common::root().join("fixtures/minimal"));
    let config = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 8] = [
        &["--context", "nonexistent", "status"],
        &["status", "--context", "nonexistent"],
        &["--context", "nonexistent", "ps"],
        &["--context", "nonexistent", "down"],
        &["--context", "nonexistent", "compose", "ps"],
        &["--context", "nonexistent", "up", "-d", "--wait"],
        &["run", "--context", "nonexistent", "--no-watch"],
        &["test", "--context", "nonexistent"],
    ];
    for args in commands {
        exo()
            .arg("-C")
            .arg(app.path())
            .args(args)
            .env("DOCKER_CONFIG", config.path())
            .env("DOCKER_HOST", "tcp://127.0.0.1:1")
            .assert()
            .code(3)
            .stderr(contains("the Docker context `nonexistent` does not exist"))
            .stderr(contains("hint: list the contexts with `docker context ls`"));
    }
}

/// The `default` context exists everywhere: the engine's API and Compose
/// both take it (`docker --context default compose ps`).
#[test]
fn a_docker_context_that_exists_is_used() {
    if crate::docker::require_docker().is_none() {
        return;
    }
    let app = crate::common::temp_copy(&crate::common::root().join("fixtures/minimal"));
    exo()
        .arg("-C")
        .arg(app.path())
        .args(["--context", "default", "ps"])
        .assert()
        .success()
        .stdout(contains("SERVICE"));
    exo()
        .arg("-C")
        .arg(app.path())
        .args(["status", "--context", "default"])
        .assert()
        .code(1)
        .stdout(contains("not created"));
}

/// Issue 26: a `--wait-timeout` too long to add to the clock panicked
/// (exit 101) and left the containers running. Every command bounds it
/// with a usage error, before it touches Docker.
#[test]
fn a_wait_timeout_beyond_the_maximum_is_a_usage_error() {
    let huge = "18446744073709551615";
    let commands: [&[&str]; 5] = [
        &["up", "-d", "--wait", "--wait-timeout", huge],
        &["compose", "up", "--wait", "--wait-timeout", "604801"],
        &["run", "--wait-timeout", huge],
        &["test", "--wait-timeout", huge],
        &["deploy", "staging", "--wait-timeout", huge],
    ];
    for args in commands {
        let output = exo()
            .args(["-C", "fixtures/minimal"])
            .args(args)
            .current_dir(crate::common::root())
            .env("DOCKER_HOST", "tcp://127.0.0.1:1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}\n{stderr}");
        assert!(
            stderr.contains("is not in 0..=604800"),
            "{args:?}\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}\n{stderr}");
    }
}
