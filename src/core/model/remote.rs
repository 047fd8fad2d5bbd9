//! Where and how the application is deployed: the `remote` sections of
//! application.yml and service.yml.

use indexmap::IndexMap;

/// `remote` of application.yml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Remote {
    /// `remote.environments`, by name, in file order.
    pub environments: IndexMap<String, Environment>,
}

/// The cluster engine or cloud an environment deploys to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Docker Swarm: `exo deploy ENV` and `docker-compose/deploy_<env>.yml`.
    Swarm,
    /// Kubernetes manifests: `exo generate kubernetes ENV`.
    Kubernetes,
    /// AWS ECS on Fargate through Terraform: `exo generate terraform ENV`.
    /// 0.37's only target, so an environment without `target` is one.
    Aws,
}

impl Target {
    pub const NAMES: [&'static str; 3] = ["swarm", "kubernetes", "aws"];

    pub fn name(self) -> &'static str {
        match self {
            Target::Swarm => "swarm",
            Target::Kubernetes => "kubernetes",
            Target::Aws => "aws",
        }
    }
}

/// One of `remote.environments` in application.yml.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub target: Target,
    /// Where deployment pushes the production images: `host[:port][/path]`.
    pub registry: Option<String>,
    /// The public URL of the application (0.37).
    pub url: Option<String>,
    /// AWS region and account (0.37).
    pub region: Option<String>,
    pub account_id: Option<String>,
    pub ssl_certificate_arn: Option<String>,
    /// The Kubernetes namespace; the application's name when absent.
    pub namespace: Option<String>,
    /// The image of the init and waiter containers that wait for what a
    /// container needs; [`crate::core::deployed::WAIT_IMAGE`] when absent.
    pub wait_image: Option<String>,
    /// Variables for every service in this environment.
    pub environment: IndexMap<String, String>,
    /// Secrets for every service in this environment, by name; their values
    /// come from the deploying user's environment or the cluster, never a file.
    pub secrets: Vec<String>,
    /// AWS: where ECS reads each secret, by name: the ARN of an SSM
    /// parameter or a Secrets Manager secret. Without one, the SSM parameter
    /// `/<application>/<env>/<NAME>` of the environment's region and account.
    pub secret_arns: IndexMap<String, String>,
}

impl Environment {
    pub fn new(target: Target) -> Self {
        Environment {
            target,
            registry: None,
            url: None,
            region: None,
            account_id: None,
            ssl_certificate_arn: None,
            namespace: None,
            wait_image: None,
            environment: IndexMap::new(),
            secrets: Vec::new(),
            secret_arns: IndexMap::new(),
        }
    }
}

/// `remote` of service.yml.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRemote {
    /// CPU in ECS units: 1024 is one core (0.37's meaning).
    pub cpu: Option<u32>,
    /// Memory in MiB (0.37's meaning).
    pub memory: Option<u32>,
    /// How many copies run; 1 unless said.
    pub replicas: u32,
    /// Swarm placement constraints, e.g. `node.role == worker`.
    pub placement: Vec<String>,
    /// Per-environment settings of this service, by environment name.
    pub environments: IndexMap<String, ServiceEnvironment>,
    /// `remote.health-check`: the timing of its probes on Kubernetes and
    /// ECS, each unset one left to the production default.
    pub probe_timing: ProbeTiming,
    /// `remote.hardening`: how its container's secure defaults in a
    /// cluster are tightened or relaxed.
    pub hardening: Hardening,
}

/// Changes to the secure defaults of a service's container in a cluster
/// (see the security guide): each unset is exo's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hardening {
    /// Capabilities given back beyond exo's (Kubernetes), without `CAP_`.
    pub add_capabilities: Vec<String>,
    /// Processes may gain privileges (setuid binaries); off by default.
    pub privilege_escalation: bool,
    /// The container's file system is read-only.
    pub read_only_root: bool,
    /// The image must name a user other than root (Kubernetes).
    pub run_as_non_root: bool,
}

/// The timing of a service's probes in a cluster.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ProbeTiming {
    pub interval: Option<std::time::Duration>,
    pub timeout: Option<std::time::Duration>,
    /// How long it may take to start before failures count.
    pub start_period: Option<std::time::Duration>,
    pub retries: Option<u32>,
}

impl Default for ServiceRemote {
    fn default() -> Self {
        ServiceRemote {
            cpu: None,
            memory: None,
            replicas: 1,
            placement: Vec::new(),
            environments: IndexMap::new(),
            probe_timing: ProbeTiming::default(),
            hardening: Hardening::default(),
        }
    }
}

impl ServiceRemote {
    /// CPU as a fraction of a core (`cpu: 512` is 0.5).
    pub fn cores(&self) -> Option<f64> {
        self.cpu.map(|units| f64::from(units) / 1024.0)
    }
}

/// `remote.environments.<env>` of service.yml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceEnvironment {
    /// The service's public URL in that environment (0.37).
    pub url: Option<String>,
    pub environment: IndexMap<String, String>,
    pub secrets: Vec<String>,
}
