//! Exosphere 0.37's templates (boilr's layout in
//! `.exosphere/service_templates/`) used as they are by `exo add` and listed
//! by `exo template list`.

use super::{new_app, read};
use crate::common::exo;
use predicates::str::contains;
use std::path::Path;

/// 0.37's `good` template: `{{serviceRole}}`, `{{serviceType}}` and a
/// template-specific `{{modelName}}`, with defaults in project.json except
/// for `{{owner}}`.
fn good_template(app: &Path) {
    let dir = app.join(".exosphere/service_templates/good");
    let files = dir.join("template/{{serviceRole}}");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        dir.join("project.json"),
        r#"{"serviceRole": "ping-service", "serviceType": "worker", "modelName": "ping", "owner": ""}"#,
    )
    .unwrap();
    std::fs::write(
        files.join("service.yml"),
        "type: {{serviceType}}\ndescription: {{serviceRole}} keeps {{ modelName }}s for {{owner}}\n",
    )
    .unwrap();
    std::fs::write(files.join("Dockerfile.dev"), "FROM exo-base/busybox:1\n").unwrap();
    std::fs::write(files.join("Dockerfile.prod"), "FROM exo-base/busybox:1\n").unwrap();
    std::fs::write(files.join("{{modelName}}.txt"), "{{modelName}}\n").unwrap();
}

#[test]
fn a_037_template_is_listed_and_filled_from_project_json_and_set() {
    let app = new_app();
    good_template(app.path());
    exo()
        .current_dir(app.path())
        .args(["template", "list"])
        .assert()
        .success()
        .stdout(predicates::str::is_match(r"\ngood +\.exosphere/service_templates/good").unwrap());
    exo()
        .current_dir(app.path())
        .args(["add", "ping", "--template", "good", "--set", "owner=ops"])
        .assert()
        .success()
        .stderr(contains("Added the service ping from the template good"));
    let service = read(&app.path().join("ping/service.yml"));
    assert!(service.contains("type: worker\n"), "{service}");
    assert!(
        service.contains("description: ping keeps pings for ops\n"),
        "{service}"
    );
    assert_eq!(read(&app.path().join("ping/ping.txt")), "ping\n");
    exo()
        .current_dir(app.path())
        .arg("check")
        .assert()
        .success();
}

#[test]
fn a_placeholder_without_a_value_is_named_and_nothing_is_added() {
    let app = new_app();
    good_template(app.path());
    let before = read(&app.path().join("application.yml"));
    exo()
        .current_dir(app.path())
        .args(["add", "ping", "--template", "good", "--type", "public"])
        .assert()
        .code(2)
        .stderr(contains(
            "the template `good` uses `{{owner}}` (in service.yml), which has no value",
        ))
        .stderr(contains("--set owner=VALUE"));
    assert_eq!(read(&app.path().join("application.yml")), before);
    assert!(!app.path().join("ping").exists());
}
