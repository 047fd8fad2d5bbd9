//! The remote settings of a service.yml (and 0.37's remote dependency
//! templates, which both files have), as the schema checks them.

#![allow(dead_code)]

use super::values::{Amount, Duration, Environment, HostName, Placement, Text, Texts};
use crate::core::config::patterns;
use schemars::JsonSchema;
use std::collections::BTreeMap;

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RemoteDependency {
    /// The template's name.
    #[serde(default)]
    r#type: Text,
    /// The template's settings.
    template_config: Option<BTreeMap<String, Text>>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct ServiceRemote {
    /// CPU in units of 1/1024 core (512 is half a core).
    #[serde(default)]
    cpu: Amount,
    /// Memory in MiB.
    #[serde(default)]
    memory: Amount,
    /// How many copies run (default 1).
    #[serde(default = "one")]
    #[schemars(range(min = 0, max = 2_147_483_647))]
    replicas: u32,
    /// Swarm placement constraints, e.g. `node.role == worker`.
    placement: Option<Vec<Placement>>,
    /// The timing of this service's probes on Kubernetes and ECS; each
    /// unset one is the production default (interval 10s, timeout the
    /// check's, retries 3, start-period the check's or else 60s).
    health_check: Option<RemoteProbeTiming>,
    /// How its container in a cluster differs from exo's secure defaults
    /// (see the security guide); each unset is the default.
    hardening: Option<Hardening>,
    /// 0.37's remote dependency templates of this service: read and
    /// checked, not deployed.
    dependencies: Option<BTreeMap<String, Option<RemoteDependency>>>,
    /// Settings of this service in each deployment environment, by name
    /// (lowercase letters and digits, single hyphens).
    #[schemars(extend("propertyNames" = {"pattern": patterns::ENVIRONMENT_NAME}))]
    environments: Option<BTreeMap<String, Option<ServiceEnvironment>>>,
}

fn one() -> u32 {
    1
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Hardening {
    /// Kubernetes: Linux capabilities given back beyond exo's
    /// (`NET_BIND_SERVICE`), e.g. `NET_ADMIN`; `CAP_` may be left out.
    add_capabilities: Option<Vec<Capability>>,
    /// Kubernetes: processes may gain privileges, as setuid programs do
    /// (default false).
    privilege_escalation: Option<bool>,
    /// Kubernetes and ECS: the container's file system is read-only
    /// (default false; most images write somewhere).
    read_only_root: Option<bool>,
    /// Kubernetes: the image must run as a user other than root, or the pod
    /// does not start (default false).
    run_as_non_root: Option<bool>,
}

/// A Linux capability's name.
#[derive(JsonSchema)]
#[schemars(transparent)]
struct Capability(#[schemars(regex(pattern = crate::core::config::patterns::CAPABILITY))] String);

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct RemoteProbeTiming {
    /// Time between probes (default 10s).
    interval: Option<Duration>,
    /// How long one probe may take (default: the check's, 3s).
    timeout: Option<Duration>,
    /// How long the service may take to start before failures count
    /// (default: the check's `start-period`, or 60s).
    start_period: Option<Duration>,
    /// Failures in a row that make it unready or restart it (default 3).
    #[schemars(range(min = 1))]
    retries: Option<u32>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct ServiceEnvironment {
    /// A public service's address (required on AWS): a host name.
    #[serde(default)]
    url: HostName,
    /// Variables of this service in this environment (over the
    /// environment's).
    environment_variables: Environment,
    /// Names of secrets this service gets in this environment.
    secrets: Texts,
}
