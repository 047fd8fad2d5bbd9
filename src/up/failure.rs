//! Why the application did not become ready: for each container at fault,
//! what went wrong, its readiness check's last result, and its last lines.

use super::Outcome;
use super::plan::{Plan, Readiness};
use super::session::{View, join};
use super::supervisor::State;
use crate::docker::Engine;
use crate::output::{Printer, busy_port_hint};
use indexmap::IndexMap;

/// Log lines shown per container.
const SHOWN_LINES: usize = 20;

pub async fn explain(
    engine: &dyn Engine,
    views: &IndexMap<String, View>,
    plan: &Plan,
    printer: &mut Printer,
    outcome: &Outcome,
) {
    for (name, node) in &plan.nodes {
        let view = &views[name];
        let problem = match (&view.failure, view.state, outcome) {
            (Some(failure), _, _) => format!("`{name}` {failure}"),
            (None, State::Starting { since }, Outcome::TimedOut) => format!(
                "`{name}` was not ready after {:.1} s",
                since.elapsed().as_secs_f64()
            ),
            (None, State::Waiting, Outcome::TimedOut) => {
                printer.warn(&format!(
                    "`{name}` never started: it waits for {}",
                    join(&node.needs.iter().collect::<Vec<_>>())
                ));
                continue;
            }
            _ => continue,
        };
        printer.error(&problem);
        if let Some(hint) = view.failure.as_ref().and_then(busy_port_hint) {
            printer.detail(hint);
        }
        printer.detail(&format!("readiness: {}", node.readiness.describe()));
        let check = match node.readiness {
            Readiness::Healthy => engine
                .inspect(&view.id)
                .await
                .ok()
                .and_then(|i| i.last_health_check)
                .map(|(code, said)| match said.is_empty() {
                    true => format!("healthcheck exited with {code}"),
                    false => format!("healthcheck exited with {code}: {said}"),
                })
                .or_else(|| view.last_check.clone()),
            _ if matches!(view.state, State::Stopped { .. }) => None,
            _ => view.last_check.clone(),
        };
        if let Some(check) = check {
            printer.detail(&format!("last check: {check}"));
        }
        // From the engine: a container that failed at once may not have
        // reached the log stream yet.
        let lines = match engine.tail(&view.id, view.since, SHOWN_LINES).await {
            Ok(lines) if !lines.is_empty() => lines,
            _ => view.lines.iter().cloned().collect(),
        };
        if lines.is_empty() {
            printer.detail("no log lines");
        } else {
            printer.detail(&format!(
                "last {}:",
                crate::output::counted(lines.len(), "log line")
            ));
            for line in &lines {
                printer.detail(&format!("  {line}"));
            }
        }
    }
}
