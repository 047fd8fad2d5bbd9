//! `docker compose down --remove-orphans --timeout 0 [--volumes]` through
//! the Engine API, without a `docker compose` process: with no graceful
//! stop there is no order to keep, so every container of the project goes
//! at once, then its networks, then (if asked) its volumes. What the
//! project made carries its label; what it did not (an external network or
//! volume) does not, and stays.

use super::DockerError;
use super::api::{every_container, failed, project_filter, short};
use bollard::query_parameters::{
    ListNetworksOptions, ListVolumesOptions, RemoveContainerOptions, RemoveVolumeOptions,
    WaitContainerOptions,
};
use futures_util::StreamExt;
use futures_util::future::try_join_all;

/// Removes the project's containers (one-off ones too), networks and, with
/// `volumes`, its volumes and the containers' anonymous ones.
pub async fn remove_at_once(
    api: &bollard::Docker,
    project: &str,
    volumes: bool,
) -> Result<(), DockerError> {
    let containers = every_container(api, project).await?;
    let ids = containers.into_iter().filter_map(|c| c.id);
    try_join_all(ids.map(|id| container(api, id, volumes))).await?;
    let options = ListNetworksOptions {
        filters: Some(project_filter(project)),
    };
    let networks = api
        .list_networks(Some(options))
        .await
        .map_err(failed(format!("list the networks of {project}")))?;
    let names = networks.into_iter().filter_map(|n| n.name);
    try_join_all(names.map(|name| network(api, name))).await?;
    if !volumes {
        return Ok(());
    }
    let options = ListVolumesOptions {
        filters: Some(project_filter(project)),
    };
    let listed = api
        .list_volumes(Some(options))
        .await
        .map_err(failed(format!("list the volumes of {project}")))?;
    let names = listed.volumes.into_iter().flatten().map(|v| v.name);
    try_join_all(names.map(|name| volume(api, name))).await?;
    Ok(())
}

/// Whether the engine said the thing is already gone (removed meanwhile,
/// by another `down` or Compose's own `--rm`).
fn gone(err: &bollard::errors::Error) -> bool {
    matches!(
        err,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// Whether the engine is removing the thing already (an interrupted test's
/// container, whose removal its run started).
fn being_removed(err: &bollard::errors::Error) -> bool {
    matches!(
        err,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 409,
            message,
        } if message.contains("already in progress")
    )
}

async fn container(api: &bollard::Docker, id: String, volumes: bool) -> Result<(), DockerError> {
    let options = RemoveContainerOptions {
        force: true,
        v: volumes,
        link: false,
    };
    match api.remove_container(&id, Some(options)).await {
        Err(err) if being_removed(&err) => {
            // Its network goes next, which the container must have left.
            let removed = WaitContainerOptions {
                condition: "removed".to_owned(),
            };
            let _ = api.wait_container(&id, Some(removed)).next().await;
            Ok(())
        }
        Err(err) if !gone(&err) => Err(failed(format!("remove container {}", short(&id)))(err)),
        _ => Ok(()),
    }
}

async fn network(api: &bollard::Docker, name: String) -> Result<(), DockerError> {
    match api.remove_network(&name).await {
        Err(err) if !gone(&err) => Err(failed(format!("remove network {name}"))(err)),
        _ => Ok(()),
    }
}

async fn volume(api: &bollard::Docker, name: String) -> Result<(), DockerError> {
    let options = RemoveVolumeOptions { force: false };
    match api.remove_volume(&name, Some(options)).await {
        Err(err) if !gone(&err) => Err(failed(format!("remove volume {name}"))(err)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status_code: u16, message: &str) -> bollard::errors::Error {
        bollard::errors::Error::DockerResponseServerError {
            status_code,
            message: message.to_owned(),
        }
    }

    #[test]
    fn a_removal_under_way_or_done_is_not_a_failure() {
        assert!(gone(&answer(404, "No such container: 3049e1b21a04")));
        let in_progress = "removal of container 3049e1b21a04 is already in progress";
        assert!(being_removed(&answer(409, in_progress)));
        assert!(!being_removed(&answer(409, "network has active endpoints")));
        assert!(!gone(&answer(500, "driver failed")));
    }
}
