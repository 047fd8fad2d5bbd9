//! What `exo deploy ENV` will do: the environment's Swarm deployment (the
//! same model the stack file is written from) with every value resolved
//! (image tags by content, secrets from exo's environment) as service
//! definitions, in the order they start.

use super::DeployError;
use super::content::content_tag;
use crate::adapters::docker::swarm::{HealthSpec, ImageBuild, ServiceDefinition};
use crate::core::deployed::{self, Container, Deployment, Image, Part, Tag, Target, Value, swarm};
use crate::core::model::{Application, CommandLine, Target as Engine};
use indexmap::IndexMap;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Plan {
    pub stack: String,
    pub network: String,
    /// By the container's id, dependencies then services, each sorted.
    pub services: IndexMap<String, PlannedService>,
    /// The images to build and push, by role.
    pub builds: Vec<(String, ImageBuild)>,
    /// What the stack cannot carry (`compose:` keys).
    pub warnings: Vec<deployed::Warning>,
}

#[derive(Debug, Clone)]
pub struct PlannedService {
    pub definition: ServiceDefinition,
    /// Equal on the cluster means unchanged.
    pub fingerprint: String,
    /// What must run healthy before this one starts.
    pub after: Vec<String>,
    /// The node label that pins it (a dependency with persisted data).
    pub node_label: Option<String>,
    /// A task is ready once its output has a line with this text.
    pub ready_log: Option<String>,
}

/// The plan of `env`; `variable` reads exo's environment (for secrets).
pub fn plan(
    app: &Application,
    dir: &Path,
    env: &str,
    variable: &dyn Fn(&str) -> Option<String>,
) -> Result<Plan, DeployError> {
    let deployment = preflight(app, env)?;
    let mut tags = BTreeMap::new();
    let mut builds = Vec::new();
    for container in &deployment.containers {
        let Image::Built(build) = &container.image else {
            continue;
        };
        let context = dir.join(&build.location);
        let tag = content_tag(&context, build.dockerfile).map_err(|source| DeployError::Read {
            path: context.clone(),
            source,
        })?;
        builds.push((
            container.id.clone(),
            ImageBuild {
                context,
                dockerfile: build.dockerfile.to_owned(),
                reference: format!("{}:{tag}", build.repository()),
            },
        ));
        tags.insert(container.id.clone(), tag);
    }
    // Built in application order, as the services are listed.
    builds.sort_by_key(|(role, _)| app.services.get_index_of(role));
    let mut missing = Vec::new();
    let mut secret = |name: &str| -> String {
        let value = variable(name);
        if value.is_none() && !missing.iter().any(|m| m == name) {
            missing.push(name.to_owned());
        }
        value.unwrap_or_default()
    };
    let stack = swarm::stack_name(&deployment);
    let network = format!("{stack}_default");
    let mut services = IndexMap::new();
    for container in &deployment.containers {
        let definition = definition(&deployment, container, &stack, &network, &tags, &mut secret);
        let fingerprint = fingerprint(&definition);
        services.insert(
            container.id.clone(),
            PlannedService {
                definition,
                fingerprint,
                after: container.waits_for.iter().map(|w| w.id.clone()).collect(),
                node_label: swarm::node_label(&stack, container),
                ready_log: swarm::ready_log(container).map(str::to_owned),
            },
        );
    }
    if !missing.is_empty() {
        return Err(DeployError::MissingVariables { names: missing });
    }
    Ok(Plan {
        stack,
        network,
        services,
        builds,
        warnings: deployment.warnings.clone(),
    })
}

/// Everything `exo deploy ENV` would refuse before it touches anything:
/// the environment exists and is a Swarm one, the model builds, and there
/// is a registry to push the built images to. `exo check` runs it too.
pub fn preflight(app: &Application, env: &str) -> Result<Deployment, DeployError> {
    let Some(settings) = app.remote.environments.get(env) else {
        return Err(DeployError::UnknownEnvironment {
            name: env.to_owned(),
            known: app.remote.environments.keys().cloned().collect(),
        });
    };
    if settings.target != Engine::Swarm {
        return Err(DeployError::NotSwarm {
            name: env.to_owned(),
            target: settings.target.name(),
        });
    }
    let deployment = deployed::deploy(app, Target::swarm(env))?;
    let builds = deployment
        .containers
        .iter()
        .any(|c| matches!(c.image, Image::Built(_)));
    if builds && settings.registry.is_none() {
        return Err(DeployError::NoRegistry {
            name: env.to_owned(),
        });
    }
    Ok(deployment)
}

fn definition(
    deployment: &Deployment,
    container: &Container,
    stack: &str,
    network: &str,
    tags: &BTreeMap<String, String>,
    secret: &mut dyn FnMut(&str) -> String,
) -> ServiceDefinition {
    let environment = deployment
        .variables(container)
        .into_iter()
        .map(|(name, value)| format!("{name}={}", resolve(&value, secret)))
        .collect();
    let image = match &container.image {
        Image::Built(build) => match (&build.tag, tags.get(&container.id)) {
            (Tag::Variable(_), Some(tag)) => format!("{}:{tag}", build.repository()),
            _ => build.repository(),
        },
        Image::Pulled(name) => name.clone(),
    };
    let readiness = &container.readiness;
    ServiceDefinition {
        name: format!("{stack}_{}", container.id),
        alias: container.id.clone(),
        stack: stack.to_owned(),
        network: network.to_owned(),
        image,
        environment,
        ports: match (container.port, container.host_port) {
            (Some(port), Some(published)) => vec![(port, published)],
            _ => Vec::new(),
        },
        volumes: container.named_volumes(),
        healthcheck: swarm::in_container_check(&readiness.check).map(|command| HealthSpec {
            test: match command {
                CommandLine::Shell(line) => vec!["CMD-SHELL".to_owned(), line],
                CommandLine::Exec(words) => {
                    std::iter::once("CMD".to_owned()).chain(words).collect()
                }
            },
            interval: readiness.timing.interval,
            timeout: readiness.timing.timeout,
            retries: readiness.timing.retries,
            start_period: readiness.timing.start_period,
            start_interval: None,
        }),
        replicas: u64::from(container.replicas),
        constraints: swarm::constraints(stack, container),
        nano_cpus: container.cores().map(|cores| (cores * 1e9).round() as i64),
        memory_bytes: container.memory.map(|mib| i64::from(mib) * 1024 * 1024),
        restart_delay: swarm::RESTART_DELAY,
        update_order: if swarm::start_first(container) {
            "start-first"
        } else {
            "stop-first"
        }
        .to_owned(),
        monitor: swarm::MONITOR,
    }
}

/// A value with its secrets from exo's environment.
fn resolve(value: &Value, secret: &mut dyn FnMut(&str) -> String) -> String {
    match value {
        Value::Literal(text) => text.clone(),
        Value::Secret(name) => secret(name),
        Value::Template(parts) => parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Secret(name) => secret(name),
            })
            .collect(),
    }
}

fn fingerprint(definition: &ServiceDefinition) -> String {
    let json = serde_json::to_vec(definition).unwrap_or_default();
    format!("{:x}", Sha256::digest(json))[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> (std::path::PathBuf, Application) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
        let app = crate::core::config::load(&dir).unwrap();
        (dir, app)
    }

    #[test]
    fn the_shop_plan() {
        let (dir, app) = shop();
        let plan = plan(&app, &dir, "staging", &|_| None).unwrap();
        assert_eq!(plan.stack, "shop-staging");
        assert_eq!(plan.network, "shop-staging_default");
        let api = &plan.services["api"];
        assert_eq!(api.definition.name, "shop-staging_api");
        assert!(
            api.definition
                .image
                .starts_with("127.0.0.1:5000/shop-api:sha-")
        );
        assert_eq!(api.after, ["cache"]);
        assert!(
            api.definition
                .environment
                .contains(&"API_INTERNAL_ORIGIN=http://api:4000".to_owned())
        );
        let roles: Vec<&str> = plan.builds.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(roles, ["web", "api", "worker"]);
        assert_eq!(plan.builds[1].1.reference, api.definition.image);
        // The same files give the same plan.
        let again = super::plan(&app, &dir, "staging", &|_| None).unwrap();
        assert_eq!(again.services["api"].fingerprint, api.fingerprint);
    }

    #[test]
    fn secrets_come_from_the_environment_or_are_named_missing() {
        let (dir, mut app) = shop();
        let staging = app.remote.environments.get_mut("staging").unwrap();
        staging.secrets = vec!["API_TOKEN".to_owned(), "OTHER".to_owned()];
        let err = plan(&app, &dir, "staging", &|_| None).unwrap_err();
        assert!(
            matches!(&err, DeployError::MissingVariables { names } if names == &["API_TOKEN", "OTHER"])
        );
        let plan = plan(&app, &dir, "staging", &|name| Some(format!("{name}-value"))).unwrap();
        let env = &plan.services["web"].definition.environment;
        assert!(env.contains(&"API_TOKEN=API_TOKEN-value".to_owned()));
    }

    #[test]
    fn unknown_and_non_swarm_environments() {
        let (dir, mut app) = shop();
        let err = plan(&app, &dir, "prod", &|_| None).unwrap_err();
        assert!(matches!(err, DeployError::UnknownEnvironment { .. }));
        app.remote.environments["staging"].target = Engine::Kubernetes;
        let err = plan(&app, &dir, "staging", &|_| None).unwrap_err();
        assert!(matches!(err, DeployError::NotSwarm { .. }));
        app.remote.environments["staging"].target = Engine::Swarm;
        app.remote.environments["staging"].registry = None;
        let err = plan(&app, &dir, "staging", &|_| None).unwrap_err();
        assert!(matches!(err, DeployError::NoRegistry { .. }));
    }

    /// The stack file writes a `$` of the configuration as `$$`, as Compose
    /// and the docker CLI read it; the Swarm gets the `$` back.
    #[test]
    fn a_dollar_in_a_ready_line_or_a_placement_reaches_the_swarm_as_written() {
        use crate::core::model::{Check, Probe};
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
        let mut app = crate::core::config::load(&dir).unwrap();
        app.services["worker"].config.development.health_check = Some(Probe::new(Check::Log {
            text: "ready for $5".to_owned(),
        }));
        app.services["api"].config.remote.placement = vec!["node.labels.zone == $a".to_owned()];
        let stack = crate::core::compose::stack::compile_stack(
            &crate::core::compose::stack::swarm(&app, "staging").unwrap(),
        );
        let text = crate::core::compose::stack::render_stack(&stack);
        assert!(text.contains("ready-log: ready for $$5"), "{text}");
        assert!(text.contains("node.labels.zone == $$a"), "{text}");
        let plan = plan(&app, &dir, "staging", &|_| None).unwrap();
        assert_eq!(
            plan.services["worker"].ready_log.as_deref(),
            Some("ready for $5")
        );
        assert_eq!(
            plan.services["api"].definition.constraints,
            ["node.labels.zone == $a"]
        );
    }
}
