//! Why the application did not become ready: for each container at fault,
//! what went wrong, its readiness check's last result, and its last lines.

use super::Outcome;
use super::session::View;
use super::supervisor::State;
use crate::adapters::docker::Engine;
use crate::core::compose::Mode;
use crate::core::lifecycle::{Explanation, Failure, HostPortIn, LastCheck, Problem};
use crate::core::plan::{Node, NodeKind, Plan, Readiness};
use crate::interface::output::Printer;
use indexmap::IndexMap;

/// Log lines shown per container.
const SHOWN_LINES: usize = 20;

pub async fn explain(
    engine: &dyn Engine,
    views: &IndexMap<String, View>,
    plan: &Plan,
    mode: Mode,
    printer: &mut Printer,
    outcome: &Outcome,
) {
    for (name, node) in &plan.nodes {
        let view = &views[name];
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
            host_port: host_port_in(name, node, mode),
        });
    }
}

/// Where the `host-port` of `name` is set in `mode`.
pub fn host_port_in(name: &str, node: &Node, mode: Mode) -> HostPortIn {
    match node.kind {
        NodeKind::Dependency => HostPortIn::ApplicationYml,
        NodeKind::Service => HostPortIn::ServiceYml {
            role: name.to_owned(),
            section: match mode {
                Mode::Production => "production",
                Mode::Development | Mode::Test => "development",
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::plan::Readiness;
    use std::time::Duration;

    #[test]
    fn a_host_port_is_set_where_the_kind_of_container_says() {
        let mut node = Node {
            kind: NodeKind::Dependency,
            needs: Vec::new(),
            readiness: Readiness::Running,
            timeout: Duration::from_secs(1),
            poll: Duration::from_millis(50),
            interval: Duration::from_secs(10),
            retries: 3,
            restart: None,
            watch: None,
        };
        let dependency = host_port_in("db", &node, Mode::Production);
        assert_eq!(dependency, HostPortIn::ApplicationYml);
        node.kind = NodeKind::Service;
        let service = |mode| host_port_in("web", &node, mode);
        let at = |section| HostPortIn::ServiceYml {
            role: "web".into(),
            section,
        };
        assert_eq!(service(Mode::Development), at("development"));
        assert_eq!(service(Mode::Production), at("production"));
    }
}
