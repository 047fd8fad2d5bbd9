//! What `exo deploy ENV` will do: the stack file of the environment with
//! every variable resolved (image tags by content, secrets from exo's
//! environment) as service definitions, in the order they start.

use super::DeployError;
use super::content::content_tag;
use crate::compose::stack::{StackFile, StackService, compile_stack, tag_variable};
use crate::config::parse_duration;
use crate::docker::swarm::{HealthSpec, ImageBuild, ServiceDefinition};
use crate::model::{Application, ServiceSource, Target};
use indexmap::IndexMap;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Plan {
    pub stack: String,
    pub network: String,
    /// By the name in the stack file, in file order.
    pub services: IndexMap<String, PlannedService>,
    /// The images to build and push, by role.
    pub builds: Vec<(String, ImageBuild)>,
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
    let Some(deployment) = app.remote.environments.get(env) else {
        return Err(DeployError::UnknownEnvironment {
            name: env.to_owned(),
            known: app.remote.environments.keys().cloned().collect(),
        });
    };
    if deployment.target != Target::Swarm {
        return Err(DeployError::NotSwarm {
            name: env.to_owned(),
            target: deployment.target.name(),
        });
    }
    let file = compile_stack(app, env, deployment);
    let mut values = BTreeMap::new();
    let mut builds = Vec::new();
    for service in app.services.values() {
        let ServiceSource::Location(location) = &service.source else {
            continue;
        };
        if deployment.registry.is_none() {
            return Err(DeployError::NoRegistry {
                name: env.to_owned(),
            });
        }
        let context = dir.join(location);
        let dockerfile = crate::compose::Mode::Production.dockerfile();
        let tag = content_tag(&context, dockerfile).map_err(|source| DeployError::Read {
            path: context.clone(),
            source,
        })?;
        let image = &file.services[&service.role].image;
        let repository = image.split_once(":${").map_or(image.as_str(), |(r, _)| r);
        builds.push((
            service.role.clone(),
            ImageBuild {
                context,
                dockerfile: dockerfile.to_owned(),
                reference: format!("{repository}:{tag}"),
            },
        ));
        values.insert(tag_variable(&service.role), tag);
    }
    let mut missing = Vec::new();
    let mut lookup = |name: &str| -> Option<String> {
        if let Some(value) = values.get(name) {
            return Some(value.clone());
        }
        let value = variable(name);
        if value.is_none() && !missing.iter().any(|m| m == name) {
            missing.push(name.to_owned());
        }
        value
    };
    let stack = file.exo.stack.clone();
    let network = format!("{stack}_default");
    let mut services = IndexMap::new();
    for (name, service) in &file.services {
        let definition = definition(&file, name, service, &network, &mut lookup);
        let fingerprint = fingerprint(&definition);
        services.insert(
            name.clone(),
            PlannedService {
                definition,
                fingerprint,
                after: service.exo.after.clone(),
                node_label: service.exo.node_label.clone(),
                ready_log: service
                    .exo
                    .ready_log
                    .as_deref()
                    .map(|text| interpolate(text, &mut lookup)),
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
    })
}

fn definition(
    file: &StackFile,
    name: &str,
    service: &StackService,
    network: &str,
    lookup: &mut dyn FnMut(&str) -> Option<String>,
) -> ServiceDefinition {
    let mut resolve = |text: &str| interpolate(text, lookup);
    let mut environment: BTreeMap<String, String> = BTreeMap::new();
    if let Some(endpoints) = &service.environment.endpoints {
        environment.extend(endpoints.0.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for (key, value) in &service.environment.variables {
        environment.insert(key.clone(), resolve(value));
    }
    let deploy = &service.deploy;
    let limits = deploy.resources.as_ref().map(|r| &r.limits);
    ServiceDefinition {
        name: format!("{}_{name}", file.exo.stack),
        alias: name.to_owned(),
        stack: file.exo.stack.clone(),
        network: network.to_owned(),
        image: resolve(&service.image),
        environment: environment
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect(),
        ports: service
            .ports
            .iter()
            .map(|p| (p.target, p.published))
            .collect(),
        volumes: service
            .volumes
            .iter()
            .filter_map(|v| v.split_once(':'))
            .map(|(volume, path)| (volume.to_owned(), path.to_owned()))
            .collect(),
        healthcheck: service.healthcheck.as_ref().map(|h| HealthSpec {
            test: h.test.0.iter().map(|word| resolve(word)).collect(),
            interval: duration(&h.interval),
            timeout: duration(&h.timeout),
            retries: h.retries,
            start_period: duration(&h.start_period),
        }),
        replicas: u64::from(deploy.replicas),
        constraints: deploy
            .placement
            .as_ref()
            .map(|p| p.constraints.iter().map(|c| resolve(c)).collect())
            .unwrap_or_default(),
        nano_cpus: limits
            .and_then(|l| l.cpus.as_deref())
            .and_then(|c| c.parse::<f64>().ok())
            .map(|cores| (cores * 1e9).round() as i64),
        memory_bytes: limits
            .and_then(|l| l.memory.as_deref())
            .and_then(|m| m.strip_suffix('M'))
            .and_then(|m| m.parse::<i64>().ok())
            .map(|mib| mib * 1024 * 1024),
        restart_delay: duration(&deploy.restart_policy.delay),
        update_order: deploy.update_config.order.to_owned(),
        monitor: duration(&deploy.update_config.monitor),
    }
}

fn duration(text: &str) -> Duration {
    parse_duration(text).unwrap_or_default()
}

/// What the docker CLI does with a stack file's values: `$$` is a `$`,
/// `${NAME}`, `${NAME:-default}` and `${NAME:?why}` (required: exo's
/// production credentials) are variables.
pub fn interpolate(text: &str, lookup: &mut dyn FnMut(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(end) = rest.find('}').filter(|_| rest.starts_with("${")) {
            let inner = &rest[2..end];
            let (name, default) = match inner.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (inner.split_once(":?").map_or(inner, |(name, _)| name), None),
            };
            let value = match default {
                Some(default) => lookup(name).unwrap_or_else(|| default.to_owned()),
                None => lookup(name).unwrap_or_default(),
            };
            out.push_str(&value);
            rest = &rest[end + 1..];
        } else {
            out.push('$');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

fn fingerprint(definition: &ServiceDefinition) -> String {
    let json = serde_json::to_vec(definition).unwrap_or_default();
    format!("{:x}", Sha256::digest(json))[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_as_the_docker_cli_does_it() {
        let mut lookup = |name: &str| (name == "TAG").then(|| "sha-1".to_owned());
        assert_eq!(interpolate("a:${TAG:-latest}", &mut lookup), "a:sha-1");
        assert_eq!(interpolate("a:${NONE:-latest}", &mut lookup), "a:latest");
        assert_eq!(
            interpolate("$$5 and $${HOME}", &mut lookup),
            "$5 and ${HOME}"
        );
        assert_eq!(interpolate("${NONE}", &mut lookup), "");
        assert_eq!(interpolate("${TAG:?set TAG: needed}", &mut lookup), "sha-1");
    }

    fn shop() -> (std::path::PathBuf, Application) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
        let app = crate::config::load(&dir).unwrap();
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
        app.remote.environments["staging"].target = Target::Kubernetes;
        let err = plan(&app, &dir, "staging", &|_| None).unwrap_err();
        assert!(matches!(err, DeployError::NotSwarm { .. }));
        app.remote.environments["staging"].target = Target::Swarm;
        app.remote.environments["staging"].registry = None;
        let err = plan(&app, &dir, "staging", &|_| None).unwrap_err();
        assert!(matches!(err, DeployError::NoRegistry { .. }));
    }

    /// The stack file writes a `$` of the configuration as `$$`, as Compose
    /// and the docker CLI read it; the Swarm gets the `$` back.
    #[test]
    fn a_dollar_in_a_ready_line_or_a_placement_reaches_the_swarm_as_written() {
        use crate::model::{Check, Probe};
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
        let mut app = crate::config::load(&dir).unwrap();
        app.services["worker"].config.development.health_check = Some(Probe::new(Check::Log {
            text: "ready for $5".to_owned(),
        }));
        app.services["api"].config.remote.placement = vec!["node.labels.zone == $a".to_owned()];
        let stack = crate::compose::stack::compile_stack(
            &app,
            "staging",
            &app.remote.environments["staging"],
        );
        let text = crate::compose::stack::render_stack(&stack);
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
