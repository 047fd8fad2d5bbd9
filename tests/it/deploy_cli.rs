//! `exo deploy` from the command line where no swarm is needed: its help,
//! configuration errors (exit 2) and engines that are no swarm manager
//! (exit 3). The real cluster is in `e2e_deploy.rs`.

use crate::common::{exo, root, temp_copy};
use crate::docker::require_docker;
use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use std::path::Path;

/// `exo -C APP`
fn exo_in(app: &Path) -> Command {
    let mut command = exo();
    command.arg("-C").arg(app);
    command
}

#[test]
fn deploy_help_names_its_commands_and_options() {
    insta::assert_snapshot!(
        String::from_utf8(exo().args(["deploy", "--help"]).output().unwrap().stdout).unwrap()
    );
    for command in ["status", "rm"] {
        exo()
            .args(["deploy", command, "--help"])
            .assert()
            .success()
            .stdout(contains("<ENV>"));
    }
}

#[test]
fn an_environment_is_required_and_must_exist() {
    let app = temp_copy(&root().join("fixtures/shop"));
    exo_in(app.path())
        .arg("deploy")
        .assert()
        .code(2)
        .stderr(contains("<ENV>"));
    exo_in(app.path())
        .args(["deploy", "production"])
        .assert()
        .code(2)
        .stderr(contains("there is no environment `production`"))
        .stderr(contains("the environments are: staging"));
    exo_in(app.path())
        .args(["deploy", "status", "production"])
        .assert()
        .code(2);
}

#[test]
fn a_secret_missing_from_the_environment_is_named() {
    let app = temp_copy(&root().join("fixtures/shop"));
    let file = app.path().join("application.yml");
    let yml = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        yml.replace(
            "        LOG_LEVEL: info\n",
            "        LOG_LEVEL: info\n      secrets: [EXO_TEST_NOT_SET]\n",
        ),
    )
    .unwrap();
    exo_in(app.path())
        .args(["deploy", "staging"])
        .env_remove("EXO_TEST_NOT_SET")
        .assert()
        .code(2)
        .stderr(contains(
            "this secret is not set in exo's environment: EXO_TEST_NOT_SET",
        ));
}

#[test]
fn an_unreachable_engine_exits_3() {
    let app = temp_copy(&root().join("fixtures/shop"));
    exo_in(app.path())
        .args(["deploy", "staging"])
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .assert()
        .code(3)
        .stderr(contains(
            "cannot reach the Docker Engine at tcp://127.0.0.1:1 (DOCKER_HOST)",
        ));
}

#[test]
fn the_context_flag_is_accepted_after_the_environment() {
    let app = temp_copy(&root().join("fixtures/shop"));
    let config = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 4] = [
        &["deploy", "staging", "--context", "nonexistent"],
        &["--context", "nonexistent", "deploy", "staging"],
        &["deploy", "status", "staging", "--context", "nonexistent"],
        &["deploy", "rm", "staging", "--context", "nonexistent"],
    ];
    for args in commands {
        exo_in(app.path())
            .args(args)
            .env("DOCKER_CONFIG", config.path())
            .env("DOCKER_HOST", "tcp://127.0.0.1:1")
            .assert()
            .code(3)
            .stderr(contains("the Docker context `nonexistent` does not exist"));
    }
}

#[test]
fn an_engine_outside_swarm_mode_exits_3_and_stays_so() {
    if require_docker().is_none() {
        return;
    }
    // Only `info` is asked: the local engine is not changed.
    let app = temp_copy(&root().join("fixtures/shop"));
    exo_in(app.path())
        .args(["deploy", "status", "staging"])
        .env_remove("DOCKER_CONTEXT")
        .assert()
        .code(3)
        .stderr(contains("is not a swarm manager (swarm mode is inactive)"))
        .stderr(contains(
            "hint: point DOCKER_HOST or --context at a manager",
        ));
}

#[test]
fn generate_writes_and_checks_the_stack_file() {
    let app = temp_copy(&root().join("fixtures/shop"));
    exo_in(app.path())
        .arg("generate")
        .assert()
        .success()
        .stderr(contains("docker-compose/deploy_staging.yml"));
    let stack = app.path().join("docker-compose/deploy_staging.yml");
    let text = std::fs::read_to_string(&stack).unwrap();
    assert!(text.contains("endpoint_mode: dnsrr"), "{text}");
    exo_in(app.path())
        .args(["generate", "--check"])
        .assert()
        .success();
    std::fs::write(&stack, text.replace("replicas: 1", "replicas: 2")).unwrap();
    let web = app.path().join("web/service.yml");
    let service = std::fs::read_to_string(&web).unwrap();
    std::fs::write(&web, format!("{service}compose:\n  cap_add: [NET_ADMIN]\n")).unwrap();
    exo_in(app.path())
        .arg("generate")
        .assert()
        .success()
        .stderr(contains(
            "web's `compose` keys (cap_add) are for the local Compose files only: the Swarm stack file does not get them",
        ));
    std::fs::write(&stack, text.replace("replicas: 1", "replicas: 2")).unwrap();
    exo_in(app.path())
        .args(["generate", "--check"])
        .assert()
        .code(1)
        .stderr(contains(
            "'docker-compose/deploy_staging.yml' is out of date",
        ));
}

/// `exo check` refuses what a generator or `exo deploy` would refuse, in
/// every environment or the one named, and says which environment.
#[test]
fn check_finds_what_the_targets_refuse() {
    let app = temp_copy(&root().join("fixtures/shop"));
    exo_in(app.path()).arg("check").assert().success();
    let file = app.path().join("application.yml");
    let text = std::fs::read_to_string(&file).unwrap();
    // A public service without a `url` cannot go to AWS; a Swarm
    // environment without a registry has nowhere to push the images.
    let text = text.replace("      registry: 127.0.0.1:5000\n", "")
        + "    prod:\n      target: aws\n      region: eu-west-1\n      account-id: '123456789012'\n";
    std::fs::write(&file, text).unwrap();
    exo_in(app.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(contains("remote environment `staging`"))
        .stderr(contains("no `registry`"))
        .stderr(contains("remote environment `prod`"))
        .stderr(contains("remote.environments.prod.url"));
    exo_in(app.path())
        .args(["check", "prod"])
        .assert()
        .code(2)
        .stderr(contains("`prod`").and(contains("`staging`").not()));
    exo_in(app.path())
        .args(["check", "qa"])
        .assert()
        .code(2)
        .stderr(contains("no remote environment `qa`"));
}
