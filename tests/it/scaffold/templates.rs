//! `exo template list | add | remove`.

use super::{git_repo, init_app, read, tree};
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
    init_app(&app);
    let template = |args: &[&str]| template_command(&app, args);
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

/// `exo template ARGS` in the application `app`.
fn template_command(app: &std::path::Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = exo();
    cmd.arg("-C").arg(app).arg("template").args(args);
    cmd
}

/// Runs git in `dir`, failing the test if it fails; its output.
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
fn templates_travel_with_the_application_pinned_and_updated() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repos/greeter");
    git_repo(
        &repo,
        &[("service.yml", "type: worker\ndescription: Says hello\n")],
    );
    git(&repo, &["tag", "v1"]);
    let first = git(&repo, &["rev-parse", "HEAD"]);
    std::fs::write(
        repo.join("service.yml"),
        "type: worker\ndescription: Says hi\n",
    )
    .unwrap();
    git(&repo, &["commit", "-qam", "hi"]);
    git(&repo, &["tag", "v2"]);
    std::fs::write(
        repo.join("service.yml"),
        "type: worker\ndescription: Waves\n",
    )
    .unwrap();
    git(&repo, &["commit", "-qam", "wave"]);
    let newest = git(&repo, &["rev-parse", "HEAD"]);

    let app = temp.path().join("app");
    init_app(&app);
    let template = |args: &[&str]| template_command(&app, args);
    let url = repo.to_str().unwrap();
    template(&["add", "greeter", url, "--ref", "v1"])
        .assert()
        .success()
        .stderr(contains(format!("at v1 ({})", &first[..12])));
    let installed = app.join(".exosphere/templates/greeter");
    assert!(!installed.join(".git").exists());
    assert_eq!(
        read(&installed.join("service.yml")),
        "type: worker\ndescription: Says hello\n"
    );
    let sources = read(&app.join(".exosphere/template-sources.yml"));
    assert!(sources.contains(&format!("commit: {first}")), "{sources}");
    assert!(sources.contains("ref: v1"), "{sources}");

    // A plain clone of the application has the template's files.
    git(&app, &["init", "-q", "-b", "main"]);
    git(&app, &["add", "."]);
    git(&app, &["commit", "-qm", "app"]);
    let clone = temp.path().join("clone");
    git(
        temp.path(),
        &[
            "clone",
            "-q",
            app.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    assert_eq!(
        read(&clone.join(".exosphere/templates/greeter/service.yml")),
        "type: worker\ndescription: Says hello\n"
    );

    template(&["update", "greeter"])
        .assert()
        .success()
        .stderr(contains("already at"));
    template(&["update", "greeter", "--ref", "v2"])
        .assert()
        .success()
        .stderr(contains(format!("from {}", &first[..12])));
    assert_eq!(
        read(&installed.join("service.yml")),
        "type: worker\ndescription: Says hi\n"
    );
    template(&["update", "greeter", "--ref", &newest])
        .assert()
        .success();
    assert_eq!(
        read(&installed.join("service.yml")),
        "type: worker\ndescription: Waves\n"
    );
    assert!(read(&app.join(".exosphere/template-sources.yml")).contains(&newest));
    template(&["update", "greeter", "--ref", "v9"])
        .assert()
        .code(1)
        .stderr(contains("has no `v9`"));
    assert_eq!(
        read(&installed.join("service.yml")),
        "type: worker\ndescription: Waves\n"
    );
    template(&["update", "busybox"])
        .assert()
        .code(2)
        .stderr(contains("was not added by `exo template add`"));
    template(&["remove", "greeter"]).assert().success();
    assert!(!app.join(".exosphere/template-sources.yml").exists());
}
