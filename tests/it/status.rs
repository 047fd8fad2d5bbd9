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
