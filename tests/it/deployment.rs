//! `exo generate kubernetes` and `exo generate terraform` on the remote
//! fixture and on every Exosphere 0.37 application with remote settings:
//! the manifests pass `kubernetes-validate --strict` (Kubernetes 1.30 and
//! the newest version it knows), the Terraform `terraform fmt -check`
//! (1.0.3), both are snapshotted, and no secret's value is in any file.
//! The checkers come from scripts/provision.sh; no Docker is needed.

use crate::common::{compat_dir, exo, root, temp_copy};
use exo::core::model::{Application, Environment, Target};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where scripts/provision.sh installs the checkers.
pub fn tool(name: &str) -> PathBuf {
    let dir = std::env::var_os("EXO_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("exo/tools")))
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".local/share/exo/tools")
        });
    let path = dir.join("bin").join(name);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/provision.sh",
        path.display()
    );
    path
}

/// `kubernetes-validate --strict` for 1.30 and the newest version.
pub fn validate_manifests(files: &[PathBuf]) {
    for version in [Some("1.30.0"), None] {
        let mut command = Command::new(tool("kubernetes-validate"));
        command.arg("--strict").arg("--quiet");
        if let Some(version) = version {
            command.args(["-k", version]);
        }
        let output = command
            .args(files)
            .output()
            .expect("run kubernetes-validate");
        assert!(
            output.status.success(),
            "kubernetes-validate {version:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

pub fn terraform_fmt_check(dir: &Path) {
    let output = Command::new(tool("terraform"))
        .args(["fmt", "-check", "-diff", "-recursive"])
        .arg(dir)
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run terraform fmt");
    assert!(
        output.status.success(),
        "terraform fmt -check failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file of `files` in one text, for one snapshot.
fn joined(files: &[(String, String)]) -> String {
    files
        .iter()
        .map(|(path, text)| format!("==> {path} <==\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "snapshots/deployment", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

/// Writes the files under `dir` and returns the manifests' paths.
pub fn write(dir: &Path, files: &[(String, String)]) -> Vec<PathBuf> {
    let mut manifests = Vec::new();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        if path.to_string_lossy().contains("/manifests/") {
            manifests.push(path);
        }
    }
    manifests
}

/// The compat applications with a `remote` section, with every environment
/// (or one named `production`, if they have none) made a Kubernetes one.
pub fn compat_applications() -> Vec<(String, Application)> {
    let mut apps = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(compat_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("application.yml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let dir = compat_dir().join(&name);
        let texts = std::iter::once(dir.join("application.yml"))
            .chain(
                std::fs::read_dir(&dir)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path().join("service.yml")),
            )
            .filter_map(|p| std::fs::read_to_string(p).ok());
        if !texts.into_iter().any(|t| t.contains("\nremote:")) {
            continue;
        }
        if let Ok(app) = exo::core::config::load(&dir) {
            apps.push((name, app));
        }
    }
    assert!(apps.len() >= 5, "only {} compat applications", apps.len());
    apps
}

#[test]
fn compat_applications_give_valid_kubernetes_manifests() {
    for (name, mut app) in compat_applications() {
        if app.remote.environments.is_empty() {
            app.remote
                .environments
                .insert("production".into(), Environment::new(Target::Kubernetes));
        }
        let mut all = Vec::new();
        for (env_name, environment) in app.remote.environments.clone() {
            app.remote.environments[&env_name] = Environment {
                target: Target::Kubernetes,
                ..environment
            };
            let manifests = exo::core::kubernetes::generate(&app, &env_name)
                .unwrap_or_else(|e| panic!("{name} {env_name}: {e}"));
            all.extend(manifests.files);
        }
        let temp = tempfile::tempdir().unwrap();
        validate_manifests(&write(temp.path(), &all));
        snapshot(&format!("{name}-kubernetes"), &joined(&all));
    }
}

#[test]
fn compat_applications_give_formatted_terraform() {
    let mut generated = 0;
    for (name, app) in compat_applications() {
        let Ok(environments) = exo::core::deployed::environments(&app, Target::Aws, None) else {
            continue;
        };
        let files = exo::core::terraform::generate(&app, &environments)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let temp = tempfile::tempdir().unwrap();
        write(temp.path(), &files.files);
        terraform_fmt_check(temp.path());
        snapshot(&format!("{name}-terraform"), &joined(&files.files));
        generated += 1;
    }
    assert!(
        generated >= 2,
        "only {generated} applications have AWS environments"
    );
}

/// Every secret the application names, with a value no file may contain.
fn secret_values(app: &Application) -> Vec<(String, String)> {
    let mut names: Vec<String> = app.secrets.clone();
    for dependency in exo::core::deployed::all_dependencies(app).values() {
        names.extend(dependency.secrets.clone());
    }
    for environment in app.remote.environments.values() {
        names.extend(environment.secrets.clone());
    }
    for service in app.services.values() {
        names.extend(service.config.secrets.clone());
        for environment in service.config.remote.environments.values() {
            names.extend(environment.secrets.clone());
        }
    }
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let value = format!("value-of-{}-7f3a9c", name.to_lowercase());
            (name, value)
        })
        .collect()
}

#[test]
fn the_remote_fixture_through_the_command_line() {
    let temp = temp_copy(&root().join("tests/apps/remote"));
    let app = exo::core::config::load(temp.path()).unwrap();
    let secrets = secret_values(&app);
    assert!(secrets.len() >= 3);
    for target in ["kubernetes", "terraform"] {
        let output = exo()
            .args(["generate", target])
            .envs(secrets.iter().map(|(n, v)| (n.as_str(), v.as_str())))
            .current_dir(temp.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        snapshot(&format!("remote-{target}-messages"), &stderr);
    }
    let mut files = Vec::new();
    collect(temp.path(), temp.path(), &mut files);
    files.retain(|(p, _)| p.starts_with("kubernetes/") || p.starts_with("terraform/"));
    files.sort();
    for (path, text) in &files {
        for (name, value) in &secrets {
            assert!(!text.contains(value), "{path} holds the value of {name}");
        }
    }
    let manifests: Vec<PathBuf> = files
        .iter()
        .filter(|(p, _)| p.contains("/manifests/"))
        .map(|(p, _)| temp.path().join(p))
        .collect();
    validate_manifests(&manifests);
    terraform_fmt_check(&temp.path().join("terraform"));
    snapshot(
        "remote-kubernetes",
        &joined(
            &files[..files
                .iter()
                .filter(|(p, _)| p.starts_with("kubernetes/"))
                .count()],
        ),
    );
    snapshot(
        "remote-terraform",
        &joined(
            &files[files
                .iter()
                .filter(|(p, _)| p.starts_with("kubernetes/"))
                .count()..],
        ),
    );

    // Once they exist, `exo generate --check` covers them.
    exo()
        .args(["generate"])
        .current_dir(temp.path())
        .assert()
        .success();
    exo()
        .args(["generate", "--check"])
        .current_dir(temp.path())
        .assert()
        .success();
    let web = temp.path().join("web/service.yml");
    let text = std::fs::read_to_string(&web)
        .unwrap()
        .replace("replicas: 2", "replicas: 3");
    std::fs::write(&web, text).unwrap();
    std::fs::write(
        temp.path().join("kubernetes/staging/manifests/old.yaml"),
        "",
    )
    .unwrap();
    let output = exo()
        .args(["generate", "--check"])
        .current_dir(temp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "'kubernetes/staging/manifests/web.yaml' is out of date; run `exo generate kubernetes staging`",
        "'kubernetes/staging/manifests/old.yaml' is no longer generated",
        "'terraform/main.tf' is out of date; run `exo generate terraform`",
    ] {
        assert!(
            stderr.contains(expected),
            "{expected} missing from {stderr}"
        );
    }
    exo()
        .args(["generate", "kubernetes", "staging"])
        .current_dir(temp.path())
        .assert()
        .success();
    assert!(
        !temp
            .path()
            .join("kubernetes/staging/manifests/old.yaml")
            .exists()
    );
}

/// `exo generate terraform` on the compat applications with AWS
/// environments, their secrets set in its environment: no file holds a value.
#[test]
fn no_secret_value_lands_in_the_compat_applications_terraform() {
    let mut checked = 0;
    for (name, app) in compat_applications() {
        if exo::core::deployed::environments(&app, Target::Aws, None).is_err() {
            continue;
        }
        let temp = temp_copy(&compat_dir().join(&name));
        let secrets = secret_values(&app);
        exo()
            .args(["generate", "terraform"])
            .envs(secrets.iter().map(|(n, v)| (n.as_str(), v.as_str())))
            .current_dir(temp.path())
            .assert()
            .success();
        let mut files = Vec::new();
        collect(
            &temp.path().join("terraform"),
            &temp.path().join("terraform"),
            &mut files,
        );
        assert!(files.len() >= 4, "{name}: {} files", files.len());
        for (path, text) in &files {
            for (secret, value) in &secrets {
                assert!(
                    !text.contains(value),
                    "{name}/{path} holds the value of {secret}"
                );
            }
        }
        checked += usize::from(!secrets.is_empty());
    }
    assert!(
        checked >= 1,
        "no compat application with AWS environments has secrets"
    );
}

#[test]
fn environments_of_another_target_are_refused() {
    let temp = temp_copy(&root().join("tests/apps/remote"));
    let output = exo()
        .args(["generate", "terraform", "staging"])
        .current_dir(temp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    snapshot("wrong-target", &String::from_utf8_lossy(&output.stderr));
    let output = exo()
        .args(["generate", "kubernetes", "qa"])
        .current_dir(temp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    snapshot(
        "unknown-environment",
        &String::from_utf8_lossy(&output.stderr),
    );
    exo()
        .args(["generate", "docker-compose", "staging"])
        .current_dir(temp.path())
        .assert()
        .code(2);
    assert!(!temp.path().join("kubernetes").exists());
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            files.push((relative, text));
        }
    }
}
