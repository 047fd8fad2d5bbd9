//! The scan as JUnit XML: a test case per rule and service (every one of
//! exo's rules for every service and dependency, and each external rule
//! that found something), failed where there is a finding. Only the
//! rules of the parts that ran have cases: a rule not run is no pass.

use super::Scan;
use crate::core::model::security::RULES;
use crate::ops::testing::{xml_attribute, xml_text};
use std::collections::BTreeSet;
use std::fmt::Write as _;

pub fn junit_xml(scan: &Scan) -> String {
    let mut cases: BTreeSet<(String, String)> = BTreeSet::new();
    for subject in &scan.subjects {
        for rule in RULES.iter().filter(|r| scan.parts.contains(&r.part)) {
            cases.insert((rule.id.to_owned(), subject.clone()));
        }
    }
    for finding in &scan.findings {
        cases.insert((finding.rule.clone(), finding.service.clone()));
    }
    let failures = cases
        .iter()
        .filter(|(rule, service)| {
            scan.findings
                .iter()
                .any(|f| &f.rule == rule && &f.service == service)
        })
        .count();
    let name = xml_attribute(&format!("{} security", scan.application));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = cases.len();
    let _ = writeln!(
        xml,
        "<testsuites name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0.000\">"
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0.000\">"
    );
    for (rule, service) in &cases {
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"0.000\"",
            xml_attribute(rule),
            xml_attribute(&format!("{}.security.{service}", scan.application))
        );
        let found: Vec<String> = scan
            .findings
            .iter()
            .filter(|f| &f.rule == rule && &f.service == service)
            .map(|f| {
                let l = &f.location;
                format!(
                    "{}:{}:{}: {} ({})",
                    l.file,
                    l.line,
                    l.column,
                    f.message,
                    f.severity.name()
                )
            })
            .collect();
        if found.is_empty() {
            xml.push_str("/>\n");
            continue;
        }
        let _ = write!(
            xml,
            ">\n      <failure message=\"{}\" type=\"security\">{}</failure>\n    </testcase>\n",
            xml_attribute(&found[0]),
            xml_text(&found.join("\n"))
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}
