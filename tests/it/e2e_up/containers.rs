//! The containers exo creates through the Engine API are Compose's own:
//! `docker compose ps` and `down` see them, a start with nothing changed
//! keeps them, a changed setting makes them again, and a service exo cannot
//! create exactly as Compose would is left to Compose.

use super::*;

/// `docker compose -f FILE -p PROJECT ARGS` of the project, to its end.
fn compose(project: &Project, args: &[&str]) -> Ran {
    let mut command = Command::new("docker");
    command
        .arg("compose")
        .arg("-f")
        .arg(project.file())
        .args(["-p", &project.name])
        .args(args);
    for name in COMPOSE_OVERRIDES {
        command.env_remove(name);
    }
    finish(command, UP_TIMEOUT)
}

/// fixtures/minimal started, started again, and started after one of its
/// variables changed; Compose lists and removes what exo made.
#[test]
fn compose_sees_the_containers_exo_makes_and_a_second_start_keeps_them() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("containers", &root().join("fixtures/minimal"));
    project.up(&[]).assert_code(0);
    let first = project.container("worker");
    let listed = compose(&project, &["ps", "-a", "--format", "{{.Name}}"]);
    listed.assert_code(0);
    let name = format!("{}-worker-1", project.name);
    assert_eq!(listed.stdout.trim(), name, "{listed}");

    project.up(&[]).assert_code(0);
    assert_eq!(
        project.container("worker"),
        first,
        "a second start made it again"
    );

    let app = project.dir().join("application.yml");
    let text = std::fs::read_to_string(&app).expect("read application.yml");
    let changed = format!("{text}\nlocal:\n  environment-variables:\n    GREETING: hello\n");
    std::fs::write(&app, changed).expect("write application.yml");
    project.up(&[]).assert_code(0);
    let again = project.container("worker");
    assert_ne!(again, first, "a changed variable kept the old container");
    let env = docker(&["inspect", "--format", "{{json .Config.Env}}", &again]);
    assert!(env.contains("GREETING=hello"), "{env}");

    let down = compose(&project, &["down", "-t", "0"]);
    down.assert_code(0);
    project.assert_nothing_left(&down);
}

/// A service with `compose:` keys is created by Compose, which keeps it on
/// its own next `up`; one exo created is made again by Compose, whose
/// digest differs.
#[test]
fn a_service_with_compose_keys_is_created_by_compose() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("containers-keys", &root().join("fixtures/minimal"));
    project.up(&[]).assert_code(0);
    let recreated = compose(&project, &["up", "-d", "--no-build"]);
    recreated.assert_code(0);
    recreated.assert_stderr_has(&["Recreate"]);

    let service = project.dir().join("worker/service.yml");
    let text = std::fs::read_to_string(&service).expect("read service.yml");
    let keyed = format!("{text}  compose:\n    stop_signal: SIGTERM\n");
    std::fs::write(&service, keyed).expect("write service.yml");
    project.up(&[]).assert_code(0);
    let kept = compose(&project, &["up", "-d", "--no-build"]);
    kept.assert_code(0);
    assert!(!kept.stderr.contains("Recreate"), "{kept}");
    kept.assert_stderr_has(&["Running"]);

    let down = project.exo_compose(&["down", "-t", "0"]);
    down.assert_code(0);
    project.assert_nothing_left(&down);
}
