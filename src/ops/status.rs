//! `exo status`: every container of the running project, with readiness
//! judged as exo judges it (the same checks `exo run` waits for), which
//! `docker compose ps` cannot show for HTTP, TCP or log-line readiness.

use crate::adapters::docker::{ContainerState, DockerError, Engine, Inspection};
use crate::adapters::probe::{self, Attempt};
use crate::core::lifecycle::MIN_READY;
use crate::core::plan::{Node, NodeKind, Plan, Readiness};
use serde::Serialize;
use std::net::SocketAddr;
use std::time::SystemTime;

/// The project's state, one entry per container of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub project: String,
    pub entries: Vec<Entry>,
}

impl Report {
    /// Every container runs and is ready.
    pub fn all_ready(&self) -> bool {
        self.ready_count() == self.entries.len()
    }

    /// How many containers run and are ready.
    pub fn ready_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|entry| matches!(entry.ready, Judgement::Ready(_)))
            .count()
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
    engine: &dyn Engine,
    project: &str,
    plan: &Plan,
    now: SystemTime,
) -> Result<Report, DockerError> {
    let listed = engine.containers(project).await?;
    let mut entries = Vec::new();
    for (name, node) in &plan.nodes {
        let found = match listed.iter().find(|c| &c.service == name) {
            Some(info) => Some((info.id.as_str(), engine.inspect(&info.id).await?)),
            None => None,
        };
        let ready = match &found {
            Some((id, inspection)) if inspection.state.running() => {
                judge(engine, node, id, inspection, now).await?
            }
            _ => Judgement::NotRunning,
        };
        let inspection = found.as_ref().map(|(_, inspection)| inspection);
        entries.push(entry(name, node, inspection, ready, now));
    }
    Ok(Report {
        project: project.to_owned(),
        entries,
    })
}

fn entry(
    name: &str,
    node: &Node,
    inspection: Option<&Inspection>,
    ready: Judgement,
    now: SystemTime,
) -> Entry {
    let state = match inspection.map(|i| i.state) {
        None => "not created".to_owned(),
        Some(ContainerState::Exited { code }) => format!("exited ({code})"),
        Some(state) => state.name().to_owned(),
    };
    let running = inspection.filter(|i| i.state.running());
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
        health: inspection
            .and_then(|i| i.health)
            .map(|health| health.name().to_owned()),
        restarts: inspection.map_or(0, |i| i.restarts),
        ports: inspection
            .map(|i| i.ports.iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        uptime_seconds: running.and_then(|i| i.started_at).map(|started| {
            let up = now.duration_since(started).unwrap_or_default();
            i64::try_from(up.as_secs()).unwrap_or(i64::MAX)
        }),
    }
}

async fn judge(
    engine: &dyn Engine,
    node: &Node,
    id: &str,
    inspection: &Inspection,
    now: SystemTime,
) -> Result<Judgement, DockerError> {
    let at = |port: u16| inspection.address.map(|ip| SocketAddr::new(ip, port));
    let attempt = match &node.readiness {
        Readiness::Running => ran_long_enough(inspection, now),
        Readiness::Healthy => healthcheck(engine, node, id, inspection).await,
        Readiness::Tcp { port } => match at(*port) {
            Some(address) => probe::tcp(address, node.timeout).await,
            None => Err("the container has no network address".to_owned()),
        },
        Readiness::Http { path, port } => match at(*port) {
            Some(address) => probe::http(address, path, node.timeout).await,
            None => Err("the container has no network address".to_owned()),
        },
        Readiness::Log { text } => {
            if engine.printed(id, inspection.started_at, text).await? {
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

/// A container without a check is ready once it has run [`MIN_READY`]
/// since its last start, as `exo run` judges it.
fn ran_long_enough(inspection: &Inspection, now: SystemTime) -> Attempt {
    let uptime = inspection
        .started_at
        .map(|started| now.duration_since(started).unwrap_or_default());
    match uptime {
        Some(uptime) if uptime < MIN_READY => Err(format!(
            "running for {:.1} s; ready once it has run {} s",
            uptime.as_secs_f64(),
            MIN_READY.as_secs()
        )),
        _ => Ok("running".to_owned()),
    }
}

/// The container's healthcheck command, run in it once now (the engine's
/// last status may be an interval old): ready when it exits 0.
async fn healthcheck(
    engine: &dyn Engine,
    node: &Node,
    id: &str,
    inspection: &Inspection,
) -> Attempt {
    let Some(command) = &inspection.health_command else {
        return Err("the container has no healthcheck".to_owned());
    };
    let ran = match tokio::time::timeout(node.timeout, engine.exec(id, command)).await {
        Ok(Ok(ran)) => ran,
        Ok(Err(err)) => return Err(err.to_string()),
        Err(_) => {
            let waited = node.timeout.as_millis();
            return Err(format!("healthcheck: no answer within {waited} ms"));
        }
    };
    let last = ran
        .output
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty());
    let seen = match last {
        Some(line) => format!("healthcheck exited with {}: {line}", ran.exit_code),
        None => format!("healthcheck exited with {}", ran.exit_code),
    };
    if ran.exit_code == 0 {
        Ok(seen)
    } else {
        Err(seen)
    }
}

#[cfg(test)]
mod tests;
