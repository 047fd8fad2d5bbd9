//! What `exo status` prints: a table for people, JSON for scripts.

use super::Printer;
use crate::status::{Judgement, Report};
use std::io::Write;

/// How `exo status` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFormat {
    /// A table for people.
    Table,
    /// JSON for scripts.
    Json,
}

impl Printer {
    /// The report on stdout; a line on stderr when nothing runs.
    pub fn status_report(&mut self, report: &Report, format: StatusFormat) {
        if format == StatusFormat::Json {
            let json = serde_json::to_string_pretty(report).unwrap_or_default();
            let _ = writeln!(std::io::stdout().lock(), "{json}");
            return;
        }
        if report.is_down() {
            self.warn(&format!(
                "no container of the project `{}` exists\n  hint: start it with `exo compose up -d --wait`, or name the project with `-p`",
                report.project
            ));
        }
        let rows: Vec<Vec<String>> = report.entries.iter().map(row).collect();
        self.table(
            &[
                "NAME", "STATE", "READY", "CHECK", "HEALTH", "RESTARTS", "UPTIME", "PORTS",
            ],
            &rows,
        );
    }
}

fn row(entry: &crate::status::Entry) -> Vec<String> {
    let ready = match &entry.ready {
        Judgement::Ready(_) => "yes".to_owned(),
        Judgement::NotReady(why) => format!("no: {why}"),
        Judgement::NotRunning => "no".to_owned(),
    };
    vec![
        entry.name.clone(),
        entry.state.clone(),
        ready,
        entry.check.clone(),
        entry.health.clone().unwrap_or_else(|| "-".to_owned()),
        entry.restarts.to_string(),
        entry.uptime_seconds.map_or_else(|| "-".to_owned(), uptime),
        if entry.ports.is_empty() {
            "-".to_owned()
        } else {
            entry.ports.join(", ")
        },
    ]
}

/// `45s`, `12m`, `3h05m`, `2d04h`: as long as it needs to be.
fn uptime(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        s => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::uptime;

    #[test]
    fn uptimes_are_short() {
        assert_eq!(uptime(5), "5s");
        assert_eq!(uptime(125), "2m05s");
        assert_eq!(uptime(3 * 3600 + 300), "3h05m");
        assert_eq!(uptime(2 * 86_400 + 4 * 3600), "2d04h");
    }
}
