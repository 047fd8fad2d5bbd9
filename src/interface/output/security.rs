//! The words of `exo test --security`: findings grouped by service, each
//! with its place, the line, and the fix; the scanners that did not run.

use super::{Printer, counted};
use crate::core::model::security::Severity;
use crate::ops::security::Scan;

impl Printer {
    pub fn security_scan(&mut self, scan: &Scan, fail_on: Severity, dynamic_asked: bool) {
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
                None => self.status("Ran", run.tool),
            }
        }
        if dynamic_asked {
            self.warn(
                "the dynamic security checks are not implemented yet: only the static checks ran",
            );
        }
        let failing = scan
            .findings
            .iter()
            .filter(|f| f.severity >= fail_on)
            .count();
        let summary = format!(
            "{}, {} at or above {}",
            counted(scan.findings.len(), "finding"),
            failing,
            fail_on.name()
        );
        if failing > 0 {
            self.error(&summary);
        } else {
            self.status("Passed", &summary);
        }
    }
}
