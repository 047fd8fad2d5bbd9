//! `exo status`: every container of the running project, with readiness
//! judged as exo judges it (the same checks `exo run` waits for), which
//! `docker compose ps` cannot show for HTTP, TCP or log-line readiness.

use crate::docker::containers::{ContainerFacts, EngineError, ProjectContainers, unix_seconds};
use crate::probe;
use crate::up::{Node, NodeKind, Plan, Readiness};
use serde::Serialize;
use std::net::SocketAddr;

/// The project's state, one entry per container of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub project: String,
    pub entries: Vec<Entry>,
}

impl Report {
    /// Every container runs and is ready.
    pub fn all_ready(&self) -> bool {
        self.entries
            .iter()
            .all(|entry| matches!(entry.ready, Judgement::Ready(_)))
    }

    /// No container of the project exists.
    pub fn is_down(&self) -> bool {
        self.entries
            .iter()
            .all(|entry| entry.state == "not created")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub name: String,
    /// `dependency` or `service`.
    pub kind: &'static str,
    /// What it waits for before it starts.
    pub needs: Vec<String>,
    /// `created`, `running`, `exited (1)`, or `not created`.
    pub state: String,
    /// How exo decides it is ready: `http :80/health`, `tcp :6379`, ...
    pub check: String,
    pub ready: Judgement,
    /// The engine's healthcheck status, when there is one.
    pub health: Option<String>,
    /// Restarts by the engine's restart policy.
    pub restarts: u32,
    pub ports: Vec<String>,
    /// Seconds since it started, while it runs.
    pub uptime_seconds: Option<i64>,
}

/// The check's result now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "kebab-case")]
pub enum Judgement {
    Ready(String),
    NotReady(String),
    NotRunning,
}

/// Asks the engine about `project`'s containers and runs each one's check once.
pub async fn status(
    engine: &impl ProjectContainers,
    project: &str,
    plan: &Plan,
    now: i64,
) -> Result<Report, EngineError> {
    let containers = engine.containers(project).await?;
    let mut entries = Vec::new();
    for (name, node) in &plan.nodes {
        let container = containers.iter().find(|c| &c.service == name);
        let ready = match container {
            Some(container) if container.state == "running" => {
                judge(engine, node, container).await?
            }
            _ => Judgement::NotRunning,
        };
        entries.push(entry(name, node, container, ready, now));
    }
    Ok(Report {
        project: project.to_owned(),
        entries,
    })
}

fn entry(
    name: &str,
    node: &Node,
    container: Option<&ContainerFacts>,
    ready: Judgement,
    now: i64,
) -> Entry {
    let state = match container {
        None => "not created".to_owned(),
        Some(c) if c.state == "exited" => format!("exited ({})", c.exit_code.unwrap_or(0)),
        Some(c) => c.state.clone(),
    };
    let running = container.filter(|c| c.state == "running");
    Entry {
        name: name.to_owned(),
        kind: match node.kind {
            NodeKind::Dependency => "dependency",
            NodeKind::Service => "service",
        },
        needs: node.needs.clone(),
        state,
        check: node.readiness.describe(),
        ready,
        health: container.and_then(|c| c.health.clone()),
        restarts: container.map_or(0, |c| c.restarts),
        ports: container.map(|c| c.ports.clone()).unwrap_or_default(),
        uptime_seconds: running
            .and_then(|c| c.started_at.as_deref())
            .and_then(unix_seconds)
            .map(|started| (now - started).max(0)),
    }
}

async fn judge(
    engine: &impl ProjectContainers,
    node: &Node,
    container: &ContainerFacts,
) -> Result<Judgement, EngineError> {
    let at = |port: u16| {
        container
            .addresses
            .first()
            .map(|ip| SocketAddr::new(*ip, port))
    };
    let attempt = match &node.readiness {
        Readiness::Running => Ok("running".to_owned()),
        Readiness::Healthy => match container.health.as_deref() {
            Some("healthy") => Ok(with_output("healthy", container)),
            Some(other) => Err(with_output(other, container)),
            None => Err("the container has no healthcheck".to_owned()),
        },
        Readiness::Tcp { port } => match at(*port) {
            Some(address) => probe::tcp(address, node.timeout).await,
            None => Err("the container has no network address".to_owned()),
        },
        Readiness::Http { path, port } => match at(*port) {
            Some(address) => probe::http(address, path, node.timeout).await,
            None => Err("the container has no network address".to_owned()),
        },
        Readiness::Log { text } => {
            let since = container.started_at.as_deref();
            if engine.printed(&container.id, since, text).await? {
                Ok(format!("printed \"{text}\""))
            } else {
                Err(format!("has not printed \"{text}\" since it started"))
            }
        }
    };
    Ok(match attempt {
        Ok(seen) => Judgement::Ready(seen),
        Err(why) => Judgement::NotReady(why),
    })
}

fn with_output(status: &str, container: &ContainerFacts) -> String {
    match &container.health_output {
        Some(output) => format!("{status}: {}", output.lines().next().unwrap_or_default()),
        None => status.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::Mode;
    use std::sync::Mutex;

    struct FakeEngine {
        containers: Vec<ContainerFacts>,
        logs: Vec<(String, String)>,
        asked: Mutex<Vec<String>>,
    }

    impl ProjectContainers for FakeEngine {
        async fn containers(&self, project: &str) -> Result<Vec<ContainerFacts>, EngineError> {
            self.asked.lock().unwrap().push(project.to_owned());
            Ok(self.containers.clone())
        }
        async fn printed(
            &self,
            id: &str,
            _: Option<&str>,
            text: &str,
        ) -> Result<bool, EngineError> {
            Ok(self
                .logs
                .iter()
                .any(|(c, line)| c == id && line.contains(text)))
        }
    }

    fn container(service: &str, state: &str) -> ContainerFacts {
        ContainerFacts {
            id: format!("{service}-id"),
            service: service.to_owned(),
            state: state.to_owned(),
            exit_code: Some(3),
            health: None,
            health_output: None,
            restarts: 0,
            started_at: Some("2026-12-03T10:00:00Z".to_owned()),
            ports: vec![],
            addresses: vec!["127.0.0.1".parse().unwrap()],
        }
    }

    fn plan() -> Plan {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/probes");
        let app = crate::config::load(&dir).expect("tests/apps/probes loads");
        Plan::new(&app, Mode::Development, &[]).unwrap()
    }

    #[tokio::test]
    async fn each_kind_of_check_is_judged_and_missing_containers_are_named() {
        let plan = plan();
        let mut containers = Vec::new();
        for (name, node) in &plan.nodes {
            let mut c = container(name, "running");
            match &node.readiness {
                Readiness::Healthy => {
                    c.health = Some("unhealthy".into());
                    c.health_output = Some("pg_isready: no response\n".into());
                }
                Readiness::Tcp { .. } | Readiness::Http { .. } => c.addresses.clear(),
                _ => {}
            }
            containers.push(c);
        }
        let first = containers.remove(0);
        let engine = FakeEngine {
            containers,
            logs: plan
                .nodes
                .iter()
                .filter_map(|(name, node)| match &node.readiness {
                    Readiness::Log { text } => Some((format!("{name}-id"), format!("x {text} y"))),
                    _ => None,
                })
                .collect(),
            asked: Mutex::default(),
        };
        let report = status(&engine, "probes", &plan, 1_796_292_060)
            .await
            .unwrap();
        assert_eq!(*engine.asked.lock().unwrap(), ["probes"]);
        assert_eq!(report.entries[0].name, first.service);
        assert_eq!(report.entries[0].state, "not created");
        assert_eq!(report.entries[0].ready, Judgement::NotRunning);
        assert!(!report.all_ready() && !report.is_down());
        for entry in &report.entries[1..] {
            let node = &plan.nodes[&entry.name];
            let expected = match &node.readiness {
                Readiness::Running => Judgement::Ready("running".into()),
                Readiness::Healthy => {
                    Judgement::NotReady("unhealthy: pg_isready: no response".into())
                }
                Readiness::Tcp { .. } | Readiness::Http { .. } => {
                    Judgement::NotReady("the container has no network address".into())
                }
                Readiness::Log { text } => Judgement::Ready(format!("printed \"{text}\"")),
            };
            assert_eq!(entry.ready, expected, "{}", entry.name);
            assert_eq!(entry.uptime_seconds, Some(1_796_292_060 - 1_796_292_000));
        }
    }

    #[tokio::test]
    async fn exited_containers_show_their_code_and_a_tcp_check_is_made() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut plan = plan();
        plan.nodes.truncate(2);
        let names: Vec<String> = plan.nodes.keys().cloned().collect();
        plan.nodes[0].readiness = Readiness::Tcp { port };
        let engine = FakeEngine {
            containers: vec![
                container(&names[0], "running"),
                container(&names[1], "exited"),
            ],
            logs: vec![],
            asked: Mutex::default(),
        };
        let report = status(&engine, "p", &plan, 0).await.unwrap();
        assert!(
            matches!(&report.entries[0].ready, Judgement::Ready(seen) if seen.contains("accepts connections"))
        );
        assert_eq!(report.entries[1].state, "exited (3)");
        assert_eq!(report.entries[1].uptime_seconds, None);
    }
}
