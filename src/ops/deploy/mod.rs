//! `exo deploy`: the application on a Docker Swarm cluster. The [`plan`]
//! resolves the environment's stack file; [`rollout`] builds and pushes the
//! images and creates or updates the services in dependency order, each
//! once what it needs runs healthy; [`status`] and [`remove`] look at and
//! take down a deployed stack. Everything talks to the cluster through
//! [`crate::adapters::docker::swarm::Swarm`].

mod content;
mod plan;
mod remove;
mod rollout;
mod status;

pub use content::{content_tag, hash_context};
pub use plan::{Plan, PlannedService, plan, preflight};
pub use remove::{Removal, remove};
pub use rollout::{Event, Failure, ImageStep, Outcome, ServiceStep, rollout};
pub use status::{ServiceStatus, StackStatus, status};

use crate::adapters::docker::swarm::SwarmError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("there is no environment `{name}` in `remote.environments`")]
    UnknownEnvironment { name: String, known: Vec<String> },
    #[error(
        "the environment `{name}` has `target: {target}`; `exo deploy` deploys `target: swarm`"
    )]
    NotSwarm { name: String, target: &'static str },
    #[error("the environment `{name}` has no `registry` to push the services' images to")]
    NoRegistry { name: String },
    #[error("{} not set in exo's environment: {}", if names.len() == 1 { "this secret is" } else { "these secrets are" }, names.join(", "))]
    MissingVariables { names: Vec<String> },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Swarm(#[from] SwarmError),
    #[error(transparent)]
    Deployment(#[from] crate::core::deployed::DeploymentError),
}

impl DeployError {
    pub fn hint(&self) -> Option<String> {
        match self {
            DeployError::UnknownEnvironment { known, .. } if known.is_empty() => {
                Some("add one under `remote.environments` in application.yml".to_owned())
            }
            DeployError::UnknownEnvironment { known, .. } => {
                Some(format!("the environments are: {}", known.join(", ")))
            }
            DeployError::NotSwarm { name, .. } => Some(format!(
                "set `target: swarm` in `remote.environments.{name}`, or use `exo generate`"
            )),
            DeployError::NoRegistry { name } => Some(format!(
                "add `registry: HOST[:PORT][/PATH]` to `remote.environments.{name}`; every node pulls from it"
            )),
            DeployError::MissingVariables { .. } => {
                Some("export them before running `exo deploy`".to_owned())
            }
            DeployError::Swarm(SwarmError::NotManager { .. }) => Some(
                "point DOCKER_HOST or --context at a manager of the swarm (`docker node ls` works there)"
                    .to_owned(),
            ),
            DeployError::Swarm(SwarmError::Unreachable { .. }) => {
                Some("check the address with `docker info`".to_owned())
            }
            DeployError::Swarm(SwarmError::Push { .. }) => Some(
                "check that the registry is reachable from the manager and trusted by every node (`--insecure-registry` for plain HTTP)"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

impl crate::core::exit::Exit for DeployError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            DeployError::UnknownEnvironment { .. }
            | DeployError::NotSwarm { .. }
            | DeployError::NoRegistry { .. }
            | DeployError::MissingVariables { .. } => ExitStatus::Usage,
            DeployError::Read { .. } => ExitStatus::Io,
            DeployError::Swarm(SwarmError::NotManager { .. } | SwarmError::Unreachable { .. }) => {
                ExitStatus::Docker
            }
            DeployError::Swarm(
                SwarmError::Api { .. } | SwarmError::Build { .. } | SwarmError::Push { .. },
            ) => ExitStatus::Failure,
            DeployError::Deployment(err) => err.exit_status(),
        }
    }
}
