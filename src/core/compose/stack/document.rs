//! The subset of the Compose file format (version 3, as `docker stack
//! deploy` reads it) that exo writes for a Swarm environment.

use super::super::document::{Endpoints, Environment, Healthcheck};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct StackFile {
    /// The docker CLI 20.10 refuses a stack file without it.
    pub version: &'static str,
    #[serde(
        rename = "x-service-endpoints",
        skip_serializing_if = "Option::is_none"
    )]
    pub endpoints: Option<Endpoints>,
    /// The variables of the application's dependencies, merged into every
    /// service as the endpoints are.
    #[serde(
        rename = "x-dependency-environment",
        skip_serializing_if = "Option::is_none"
    )]
    pub dependencies: Option<Endpoints>,
    /// The services' data most dependencies share, merged into each.
    #[serde(rename = "x-dependency-data", skip_serializing_if = "Option::is_none")]
    pub dependency_data: Option<Endpoints>,
    pub services: BTreeMap<String, StackService>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Option<()>>,
    #[serde(rename = "x-exo")]
    pub exo: StackMetadata,
}

#[derive(Debug, Serialize)]
pub struct StackMetadata {
    pub application: String,
    pub environment: String,
    /// The stack's name: `docker stack deploy -c FILE <stack>`.
    pub stack: String,
}

#[derive(Debug, Serialize)]
pub struct StackService {
    /// A service's image is `<registry>/<project>-<role>:${EXO_TAG_<ROLE>:-latest}`.
    pub image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PublishedPort>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    #[serde(skip_serializing_if = "Environment::is_empty")]
    pub environment: Environment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    pub deploy: Deploy,
    #[serde(rename = "x-exo")]
    pub exo: StackServiceMetadata,
}

/// A published port in long form: `mode: host` needs no routing mesh.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedPort {
    pub target: u16,
    pub published: u16,
    pub protocol: &'static str,
    pub mode: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Deploy {
    /// `dnsrr`: a service's name resolves to its tasks' addresses, so no
    /// virtual IP (IPVS) is needed.
    pub endpoint_mode: &'static str,
    pub replicas: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    pub restart_policy: RestartPolicy,
    pub update_config: UpdateConfig,
    pub rollback_config: UpdateConfig,
}

#[derive(Debug, Serialize)]
pub struct Placement {
    pub constraints: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Resources {
    pub limits: Limits,
}

#[derive(Debug, Serialize)]
pub struct Limits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RestartPolicy {
    pub condition: &'static str,
    pub delay: String,
}

#[derive(Debug, Serialize)]
pub struct UpdateConfig {
    pub parallelism: u32,
    /// `start-first` keeps the old task until the new one is healthy;
    /// `stop-first` where a host port cannot be held by both.
    pub order: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_action: Option<&'static str>,
    pub monitor: String,
}

/// What `exo deploy` needs besides the service itself; the docker CLI
/// ignores `x-` keys.
#[derive(Debug, Serialize)]
pub struct StackServiceMetadata {
    pub kind: &'static str,
    /// Services and dependencies that must run healthy before this one starts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// How readiness is decided: `healthy` (the healthcheck), `log` (each
    /// task has printed `ready-log`; `exo deploy` reads the tasks' logs) or
    /// `running`.
    pub readiness: &'static str,
    #[serde(rename = "ready-log", skip_serializing_if = "Option::is_none")]
    pub ready_log: Option<String>,
    /// The variable that carries the image's content tag.
    #[serde(rename = "tag-variable", skip_serializing_if = "Option::is_none")]
    pub tag_variable: Option<String>,
    /// The node label that pins a dependency with persisted data to one node.
    #[serde(rename = "node-label", skip_serializing_if = "Option::is_none")]
    pub node_label: Option<String>,
}
