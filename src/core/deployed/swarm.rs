//! What Swarm needs beyond the other targets, shared by the stack file and
//! `exo deploy`: its checks run inside the containers (exo's host-side
//! probes cannot reach a task on an overlay network), a dependency with
//! data stays on one node, and its rollout settings.

use super::{Container, Deployment, Kind, ReadyCheck};
use crate::core::model::CommandLine;
use std::time::Duration;

/// How long Swarm waits before it restarts a failed task.
pub const RESTART_DELAY: Duration = Duration::from_secs(2);

/// How long a new task must run before an update counts as done.
pub const MONITOR: Duration = Duration::from_secs(5);

/// The stack's name on the cluster: `<project>-<env>`, e.g. `shop-staging`.
pub fn stack_name(deployment: &Deployment) -> String {
    stack_name_of(&deployment.project, deployment.environment_name())
}

/// The same, from the project's name and the environment's.
pub fn stack_name_of(project: &str, environment: &str) -> String {
    format!("{project}-{environment}")
}

/// A readiness check as a command inside the container, with the tools
/// small images have (`wget` or `curl`, `nc`). `None` where nothing can be
/// checked from inside (a log line, or a container judged by running).
pub fn in_container_check(check: &ReadyCheck) -> Option<CommandLine> {
    match check {
        ReadyCheck::Command(command) => Some(command.clone()),
        ReadyCheck::Http { path, port } => Some(CommandLine::Shell(http(path, *port))),
        ReadyCheck::Tcp { port } => Some(CommandLine::Shell(tcp(*port))),
        ReadyCheck::Log { .. } | ReadyCheck::Running => None,
    }
}

/// A service judged by a log line, which Swarm has no check for: `exo
/// deploy` reads the task's output for it.
pub fn ready_log(container: &Container) -> Option<&str> {
    match &container.readiness.check {
        ReadyCheck::Log { text } if container.kind != Kind::Dependency => Some(text),
        _ => None,
    }
}

/// A local volume lives on one node: a dependency with data always runs
/// on the node that carries this label.
pub fn node_label(stack: &str, container: &Container) -> Option<String> {
    (container.kind == Kind::Dependency && !container.persist.is_empty())
        .then(|| format!("exo.{stack}.{}", container.id))
}

/// Its placement constraints: the node label, then `placement`.
pub fn constraints(stack: &str, container: &Container) -> Vec<String> {
    node_label(stack, container)
        .map(|label| format!("node.labels.{label} == true"))
        .into_iter()
        .chain(container.placement.iter().cloned())
        .collect()
}

/// A task that holds a host port must stop before its successor can take
/// the port on the same node; others start first.
pub fn start_first(container: &Container) -> bool {
    !(container.host_port.is_some() && container.port.is_some())
}

fn http(path: &str, port: u16) -> String {
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let url = format!("http://127.0.0.1:{port}{path}").replace('\'', "'\\''");
    format!("wget -q -O /dev/null '{url}' || curl -fsS -o /dev/null '{url}'")
}

/// `nc -z` where it exists; busybox's `nc` has no `-z` but connects and
/// returns at once when its input is empty.
fn tcp(port: u16) -> String {
    format!("nc -z 127.0.0.1 {port} 2>/dev/null || nc -w 2 127.0.0.1 {port} </dev/null >/dev/null")
}
