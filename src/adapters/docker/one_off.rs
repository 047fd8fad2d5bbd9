//! A test's container through the Engine API, as `docker compose run --rm
//! --no-deps -T` makes and runs it, without a `docker compose` process (and
//! its 0.7 s) per test: create, attach, start, wait, remove.

use super::api::{failed, lines_of, short};
use super::engine::RunOutput;
use crate::core::compose::OneOff;
use bollard::models::{ContainerCreateBody, EndpointSettings, HostConfig, NetworkingConfig};
use bollard::query_parameters::{
    AttachContainerOptions, CreateContainerOptions, RemoveContainerOptions, WaitContainerOptions,
};
use futures_util::stream::{self, BoxStream, StreamExt};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// Its lines, stdout and stderr as they come, then its exit code; the
/// container is removed in the background once it has ended, or when the
/// stream is dropped.
pub fn run(api: &bollard::Docker, container: &OneOff) -> BoxStream<'static, RunOutput> {
    let (api, container) = (api.clone(), container.clone());
    stream::once(async move {
        match started(&api, &container).await {
            Ok((removal, frames)) => {
                let code = stream::once(removal.exit_code());
                lines_of(frames).map(RunOutput::Line).chain(code).boxed()
            }
            Err(err) => {
                let said = [RunOutput::Line(err.to_string()), RunOutput::Exited(-1)];
                stream::iter(said).boxed()
            }
        }
    })
    .flatten()
    .boxed()
}

type Frames = BoxStream<'static, Result<bollard::container::LogOutput, bollard::errors::Error>>;

/// Creates the container, attaches to its output and starts it; the
/// container goes again if what follows its creation fails.
async fn started(
    api: &bollard::Docker,
    container: &OneOff,
) -> Result<(Removal, Frames), super::DockerError> {
    let name = format!("{}-{}", container.name, suffix());
    let options = CreateContainerOptions {
        name: Some(name.clone()),
        ..CreateContainerOptions::default()
    };
    let id = api
        .create_container(Some(options), body(container))
        .await
        .map_err(failed(format!("create container {name}")))?
        .id;
    let removal = Removal {
        api: api.clone(),
        id: id.clone(),
    };
    let attach = AttachContainerOptions {
        stream: true,
        stdout: true,
        stderr: true,
        ..AttachContainerOptions::default()
    };
    let attached = api
        .attach_container(&id, Some(attach))
        .await
        .map_err(failed(format!("attach to container {}", short(&id))))?;
    super::api::start(api, &id).await?;
    Ok((removal, attached.output))
}

/// What Compose gives a one-off container of the service.
fn body(container: &OneOff) -> ContainerCreateBody {
    let endpoint = EndpointSettings::default();
    ContainerCreateBody {
        image: Some(container.image.clone()),
        cmd: container.command.clone(),
        env: Some(super::api::environment(&container.environment)),
        labels: Some(container.labels.clone().into_iter().collect()),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        host_config: Some(HostConfig {
            init: Some(container.init),
            binds: Some(container.volumes.clone()),
            network_mode: Some(container.network.clone()),
            ..HostConfig::default()
        }),
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(HashMap::from([(container.network.clone(), endpoint)])),
        }),
        ..ContainerCreateBody::default()
    }
}

/// Twelve hex digits that make the container's name its own, as Compose's
/// `run` names its containers.
fn suffix() -> String {
    let hash = RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// The created container, removed (with its anonymous volumes) when this
/// goes.
struct Removal {
    api: bollard::Docker,
    id: String,
}

const REMOVE: RemoveContainerOptions = RemoveContainerOptions {
    v: true,
    force: true,
    link: false,
};

impl Removal {
    /// Waits for the container's end (its output has ended) and gives its
    /// exit code; the container goes meanwhile (see `drop`), so that its
    /// removal does not delay what waits for the code.
    async fn exit_code(self) -> RunOutput {
        let wait = WaitContainerOptions {
            condition: "not-running".to_owned(),
        };
        let ended = self.api.wait_container(&self.id, Some(wait)).next().await;
        let code = match ended {
            Some(Ok(response)) => response.status_code,
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
            Some(Err(_)) | None => -1,
        };
        RunOutput::Exited(code)
    }
}

impl Drop for Removal {
    /// The container goes without waiting for it: once it has ended, or when
    /// its run is stopped early (Ctrl-C, `--fail-fast`). `exo test` removes
    /// whatever of the project is left after the tests, and waits for a
    /// removal under way.
    fn drop(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (api, id) = (self.api.clone(), std::mem::take(&mut self.id));
        runtime.spawn(async move {
            let _ = api.remove_container(&id, Some(REMOVE)).await;
        });
    }
}
