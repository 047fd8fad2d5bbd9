//! The path rule: no command writes or deletes outside the application
//! (for `clone`, outside the directory it clones into), whatever symbolic
//! links or `..` lead there. Each refusal is exit code 2 and names where the
//! path leads; the outside is left as it was.

use super::{new_app, read, tree};
use crate::common::exo;
use predicates::str::contains;
use std::os::unix::fs::symlink;
use std::path::Path;

/// A directory beside the application, holding one file.
fn outside(app: &Path) -> std::path::PathBuf {
    let outside = app.parent().unwrap().join(format!(
        "outside-{}",
        app.file_name().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("keep.txt"), "mine\n").unwrap();
    outside
}

fn assert_refused(app: &Path, args: &[&str]) {
    exo()
        .arg("-C")
        .arg(app)
        .args(args)
        .assert()
        .code(2)
        .stderr(contains("leads outside"))
        .stderr(contains("hint: exo writes and deletes only inside"));
}

#[test]
fn add_through_a_linked_directory_is_refused() {
    let temp = new_app();
    let app = temp.path();
    let outside = outside(app);
    symlink(&outside, app.join("link")).unwrap();
    let before = read(&app.join("application.yml"));
    assert_refused(
        app,
        &[
            "add",
            "web",
            "--template",
            "busybox",
            "--location",
            "link/web",
        ],
    );
    assert_eq!(tree(&outside), [Path::new("keep.txt")]);
    assert_eq!(read(&app.join("application.yml")), before);
}

#[test]
fn a_template_that_is_a_link_to_elsewhere_is_not_used() {
    let temp = new_app();
    let app = temp.path();
    let outside = outside(app);
    std::fs::write(outside.join("service.yml"), "type: worker\n").unwrap();
    std::fs::create_dir_all(app.join(".exosphere/templates")).unwrap();
    symlink(&outside, app.join(".exosphere/templates/evil")).unwrap();
    assert_refused(app, &["add", "web", "--template", "evil"]);
    assert!(!app.join("web").exists());
}

#[test]
fn template_remove_through_a_linked_templates_directory_is_refused() {
    let temp = new_app();
    let app = temp.path();
    let outside = outside(app);
    std::fs::create_dir_all(outside.join("victim")).unwrap();
    std::fs::write(outside.join("victim/service.yml"), "type: worker\n").unwrap();
    std::fs::create_dir_all(app.join(".exosphere")).unwrap();
    symlink(&outside, app.join(".exosphere/templates")).unwrap();
    assert_refused(app, &["template", "remove", "victim"]);
    assert!(outside.join("victim/service.yml").is_file());
}

#[test]
fn clone_never_writes_outside_the_directory_it_clones_into() {
    let temp = tempfile::tempdir().unwrap();
    let app = temp.path().join("nested/app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("application.yml"),
        "name: app\nservices:\n  x:\n    location: ../../x\n    repository: https://example.invalid/x.git\n",
    )
    .unwrap();
    assert_refused(&app, &["clone"]);
    assert!(!temp.path().join("x").exists());
}

#[test]
fn generate_does_not_write_through_a_linked_compose_directory() {
    let temp = new_app();
    let app = temp.path();
    let outside = outside(app);
    symlink(&outside, app.join("docker-compose")).unwrap();
    assert_refused(app, &["generate"]);
    assert_eq!(tree(&outside), [Path::new("keep.txt")]);
}

/// A value that YAML would read as something else is quoted: `0x10` would
/// be the number 16, `TRUE` a boolean.
#[test]
fn add_quotes_what_would_not_read_back_as_written() {
    let temp = new_app();
    let app = temp.path();
    for (role, image) in [("hex", "0x10"), ("octal", "0o17")] {
        exo()
            .arg("-C")
            .arg(app)
            .args(["add", role, "--image", image])
            .assert()
            .success();
        let text = read(&app.join("application.yml"));
        assert!(
            text.contains(&format!("docker-image: \"{image}\"\n")),
            "{text}"
        );
    }
    exo().arg("-C").arg(app).arg("check").assert().success();
}
