//! `exo deploy rm ENV`: the stack's services and network, and with
//! `--volumes` its volumes on the manager.

use super::DeployError;
use crate::adapters::docker::swarm::Swarm;
use std::time::Duration;
use tokio::time::Instant;

/// How long a network or volume may stay in use while the tasks stop.
const RELEASE_TIMEOUT: Duration = Duration::from_secs(60);
const RETRY: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Removal {
    /// The services removed, by their name in the stack file.
    pub services: Vec<String>,
    pub network_removed: bool,
    /// Volumes that stayed in use (or live on other nodes).
    pub volumes_left: Vec<String>,
}

pub async fn remove<S: Swarm>(
    swarm: &S,
    stack: &str,
    volumes: bool,
) -> Result<Removal, DeployError> {
    swarm.manager().await?;
    let prefix = format!("{stack}_");
    let mut removal = Removal::default();
    for service in swarm.services(stack).await? {
        swarm.remove_service(&service.id).await?;
        removal.services.push(
            service
                .name
                .strip_prefix(&prefix)
                .unwrap_or(&service.name)
                .to_owned(),
        );
    }
    removal.services.sort();
    let deadline = Instant::now() + RELEASE_TIMEOUT;
    // The network (and the volumes) are released once the tasks have stopped.
    loop {
        removal.network_removed = swarm.remove_networks(stack).await?;
        if removal.network_removed || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(RETRY).await;
    }
    if volumes {
        loop {
            removal.volumes_left = swarm.remove_volumes(stack).await?;
            if removal.volumes_left.is_empty() || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(RETRY).await;
        }
    }
    Ok(removal)
}
