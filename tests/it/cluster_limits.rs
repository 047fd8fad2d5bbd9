//! Names and sizes a cluster refuses once exo adds its prefixes and
//! suffixes: `exo generate` refuses them as `exo check` does, at load,
//! before writing anything; names at the limits give manifests whose every
//! name and label value Kubernetes accepts; Fargate sizes are AWS's own.

use crate::common::{exo, root, temp_copy};
use crate::deployment::{terraform_fmt_check, validate_manifests};
use std::path::{Path, PathBuf};

/// The first line of stderr of `exo <args>` in `dir`, which must exit 2.
fn refusal(dir: &Path, args: &[&str]) -> String {
    let output = exo().args(args).current_dir(dir).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    stderr.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn generate_refuses_at_load_what_check_refuses_and_writes_nothing() {
    let cases = [
        ("environment-name-too-long", "kubernetes", "kubernetes"),
        ("kubernetes-label-too-long", "kubernetes", "kubernetes"),
        ("service-named-as-its-waiter", "kubernetes", "kubernetes"),
        ("stateful-set-name-too-long", "kubernetes", "kubernetes"),
        ("target-groups-equal-once-cut", "terraform", "terraform"),
        ("iam-role-name-too-long", "terraform", "terraform"),
        ("fargate-cpu-too-large", "terraform", "terraform"),
    ];
    for (case, target, directory) in cases {
        let temp = temp_copy(&root().join("tests/errors").join(case));
        let checked = refusal(temp.path(), &["check"]);
        let generated = refusal(temp.path(), &["generate", target]);
        assert_eq!(checked, generated, "{case}");
        assert!(!temp.path().join(directory).exists(), "{case}");
    }
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A DNS label: what Kubernetes takes as a name of most objects, of
/// containers, and (with `.`, `_` and capitals) as a label value.
fn is_dns_label(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text.starts_with(|c: char| c.is_ascii_alphanumeric())
        && text.ends_with(|c: char| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Every `name:` and every `app.kubernetes.io/*` label value of `text`.
fn names_and_labels(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            line.strip_prefix("name: ")
                .or_else(|| line.split_once("app.kubernetes.io/").map(|(_, l)| l))
                .map(|rest| rest.rsplit(": ").next().unwrap_or(rest).to_owned())
        })
        .collect()
}

#[test]
fn names_at_the_limits_are_names_kubernetes_accepts() {
    // `app.kubernetes.io/instance` at 63 characters, a dependency waited
    // for at 63 (the one init container that waits is `wait`, whatever
    // it waits for), a StatefulSet at 52.
    let application = format!("a{}", "-b".repeat(27));
    let environment = "staging";
    assert_eq!(application.len() + 1 + environment.len(), 63);
    let waited = format!("c{}ef", "-d".repeat(30));
    let stateful = format!("s{}", "-t".repeat(25) + "u");
    assert_eq!((waited.len(), stateful.len()), (63, 52));
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    write(
        dir,
        "application.yml",
        &format!(
            "name: {application}\nlocal:\n  dependencies:\n    {waited}:\n      image: redis:7\n    {stateful}:\n      image: postgres:16\n      persist: true\n      secrets: [POSTGRES_PASSWORD]\nservices:\n  web:\n    location: ./web\nremote:\n  environments:\n    {environment}:\n      target: kubernetes\n      registry: registry.example.com\n"
        ),
    );
    write(
        dir,
        "web/service.yml",
        "type: public\nproduction:\n  port: 80\nremote:\n  environments:\n    staging:\n      url: shop.example.com\n",
    );
    exo().arg("check").current_dir(dir).assert().success();
    exo()
        .args(["generate", "kubernetes"])
        .current_dir(dir)
        .assert()
        .success();
    let manifests = dir.join("kubernetes/staging/manifests");
    let files: Vec<PathBuf> = std::fs::read_dir(&manifests)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut longest = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for name in names_and_labels(&text) {
            // Key names inside the ConfigMap and variables are not names.
            if name.contains(['_', '/', '.']) {
                continue;
            }
            assert!(is_dns_label(&name), "{}: `{name}`", file.display());
            longest = longest.max(name.len());
        }
    }
    assert_eq!(longest, 63);
    validate_manifests(&files);
}

#[test]
fn fargate_sizes_are_awss_own() {
    let temp = temp_copy(&root().join("tests/apps/remote"));
    let web = temp.path().join("web/service.yml");
    let text = std::fs::read_to_string(&web).unwrap();
    let text = text.replace("cpu: 256\n  memory: 512", "cpu: 8192\n  memory: 20000");
    std::fs::write(&web, text).unwrap();
    exo()
        .args(["generate", "terraform"])
        .current_dir(temp.path())
        .assert()
        .success();
    let main = std::fs::read_to_string(temp.path().join("terraform/main.tf")).unwrap();
    let task = &main[main
        .find("resource \"aws_ecs_task_definition\" \"web\"")
        .unwrap()..];
    let task = &task[..task.find("\n}\n").unwrap()];
    let attribute = |name: &str, value: &str| {
        task.lines()
            .any(|l| l.split_whitespace().eq([name, "=", value]))
    };
    assert!(attribute("cpu", "8192"), "{task}");
    assert!(attribute("memory", "20480"), "{task}");
    terraform_fmt_check(&temp.path().join("terraform"));
}
