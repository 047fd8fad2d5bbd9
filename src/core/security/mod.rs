//! exo's static security rules: pure functions over the application's
//! model, the services as deployed, its YAML files and its Dockerfiles.
//! Each finding points into a file (`file:line:column` and the line).
//! The operation reads the files and merges external scanners' findings.

mod dockerfile;
pub mod listening;
mod locate;
pub mod open;
pub mod passive;
mod rules;
mod running;
mod secrets;

pub use locate::{Location, YamlFile};
pub use running::{ImageFinding, Observed, findings as running_findings};

use crate::core::model::security::{Rule, Severity, Suppression};
use crate::core::model::{Application, ServiceSource};

/// The text of the files the rules read, named relative to the application.
#[derive(Debug, Default)]
pub struct Sources {
    /// application.yml first, then each service.yml with its role.
    pub yaml: Vec<YamlFile>,
    /// Each service's Dockerfiles: role, file name, text.
    pub dockerfiles: Vec<(String, String, String)>,
}

/// One problem found, by exo's rules or an external scanner.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub title: String,
    pub fix: String,
    /// The service or dependency it is about; `application` for the whole.
    pub service: String,
    pub location: Location,
    /// What was found, in this place.
    pub message: String,
    /// `exo`, `hadolint` or `trivy`.
    pub tool: String,
}

impl Finding {
    /// A finding of exo's `rule`; the message names the OWASP ZAP rule
    /// that finds the same, if one does.
    pub fn of(rule: Rule, service: &str, location: Location, message: String) -> Finding {
        let message = match rule.zap {
            Some(zap) => format!("{message} (ZAP {zap})"),
            None => message,
        };
        Finding {
            rule: rule.id.to_owned(),
            severity: rule.severity,
            title: rule.title.to_owned(),
            fix: rule.fix.to_owned(),
            service: service.to_owned(),
            location,
            message,
            tool: "exo".to_owned(),
        }
    }
}

/// Every finding of exo's rules, minus those suppressed on `today`.
pub fn check(app: &Application, sources: &Sources, today: jiff::civil::Date) -> Vec<Finding> {
    let mut findings = rules::config_findings(app, sources);
    for (role, file, text) in &sources.dockerfiles {
        findings.extend(dockerfile::findings(role, file, text));
    }
    suppress(app, &mut findings, today);
    findings
}

/// Removes the findings that a suppression holds for on `today`.
pub fn suppress(app: &Application, findings: &mut Vec<Finding>, today: jiff::civil::Date) {
    findings.retain_mut(|finding| !suppressed(app, finding, today));
}

/// Whether a suppression of application.yml, or of the service's
/// service.yml, holds for it; an expired one says so in the finding.
fn suppressed(app: &Application, finding: &mut Finding, today: jiff::civil::Date) -> bool {
    let service = app.services.values().find(|s| {
        s.role == finding.service
            || matches!(&s.source, ServiceSource::Location(dir)
                if finding.location.file.starts_with(&format!("{dir}/")))
    });
    let own = service.map_or(&[][..], |s| &s.config.security[..]);
    let matching: Vec<&Suppression> = app
        .security
        .iter()
        .chain(own)
        .filter(|s| s.rule == finding.rule)
        .collect();
    if matching.iter().any(|s| s.holds(today)) {
        return true;
    }
    if let Some(until) = matching.iter().find_map(|s| s.until) {
        finding.message = format!("{} (its suppression expired on {until})", finding.message);
    }
    false
}

#[cfg(test)]
mod tests;
