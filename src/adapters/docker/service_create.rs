//! The project's containers made through the Engine API as `docker compose
//! up --no-start` makes them (the network, the named volumes, a container
//! per service with Compose's labels), without a `docker compose` process
//! and its half a second. A container whose service did not change and
//! whose image is the same is kept, as Compose keeps it. Whatever this
//! cannot do exactly as Compose would (an image to pull, a container with
//! anonymous volumes to carry over) is left to Compose before any
//! container is touched (the network and volumes, made as Compose makes
//! them, stay for it).

use super::DockerError;
use super::api::{environment, failed, image_id, summaries};
use super::engine::Create;
use crate::core::compose::{CONFIG_HASH_LABEL, SERVICE_LABEL, ServiceContainer, ServiceContainers};
use bollard::models::{
    ContainerCreateBody, ContainerSummary, EndpointSettings, HealthConfig, HostConfig,
    NetworkCreateRequest, NetworkingConfig, PortBinding, RestartPolicy, RestartPolicyNameEnum,
    VolumeCreateRequest,
};
use bollard::query_parameters::{CreateContainerOptions, RemoveContainerOptions};
use futures_util::future::try_join_all;
use std::collections::HashMap;

/// The label Compose keeps the image's ID in.
const IMAGE_LABEL: &str = "com.docker.compose.image";

/// Makes the containers of `wanted` as `how` says; `false` (with no
/// container touched) when Compose must make them.
pub async fn create(
    api: &bollard::Docker,
    project: &str,
    made: &ServiceContainers,
    wanted: &[&ServiceContainer],
    how: Create,
) -> Result<bool, DockerError> {
    // The network takes the longest to make (0.1 to 0.3 s): meanwhile,
    // what is there is asked for.
    let (images, existing, shared) = tokio::join!(
        image_ids(api, wanted),
        summaries(api, project),
        prepare(api, made)
    );
    let (existing, ()) = (existing?, shared?);
    // An image missing: Compose pulls it, or says why it cannot.
    let Some(images) = images? else {
        return Ok(false);
    };
    let mut remove = Vec::new();
    let mut make = Vec::new();
    for container in wanted {
        let image = &images[&container.service];
        let found = existing
            .iter()
            .find(|c| label(c, SERVICE_LABEL) == Some(container.service.as_str()));
        match found {
            Some(old) if how == Create::Missing && up_to_date(old, container, image) => {}
            Some(old) if anonymous_volumes(old) => return Ok(false),
            Some(old) => {
                remove.push(old.id.clone().unwrap_or_default());
                make.push(*container);
            }
            None => make.push(*container),
        }
    }
    if how == Create::Missing {
        let orphans = existing.iter().filter(|c| {
            label(c, SERVICE_LABEL).is_none_or(|service| !made.services.contains_key(service))
        });
        remove.extend(orphans.filter_map(|c| c.id.clone()));
    }
    try_join_all(remove.iter().map(|id| removed(api, id))).await?;
    try_join_all(make.iter().map(|c| created(api, c, &images[&c.service]))).await?;
    Ok(true)
}

/// The network and named volumes of the containers exo makes, if it makes
/// any.
pub async fn prepare(api: &bollard::Docker, made: &ServiceContainers) -> Result<(), DockerError> {
    if made.services.values().all(Option::is_none) {
        return Ok(());
    }
    network(api, made).await?;
    volumes(api, made).await
}

/// Each service's image ID; `None` when one is missing.
async fn image_ids(
    api: &bollard::Docker,
    wanted: &[&ServiceContainer],
) -> Result<Option<HashMap<String, String>>, DockerError> {
    let ids = try_join_all(wanted.iter().map(|c| image_id(api, &c.image))).await?;
    Ok(wanted
        .iter()
        .zip(ids)
        .map(|(c, id)| Some((c.service.clone(), id?)))
        .collect())
}

fn label<'a>(container: &'a ContainerSummary, name: &str) -> Option<&'a str> {
    container.labels.as_ref()?.get(name).map(String::as_str)
}

/// Made from the same settings and the same image.
fn up_to_date(old: &ContainerSummary, container: &ServiceContainer, image: &str) -> bool {
    label(old, CONFIG_HASH_LABEL) == container.labels.get(CONFIG_HASH_LABEL).map(String::as_str)
        && old.image_id.as_deref() == Some(image)
}

/// Compose carries a replaced container's anonymous volumes over to the
/// new one; exo leaves that to it.
fn anonymous_volumes(old: &ContainerSummary) -> bool {
    old.mounts.iter().flatten().any(|mount| {
        mount.typ.as_deref() == Some("volume")
            && mount
                .name
                .as_deref()
                .is_some_and(|name| name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// The project's default network, made if missing.
async fn network(api: &bollard::Docker, made: &ServiceContainers) -> Result<(), DockerError> {
    let missing = match api.inspect_network(&made.network, None).await {
        Ok(_) => false,
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => true,
        Err(err) => return Err(failed(format!("inspect network {}", made.network))(err)),
    };
    if !missing {
        return Ok(());
    }
    let request = NetworkCreateRequest {
        name: made.network.clone(),
        driver: Some("bridge".to_owned()),
        labels: Some(made.network_labels.clone().into_iter().collect()),
        ..NetworkCreateRequest::default()
    };
    match api.create_network(request).await {
        // Made meanwhile by another start of the project.
        Ok(_)
        | Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 409, ..
        }) => Ok(()),
        Err(err) => Err(failed(format!("create network {}", made.network))(err)),
    }
}

/// The named volumes the file declares, made if missing (creating one that
/// exists changes nothing).
async fn volumes(api: &bollard::Docker, made: &ServiceContainers) -> Result<(), DockerError> {
    let create = made.volumes.iter().map(|(name, labels)| async move {
        let request = VolumeCreateRequest {
            name: Some(name.clone()),
            labels: Some(labels.clone().into_iter().collect()),
            ..VolumeCreateRequest::default()
        };
        api.create_volume(request)
            .await
            .map(drop)
            .map_err(failed(format!("create volume {name}")))
    });
    try_join_all(create).await.map(drop)
}

async fn removed(api: &bollard::Docker, id: &str) -> Result<(), DockerError> {
    let options = RemoveContainerOptions {
        force: true,
        ..RemoveContainerOptions::default()
    };
    match api.remove_container(id, Some(options)).await {
        Ok(())
        | Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(()),
        Err(err) => Err(failed(format!(
            "remove container {}",
            super::api::short(id)
        ))(err)),
    }
}

async fn created(
    api: &bollard::Docker,
    container: &ServiceContainer,
    image: &str,
) -> Result<(), DockerError> {
    let options = CreateContainerOptions {
        name: Some(container.name.clone()),
        ..CreateContainerOptions::default()
    };
    api.create_container(Some(options), body(container, image))
        .await
        .map(drop)
        .map_err(failed(format!("create container {}", container.name)))
}

/// What Compose asks of the engine for the service's container.
fn body(container: &ServiceContainer, image: &str) -> ContainerCreateBody {
    let mut labels: HashMap<String, String> = container.labels.clone().into_iter().collect();
    labels.insert(IMAGE_LABEL.to_owned(), image.to_owned());
    let nanos = |d: std::time::Duration| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
    let healthcheck = container.healthcheck.as_ref().map(|check| HealthConfig {
        test: Some(check.test.clone()),
        interval: Some(nanos(check.interval)),
        timeout: Some(nanos(check.timeout)),
        retries: Some(i64::from(check.retries)),
        start_period: Some(nanos(check.start_period)),
        start_interval: check.start_interval.map(nanos),
    });
    let mut bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
    for port in &container.ports {
        let binding = PortBinding {
            host_ip: Some(port.host_ip.clone()),
            host_port: Some(port.host_port.clone()),
        };
        bindings
            .entry(port.target.clone())
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(binding);
    }
    let exposed = bindings.keys().cloned();
    let endpoint = EndpointSettings {
        aliases: Some(container.aliases.clone()),
        ..EndpointSettings::default()
    };
    ContainerCreateBody {
        image: Some(container.image.clone()),
        cmd: container.command.clone(),
        env: Some(environment(&container.environment)),
        labels: Some(labels),
        healthcheck,
        exposed_ports: Some(exposed.collect()),
        host_config: Some(HostConfig {
            init: container.init,
            binds: Some(container.binds.clone()),
            network_mode: Some(container.network.clone()),
            port_bindings: Some(bindings),
            restart_policy: Some(RestartPolicy {
                name: Some(restart_policy(&container.restart)),
                maximum_retry_count: None,
            }),
            ..HostConfig::default()
        }),
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(HashMap::from([(container.network.clone(), endpoint)])),
        }),
        ..ContainerCreateBody::default()
    }
}

fn restart_policy(name: &str) -> RestartPolicyNameEnum {
    match name {
        "always" => RestartPolicyNameEnum::ALWAYS,
        "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
        "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
        _ => RestartPolicyNameEnum::NO,
    }
}
