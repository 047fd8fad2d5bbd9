//! The stack file of a Swarm environment, `docker-compose/deploy_<env>.yml`:
//! production images from the environment's registry, health checks that run
//! inside the containers, and the `deploy` settings `exo deploy` rolls out
//! with. Pure, like the rest of [`crate::core::compose`].

mod document;
mod probe;

pub use document::{
    Deploy, Limits, Placement, PublishedPort, Resources, RestartPolicy, StackFile, StackMetadata,
    StackService, StackServiceMetadata, UpdateConfig,
};
pub use probe::swarm_healthcheck;

use super::document::{Environment, share};
use super::{format_duration, literal, values};
use crate::core::deployed::{
    self, Container, Deployment, DeploymentError, Image, Kind, Target, swarm,
};
use crate::core::model::Application;
use serde_saphyr::RcAnchor;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Where the stack file of environment `env` is written.
pub fn stack_file_name(env: &str) -> String {
    format!("docker-compose/deploy_{env}.yml")
}

/// The Swarm deployment of `env` (which must exist in
/// `app.remote.environments`).
pub fn swarm(app: &Application, env: &str) -> Result<Deployment, DeploymentError> {
    deployed::deploy(app, Target::swarm(env))
}

/// The stack file of a Swarm deployment.
pub fn compile_stack(deployment: &Deployment) -> StackFile {
    let text = |variables| values::texts(variables, &deployment.required_secrets);
    let anchor = |variables: &BTreeMap<String, deployed::Value>| {
        let texts = values::texts(variables, &deployment.required_secrets);
        (!texts.is_empty()).then(|| RcAnchor(Rc::new(texts)))
    };
    let endpoints = anchor(&deployment.endpoints);
    let dependencies = anchor(&deployment.dependency_variables);
    let dependency_data = anchor(&deployment.shared_by_dependencies);
    let stack = swarm::stack_name(deployment);
    let mut services = BTreeMap::new();
    let mut volumes = BTreeMap::new();
    for container in &deployment.containers {
        for (name, _) in container.named_volumes() {
            volumes.insert(name, None);
        }
        let mut entry = stack_service(&stack, container);
        let shared = match container.kind {
            Kind::Dependency => vec![&dependency_data],
            Kind::Service(_) => vec![&endpoints, &dependencies],
        };
        entry.environment = Environment {
            shared: shared.into_iter().flatten().map(share).collect(),
            variables: text(&container.variables),
        };
        services.insert(container.id.clone(), entry);
    }
    StackFile {
        version: "3.8",
        endpoints,
        dependencies,
        dependency_data,
        services,
        volumes,
        exo: StackMetadata {
            application: deployment.application.clone(),
            environment: deployment.environment_name().to_owned(),
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
    let anchors = [
        (file.endpoints.is_some(), super::document::ENDPOINTS_ANCHOR),
        (
            file.dependencies.is_some(),
            super::document::DEPENDENCIES_ANCHOR,
        ),
        (
            file.dependency_data.is_some(),
            super::document::DEPENDENCY_DATA_ANCHOR,
        ),
    ];
    let anchors = anchors
        .into_iter()
        .filter_map(|(present, name)| present.then_some(name));
    let text = super::render_with_anchors(file, anchors.collect());
    let preamble = stack_preamble(file);
    text.replacen(super::HEADER, &format!("{}{preamble}", super::HEADER), 1)
}

/// Every Swarm environment of `app` with its file name and text.
pub fn render_stacks(app: &Application) -> Result<Vec<(String, String)>, DeploymentError> {
    app.remote
        .environments
        .iter()
        .filter(|(_, deployment)| deployment.target == crate::core::model::Target::Swarm)
        .map(|(env, _)| {
            Ok((
                stack_file_name(env),
                render_stack(&compile_stack(&swarm(app, env)?)),
            ))
        })
        .collect()
}

/// A container as a Swarm service: its image (a built one tagged by
/// content through its variable), a health check that runs inside it, its
/// published ports, and the `deploy` settings.
fn stack_service(stack: &str, container: &Container) -> StackService {
    let dependency = container.kind == Kind::Dependency;
    let (image, tag_variable) = match &container.image {
        Image::Built(build) => match &build.tag {
            deployed::Tag::Variable(variable) => (
                format!("{}:${{{variable}:-latest}}", literal(&build.repository())),
                Some(variable.clone()),
            ),
            deployed::Tag::Mode(_) | deployed::Tag::Fixed(_) => {
                (literal(&build.repository()), None)
            }
        },
        Image::Pulled(name) => (name.clone(), None),
    };
    let healthcheck = swarm_healthcheck(&container.readiness);
    let ready_log = swarm::ready_log(container).map(literal);
    let ports: Vec<PublishedPort> = match (container.host_port, container.port) {
        (Some(published), Some(target)) => vec![host_port(published, target)],
        _ => Vec::new(),
    };
    StackService {
        image,
        volumes: container
            .named_volumes()
            .into_iter()
            .map(|(name, path)| format!("{name}:{path}"))
            .collect(),
        environment: Environment::default(),
        deploy: deploy(
            container.replicas,
            swarm::constraints(stack, container),
            limits(container.cores(), container.memory),
            swarm::start_first(container),
        ),
        ports,
        exo: StackServiceMetadata {
            kind: if dependency { "dependency" } else { "service" },
            after: container.waits_for.iter().map(|w| w.id.clone()).collect(),
            readiness: match (&healthcheck, &ready_log) {
                (Some(_), _) => "healthy",
                (None, Some(_)) => "log",
                (None, None) => "running",
            },
            ready_log,
            tag_variable,
            node_label: swarm::node_label(stack, container),
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
/// the new version fails.
fn deploy(
    replicas: u32,
    constraints: Vec<String>,
    resources: Option<Resources>,
    start_first: bool,
) -> Deploy {
    let order = if start_first {
        "start-first"
    } else {
        "stop-first"
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
            delay: format_duration(swarm::RESTART_DELAY),
        },
        update_config: UpdateConfig {
            parallelism: 1,
            order,
            failure_action: Some("rollback"),
            monitor: format_duration(swarm::MONITOR),
        },
        rollback_config: UpdateConfig {
            parallelism: 1,
            order,
            failure_action: None,
            monitor: format_duration(swarm::MONITOR),
        },
    }
}

#[cfg(test)]
mod tests;
