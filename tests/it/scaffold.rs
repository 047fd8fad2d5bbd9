//! `exo init` and `exo add` through the binary: what they write, that the
//! result still generates and Compose accepts it, and that every error
//! leaves the application as it was.

use crate::common::{exo, root, temp_copy};
use crate::docker::{compose, output_within, require_compose};
use predicates::str::contains;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A new application `demo` in a temporary directory.
fn new_app() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    exo()
        .current_dir(temp.path())
        .args(["init", "demo"])
        .assert()
        .success();
    temp
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Every file and directory under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(root).unwrap().to_path_buf());
            if path.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `exo generate`, then `docker compose config -q` on each generated file.
fn assert_generates_and_compose_accepts(dir: &Path) {
    exo().arg("-C").arg(dir).arg("generate").assert().success();
    let Some(prefix) = require_compose() else {
        return;
    };
    for file in ["run_development.yml", "run_production.yml", "test.yml"] {
        let path = dir.join("docker-compose").join(file);
        let mut config = compose(
            &prefix,
            [
                "-f".as_ref(),
                path.as_os_str(),
                "config".as_ref(),
                "-q".as_ref(),
            ],
        );
        let output = output_within(&mut config, Duration::from_secs(60)).unwrap();
        assert!(
            output.status.success(),
            "compose refuses {file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn init_writes_a_commented_application_yml() {
    let app = new_app();
    insta::assert_snapshot!(read(&app.path().join("application.yml")));
    exo()
        .arg("-C")
        .arg(app.path())
        .arg("check")
        .assert()
        .success();
}

#[test]
fn init_never_overwrites_without_force() {
    let app = new_app();
    let file = app.path().join("application.yml");
    std::fs::write(&file, "name: mine # keep\n").unwrap();
    exo()
        .current_dir(app.path())
        .args(["init", "other"])
        .assert()
        .code(2)
        .stderr(contains("application.yml already exists"))
        .stderr(contains("--force"));
    assert_eq!(read(&file), "name: mine # keep\n");
    exo()
        .current_dir(app.path())
        .args(["init", "other", "--force"])
        .assert()
        .success();
    assert!(read(&file).contains("\nname: other\n"));
}

#[test]
fn init_in_a_script_takes_the_directory_name_and_checks_it() {
    let temp = tempfile::tempdir().unwrap();
    let good = temp.path().join("my-app");
    exo().arg("-C").arg(&good).arg("init").assert().success();
    assert!(read(&good.join("application.yml")).contains("\nname: my-app\n"));
    let bad = temp.path().join("My App");
    std::fs::create_dir(&bad).unwrap();
    exo()
        .current_dir(&bad)
        .arg("init")
        .assert()
        .code(2)
        .stderr(contains("`My App` is not a valid application name"))
        .stderr(contains("e.g. `my-app`"));
    exo()
        .current_dir(&bad)
        .args(["init", "Bad_Name"])
        .assert()
        .code(2)
        .stderr(contains("`Bad_Name` is not a valid application name"));
    assert!(tree(&bad).is_empty());
}

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
    std::fs::write(
        app.path().join("application.yml"),
        "name: flow\nlocal:\n  dependencies:\n    cache:\n      image: exo-base/redis:1\nservices: {}\n",
    )
    .unwrap();
    assert_add_fails(
        app.path(),
        &["cache", "--image", "x:1"],
        2,
        "already has a dependency called `cache`",
    );
    std::fs::write(
        app.path().join("application.yml"),
        "name: flow\nservices: {api: {docker-image: x:1}}\n",
    )
    .unwrap();
    assert_add_fails(
        app.path(),
        &["web", "--image", "x:2"],
        2,
        "written in flow style",
    );
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

/// A git repository at `dir` with `files` committed.
pub fn git_repo(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "start",
        ],
    ] {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
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
    exo()
        .arg("-C")
        .arg(&app)
        .args(["init", "app"])
        .assert()
        .success();
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

#[test]
fn template_list_shows_the_built_in_ones_anywhere() {
    let temp = tempfile::tempdir().unwrap();
    let output = exo()
        .current_dir(temp.path())
        .args(["template", "list"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!(String::from_utf8(output).unwrap());
}

#[test]
fn templates_are_added_from_git_used_and_removed() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repos/greeter");
    git_repo(
        &repo,
        &[
            ("service.yml", "type: __type__\ndescription: Says hello\n"),
            ("Dockerfile.dev", "FROM exo-base/busybox:1\n"),
            ("Dockerfile.prod", "FROM exo-base/busybox:1\n"),
            (
                "__role_snake__.txt",
                "hello from __role_pascal__ of __app__\n",
            ),
        ],
    );
    let empty = temp.path().join("repos/empty");
    git_repo(&empty, &[("README", "nothing\n")]);
    let app = temp.path().join("app");
    exo()
        .arg("-C")
        .arg(&app)
        .args(["init", "app"])
        .assert()
        .success();
    let template = |args: &[&str]| {
        let mut cmd = exo();
        cmd.arg("-C").arg(&app).arg("template").args(args);
        cmd
    };
    template(&["add", "greeter", repo.to_str().unwrap()])
        .assert()
        .success()
        .stderr(contains("Added the template greeter"));
    template(&["list"]).assert().success().stdout(contains(
        "greeter  .exosphere/templates/greeter  Says hello",
    ));
    template(&["add", "greeter", repo.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("already has a template `greeter`"));
    template(&["add", "blank", empty.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("the template `blank` has no service.yml"));
    template(&["add", "gone", temp.path().join("nope").to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("git clone"))
        .stderr(contains("does not exist"));
    template(&["add", "../evil", repo.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("not a valid template name"));
    let names: Vec<PathBuf> = tree(&app.join(".exosphere/templates"))
        .into_iter()
        .filter(|p| p.components().count() == 1)
        .collect();
    assert_eq!(names, [PathBuf::from("greeter")]);

    exo()
        .arg("-C")
        .arg(&app)
        .args([
            "add",
            "hello-world",
            "--template",
            "greeter",
            "--type",
            "worker",
        ])
        .assert()
        .success();
    assert_eq!(
        read(&app.join("hello-world/hello_world.txt")),
        "hello from HelloWorld of app\n"
    );
    assert_eq!(
        read(&app.join("hello-world/service.yml")),
        "# yaml-language-server: $schema=../.exosphere/schemas/service.schema.json\ntype: worker\ndescription: Says hello\n"
    );
    assert!(app.join(".exosphere/schemas/service.schema.json").is_file());
    assert!(!app.join("hello-world/.git").exists());

    template(&["remove", "busybox"])
        .assert()
        .code(2)
        .stderr(contains("built into exo"));
    template(&["remove", "nope"])
        .assert()
        .code(2)
        .stderr(contains("there is no template `nope`"));
    template(&["remove", "greeter"])
        .assert()
        .success()
        .stderr(contains("Removed the template greeter"));
    assert!(!app.join(".exosphere/templates/greeter").exists());
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
