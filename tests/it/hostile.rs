//! The deployment writers given input a hostile author chose: no user text
//! becomes a Terraform expression, and no file is written or deleted
//! outside the application, whatever symbolic links it holds.

use crate::common::{exo, root, temp_copy};
use crate::deployment::terraform_fmt_check;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Every live `${` of a Terraform file (one not escaped as `$${`) opens one
/// of exo's own expressions, and no `%{` directive is live.
fn only_own_interpolations(file: &str, text: &str) {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("${") {
        if i > 0 && bytes[i - 1] == b'$' {
            continue;
        }
        let rest = &text[i + 2..];
        assert!(
            rest.starts_with("local.") || rest.starts_with("var."),
            "{file}: a live interpolation of user text: {}",
            &rest[..rest.len().min(60)]
        );
    }
    for (i, _) in text.match_indices("%{") {
        assert!(i > 0 && bytes[i - 1] == b'%', "{file}: a live directive");
    }
}

/// `exo generate <target>` in `dir`, which must be refused (exit code 2);
/// its stderr.
fn refused(dir: &Path, target: &str) -> String {
    let output = exo()
        .args(["generate", target])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn user_text_never_becomes_a_terraform_expression() {
    let temp = temp_copy(&root().join("tests/apps/remote"));
    let dir = temp.path();
    edit(
        &dir.join("mailer/service.yml"),
        "command: nc -z localhost 2525",
        r#"command: 'nc -z localhost 2525 # ${file("/etc/passwd")} %{ if true }x%{ endif } $$${local.name} $'"#,
    );
    edit(
        &dir.join("web/service.yml"),
        "health-check: /health",
        r#"health-check: '/health?${var.region}$'"#,
    );
    edit(
        &dir.join("application.yml"),
        "LOG_LEVEL: warn",
        r#"LOG_LEVEL: "warn ${file(\"x\")} \" \\ end$""#,
    );
    let output = exo()
        .args(["generate", "terraform"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let terraform = dir.join("terraform");
    for name in ["main.tf", "production.tfvars"] {
        let text = std::fs::read_to_string(terraform.join(name)).unwrap();
        only_own_interpolations(name, &text);
    }
    let main = std::fs::read_to_string(terraform.join("main.tf")).unwrap();
    assert!(main.contains(
        r#""nc -z localhost 2525 # $${file(\"/etc/passwd\")} %%{ if true }x%%{ endif } $$$${local.name} $""#
    ));
    assert!(main.contains(r#""/health?$${var.region}$""#), "{main}");
    let values = std::fs::read_to_string(terraform.join("production.tfvars")).unwrap();
    assert!(values.contains(r#""warn $${file(\"x\")} \" \\ end$""#));
    terraform_fmt_check(&terraform);
}

#[test]
fn a_control_character_in_a_command_is_refused_where_it_is_written() {
    let temp = temp_copy(&root().join("tests/apps/remote"));
    edit(
        &temp.path().join("mailer/service.yml"),
        "command: nc -z localhost 2525",
        r#"command: "nc -z localhost 2525 \u0002file(\"/etc/passwd\")\u0002""#,
    );
    let stderr = refused(temp.path(), "terraform");
    assert!(
        stderr.contains("holds the control character U+0002")
            && stderr.contains("mailer/service.yml:5:14"),
        "{stderr}"
    );
    assert!(!temp.path().join("terraform").exists());
}

/// What is in a directory, recursively, as sorted relative paths.
fn listing(dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    paths.sort();
    paths
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        found.push(entry.path());
        if entry.file_type().unwrap().is_dir() {
            found.extend(walk(&entry.path()));
        }
    }
    found
}

#[test]
fn generate_neither_writes_nor_deletes_through_a_link_outside() {
    let cases = [
        ("kubernetes", "kubernetes"),
        ("kubernetes", "kubernetes/staging"),
        ("kubernetes", "kubernetes/staging/manifests"),
        ("terraform", "terraform"),
    ];
    for (target, link) in cases {
        let temp = temp_copy(&root().join("tests/apps/remote"));
        let outside = tempfile::tempdir().unwrap();
        // A file the stale-file cleanup would delete, were it inside.
        std::fs::write(outside.path().join("old.yaml"), "kept").unwrap();
        let link = temp.path().join(link);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        symlink(outside.path(), &link).unwrap();
        let stderr = refused(temp.path(), target);
        assert!(stderr.contains("leads outside"), "{stderr}");
        assert_eq!(listing(outside.path()), ["old.yaml"], "{}", link.display());
    }
}

#[test]
fn a_dangling_link_is_reported_with_where_it_leads() {
    let temp = temp_copy(&root().join("tests/apps/remote"));
    symlink("../nowhere", temp.path().join("terraform")).unwrap();
    let stderr = refused(temp.path(), "terraform");
    assert!(
        stderr.contains("terraform is a symbolic link to")
            && stderr.contains("../nowhere, which does not exist"),
        "{stderr}"
    );
}

/// Compose takes a role starting with a digit; only a cluster does not
/// (see tests/errors/role-starting-with-digit-in-a-cluster).
#[test]
fn a_role_starting_with_a_digit_is_fine_without_a_cluster() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("application.yml"),
        "name: shop\nservices:\n  2fa:\n    docker-image: nginx:1.27\nremote:\n  environments:\n    staging: {target: swarm}\n",
    )
    .unwrap();
    exo()
        .args(["check"])
        .current_dir(temp.path())
        .assert()
        .success();
}

/// A `$` in a remote setting that lands in the stack file stays a `$`
/// when Swarm reads the file: nothing is filled from the deploying
/// machine's environment (a registry cannot hold one at all, see
/// tests/errors/registry-with-variable).
#[test]
fn a_dollar_in_a_placement_constraint_reaches_swarm_as_written() {
    if !crate::docker::require_program("docker") {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::write(
        dir.join("application.yml"),
        "name: shop\nservices:\n  web:\n    location: ./web\nremote:\n  environments:\n    staging:\n      target: swarm\n      environment-variables: {GREETING: 'hi ${USER}'}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("web")).unwrap();
    std::fs::write(
        dir.join("web/service.yml"),
        "type: worker\nremote:\n  placement: ['node.labels.zone == $ZONE']\n",
    )
    .unwrap();
    exo().arg("generate").current_dir(dir).assert().success();
    let mut command = std::process::Command::new("docker");
    command
        .args(["stack", "config", "-c", "docker-compose/deploy_staging.yml"])
        .current_dir(dir)
        .env("ZONE", "leaked-zone")
        .env("USER", "leaked-user")
        .env("EXO_TAG_WEB", "1");
    let output = crate::docker::output_within(&mut command, std::time::Duration::from_secs(60))
        .expect("docker stack config runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("node.labels.zone == $ZONE"), "{stdout}");
    assert!(stdout.contains("hi ${USER}"), "{stdout}");
    assert!(!stdout.contains("leaked"), "{stdout}");
}
