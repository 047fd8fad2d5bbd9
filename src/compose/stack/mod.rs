//! The stack file of a Swarm environment, `docker-compose/deploy_<env>.yml`:
//! production images from the environment's registry, health checks that run
//! inside the containers, and the `deploy` settings `exo deploy` rolls out
//! with. Pure, like the rest of [`crate::compose`].

mod document;
mod probe;

pub use document::{
    Deploy, Limits, Placement, PublishedPort, Resources, RestartPolicy, StackFile, StackMetadata,
    StackService, StackServiceMetadata, UpdateConfig,
};
pub use probe::swarm_healthcheck;

use super::document::Environment;
use super::environment::{
    SharedVariables, container_port, dependency_environment, dependency_volumes, host_ports,
    service_environment, volume_name,
};
use super::generate::{all_dependencies, readiness_probe};
use super::{Mode, constant_case, literal, project_name};
use crate::model::{
    Application, Check, Dependency, Environment as Deployment, Service, ServiceSource,
};
use indexmap::IndexMap;
use serde_saphyr::RcAnchor;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Where the stack file of environment `env` is written.
pub fn stack_file_name(env: &str) -> String {
    format!("docker-compose/deploy_{env}.yml")
}

/// The stack's name on the cluster: `<project>-<env>`, e.g. `shop-staging`.
pub fn stack_name(app: &Application, env: &str) -> String {
    format!("{}-{env}", project_name(&app.name))
}

/// The variable that carries a service's image tag, e.g. `EXO_TAG_API`.
pub fn tag_variable(role: &str) -> String {
    format!("EXO_TAG_{}", constant_case(role))
}

/// The image repository of a service built from its location, without a tag.
pub fn image_repository(app: &Application, deployment: &Deployment, role: &str) -> String {
    let name = format!("{}-{}", project_name(&app.name), role.to_lowercase());
    match &deployment.registry {
        Some(registry) => format!("{registry}/{name}"),
        None => name,
    }
}

/// The stack file of `env` (which must exist in `app.remote.environments`).
pub fn compile_stack(app: &Application, env: &str, deployment: &Deployment) -> StackFile {
    let dependencies = all_dependencies(app);
    let ports = host_ports(app, &dependencies, Mode::Production);
    let shared = SharedVariables::new(app, &dependencies, &ports, Mode::Production);
    let endpoints =
        (!shared.endpoints.is_empty()).then(|| RcAnchor(Rc::new(shared.endpoints.clone())));
    let stack = stack_name(app, env);
    let mut services = BTreeMap::new();
    let mut volumes = BTreeMap::new();
    for (id, dependency) in &dependencies {
        for path in &dependency.persist {
            volumes.insert(volume_name(id, path), None);
        }
        services.insert(id.clone(), dependency_service(app, &stack, id, dependency));
    }
    for service in app.services.values() {
        let mut variables = service_environment(app, service, &shared);
        // The stack file repeats the application's values in each service
        // rather than merging an anchor: its own values win, as in Compose.
        for (name, value) in &shared.application {
            variables
                .entry(name.clone())
                .or_insert_with(|| value.clone());
        }
        let own = service.config.remote.environments.get(env);
        let extra = [
            Some((&deployment.environment, &deployment.secrets)),
            own.map(|o| (&o.environment, &o.secrets)),
        ];
        for (values, secrets) in extra.into_iter().flatten() {
            add_variables(&mut variables, values, secrets);
        }
        variables.retain(|name, _| !shared.endpoints.contains_key(name));
        let mut entry = service_entry(app, service, deployment, &ports, &dependencies);
        entry.environment = Environment {
            endpoints: endpoints.clone(),
            application: None,
            variables,
        };
        services.insert(service.role.clone(), entry);
    }
    StackFile {
        version: "3.8",
        endpoints,
        services,
        volumes,
        exo: StackMetadata {
            application: app.name.clone(),
            environment: env.to_owned(),
            stack,
        },
    }
}

/// The comment after the header: how to use the file by hand, and why the
/// networking is as it is.
pub fn stack_preamble(file: &StackFile) -> String {
    let StackMetadata { stack, .. } = &file.exo;
    format!(
        "# `exo deploy {env}` deploys it; by hand: build and push the images, set each\n\
         # EXO_TAG_<ROLE> to its tag (and the secrets), then\n\
         #   docker stack deploy -c docker-compose/deploy_{env}.yml {stack}\n\
         # Every service uses `endpoint_mode: dnsrr` and publishes its ports with\n\
         # `mode: host`: neither needs IPVS, which service virtual IPs and the routing\n\
         # mesh do and which many kernels lack. A published port answers on the nodes\n\
         # that run the service's tasks.\n",
        env = file.exo.environment
    )
}

/// The stack file's text: the header, the preamble, then the YAML.
pub fn render_stack(file: &StackFile) -> String {
    let anchors = file
        .endpoints
        .iter()
        .map(|_| super::document::ENDPOINTS_ANCHOR);
    let text = super::render_with_anchors(file, anchors.collect());
    let preamble = stack_preamble(file);
    text.replacen(super::HEADER, &format!("{}{preamble}", super::HEADER), 1)
}

/// Every Swarm environment of `app` with its file name and text.
pub fn render_stacks(app: &Application) -> Vec<(String, String)> {
    app.remote
        .environments
        .iter()
        .filter(|(_, deployment)| deployment.target == crate::model::Target::Swarm)
        .map(|(env, deployment)| {
            (
                stack_file_name(env),
                render_stack(&compile_stack(app, env, deployment)),
            )
        })
        .collect()
}

fn add_variables(
    variables: &mut BTreeMap<String, String>,
    values: &IndexMap<String, String>,
    secrets: &[String],
) {
    for (name, value) in values {
        variables.insert(name.clone(), literal(value));
    }
    for name in secrets {
        variables.insert(name.clone(), format!("${{{name}}}"));
    }
}

fn service_entry(
    app: &Application,
    service: &Service,
    deployment: &Deployment,
    ports: &BTreeMap<String, u16>,
    dependencies: &IndexMap<String, Dependency>,
) -> StackService {
    let port = container_port(service, Mode::Production);
    let (image, tag_variable) = match &service.source {
        ServiceSource::Location(_) => {
            let variable = tag_variable(&service.role);
            let repository = image_repository(app, deployment, &service.role);
            (
                format!("{repository}:${{{variable}:-latest}}"),
                Some(variable),
            )
        }
        ServiceSource::Image(image) => (image.clone(), None),
    };
    let probe = readiness_probe(service, Mode::Production)
        .or_else(|| service.config.development.health_check.clone());
    let healthcheck = swarm_healthcheck(probe.as_ref(), port);
    let ready_log = match probe.as_ref().map(|p| &p.check) {
        Some(Check::Log { text }) if healthcheck.is_none() => Some(literal(text)),
        _ => None,
    };
    let published: Vec<PublishedPort> = match (ports.get(&service.role), port) {
        (Some(published), Some(target)) => vec![host_port(*published, target)],
        _ => Vec::new(),
    };
    let remote = &service.config.remote;
    let mut after: Vec<String> = app
        .dependencies
        .keys()
        .chain(service.config.dependencies.keys())
        .filter(|id| dependencies.contains_key(*id))
        .cloned()
        .collect();
    after.sort();
    after.dedup();
    after.extend(service.config.development.depends_on.iter().cloned());
    StackService {
        image,
        volumes: Vec::new(),
        environment: Environment::default(),
        deploy: deploy(
            remote.replicas,
            remote.placement.clone(),
            limits(remote.cores(), remote.memory),
            !published.is_empty(),
        ),
        ports: published,
        exo: StackServiceMetadata {
            kind: "service",
            after,
            readiness: match (&healthcheck, &ready_log) {
                (Some(_), _) => "healthy",
                (None, Some(_)) => "log",
                (None, None) => "running",
            },
            ready_log,
            tag_variable,
            node_label: None,
        },
        healthcheck,
    }
}

fn dependency_service(
    app: &Application,
    stack: &str,
    id: &str,
    dependency: &Dependency,
) -> StackService {
    let healthcheck = swarm_healthcheck(dependency.health_check.as_ref(), dependency.port);
    let ports: Vec<PublishedPort> = match (dependency.host_port, dependency.port) {
        (Some(published), Some(target)) => vec![host_port(published, target)],
        _ => Vec::new(),
    };
    // A local volume lives on one node: the dependency must always run there.
    let node_label = (!dependency.persist.is_empty()).then(|| format!("exo.{stack}.{id}"));
    let constraints: Vec<String> = node_label
        .iter()
        .map(|label| format!("node.labels.{label} == true"))
        .collect();
    StackService {
        image: dependency.image.clone(),
        volumes: dependency_volumes(id, dependency),
        environment: Environment {
            endpoints: None,
            application: None,
            variables: dependency_environment(app, id, dependency, Mode::Production),
        },
        deploy: deploy(1, constraints, None, !ports.is_empty()),
        ports,
        exo: StackServiceMetadata {
            kind: "dependency",
            after: Vec::new(),
            readiness: if healthcheck.is_some() {
                "healthy"
            } else {
                "running"
            },
            ready_log: None,
            tag_variable: None,
            node_label,
        },
        healthcheck,
    }
}

fn host_port(published: u16, target: u16) -> PublishedPort {
    PublishedPort {
        target,
        published,
        protocol: "tcp",
        mode: "host",
    }
}

fn limits(cores: Option<f64>, memory_mib: Option<u32>) -> Option<Resources> {
    if cores.is_none() && memory_mib.is_none() {
        return None;
    }
    Some(Resources {
        limits: Limits {
            cpus: cores.map(|c| format!("{c}")),
            memory: memory_mib.map(|m| format!("{m}M")),
        },
    })
}

/// Restart after a failure; roll out one task at a time and roll back when
/// the new version fails. A task that holds a host port must stop before its
/// successor can take the port on the same node.
fn deploy(
    replicas: u32,
    constraints: Vec<String>,
    resources: Option<Resources>,
    host_ports: bool,
) -> Deploy {
    let order = if host_ports {
        "stop-first"
    } else {
        "start-first"
    };
    Deploy {
        endpoint_mode: "dnsrr",
        replicas,
        placement: (!constraints.is_empty()).then(|| Placement {
            constraints: constraints.iter().map(|c| literal(c)).collect(),
        }),
        resources,
        restart_policy: RestartPolicy {
            condition: "on-failure",
            delay: "2s".to_owned(),
        },
        update_config: UpdateConfig {
            parallelism: 1,
            order,
            failure_action: Some("rollback"),
            monitor: "5s".to_owned(),
        },
        rollback_config: UpdateConfig {
            parallelism: 1,
            order,
            failure_action: None,
            monitor: "5s".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests;
