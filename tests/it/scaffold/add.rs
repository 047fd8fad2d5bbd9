//! `exo add`: from a template, an image, a location or a repository; every
//! error changes nothing.

use super::{assert_generates_and_compose_accepts, git_repo, init_app, new_app, read, tree};
use crate::common::{exo, root, temp_copy};
use predicates::str::contains;
use std::path::Path;

#[test]
fn add_from_a_template_works_from_inside_the_application() {
    let app = new_app();
    let inside = app.path().join("docs/deep");
    std::fs::create_dir_all(&inside).unwrap();
    exo()
        .current_dir(&inside)
        .args(["add", "web", "--template", "busybox", "--type", "public"])
        .assert()
        .success()
        .stderr(contains("Created web/service.yml"))
        .stderr(contains(
            "Added the service web from the template busybox at ./web",
        ));
    let text = read(&app.path().join("application.yml"));
    assert!(
        text.ends_with("services:\n  web:\n    location: ./web\n"),
        "{text}"
    );
    let service = read(&app.path().join("web/service.yml"));
    assert!(service.contains("type: public\n"), "{service}");
    let page = read(&app.path().join("web/www/index.html"));
    assert!(page.contains("The web service of demo."), "{page}");
    assert_generates_and_compose_accepts(app.path());
}

#[test]
fn every_built_in_template_an_image_and_a_location_generate() {
    let app = new_app();
    for (role, template) in [
        ("api", "node"),
        ("ml", "python"),
        ("gateway", "go"),
        ("core", "rust"),
    ] {
        exo()
            .current_dir(app.path())
            .args(["add", role, "--template", template])
            .assert()
            .success();
    }
    exo()
        .current_dir(app.path())
        .args([
            "add",
            "static",
            "--template",
            "busybox",
            "--location",
            "services/static",
            "--type",
            "worker",
        ])
        .assert()
        .success();
    exo()
        .current_dir(app.path())
        .args(["add", "cache", "--image", "exo-base/redis:1"])
        .assert()
        .success();
    assert!(app.path().join("services/static/service.yml").is_file());
    let text = read(&app.path().join("application.yml"));
    assert!(
        text.ends_with(
            "services:\n  api:\n    location: ./api\n  ml:\n    location: ./ml\n  gateway:\n    location: ./gateway\n  core:\n    location: ./core\n  static:\n    location: ./services/static\n  cache:\n    docker-image: exo-base/redis:1\n"
        ),
        "{text}"
    );
    assert!(read(&app.path().join("api/package.json")).contains("\"name\": \"api\""));
    assert!(read(&app.path().join("core/Cargo.toml")).contains("name = \"core\""));
    assert_generates_and_compose_accepts(app.path());
}

/// The shop's application.yml is full of comments and blank lines: adding
/// a service inserts its lines after the last service and changes no other
/// byte.
#[test]
fn an_edited_application_yml_keeps_every_other_byte() {
    let app = temp_copy(&root().join("fixtures/shop"));
    let file = app.path().join("application.yml");
    let before = read(&file);
    exo()
        .arg("-C")
        .arg(app.path())
        .args(["add", "mailer", "--image", "exo-base/busybox:1"])
        .assert()
        .success();
    let after = read(&file);
    let anchor = "  worker:\n    location: ./worker\n";
    let at = before.find(anchor).unwrap() + anchor.len();
    let expected = format!(
        "{}  mailer:\n    docker-image: exo-base/busybox:1\n{}",
        &before[..at],
        &before[at..]
    );
    assert_eq!(after.as_bytes(), expected.as_bytes());
    assert_generates_and_compose_accepts(app.path());
}

/// Runs `exo add ARGS` in the application, expects `code` and `message`,
/// and checks that nothing changed.
fn assert_add_fails(app: &Path, args: &[&str], code: i32, message: &str) {
    let file = app.join("application.yml");
    let before = (read(&file), tree(app));
    exo()
        .arg("-C")
        .arg(app)
        .arg("add")
        .args(args)
        .assert()
        .code(code)
        .stderr(contains(message));
    assert_eq!(
        (read(&file), tree(app)),
        before,
        "exo add {args:?} changed something"
    );
}

#[test]
fn add_errors_change_nothing() {
    let app = temp_copy(&root().join("fixtures/shop"));
    let app = app.path();
    assert_add_fails(
        app,
        &["web", "--image", "x:1"],
        2,
        "the service `web` already exists",
    );
    assert_add_fails(
        app,
        &["bad_role!", "--template", "busybox"],
        2,
        "`bad_role!` is not a valid service role",
    );
    assert_add_fails(
        app,
        &["extra", "--template", "busybox", "--location", "api"],
        2,
        "api already exists",
    );
    assert_add_fails(
        app,
        &["extra", "--template", "busybox", "--location", "../outside"],
        2,
        "`../outside` is not a directory of the application",
    );
    assert_add_fails(
        app,
        &["extra", "--template", "nope"],
        2,
        "there is no template `nope`; the templates are: busybox, go, node, python, rust",
    );
    assert_add_fails(
        app,
        &["extra", "--image", "x:1", "--template", "busybox"],
        2,
        "cannot be used with",
    );
    assert_add_fails(app, &["extra"], 2, "--template <NAME>");
    let missing = app.join("no-such-repo.git");
    assert_add_fails(
        app,
        &["extra", "--repo", missing.to_str().unwrap()],
        1,
        "does not exist",
    );
}

#[test]
fn a_role_taken_by_a_dependency_or_a_flow_style_services_map_is_refused() {
    let app = tempfile::tempdir().unwrap();
    let write = |text: &str| std::fs::write(app.path().join("application.yml"), text).unwrap();
    write(
        "name: flow\nlocal:\n  dependencies:\n    cache:\n      image: exo-base/redis:1\nservices: {}\n",
    );
    assert_add_fails(
        app.path(),
        &["cache", "--image", "x:1"],
        2,
        "already has a dependency called `cache`",
    );
    write("name: flow\nservices: {api: {docker-image: x:1}}\n");
    assert_add_fails(
        app.path(),
        &["web", "--image", "x:2"],
        2,
        "written in flow style",
    );
    assert_add_fails(
        app.path(),
        &["web", "--image", "x:2"],
        2,
        "application.yml:2:11",
    );
    // A whole document in flow style: the problem is where it starts, on a
    // line the file has (it was a line of the edit that was never written).
    write("# the shop\n{name: flow, services: {api: {docker-image: x:1}}}\n");
    for args in [
        &["web", "--image", "x:2"][..],
        &["--dependency", "redis:7", "cache"],
    ] {
        assert_add_fails(
            app.path(),
            args,
            2,
            "the whole document in application.yml is written in flow style",
        );
        assert_add_fails(app.path(), args, 2, "application.yml:2:1");
    }
}

#[test]
fn add_outside_an_application_says_so() {
    let temp = tempfile::tempdir().unwrap();
    exo()
        .current_dir(temp.path())
        .args(["add", "web", "--image", "x:1"])
        .assert()
        .code(2)
        .stderr(contains("is not an exo application"));
}

#[test]
fn add_from_a_repository_clones_it_and_records_it() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repos/mailer");
    git_repo(
        &repo,
        &[
            ("service.yml", "type: worker\n"),
            ("Dockerfile.dev", "FROM exo-base/busybox:1\n"),
            ("Dockerfile.prod", "FROM exo-base/busybox:1\n"),
        ],
    );
    let not_a_service = temp.path().join("repos/docs");
    git_repo(&not_a_service, &[("README", "docs\n")]);
    let app = temp.path().join("app");
    init_app(&app);
    assert_add_fails(
        &app,
        &["docs", "--repo", not_a_service.to_str().unwrap()],
        1,
        "has no service.yml at its top",
    );
    exo()
        .arg("-C")
        .arg(&app)
        .args(["add", "mailer", "--repo", repo.to_str().unwrap()])
        .assert()
        .success();
    assert!(app.join("mailer/.git").is_dir());
    let text = read(&app.join("application.yml"));
    let expected = format!(
        "  mailer:\n    location: ./mailer\n    repository: {}\n",
        repo.display()
    );
    assert!(text.ends_with(&expected), "{text}");
    assert_generates_and_compose_accepts(&app);
}

/// `exo add ID --dependency IMAGE`: a `local.dependencies` entry with what
/// the catalog gives it, comments kept; services then get its variables.
#[test]
fn add_dependency_writes_a_local_dependency_with_the_catalogs_knowledge() {
    let app = tempfile::tempdir().unwrap();
    let file = app.path().join("application.yml");
    let original = "# The shop\nname: shop   # lowercase\n\nservices:\n  # the worker\n  worker:\n    docker-image: acme/worker:1\n";
    std::fs::write(&file, original).unwrap();
    exo()
        .arg("-C")
        .arg(app.path())
        .args(["add", "cache", "--dependency", "redis:7"])
        .assert()
        .success()
        .stderr(contains(
            "Added the dependency cache from the image redis:7 (exo's catalog: redis) to application.yml",
        ));
    let text = read(&file);
    assert!(text.starts_with(original), "{text}");
    assert_eq!(
        &text[original.len()..],
        "\nlocal:\n  dependencies:\n    # exo's catalog (redis): port 6379, its health check and default environment;\n    # services get CACHE_HOST, CACHE_PORT, CACHE_URL\n    # add `persist: true` to keep /data in a named volume\n    cache:\n      image: redis:7\n"
    );
    exo()
        .arg("-C")
        .arg(app.path())
        .arg("generate")
        .assert()
        .success();
    let compose = read(&app.path().join("docker-compose/run_development.yml"));
    assert!(
        compose.contains("CACHE_URL: redis://cache:6379"),
        "{compose}"
    );
    assert!(compose.contains("redis-cli"), "{compose}");
    // Taken names are refused and change nothing.
    for id in ["cache", "worker"] {
        exo()
            .arg("-C")
            .arg(app.path())
            .args(["add", id, "--dependency", "postgres:16"])
            .assert()
            .code(2)
            .stderr(contains("already has a"));
    }
    assert_eq!(read(&file), text);
}
