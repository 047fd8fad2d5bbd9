//! hadolint on the Dockerfiles and `trivy config` on the application's
//! directory (its Dockerfiles and the files exo generates), their JSON
//! read into findings. A scanner that is missing is skipped, never a pass.

use super::ScannerRun;
use crate::adapters::scanners::{self, Outcome};
use crate::core::model::security::Severity;
use crate::core::security::{Finding, ImageFinding, Location};
use serde_json::Value;
use std::path::Path;

pub fn scan(dir: &Path, dockerfiles: &[String]) -> (Vec<Finding>, Vec<ScannerRun>) {
    let mut findings = Vec::new();
    let mut runs = Vec::new();
    let mut hadolint_args = vec!["--no-fail", "--format", "json"];
    hadolint_args.extend(dockerfiles.iter().map(String::as_str));
    let trivy_args = [
        "config",
        "--skip-check-update",
        "--quiet",
        "--format",
        "json",
        ".",
    ];
    for (tool, args, read) in [
        (
            "hadolint",
            &hadolint_args[..],
            hadolint as fn(&str, &Path) -> Option<Vec<Finding>>,
        ),
        ("trivy", &trivy_args[..], trivy),
    ] {
        if tool == "hadolint" && dockerfiles.is_empty() {
            continue;
        }
        let skipped = match scanners::run(tool, args, dir) {
            Outcome::NotInstalled => Some("not installed".to_owned()),
            Outcome::Failed(why) => Some(format!("failed: {why}")),
            Outcome::Ran(output) => match read(&output, dir) {
                Some(found) => {
                    findings.extend(found);
                    None
                }
                None => Some("failed: its output was not the JSON expected".to_owned()),
            },
        };
        runs.push(ScannerRun {
            tool: tool.to_owned(),
            skipped,
        });
    }
    (findings, runs)
}

/// The image checks as the report names them when they are skipped.
pub const IMAGE_SECRETS: &str = "trivy image --scanners secret (the built images)";
pub const IMAGE_VULNERABILITIES: &str = "trivy image --scanners vuln (the built images)";

/// What Trivy finds in the image saved at `tar`: its secrets, and its
/// known vulnerabilities when Trivy has a vulnerability database (exo
/// never downloads one); and each check it could not make, with why.
pub fn scan_image(tar: &Path) -> (Vec<ImageFinding>, Vec<(&'static str, String)>) {
    let dir = tar.parent().unwrap_or(tar);
    let tar = tar.to_string_lossy();
    let run = |scanners: &str, offline: bool| {
        let mut args = vec!["image", "--input", &tar, "--scanners", scanners];
        args.extend(["--format", "json", "--quiet"]);
        if offline {
            args.extend(["--skip-db-update", "--offline-scan"]);
        }
        scanners::run("trivy", &args, dir)
    };
    let unreadable = "failed: its output was not the JSON expected".to_owned();
    let no_database = |why: &str| {
        if why.contains("DB") {
            "no vulnerability database (`trivy image --download-db-only` fetches one)".to_owned()
        } else {
            format!("failed: {why}")
        }
    };
    match run("secret,vuln", true) {
        Outcome::NotInstalled => (
            Vec::new(),
            vec![
                (IMAGE_SECRETS, "not installed".to_owned()),
                (IMAGE_VULNERABILITIES, "not installed".to_owned()),
            ],
        ),
        Outcome::Ran(output) => match read_image(&output) {
            Some(found) => (found, Vec::new()),
            None => (
                Vec::new(),
                vec![
                    (IMAGE_SECRETS, unreadable.clone()),
                    (IMAGE_VULNERABILITIES, unreadable),
                ],
            ),
        },
        Outcome::Failed(why) => {
            let vulnerabilities = (IMAGE_VULNERABILITIES, no_database(&why));
            match run("secret", false) {
                Outcome::Ran(output) => match read_image(&output) {
                    Some(found) => (found, vec![vulnerabilities]),
                    None => (
                        Vec::new(),
                        vec![(IMAGE_SECRETS, unreadable), vulnerabilities],
                    ),
                },
                Outcome::Failed(why) => (
                    Vec::new(),
                    vec![(IMAGE_SECRETS, format!("failed: {why}")), vulnerabilities],
                ),
                Outcome::NotInstalled => (
                    Vec::new(),
                    vec![(IMAGE_SECRETS, "not installed".to_owned()), vulnerabilities],
                ),
            }
        }
    }
}

/// Trivy's JSON: `Results[]` with the file or package set as `Target`,
/// `Secrets[]` (`RuleID`, `Severity`, `Title`, `StartLine`) and
/// `Vulnerabilities[]` (`VulnerabilityID`, `PkgName`, `InstalledVersion`,
/// `FixedVersion`, `Severity`, `Title`).
fn read_image(output: &str) -> Option<Vec<ImageFinding>> {
    let report: Value = serde_json::from_str(output).ok()?;
    let text = |item: &Value, key: &str| item[key].as_str().unwrap_or_default().to_owned();
    let severity = |item: &Value| {
        Severity::parse(item["Severity"].as_str().unwrap_or("")).unwrap_or(Severity::High)
    };
    let mut found = Vec::new();
    for result in report["Results"].as_array().into_iter().flatten() {
        let file = text(result, "Target");
        for item in result["Secrets"].as_array().into_iter().flatten() {
            let title = text(item, "Title");
            found.push(ImageFinding {
                rule: item["RuleID"].as_str().unwrap_or("trivy-secret").to_owned(),
                severity: severity(item),
                message: format!(
                    "{title} in the image's /{}:{}",
                    file.trim_start_matches('/'),
                    item["StartLine"].as_u64().unwrap_or(1)
                ),
                title,
                fix: "keep the file out of the image (.dockerignore, or a build stage that is not the last), give the value at run time as a secret, and rotate it".to_owned(),
            });
        }
        for item in result["Vulnerabilities"].as_array().into_iter().flatten() {
            let id = text(item, "VulnerabilityID");
            let fixed = text(item, "FixedVersion");
            found.push(ImageFinding {
                rule: id.clone(),
                severity: severity(item),
                title: item["Title"].as_str().unwrap_or(&id).to_owned(),
                message: format!(
                    "{} {} in the image ({file}): {}",
                    text(item, "PkgName"),
                    text(item, "InstalledVersion"),
                    item["Title"].as_str().unwrap_or(&id)
                ),
                fix: if fixed.is_empty() {
                    "no fixed version yet: use another base image or package, or suppress it with a reason".to_owned()
                } else {
                    format!("update the package (or the base image) to {fixed} or later")
                },
            });
        }
    }
    Some(found)
}

fn text_of(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default()
}

fn external(
    tool: &str,
    rule: &str,
    severity: Severity,
    title: &str,
    fix: &str,
    location: Location,
) -> Finding {
    Finding {
        rule: rule.to_owned(),
        severity,
        title: title.to_owned(),
        fix: fix.to_owned(),
        service: location
            .file
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        message: title.to_owned(),
        location,
        tool: tool.to_owned(),
    }
}

/// hadolint's JSON: `[{code, level, message, file, line, column}]`.
fn hadolint(output: &str, dir: &Path) -> Option<Vec<Finding>> {
    let items: Vec<Value> = serde_json::from_str(output).ok()?;
    Some(
        items
            .iter()
            .map(|item| {
                let file = item["file"].as_str().unwrap_or_default();
                let line = item["line"].as_u64().unwrap_or(1).max(1) as usize;
                let severity =
                    Severity::parse(item["level"].as_str().unwrap_or("")).unwrap_or(Severity::Low);
                let code = item["code"].as_str().unwrap_or("hadolint");
                let message = item["message"].as_str().unwrap_or_default();
                let location = Location::line(file, &text_of(dir, file), line);
                let fix = format!("see https://github.com/hadolint/hadolint/wiki/{code}");
                external("hadolint", code, severity, message, &fix, location)
            })
            .collect(),
    )
}

/// Trivy's JSON: `Results[].Misconfigurations[]` with `ID`, `Title`,
/// `Severity`, `Resolution` and `CauseMetadata.StartLine`.
fn trivy(output: &str, dir: &Path) -> Option<Vec<Finding>> {
    let report: Value = serde_json::from_str(output).ok()?;
    let mut findings = Vec::new();
    for result in report["Results"].as_array().into_iter().flatten() {
        let file = result["Target"].as_str().unwrap_or_default();
        let text = text_of(dir, file);
        for item in result["Misconfigurations"].as_array().into_iter().flatten() {
            let line = item["CauseMetadata"]["StartLine"]
                .as_u64()
                .unwrap_or(1)
                .max(1) as usize;
            let severity =
                Severity::parse(item["Severity"].as_str().unwrap_or("")).unwrap_or(Severity::Low);
            findings.push(external(
                "trivy",
                item["ID"].as_str().unwrap_or("trivy"),
                severity,
                item["Title"].as_str().unwrap_or_default(),
                item["Resolution"].as_str().unwrap_or_default(),
                Location::line(file, &text, line),
            ));
        }
    }
    Some(findings)
}

#[cfg(test)]
mod tests {
    use super::{hadolint, read_image, trivy};
    use std::path::Path;

    #[test]
    fn reads_each_scanners_json() {
        let dir = Path::new("/nonexistent");
        let found = hadolint(
            r#"[{"code":"DL3007","level":"warning","message":"Using latest","file":"web/Dockerfile.prod","line":1,"column":1}]"#,
            dir,
        )
        .expect("hadolint json");
        assert_eq!(
            (found[0].rule.as_str(), found[0].service.as_str()),
            ("DL3007", "web")
        );
        let found = trivy(
            r#"{"Results":[{"Target":"web/Dockerfile.prod","Misconfigurations":[{"ID":"DS002","Title":"Image user should not be 'root'","Severity":"HIGH","Resolution":"Add USER","CauseMetadata":{"StartLine":3}}]}]}"#,
            dir,
        )
        .expect("trivy json");
        assert_eq!(
            (found[0].rule.as_str(), found[0].location.line),
            ("DS002", 3)
        );
        assert_eq!(
            found[0].severity,
            crate::core::model::security::Severity::High
        );
        let image = read_image(
            r#"{"Results":[{"Target":"app/settings.conf","Class":"secret","Secrets":[{"RuleID":"github-pat","Category":"GitHub","Severity":"CRITICAL","Title":"GitHub Personal Access Token","StartLine":2}]},{"Target":"alpine 3.19","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.1.4","FixedVersion":"3.1.5","Severity":"HIGH","Title":"a flaw"}]}]}"#,
        )
        .expect("trivy image json");
        let summary: Vec<(&str, &str)> = image
            .iter()
            .map(|f| (f.rule.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "github-pat",
                    "GitHub Personal Access Token in the image's /app/settings.conf:2"
                ),
                (
                    "CVE-2024-0001",
                    "openssl 3.1.4 in the image (alpine 3.19): a flaw"
                ),
            ]
        );
        assert_eq!(
            image[0].severity,
            crate::core::model::security::Severity::Critical
        );
        assert!(image[1].fix.contains("3.1.5"), "{}", image[1].fix);
    }
}
