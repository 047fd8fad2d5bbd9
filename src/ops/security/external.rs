//! hadolint on the Dockerfiles and `trivy config` on the application's
//! directory (its Dockerfiles and the files exo generates), their JSON
//! read into findings. A scanner that is missing is skipped, never a pass.

use super::ScannerRun;
use crate::adapters::scanners::{self, Outcome};
use crate::core::model::security::Severity;
use crate::core::security::{Finding, ImageSecret, Location};
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

/// Trivy's secret scan of the image saved at `tar`; why not, when it
/// could not run.
pub fn image_secrets(tar: &Path) -> Result<Vec<ImageSecret>, String> {
    let dir = tar.parent().unwrap_or(tar);
    let tar = tar.to_string_lossy();
    let args = [
        "image",
        "--input",
        &tar,
        "--scanners",
        "secret",
        "--format",
        "json",
        "--quiet",
    ];
    match scanners::run("trivy", &args, dir) {
        Outcome::NotInstalled => Err("not installed".to_owned()),
        Outcome::Failed(why) => Err(format!("failed: {why}")),
        Outcome::Ran(output) => read_secrets(&output)
            .ok_or_else(|| "failed: its output was not the JSON expected".to_owned()),
    }
}

/// Trivy's JSON: `Results[].Secrets[]` with `RuleID`, `Severity`, `Title`
/// and `StartLine`, the file being the result's `Target`.
fn read_secrets(output: &str) -> Option<Vec<ImageSecret>> {
    let report: Value = serde_json::from_str(output).ok()?;
    let mut found = Vec::new();
    for result in report["Results"].as_array().into_iter().flatten() {
        for item in result["Secrets"].as_array().into_iter().flatten() {
            found.push(ImageSecret {
                rule: item["RuleID"].as_str().unwrap_or("trivy-secret").to_owned(),
                severity: Severity::parse(item["Severity"].as_str().unwrap_or(""))
                    .unwrap_or(Severity::High),
                title: item["Title"].as_str().unwrap_or_default().to_owned(),
                file: result["Target"].as_str().unwrap_or_default().to_owned(),
                line: item["StartLine"].as_u64().unwrap_or(1) as usize,
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
    use super::{hadolint, read_secrets, trivy};
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
        let secrets = read_secrets(
            r#"{"Results":[{"Target":"app/settings.conf","Class":"secret","Secrets":[{"RuleID":"github-pat","Category":"GitHub","Severity":"CRITICAL","Title":"GitHub Personal Access Token","StartLine":2}]}]}"#,
        )
        .expect("trivy secret json");
        assert_eq!(
            (
                secrets[0].rule.as_str(),
                secrets[0].file.as_str(),
                secrets[0].line
            ),
            ("github-pat", "app/settings.conf", 2)
        );
        assert_eq!(
            secrets[0].severity,
            crate::core::model::security::Severity::Critical
        );
    }
}
