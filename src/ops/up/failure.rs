//! Why the application did not become ready: for each container at fault,
//! what went wrong, its readiness check's last result, and its last lines.

use super::Outcome;
use super::session::View;
use super::supervisor::State;
use crate::adapters::docker::Engine;
use crate::core::compose::Mode;
use crate::core::lifecycle::{Explanation, Failure, LastCheck, Problem};
use crate::core::plan::{Plan, Readiness};
use crate::ops::report::Reporter;
use indexmap::IndexMap;

/// Log lines shown per container.
const SHOWN_LINES: usize = 20;

pub async fn explain(
    engine: &dyn Engine,
    views: &IndexMap<String, View>,
    plan: &Plan,
    mode: Mode,
    printer: &mut dyn Reporter,
    outcome: &Outcome,
) {
    for (name, node) in &plan.nodes {
        // No view yet: its image was still building.
        let Some(view) = views.get(name) else {
            continue;
        };
        let problem = match (&view.failure, view.state, outcome) {
            (Some(failure), _, _) => Problem::Failed(failure.clone()),
            (None, State::Starting { since }, Outcome::TimedOut) => {
                Problem::NotReadyAfter(since.elapsed())
            }
            // Ready once, unhealthy when the wait ran out.
            (None, State::Unhealthy, Outcome::TimedOut) => Problem::Failed(Failure::Unhealthy),
            (None, State::Waiting, Outcome::TimedOut) => {
                printer.never_started(name, &node.needs);
                continue;
            }
            _ => continue,
        };
        let last_seen = || view.last_check.clone().map(LastCheck::Seen);
        let last_check = match node.readiness {
            Readiness::Healthy => engine
                .inspect(&view.id)
                .await
                .ok()
                .and_then(|i| i.last_health_check)
                .map(|(code, said)| LastCheck::Healthcheck { code, said })
                .or_else(last_seen),
            _ if matches!(view.state, State::Stopped { .. }) => None,
            _ => last_seen(),
        };
        // From the engine: a container that failed at once may not have
        // reached the log stream yet.
        let lines = match engine.tail(&view.id, view.since, SHOWN_LINES).await {
            Ok(lines) if !lines.is_empty() => lines,
            _ => view.lines.iter().cloned().collect(),
        };
        printer.explain(&Explanation {
            name: name.clone(),
            problem,
            readiness: node.readiness.describe(),
            last_check,
            lines,
            host_port: node.host_port_in(name, mode),
        });
    }
}
