//! The scan as SARIF 2.1.0, as code scanning in CI reads it: one run whose
//! driver lists every rule that appears (exo's all, of the parts that
//! ran, with the OWASP ZAP rule each matches), and a result with its
//! place for each finding.

use super::Scan;
use crate::core::model::security::{RULES, Severity};
use serde_json::{Value, json};

pub fn sarif_json(scan: &Scan) -> String {
    let ran: Vec<_> = RULES
        .iter()
        .filter(|r| scan.parts.contains(&r.part))
        .collect();
    let mut rules: Vec<Value> = ran
        .iter()
        .map(|rule| {
            let mut json = rule_json(rule.id, rule.title, rule.fix, rule.severity, "exo");
            if let Some(zap) = rule.zap {
                json["properties"]["zap"] = zap.into();
            }
            json
        })
        .collect();
    let mut listed: Vec<&str> = ran.iter().map(|r| r.id).collect();
    for finding in &scan.findings {
        if !listed.contains(&finding.rule.as_str()) {
            listed.push(&finding.rule);
            rules.push(rule_json(
                &finding.rule,
                &finding.title,
                &finding.fix,
                finding.severity,
                &finding.tool,
            ));
        }
    }
    let results: Vec<Value> = scan
        .findings
        .iter()
        .map(|finding| {
            json!({
                "ruleId": finding.rule,
                "level": level(finding.severity),
                "message": {"text": format!("{}: {}", finding.service, finding.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.location.file},
                        "region": {
                            "startLine": finding.location.line,
                            "startColumn": finding.location.column,
                            "snippet": {"text": finding.location.snippet},
                        },
                    },
                }],
                "properties": {"severity": finding.severity.name(), "tool": finding.tool},
            })
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "exo",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn rule_json(id: &str, title: &str, fix: &str, severity: Severity, tool: &str) -> Value {
    json!({
        "id": id,
        "shortDescription": {"text": title},
        "help": {"text": fix},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {"severity": severity.name(), "tool": tool},
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}
