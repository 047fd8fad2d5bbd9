//! `exo check`: everything that a generator or `exo deploy` would refuse,
//! found without writing or deploying anything. The configuration itself
//! is checked when it loads; this adds, for each remote environment, what
//! its target refuses (names a cluster cannot take, a public service
//! without a URL on AWS, a secret without an ARN, no registry to push to).

use crate::core::deployed::{self, DeploymentError};
use crate::core::model::{Application, Target};
use crate::core::{kubernetes, terraform};
use crate::ops::deploy::{self, DeployError};

/// What one environment's target refuses.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Generate(#[from] DeploymentError),
    #[error(transparent)]
    Deploy(#[from] DeployError),
}

/// The environments to check: `only`, or all of them.
pub fn environments(app: &Application, only: Option<&str>) -> Result<Vec<String>, DeploymentError> {
    match only {
        Some(name) if !app.remote.environments.contains_key(name) => {
            Err(DeploymentError::UnknownEnvironment {
                name: name.to_owned(),
                known: app.remote.environments.keys().cloned().collect(),
            })
        }
        Some(name) => Ok(vec![name.to_owned()]),
        None => Ok(app.remote.environments.keys().cloned().collect()),
    }
}

/// Every refusal of `environment`'s target, by the rules its generator
/// or `exo deploy` applies.
pub fn environment(app: &Application, environment: &str) -> Vec<Refusal> {
    let Some(settings) = app.remote.environments.get(environment) else {
        return Vec::new();
    };
    let outcome = match settings.target {
        Target::Swarm => deploy::preflight(app, environment)
            .map(drop)
            .map_err(Refusal::from),
        // Made and dropped file by file: only a refusal is kept.
        Target::Kubernetes => kubernetes::generate_each(app, environment, |_, _| Ok(()))
            .map(drop)
            .map_err(|err: DeploymentError| Refusal::from(err)),
        Target::Aws => terraform::generate_each(app, &[environment.to_owned()], |_, _| Ok(()))
            .map(drop)
            .map_err(|err: DeploymentError| Refusal::from(err)),
    };
    // The local Compose files are checked whatever the environment.
    let local = deployed::Mode::ALL
        .into_iter()
        .filter_map(|mode| deployed::deploy(app, deployed::Target::Local(mode)).err())
        .map(Refusal::from)
        .next();
    outcome.err().into_iter().chain(local).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Environment, ServiceType};
    use std::path::Path;

    fn shop() -> Application {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
        crate::core::config::load(&dir).unwrap()
    }

    #[test]
    fn what_each_target_refuses_is_found() {
        let mut app = shop();
        let mut aws = Environment::new(Target::Aws);
        aws.region = Some("eu-west-1".to_owned());
        aws.account_id = Some("123456789012".to_owned());
        app.remote.environments.insert("prod".to_owned(), aws);
        assert!(
            app.services
                .values()
                .any(|s| s.config.kind == ServiceType::Public)
        );
        let refusals = environment(&app, "prod");
        assert!(
            matches!(
                refusals.as_slice(),
                [Refusal::Generate(DeploymentError::MissingUrl { .. })]
            ),
            "{refusals:?}"
        );
        app.remote.environments["staging"].registry = None;
        let refusals = environment(&app, "staging");
        assert!(
            matches!(
                refusals.as_slice(),
                [Refusal::Deploy(DeployError::NoRegistry { .. })]
            ),
            "{refusals:?}"
        );
        assert_eq!(environments(&app, None).unwrap(), ["staging", "prod"]);
        assert!(environments(&app, Some("qa")).is_err());
    }
}
