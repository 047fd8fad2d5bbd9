//! The services as deployed for one target: a local mode (the three Compose
//! files and the start plan) or a remote environment (Swarm, Kubernetes,
//! AWS). One pure function, [`deploy`], decides for every dependency and
//! service its image and tag rule, ports, readiness with its timing, what
//! it waits for, variables and secrets, volumes and resources; every writer
//! reads only its result, so that the targets cannot disagree. Where
//! targets truly differ, the rule says so in one place here.

mod build;
mod mode;
pub mod names;
mod passthrough;
mod pulls;
mod readiness;
pub mod swarm;
mod variables;
mod waits;

pub use build::{all_dependencies, deploy};
pub use mode::Mode;
pub use names::{Purpose, project_name, project_name_for, volume_name};
pub use passthrough::{merge_value, merged};
pub use pulls::{images_to_pull, local_only_images};
pub use readiness::{Readiness, ReadyCheck, Timing};
pub use variables::{Part, Value, endpoint_variables, host_variable, service_data};
pub use waits::{WAIT_IMAGE, WAIT_SCRIPT, WAITS_DIRECTORY, WAITS_FILE_NAME, Wait, Warning};

use crate::core::model::remote::Hardening;
use crate::core::model::{
    ComposeKeys, Environment, RestartPolicy, ServiceType, Target as Engine, WatchPolicy,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What to deploy for.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    /// One of the three local Compose files.
    Local(Mode),
    /// A remote environment of application.yml; `hosts` says where a
    /// container answers on that engine.
    Remote {
        environment: &'a str,
        hosts: &'a dyn Hosts,
    },
}

impl<'a> Target<'a> {
    /// A Swarm environment: containers answer at their names, as in Compose.
    pub fn swarm(environment: &'a str) -> Target<'a> {
        Target::Remote {
            environment,
            hosts: &SAME_NAME,
        }
    }
}

/// How a target names hosts: `host(name)` is where the container `name`
/// answers, e.g. `db.shop.svc` on Kubernetes.
pub trait Hosts {
    fn host(&self, name: &str) -> String;
}

impl<F: Fn(&str) -> String> Hosts for F {
    fn host(&self, name: &str) -> String {
        self(name)
    }
}

/// Compose and Swarm: a container answers at its name on the network.
pub struct SameName;

impl Hosts for SameName {
    fn host(&self, name: &str) -> String {
        name.to_owned()
    }
}

const SAME_NAME: SameName = SameName;

/// The target once resolved: a local mode, or a named environment.
pub(crate) enum Scope<'a> {
    Local(Mode),
    Remote {
        name: &'a str,
        environment: &'a Environment,
    },
}

impl Scope<'_> {
    /// Dependencies run with production credentials (no default password).
    pub(crate) fn production(&self) -> bool {
        !matches!(self, Scope::Local(Mode::Development | Mode::Test))
    }

    /// The `local` variables of application.yml and service.yml apply:
    /// locally, and on Swarm, whose stack file grows from the production
    /// Compose file. Kubernetes and AWS take only `remote` ones, as 0.37.
    pub(crate) fn uses_local_variables(&self) -> bool {
        match self {
            Scope::Local(_) => true,
            Scope::Remote { environment, .. } => environment.target == Engine::Swarm,
        }
    }

    /// Containers are named as DNS labels (lowercase), as Kubernetes and
    /// ECS require; Compose and Swarm keep the ids as written.
    pub(crate) fn cluster_names(&self) -> bool {
        matches!(self, Scope::Remote { environment, .. } if environment.target != Engine::Swarm)
    }
}

/// Every container of the application on one target.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub application: String,
    /// The Compose project (locally; `<app>tests` in test) or the stack's
    /// base name: 0.37's rule, lowercase letters and digits.
    pub project: String,
    /// The local mode, or the remote environment's name and settings.
    pub mode: Option<Mode>,
    pub environment: Option<(String, Environment)>,
    /// Dependencies, then services, each sorted by name.
    pub containers: Vec<Container>,
    /// Where each service answers; every service gets them, and they win
    /// over a variable of the same name.
    pub endpoints: BTreeMap<String, Value>,
    /// The application's variables, shared by every service (locally).
    pub application_variables: BTreeMap<String, Value>,
    /// The variables of the application's own dependencies (application.yml's
    /// `dependencies`), which every service gets: a target writes them once
    /// where it can. A service's own variables win over them; the
    /// application's and the endpoints are never among them.
    pub dependency_variables: BTreeMap<String, Value>,
    /// Variables every dependency gets but for those it sets itself: the
    /// `SERVICE_DATA` of a dependency no service gives data to (each role
    /// with `{}`), the same for all such; a target writes it once where it
    /// can.
    pub shared_by_dependencies: BTreeMap<String, Value>,
    /// What every service waits for first: the application's own
    /// dependencies, sorted. Each service's `waits_for` starts with these
    /// (the same [`Wait`]s), so that a target can write them once.
    pub shared_waits: Vec<Arc<Wait>>,
    /// Credentials that have no default in production: a Compose file
    /// refuses to start without them.
    pub required_secrets: BTreeSet<String>,
    /// What the target cannot express, for the person who generates.
    pub warnings: Vec<Warning>,
    /// Where each id is in `containers`, so that a lookup for every wait of
    /// every container is not quadratic.
    pub(crate) positions: std::collections::HashMap<String, usize>,
}

impl Deployment {
    /// The remote environment's name; empty for a local deployment.
    pub fn environment_name(&self) -> &str {
        self.environment.as_ref().map_or("", |(name, _)| name)
    }

    /// The remote environment's settings (a local deployment has those of
    /// an empty Swarm environment).
    pub fn settings(&self) -> std::borrow::Cow<'_, Environment> {
        match &self.environment {
            Some((_, settings)) => std::borrow::Cow::Borrowed(settings),
            None => std::borrow::Cow::Owned(Environment::new(Engine::Swarm)),
        }
    }

    /// The image of the containers that wait (Kubernetes init containers,
    /// ECS waiters): the environment's `wait-image`, else [`WAIT_IMAGE`].
    pub fn wait_image(&self) -> String {
        self.settings()
            .wait_image
            .clone()
            .unwrap_or_else(|| WAIT_IMAGE.to_owned())
    }

    pub fn get(&self, id: &str) -> Option<&Container> {
        let indexed = self
            .positions
            .get(id)
            .and_then(|&i| self.containers.get(i))
            .filter(|c| c.id == id);
        // `containers` is public: an edited list is searched.
        indexed.or_else(|| self.containers.iter().find(|c| c.id == id))
    }

    /// A container's variables: for a dependency, the shared ones and its
    /// own over them; for a service, the dependencies' shared ones, its own
    /// over them, then the application's and the endpoints.
    pub fn variables(&self, container: &Container) -> BTreeMap<String, Value> {
        if container.kind == Kind::Dependency {
            let mut all = self.shared_by_dependencies.clone();
            all.extend(container.variables.clone());
            return all;
        }
        let mut all = self.dependency_variables.clone();
        all.extend(container.variables.clone());
        all.extend(self.application_variables.clone());
        all.extend(self.endpoints.clone());
        all
    }

    /// Whether the container's waits start with [`Self::shared_waits`] (a
    /// service's do when there are any), and the waits after those: what
    /// a target that writes the shared waits once writes for it alone.
    pub fn own_waits<'c>(&self, container: &'c Container) -> (bool, &'c [Arc<Wait>]) {
        let shared = !self.shared_waits.is_empty()
            && container.kind != Kind::Dependency
            && container.waits_for.len() >= self.shared_waits.len()
            && container
                .waits_for
                .iter()
                .zip(&self.shared_waits)
                .all(|(own, shared)| own.id == shared.id);
        if shared {
            (true, &container.waits_for[self.shared_waits.len()..])
        } else {
            (false, &container.waits_for)
        }
    }

    /// Every secret a container's variables need, by name.
    pub fn secrets(&self, container: &Container) -> BTreeSet<String> {
        variables::secrets_of(self.variables(container).values())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dependency,
    Service(ServiceType),
}

impl Kind {
    /// `app.kubernetes.io/component`, `x-exo.kind`.
    pub fn component(self) -> &'static str {
        match self {
            Kind::Dependency => "dependency",
            Kind::Service(kind) => kind.name(),
        }
    }
}

/// Where a container's image comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Image {
    /// A third-party image, pulled as named.
    Pulled(String),
    /// Built by exo from a service's `location`.
    Built(Build),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    /// The service directory, relative to the application.
    pub location: String,
    pub dockerfile: &'static str,
    /// The environment's registry (remote targets).
    pub registry: Option<String>,
    /// `<project>-<role>`, lowercase.
    pub name: String,
    pub tag: Tag,
}

impl Build {
    /// `[registry/]<project>-<role>`, without a tag.
    pub fn repository(&self) -> String {
        match &self.registry {
            Some(registry) => format!("{registry}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// How a built image is tagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    /// Locally: the mode, as development and production share a project.
    Mode(Mode),
    /// Swarm: by content, set by `exo deploy` through this variable
    /// (`EXO_TAG_<ROLE>`).
    Variable(String),
    /// Kubernetes and AWS: this tag, which the operator's build pushes.
    Fixed(&'static str),
}

/// The tag of images built for Kubernetes and AWS.
pub const BUILT_TAG: &str = "production";

/// One container of a dependency or a service.
#[derive(Debug, Clone)]
pub struct Container {
    /// The role or dependency id as application.yml writes it.
    pub id: String,
    /// Its name on the target: the id, or a DNS label on Kubernetes and
    /// AWS (the object name and the host others reach it by).
    pub name: String,
    pub kind: Kind,
    pub image: Image,
    /// What it runs instead of the image's command (development's `run`,
    /// test's `test`).
    pub command: Option<String>,
    /// The port it listens on.
    pub port: Option<u16>,
    /// The host port it is published on.
    pub host_port: Option<u16>,
    pub readiness: Readiness,
    /// In start order: the application's dependencies (sorted; the
    /// deployment's `shared_waits`), then its own that the application
    /// does not have (sorted), then the services of `depends-on`. Each
    /// [`Wait`] is shared by every container that waits for its target.
    pub waits_for: Vec<Arc<Wait>>,
    /// Its own variables (dependencies: but for a shared `SERVICE_DATA`;
    /// services: besides the application's dependencies', the application's
    /// and the endpoints; see [`Deployment::variables`]).
    pub variables: BTreeMap<String, Value>,
    /// Container paths kept on a volume.
    pub persist: Vec<String>,
    /// ECS CPU units (1024 = one core).
    pub cpu: Option<u32>,
    /// MiB.
    pub memory: Option<u32>,
    pub replicas: u32,
    /// Swarm placement constraints.
    pub placement: Vec<String>,
    /// Changes to the secure defaults in a cluster (services only).
    pub hardening: Hardening,
    /// The public address of a public service in a remote environment.
    pub url: Option<String>,
    /// The services of its `depends-on`, as written.
    pub depends_on: Vec<String>,
    /// How exo restarts it after a crash (local development).
    pub restart: Option<RestartPolicy>,
    /// Its files and what their changes do (local development).
    pub watch: Option<WatchPolicy>,
    /// `compose:` keys for its Compose service, this mode's merged in
    /// (local files only; a remote target gets a [`Warning::ComposeOnly`]).
    pub compose: ComposeKeys,
}

impl Container {
    /// 0.37's volume name for each persisted path: `mongo` and `/data/db`
    /// give `mongo__data_db`.
    pub fn named_volumes(&self) -> Vec<(String, String)> {
        self.persist
            .iter()
            .map(|path| (volume_name(&self.id, path), path.clone()))
            .collect()
    }

    /// A volume name for each persisted path on Kubernetes and ECS:
    /// `data`, or `data-1`, `data-2`, ... when there are several.
    pub fn cluster_volumes(&self) -> Vec<(String, String)> {
        self.persist
            .iter()
            .enumerate()
            .map(|(i, path)| {
                let name = if self.persist.len() == 1 {
                    "data".to_owned()
                } else {
                    format!("data-{}", i + 1)
                };
                (name, path.clone())
            })
            .collect()
    }

    /// What it waits for that another container can ask: those with a
    /// port (the others are a [`Warning::CannotWait`] on clusters).
    pub fn askable_waits(&self) -> impl Iterator<Item = (&Wait, u16)> {
        self.waits_for
            .iter()
            .filter_map(|wait| wait.port.map(|port| (&**wait, port)))
    }

    /// The CPU limit in cores (`cpu: 512` is 0.5).
    pub fn cores(&self) -> Option<f64> {
        self.cpu.map(|units| f64::from(units) / 1024.0)
    }

    /// The service's directory, for one built from a `location`.
    pub fn location(&self) -> Option<&str> {
        match &self.image {
            Image::Built(build) => Some(&build.location),
            Image::Pulled(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeploymentError {
    #[error("the application has no remote environment with `target: {target}`")]
    NoEnvironment { target: &'static str },
    #[error("there is no remote environment `{name}`")]
    UnknownEnvironment { name: String, known: Vec<String> },
    #[error("the remote environment `{name}` has `target: {actual}`, not {wanted}")]
    WrongTarget {
        name: String,
        actual: &'static str,
        wanted: &'static str,
    },
    #[error("the services depend on each other in a cycle: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    #[error("`{id}` cannot be a name in a cluster: {reason}")]
    BadName { id: String, reason: &'static str },
    #[error("`{first}` and `{second}` both become `{name}` in a cluster")]
    NameClash {
        first: String,
        second: String,
        name: String,
    },
    #[error("the secret `{name}` of the environment `{environment}` has no ARN")]
    MissingSecretArn { name: String, environment: String },
    #[error("the public service `{role}` has no `remote.environments.{environment}.url`")]
    MissingUrl { role: String, environment: String },
}

/// The environments of `target` to generate: the one named, or all.
pub fn environments(
    app: &crate::core::model::Application,
    target: Engine,
    name: Option<&str>,
) -> Result<Vec<String>, DeploymentError> {
    if let Some(name) = name {
        let Some(environment) = app.remote.environments.get(name) else {
            return Err(DeploymentError::UnknownEnvironment {
                name: name.to_owned(),
                known: app.remote.environments.keys().cloned().collect(),
            });
        };
        if environment.target != target {
            return Err(DeploymentError::WrongTarget {
                name: name.to_owned(),
                actual: environment.target.name(),
                wanted: target.name(),
            });
        }
        return Ok(vec![name.to_owned()]);
    }
    let names: Vec<String> = app
        .remote
        .environments
        .iter()
        .filter(|(_, e)| e.target == target)
        .map(|(n, _)| n.clone())
        .collect();
    if names.is_empty() {
        return Err(DeploymentError::NoEnvironment {
            target: target.name(),
        });
    }
    Ok(names)
}

impl crate::core::exit::Exit for DeploymentError {
    /// Each is a configuration that the target cannot take.
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            DeploymentError::NoEnvironment { .. }
            | DeploymentError::UnknownEnvironment { .. }
            | DeploymentError::WrongTarget { .. }
            | DeploymentError::Cycle(_)
            | DeploymentError::BadName { .. }
            | DeploymentError::NameClash { .. }
            | DeploymentError::MissingSecretArn { .. }
            | DeploymentError::MissingUrl { .. } => crate::core::exit::ExitStatus::Usage,
        }
    }
}

#[cfg(test)]
mod tests;
