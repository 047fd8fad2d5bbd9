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
