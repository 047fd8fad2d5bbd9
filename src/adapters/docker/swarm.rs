//! The Swarm side of the engine adapter: typed actions on a swarm manager
//! ([`Swarm`]), implemented with the Engine API ([`Engine`], through
//! `bollard`) and, for building and pushing images, the docker CLI (which
//! knows `.dockerignore`, the builders and the user's registry credentials).
//! `exo deploy` is written against the trait and tested with a fake.

mod engine;
mod spec;
mod states;

pub use crate::core::compose::HealthSpec;
pub use engine::Engine;
pub use states::{NodeStatus, TaskPhase};

use serde::Serialize;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

/// The label Docker's own `docker stack` uses for the stack a service,
/// network or volume belongs to; `docker stack ls/ps/rm` see exo's stacks.
pub const STACK_LABEL: &str = "com.docker.stack.namespace";
/// The fingerprint of the definition a service (and each of its tasks) was
/// made from: equal fingerprints mean nothing to change.
pub const FINGERPRINT_LABEL: &str = "org.exo.fingerprint";

#[derive(Debug, thiserror::Error)]
pub enum SwarmError {
    #[error("the Docker Engine at {host} is not a swarm manager ({state})")]
    NotManager { host: String, state: String },
    #[error("cannot reach the Docker Engine at {host}: {message}")]
    Unreachable { host: String, message: String },
    #[error("{action}: {message}")]
    Api { action: String, message: String },
    #[error("building the image {image} failed:\n{output}")]
    Build { image: String, output: String },
    #[error("pushing the image {image} failed:\n{output}")]
    Push { image: String, output: String },
}

impl SwarmError {
    pub fn api(action: impl Into<String>, message: impl std::fmt::Display) -> Self {
        SwarmError::Api {
            action: action.into(),
            message: message.to_string(),
        }
    }
}

/// The manager exo talks to.
#[derive(Debug, Clone, PartialEq)]
pub struct Manager {
    pub node_id: String,
    pub engine_version: String,
}

/// An image to build from a service's directory and push.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageBuild {
    pub context: PathBuf,
    pub dockerfile: String,
    /// `registry/repository:tag`
    pub reference: String,
}

/// Everything a Swarm service is made from, with every value resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDefinition {
    /// `<stack>_<name>`, as `docker stack deploy` names services.
    pub name: String,
    /// The name other services reach it by on the stack's network.
    pub alias: String,
    pub stack: String,
    pub network: String,
    pub image: String,
    /// `NAME=value`, sorted.
    pub environment: Vec<String>,
    /// (container port, published port), published in host mode.
    pub ports: Vec<(u16, u16)>,
    /// (volume, path in the container).
    pub volumes: Vec<(String, String)>,
    pub healthcheck: Option<HealthSpec>,
    pub replicas: u64,
    pub constraints: Vec<String>,
    pub nano_cpus: Option<i64>,
    pub memory_bytes: Option<i64>,
    pub restart_delay: Duration,
    /// `start-first` or `stop-first`.
    pub update_order: String,
    pub monitor: Duration,
}

/// A service as the manager reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceState {
    pub id: String,
    pub name: String,
    pub version: u64,
    pub image: String,
    pub replicas: u64,
    pub fingerprint: Option<String>,
    /// `updating`, `completed`, `rollback_started`, `rollback_completed`,
    /// `paused`, `rollback_paused`; none before the first update.
    pub update_state: Option<String>,
    pub update_message: Option<String>,
}

/// One task of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskState {
    pub id: String,
    pub node_id: Option<String>,
    pub state: TaskPhase,
    pub desired_state: TaskPhase,
    pub error: Option<String>,
    pub message: String,
    pub fingerprint: Option<String>,
    /// RFC 3339, when the task reached its state.
    pub timestamp: String,
}

impl TaskState {
    pub fn failed(&self) -> bool {
        self.state.failed()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeState {
    pub id: String,
    pub hostname: String,
    pub state: NodeStatus,
    pub labels: Vec<(String, String)>,
}

/// Typed actions on a swarm manager.
pub trait Swarm: Sync {
    /// The manager; [`SwarmError::NotManager`] if the engine is not one.
    fn manager(&self) -> impl Future<Output = Result<Manager, SwarmError>> + Send;
    /// Whether the registry already has this image reference.
    fn image_in_registry(&self, reference: &str) -> impl Future<Output = bool> + Send;
    /// Builds the image with the manager's engine and pushes it.
    fn build_and_push(
        &self,
        build: &ImageBuild,
    ) -> impl Future<Output = Result<(), SwarmError>> + Send;
    /// Creates the stack's overlay network unless it exists.
    fn ensure_network(
        &self,
        name: &str,
        stack: &str,
    ) -> impl Future<Output = Result<(), SwarmError>> + Send;
    fn services(
        &self,
        stack: &str,
    ) -> impl Future<Output = Result<Vec<ServiceState>, SwarmError>> + Send;
    fn create_service(
        &self,
        definition: &ServiceDefinition,
        fingerprint: &str,
    ) -> impl Future<Output = Result<(), SwarmError>> + Send;
    fn update_service(
        &self,
        current: &ServiceState,
        definition: &ServiceDefinition,
        fingerprint: &str,
    ) -> impl Future<Output = Result<(), SwarmError>> + Send;
    fn tasks(
        &self,
        service_id: &str,
    ) -> impl Future<Output = Result<Vec<TaskState>, SwarmError>> + Send;
    /// The last `lines` lines the service's tasks printed.
    fn logs(&self, service_id: &str, lines: usize) -> impl Future<Output = Vec<String>> + Send;
    /// The last `lines` lines one task printed.
    fn task_logs(&self, task_id: &str, lines: usize) -> impl Future<Output = Vec<String>> + Send;
    fn nodes(&self) -> impl Future<Output = Result<Vec<NodeState>, SwarmError>> + Send;
    /// Puts `label=true` on a node.
    fn label_node(
        &self,
        node_id: &str,
        label: &str,
    ) -> impl Future<Output = Result<(), SwarmError>> + Send;
    fn remove_service(&self, id: &str) -> impl Future<Output = Result<(), SwarmError>> + Send;
    /// Removes the stack's networks; true once none is left.
    fn remove_networks(&self, stack: &str)
    -> impl Future<Output = Result<bool, SwarmError>> + Send;
    /// Removes the stack's volumes on the manager; the names of those still in use.
    fn remove_volumes(
        &self,
        stack: &str,
    ) -> impl Future<Output = Result<Vec<String>, SwarmError>> + Send;
}
