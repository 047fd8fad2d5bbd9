//! `exo status` through the binary, where no Docker is needed.

use crate::common::{exo, root};

#[test]
fn an_unreachable_engine_is_exit_3_with_a_hint() {
    let output = exo()
        .args(["-C", "fixtures/shop", "status"])
        .current_dir(root())
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("cannot reach the Docker daemon at tcp://127.0.0.1:1"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: start the Docker daemon"), "{stderr}");
}

#[test]
fn an_unsupported_host_names_where_it_came_from() {
    let output = exo()
        .args(["-C", "fixtures/shop", "status", "--format", "json"])
        .current_dir(root())
        .env("DOCKER_HOST", "ssh://me@box")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("`ssh://me@box` (DOCKER_HOST)"), "{stderr}");
}

#[test]
fn a_project_name_compose_refuses_is_a_usage_error() {
    for name in ["", "Bad Name!", "-x", "UPPER"] {
        let output = exo()
            .args(["-C", "fixtures/shop", "status"])
            .arg(format!("--project-name={name}"))
            .current_dir(root())
            .env("DOCKER_HOST", "tcp://127.0.0.1:1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name:?}: {stderr}");
        assert!(
            stderr.contains("a Compose project name is lowercase letters, digits"),
            "{stderr}"
        );
    }
    exo()
        .args(["-C", "fixtures/shop", "status", "-p", "shop_2-x"])
        .current_dir(root())
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .assert()
        .code(3);
}
