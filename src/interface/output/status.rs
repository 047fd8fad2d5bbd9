//! What `exo status` prints: a table for people, JSON for scripts.

use super::Printer;
use crate::ops::status::{Entry, Judgement, Report};
use serde::Serialize;
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
            let json = Json {
                project: &report.project,
                ready: report.ready_count(),
                total: report.entries.len(),
                summary: summary(report),
                entries: &report.entries,
            };
            let json = serde_json::to_string_pretty(&json).unwrap_or_default();
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
        self.out(&format!("{}\n", summary(report)));
    }
}

/// The report for scripts: how many are ready, in numbers and in words,
/// then each container.
#[derive(Serialize)]
struct Json<'a> {
    project: &'a str,
    ready: usize,
    total: usize,
    summary: String,
    entries: &'a [Entry],
}

/// E.g. `2 of 3 ready; worker exited (3)`: what is ready, and what not.
fn summary(report: &Report) -> String {
    let total = report.entries.len();
    let first = match report.ready_count() {
        ready if ready == total => format!("all {total} ready"),
        ready => format!("{ready} of {total} ready"),
    };
    let others = report
        .entries
        .iter()
        .filter_map(|entry| match &entry.ready {
            Judgement::Ready(_) => None,
            Judgement::NotReady(_) => Some(format!("{} not ready", entry.name)),
            Judgement::NotRunning => Some(format!("{} {}", entry.name, entry.state)),
        });
    std::iter::once(first)
        .chain(others)
        .collect::<Vec<_>>()
        .join("; ")
}

fn row(entry: &Entry) -> Vec<String> {
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
    use super::*;

    fn entry(name: &str, state: &str, ready: Judgement) -> Entry {
        Entry {
            name: name.into(),
            kind: "service",
            needs: Vec::new(),
            state: state.into(),
            check: "running".into(),
            ready,
            health: None,
            restarts: 0,
            ports: Vec::new(),
            uptime_seconds: None,
        }
    }

    #[test]
    fn the_summary_names_what_is_not_ready() {
        let mut report = Report {
            project: "shop".into(),
            entries: vec![
                entry("db", "running", Judgement::Ready("running".into())),
                entry("web", "running", Judgement::Ready("running".into())),
            ],
        };
        assert_eq!(summary(&report), "all 2 ready");
        report
            .entries
            .push(entry("worker", "exited (3)", Judgement::NotRunning));
        let starting = Judgement::NotReady("running for 0.2 s".into());
        report.entries.push(entry("mailer", "running", starting));
        assert_eq!(
            summary(&report),
            "2 of 4 ready; worker exited (3); mailer not ready"
        );
    }

    #[test]
    fn uptimes_are_short() {
        assert_eq!(uptime(5), "5s");
        assert_eq!(uptime(125), "2m05s");
        assert_eq!(uptime(3 * 3600 + 300), "3h05m");
        assert_eq!(uptime(2 * 86_400 + 4 * 3600), "2d04h");
    }
}
