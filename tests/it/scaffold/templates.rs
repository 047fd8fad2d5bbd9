//! `exo template list | add | remove`.

use super::{git_repo, read, tree};
use crate::common::exo;
use predicates::str::contains;
use std::path::PathBuf;

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
