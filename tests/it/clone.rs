//! `exo clone` against bare git repositories on disk: an application whose
//! services live in three repositories of their own.

use crate::common::exo;
use predicates::str::contains;
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A bare repository `<root>/<name>.git` holding `files`.
fn bare_repo(root: &Path, name: &str, files: &[(&str, String)]) -> PathBuf {
    let work = root.join("work").join(name);
    std::fs::create_dir_all(&work).unwrap();
    for (file, text) in files {
        std::fs::write(work.join(file), text).unwrap();
    }
    git(&work, &["init", "-q", "-b", "main"]);
    git(&work, &["add", "."]);
    git(
        &work,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "start",
        ],
    );
    let bare = root.join(format!("{name}.git"));
    git(
        root,
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    bare
}

fn service(kind: &str) -> Vec<(&'static str, String)> {
    vec![
        ("service.yml", format!("type: {kind}\n")),
        ("Dockerfile.dev", "FROM exo-base/busybox:1\n".to_owned()),
    ]
}

/// An application repository with web, api and worker in repositories of
/// their own; `worker`'s repository is created only if `with_worker`.
fn shop(root: &Path, with_worker: bool) -> PathBuf {
    let web = bare_repo(root, "web", &service("public"));
    let api = bare_repo(root, "api", &service("private"));
    let worker = root.join("worker.git");
    if with_worker {
        bare_repo(root, "worker", &service("worker"));
    }
    let app = format!(
        "# The shop, one repository per service.\nname: shop\nservices:\n  web:\n    location: ./web\n    repository: {}\n  api:\n    location: ./services/api\n    repository: {}\n  worker:\n    location: ./worker\n    repository: {}\n  cache:\n    docker-image: exo-base/redis:1\n",
        web.display(),
        api.display(),
        worker.display()
    );
    bare_repo(root, "shop", &[("application.yml", app)])
}

/// A plain `git clone` of the application at `url`, as `<root>/existing`.
fn checkout(root: &Path, url: &Path) -> PathBuf {
    git(root, &["clone", "-q", url.to_str().unwrap(), "existing"]);
    root.join("existing")
}

/// `exo clone` inside the application at `app`.
fn exo_clone_in(app: &Path) -> assert_cmd::assert::Assert {
    exo().arg("-C").arg(app).arg("clone").assert()
}

#[test]
fn clone_fetches_the_application_and_every_service() {
    let temp = tempfile::tempdir().unwrap();
    let url = shop(temp.path(), true);
    exo()
        .current_dir(temp.path())
        .args(["clone", url.to_str().unwrap()])
        .assert()
        .success()
        .stderr(contains("cloned into web\n"))
        .stderr(contains("cloned into services/api\n"))
        .stderr(contains("Cloned 3 services into shop"));
    let app = temp.path().join("shop");
    for location in ["web", "services/api", "worker"] {
        assert!(
            app.join(location).join("service.yml").is_file(),
            "{location}"
        );
    }
    exo().arg("-C").arg(&app).arg("check").assert().success();

    // In the application: only what is missing is fetched.
    std::fs::remove_dir_all(app.join("worker")).unwrap();
    std::fs::write(app.join("web/local-change"), "kept").unwrap();
    exo()
        .current_dir(app.join("web"))
        .arg("clone")
        .assert()
        .success()
        .stderr(contains("Cloned 1 service into"));
    assert!(app.join("worker/service.yml").is_file());
    assert!(app.join("web/local-change").is_file());
    exo()
        .current_dir(&app)
        .arg("clone")
        .assert()
        .success()
        .stderr(contains("every service that names a repository is there"));
}

#[test]
fn a_missing_service_repository_fails_and_leaves_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let url = shop(temp.path(), false);
    let target = temp.path().join("checkout");
    exo()
        .current_dir(temp.path())
        .args(["clone", url.to_str().unwrap(), "checkout"])
        .assert()
        .code(1)
        .stderr(contains("could not clone the service worker:"))
        .stderr(contains("does not exist"))
        .stderr(contains("nothing that this run cloned was kept"));
    assert!(!target.exists());

    // In an existing application, the services cloned by the failed run go,
    // what was there stays.
    let app = checkout(temp.path(), &url);
    std::fs::create_dir(app.join("web")).unwrap();
    exo_clone_in(&app)
        .code(1)
        .stderr(contains("could not clone the service worker"));
    assert!(app.join("web").is_dir());
    assert!(!app.join("services").exists());
    assert!(!app.join("worker").exists());
}

#[test]
fn a_service_repository_without_service_yml_fails() {
    let temp = tempfile::tempdir().unwrap();
    let url = shop(temp.path(), false);
    bare_repo(
        temp.path(),
        "worker",
        &[("README", "no service here\n".to_owned())],
    );
    exo()
        .current_dir(temp.path())
        .args(["clone", url.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("could not clone the service worker:"))
        .stderr(contains("has no service.yml at its top"));
    assert!(!temp.path().join("shop").exists());
}

#[test]
fn clone_refuses_a_non_application_and_a_busy_directory() {
    let temp = tempfile::tempdir().unwrap();
    let docs = bare_repo(temp.path(), "docs", &[("README", "docs\n".to_owned())]);
    exo()
        .current_dir(temp.path())
        .args(["clone", docs.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("holds no application.yml"));
    assert!(!temp.path().join("docs").exists());
    let busy = temp.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("file"), "mine").unwrap();
    exo()
        .current_dir(temp.path())
        .args(["clone", docs.to_str().unwrap(), "busy"])
        .assert()
        .code(2)
        .stderr(contains("busy exists and is not an exo application"));
    assert_eq!(std::fs::read_to_string(busy.join("file")).unwrap(), "mine");
    exo()
        .current_dir(temp.path())
        .args(["clone", temp.path().join("nothing.git").to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("git clone"))
        .stderr(contains("does not exist"));
}

#[test]
fn an_empty_service_folder_is_cloned_into() {
    let temp = tempfile::tempdir().unwrap();
    let url = shop(temp.path(), true);
    let app = checkout(temp.path(), &url);
    std::fs::create_dir(app.join("web")).unwrap();
    exo_clone_in(&app)
        .success()
        .stderr(contains("cloned into web\n"))
        .stderr(contains("Cloned 3 services into"));
    assert!(app.join("web/service.yml").is_file());
    exo().arg("-C").arg(&app).arg("check").assert().success();
}

#[test]
fn a_service_folder_with_other_files_is_an_error_naming_it() {
    let temp = tempfile::tempdir().unwrap();
    let url = shop(temp.path(), true);
    let app = checkout(temp.path(), &url);
    std::fs::create_dir_all(app.join("services/api")).unwrap();
    std::fs::write(app.join("services/api/notes.txt"), "mine").unwrap();
    exo_clone_in(&app)
        .code(1)
        .stderr(contains(
            "services/api holds files but is not a clone of the service api's repository",
        ))
        .stderr(contains("hint: empty the folder or move its files away"));
    assert_eq!(
        std::fs::read_to_string(app.join("services/api/notes.txt")).unwrap(),
        "mine"
    );
    assert!(!app.join("web").exists(), "nothing is cloned");
}
