//! The words of `exo test --security`: findings grouped by service, each
//! with its place, the line, and the fix; the scanners that did not run.

use super::{Printer, counted};
use crate::core::model::security::{Part, Severity};
use crate::ops::security::Scan;

impl Printer {
    pub fn security_scan(&mut self, scan: &Scan, fail_on: Severity) {
        let mut text = String::new();
        let mut service: Option<&str> = None;
        for finding in &scan.findings {
            if service != Some(finding.service.as_str()) {
                service = Some(&finding.service);
                text.push_str(&format!("\n{}\n", finding.service));
            }
            let l = &finding.location;
            text.push_str(&format!(
                "  {:<8} {:<9} {}:{}:{}: {}\n{:11}| {}\n{:11}= fix: {}\n",
                finding.severity.name(),
                finding.rule,
                l.file,
                l.line,
                l.column,
                finding.message,
                "",
                l.snippet.trim(),
                "",
                finding.fix
            ));
        }
        self.out(&text);
        for run in &scan.scanners {
            match &run.skipped {
                Some(why) => self.warn(&format!("{}: skipped: {why}", run.tool)),
                None => self.status("Ran", &run.tool),
            }
        }
        if let Some(why) = &scan.broken {
            self.error(&format!("the dynamic checks did not run: {why}"));
        }
        if scan.interrupted {
            self.warn("interrupted: the dynamic checks did not finish");
        }
        let failing = scan
            .findings
            .iter()
            .filter(|f| f.severity >= fail_on)
            .count();
        let summary = format!(
            "{}, {} at or above {} ({})",
            counted(scan.findings.len(), "finding"),
            failing,
            fail_on.name(),
            parts(&scan.parts)
        );
        if failing > 0 {
            self.error(&summary);
        } else {
            self.status("Passed", &summary);
        }
    }
}

/// `static and dynamic checks`, `static checks`, `dynamic checks`.
fn parts(parts: &[Part]) -> &'static str {
    match (
        parts.contains(&Part::Static),
        parts.contains(&Part::Dynamic),
    ) {
        (true, true) => "static and dynamic checks",
        (true, false) => "static checks",
        (false, true) => "dynamic checks",
        (false, false) => "no checks",
    }
}
