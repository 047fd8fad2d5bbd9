//! [`Swarm`] on a real manager: the Engine API through `bollard`, and the
//! docker CLI for `build` and `push`.

use super::spec::service_spec;
use super::{
    FINGERPRINT_LABEL, ImageBuild, Manager, NodeState, STACK_LABEL, ServiceDefinition,
    ServiceState, Swarm, SwarmError, TaskState,
};
use super::{NodeStatus, TaskPhase};
use crate::adapters::docker::connection::{self, ConnectionError};
use bollard::models::{LocalNodeState, NetworkCreateRequest, Node, Service, Task};
use bollard::query_parameters::{
    ListNetworksOptions, ListNodesOptions, ListServicesOptions, ListTasksOptions,
    ListVolumesOptions, LogsOptions, RemoveVolumeOptions, UpdateNodeOptions, UpdateServiceOptions,
};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

/// How long collecting a service's last log lines may take.
const LOGS_TIMEOUT: Duration = Duration::from_secs(10);

/// A swarm manager reached through the Engine API.
pub struct Engine {
    docker: bollard::Docker,
    /// Where it is and what named it, for messages.
    host: String,
    /// `--context`, passed on to the docker CLI.
    context: Option<String>,
}

impl Engine {
    /// The engine that `--context`, `DOCKER_HOST`, `DOCKER_CONTEXT` or the
    /// current context names, speaking the API version it supports.
    pub async fn connect(context: Option<&str>) -> Result<Engine, ConnectionError> {
        let (endpoint, docker) = connection::connect(context)?;
        let host = format!("{} ({})", endpoint.host, endpoint.from);
        // An older engine (20.10 speaks 1.41) refuses newer API versions.
        let docker = match docker.clone().negotiate_version().await {
            Ok(negotiated) => negotiated,
            Err(_) => docker,
        };
        Ok(Engine {
            docker,
            host,
            context: context.map(str::to_owned),
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    fn docker_cli(&self) -> tokio::process::Command {
        let mut command = tokio::process::Command::new("docker");
        if let Some(context) = &self.context {
            command.arg("--context").arg(context);
        }
        command.stdin(Stdio::null()).kill_on_drop(true);
        command
    }

    async fn run_cli(&self, mut command: tokio::process::Command) -> Result<(), String> {
        let output = command.output().await.map_err(|err| err.to_string())?;
        if output.status.success() {
            return Ok(());
        }
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        Err(lines[lines.len().saturating_sub(20)..].join("\n"))
    }
}

fn stack_filter(stack: &str) -> Option<HashMap<String, Vec<String>>> {
    Some(HashMap::from([(
        "label".to_owned(),
        vec![format!("{STACK_LABEL}={stack}")],
    )]))
}

fn api(action: &str) -> impl Fn(bollard::errors::Error) -> SwarmError + '_ {
    move |err| SwarmError::api(action, err)
}

impl Swarm for Engine {
    async fn manager(&self) -> Result<Manager, SwarmError> {
        let info = self
            .docker
            .info()
            .await
            .map_err(|err| SwarmError::Unreachable {
                host: self.host.clone(),
                message: err.to_string(),
            })?;
        let swarm = info.swarm.unwrap_or_default();
        let state = swarm.local_node_state.unwrap_or(LocalNodeState::INACTIVE);
        let manager = state == LocalNodeState::ACTIVE && swarm.control_available == Some(true);
        if !manager {
            let state = match state {
                LocalNodeState::ACTIVE => "it is a worker node".to_owned(),
                LocalNodeState::INACTIVE | LocalNodeState::EMPTY => {
                    "swarm mode is inactive".to_owned()
                }
                other => format!("its swarm state is {other}"),
            };
            return Err(SwarmError::NotManager {
                host: self.host.clone(),
                state,
            });
        }
        Ok(Manager {
            node_id: swarm.node_id.unwrap_or_default(),
            engine_version: info.server_version.unwrap_or_default(),
        })
    }

    async fn image_in_registry(&self, reference: &str) -> bool {
        self.docker
            .inspect_registry_image(reference, None)
            .await
            .is_ok()
    }

    async fn build_and_push(&self, build: &ImageBuild) -> Result<(), SwarmError> {
        let mut command = self.docker_cli();
        command
            .args(["build", "-q", "-f"])
            .arg(build.context.join(&build.dockerfile))
            .args(["-t", &build.reference])
            .arg(&build.context);
        if !buildx_available().await {
            // Without buildx the CLI refuses BuildKit; the classic builder works everywhere.
            command.env("DOCKER_BUILDKIT", "0");
        }
        self.run_cli(command)
            .await
            .map_err(|output| SwarmError::Build {
                image: build.reference.clone(),
                output,
            })?;
        let mut command = self.docker_cli();
        command.args(["push", "-q", &build.reference]);
        self.run_cli(command)
            .await
            .map_err(|output| SwarmError::Push {
                image: build.reference.clone(),
                output,
            })
    }

    async fn ensure_network(&self, name: &str, stack: &str) -> Result<(), SwarmError> {
        let filters = HashMap::from([("name".to_owned(), vec![name.to_owned()])]);
        let existing = self
            .docker
            .list_networks(Some(ListNetworksOptions {
                filters: Some(filters),
            }))
            .await
            .map_err(api("listing networks"))?;
        if existing.iter().any(|n| n.name.as_deref() == Some(name)) {
            return Ok(());
        }
        let request = NetworkCreateRequest {
            name: name.to_owned(),
            driver: Some("overlay".to_owned()),
            attachable: Some(true),
            labels: Some(HashMap::from([(STACK_LABEL.to_owned(), stack.to_owned())])),
            ..Default::default()
        };
        self.docker
            .create_network(request)
            .await
            .map_err(api("creating the network"))?;
        Ok(())
    }

    async fn services(&self, stack: &str) -> Result<Vec<ServiceState>, SwarmError> {
        let services = self
            .docker
            .list_services(Some(ListServicesOptions {
                filters: stack_filter(stack),
                ..Default::default()
            }))
            .await
            .map_err(api("listing the stack's services"))?;
        Ok(services.into_iter().map(service_state).collect())
    }

    async fn create_service(
        &self,
        definition: &ServiceDefinition,
        fingerprint: &str,
    ) -> Result<(), SwarmError> {
        self.docker
            .create_service(service_spec(definition, fingerprint), None)
            .await
            .map_err(|err| SwarmError::api(format!("creating {}", definition.name), err))?;
        Ok(())
    }

    async fn update_service(
        &self,
        current: &ServiceState,
        definition: &ServiceDefinition,
        fingerprint: &str,
    ) -> Result<(), SwarmError> {
        let options = UpdateServiceOptions {
            version: i32::try_from(current.version).unwrap_or(i32::MAX),
            ..Default::default()
        };
        self.docker
            .update_service(
                &current.id,
                service_spec(definition, fingerprint),
                options,
                None,
            )
            .await
            .map_err(|err| SwarmError::api(format!("updating {}", definition.name), err))?;
        Ok(())
    }

    async fn tasks(&self, service_id: &str) -> Result<Vec<TaskState>, SwarmError> {
        let filters = HashMap::from([("service".to_owned(), vec![service_id.to_owned()])]);
        let tasks = self
            .docker
            .list_tasks(Some(ListTasksOptions {
                filters: Some(filters),
            }))
            .await
            .map_err(api("listing tasks"))?;
        Ok(tasks.into_iter().map(task_state).collect())
    }

    async fn logs(&self, service_id: &str, lines: usize) -> Vec<String> {
        let stream = self
            .docker
            .service_logs(service_id, Some(log_options(lines)));
        collect_lines(stream).await
    }

    async fn task_logs(&self, task_id: &str, lines: usize) -> Vec<String> {
        let stream = self.docker.task_logs(task_id, Some(log_options(lines)));
        collect_lines(stream).await
    }

    async fn nodes(&self) -> Result<Vec<NodeState>, SwarmError> {
        let nodes = self
            .docker
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(api("listing nodes"))?;
        Ok(nodes.into_iter().map(node_state).collect())
    }

    async fn label_node(&self, node_id: &str, label: &str) -> Result<(), SwarmError> {
        let node = self
            .docker
            .inspect_node(node_id)
            .await
            .map_err(api("reading the node"))?;
        let version = node.version.and_then(|v| v.index).unwrap_or_default();
        let mut spec = node.spec.unwrap_or_default();
        spec.labels
            .get_or_insert_with(HashMap::new)
            .insert(label.to_owned(), "true".to_owned());
        let options = UpdateNodeOptions {
            version: i64::try_from(version).unwrap_or(i64::MAX),
        };
        self.docker
            .update_node(node_id, spec, options)
            .await
            .map_err(api("labelling the node"))
    }

    async fn remove_service(&self, id: &str) -> Result<(), SwarmError> {
        self.docker
            .delete_service(id)
            .await
            .map_err(api("removing a service"))
    }

    async fn remove_networks(&self, stack: &str) -> Result<bool, SwarmError> {
        let networks = self
            .docker
            .list_networks(Some(ListNetworksOptions {
                filters: stack_filter(stack),
            }))
            .await
            .map_err(api("listing networks"))?;
        // A removed overlay network can linger until the manager has cleaned
        // up its tasks: it is gone only once it is no longer listed.
        let gone = networks.is_empty();
        for network in networks {
            let id = network.id.unwrap_or_default();
            let _ = self.docker.remove_network(&id).await;
        }
        Ok(gone)
    }

    async fn remove_volumes(&self, stack: &str) -> Result<Vec<String>, SwarmError> {
        let volumes = self
            .docker
            .list_volumes(Some(ListVolumesOptions {
                filters: stack_filter(stack),
            }))
            .await
            .map_err(api("listing volumes"))?;
        let mut in_use = Vec::new();
        for volume in volumes.volumes.unwrap_or_default() {
            let removed = self
                .docker
                .remove_volume(&volume.name, None::<RemoveVolumeOptions>)
                .await;
            if removed.is_err() {
                in_use.push(volume.name);
            }
        }
        Ok(in_use)
    }
}

fn log_options(lines: usize) -> LogsOptions {
    LogsOptions {
        stdout: true,
        stderr: true,
        tail: lines.to_string(),
        ..Default::default()
    }
}

/// The lines of a log stream, within [`LOGS_TIMEOUT`].
async fn collect_lines(
    stream: impl futures_util::Stream<
        Item = Result<bollard::container::LogOutput, bollard::errors::Error>,
    >,
) -> Vec<String> {
    let collect = stream
        .filter_map(|chunk| async move { chunk.ok().map(|c| c.to_string()) })
        .collect::<Vec<String>>();
    let chunks = tokio::time::timeout(LOGS_TIMEOUT, collect)
        .await
        .unwrap_or_default();
    chunks
        .concat()
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect()
}

/// Whether `docker buildx` is installed (asked once).
async fn buildx_available() -> bool {
    static FOUND: tokio::sync::OnceCell<bool> = tokio::sync::OnceCell::const_new();
    *FOUND
        .get_or_init(|| async {
            tokio::process::Command::new("docker")
                .args(["buildx", "version"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .await
                .is_ok_and(|status| status.success())
        })
        .await
}

fn service_state(service: Service) -> ServiceState {
    let spec = service.spec.unwrap_or_default();
    let labels = spec.labels.unwrap_or_default();
    let update = service.update_status.unwrap_or_default();
    ServiceState {
        id: service.id.unwrap_or_default(),
        name: spec.name.unwrap_or_default(),
        version: service.version.and_then(|v| v.index).unwrap_or_default(),
        image: spec
            .task_template
            .and_then(|t| t.container_spec)
            .and_then(|c| c.image)
            .unwrap_or_default(),
        replicas: spec
            .mode
            .and_then(|m| m.replicated)
            .and_then(|r| r.replicas)
            .map_or(0, |r| u64::try_from(r).unwrap_or(0)),
        fingerprint: labels.get(FINGERPRINT_LABEL).cloned(),
        update_state: update
            .state
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty()),
        update_message: update.message,
    }
}

fn task_state(task: Task) -> TaskState {
    let status = task.status.unwrap_or_default();
    TaskState {
        id: task.id.unwrap_or_default(),
        node_id: task.node_id,
        state: TaskPhase::parse(&status.state.map(|s| s.to_string()).unwrap_or_default()),
        desired_state: TaskPhase::parse(
            &task
                .desired_state
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        error: status.err.filter(|e| !e.is_empty()),
        message: status.message.unwrap_or_default(),
        fingerprint: task
            .spec
            .and_then(|s| s.container_spec)
            .and_then(|c| c.labels)
            .and_then(|l| l.get(FINGERPRINT_LABEL).cloned()),
        timestamp: status.timestamp.unwrap_or_default(),
    }
}

fn node_state(node: Node) -> NodeState {
    let spec = node.spec.unwrap_or_default();
    let mut labels: Vec<(String, String)> = spec.labels.unwrap_or_default().into_iter().collect();
    labels.sort();
    NodeState {
        id: node.id.unwrap_or_default(),
        hostname: node
            .description
            .and_then(|d| d.hostname)
            .unwrap_or_default(),
        state: NodeStatus::parse(
            &node
                .status
                .and_then(|s| s.state)
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        labels,
    }
}
