//! `exo init`: a commented application.yml, never an overwrite.

use super::{new_app, read, tree};
use crate::common::exo;
use predicates::str::contains;

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
