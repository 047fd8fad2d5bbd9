//! `exo deploy status ENV`: what runs of a deployed stack, and where.

use super::DeployError;
use crate::adapters::docker::swarm::{NodeState, Swarm, TaskPhase};

#[derive(Debug, Clone, PartialEq)]
pub struct StackStatus {
    pub services: Vec<ServiceStatus>,
    pub nodes: Vec<NodeState>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStatus {
    /// The name in the stack file.
    pub name: String,
    pub image: String,
    pub ready: u64,
    pub desired: u64,
    /// `converged`, `starting` or `failing`.
    pub health: &'static str,
    /// The nodes its running tasks are on.
    pub nodes: Vec<String>,
    pub last_error: Option<String>,
}

pub async fn status<S: Swarm>(swarm: &S, stack: &str) -> Result<StackStatus, DeployError> {
    swarm.manager().await?;
    let nodes = swarm.nodes().await?;
    let hostname = |id: &str| {
        nodes
            .iter()
            .find(|n| n.id == id)
            .map_or_else(|| id.to_owned(), |n| n.hostname.clone())
    };
    let prefix = format!("{stack}_");
    let mut services = Vec::new();
    for service in swarm.services(stack).await? {
        let tasks = swarm.tasks(&service.id).await?;
        let live: Vec<_> = tasks
            .iter()
            .filter(|t| t.desired_state == TaskPhase::Running)
            .collect();
        let ready = live
            .iter()
            .filter(|t| t.state == TaskPhase::Running)
            .count() as u64;
        let mut on: Vec<String> = live
            .iter()
            .filter(|t| t.state == TaskPhase::Running)
            .filter_map(|t| t.node_id.as_deref().map(hostname))
            .collect();
        on.sort();
        on.dedup();
        let last_error = tasks
            .iter()
            .filter(|t| t.failed() && t.error.is_some())
            .max_by(|a, b| a.timestamp.cmp(&b.timestamp))
            .and_then(|t| t.error.clone());
        let health = if ready >= service.replicas {
            "converged"
        } else if live.iter().any(|t| !t.failed()) {
            "starting"
        } else {
            "failing"
        };
        services.push(ServiceStatus {
            name: service
                .name
                .strip_prefix(&prefix)
                .unwrap_or(&service.name)
                .to_owned(),
            image: service
                .image
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned(),
            ready,
            desired: service.replicas,
            health,
            nodes: on,
            last_error,
        });
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(StackStatus { services, nodes })
}
