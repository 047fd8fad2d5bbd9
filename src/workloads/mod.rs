//! The application as one remote environment runs it (Kubernetes or AWS):
//! one workload per dependency and per service, with its image, port,
//! probe, variables, secrets and the workloads it waits for before it
//! starts. Pure, and shared by the Kubernetes and Terraform generators, so
//! that both keep the readiness model and start order of `exo run`.

mod names;
mod variables;

pub use variables::{Part, Value};

use crate::compose::{self, Mode, all_dependencies, project_name, readiness_probe};
use crate::graph;
use crate::model::{
    Application, Check, Dependency, Environment, Probe, Service, ServiceSource, ServiceType, Target,
};
use std::collections::{BTreeMap, BTreeSet};

/// The image that sits in the init containers and ECS waiter containers:
/// busybox has `nc` and `wget`, which is all a wait needs.
pub const WAIT_IMAGE: &str = "busybox:1.36";

/// One remote environment's workloads.
#[derive(Debug, Clone)]
pub struct Plan {
    pub application: String,
    pub environment_name: String,
    pub environment: Environment,
    /// Dependencies, then services, each sorted by name.
    pub workloads: Vec<Workload>,
    /// What the target cannot express, for the person who generates.
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dependency,
    Service(ServiceType),
}

impl Kind {
    /// `app.kubernetes.io/component`.
    pub fn component(self) -> &'static str {
        match self {
            Kind::Dependency => "dependency",
            Kind::Service(kind) => kind.name(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Workload {
    /// A DNS label: the Kubernetes object and ECS service name, and the host
    /// other workloads reach it by.
    pub name: String,
    /// The role or dependency id as application.yml writes it.
    pub id: String,
    pub kind: Kind,
    pub image: String,
    /// Built by exo from a `location` (pushed to the environment's
    /// registry), rather than a third-party image.
    pub built: bool,
    pub port: Option<u16>,
    pub probe: Option<Probe>,
    pub variables: BTreeMap<String, Value>,
    /// Every secret the workload's variables need, by name.
    pub secrets: BTreeSet<String>,
    /// In start order: its dependencies (sorted), then its `depends-on`.
    pub waits_for: Vec<Wait>,
    /// Container paths kept on a volume.
    pub persist: Vec<String>,
    /// ECS CPU units (1024 = one core).
    pub cpu: Option<u32>,
    /// MiB.
    pub memory: Option<u32>,
    pub replicas: u32,
    /// The public address of a public service in this environment.
    pub url: Option<String>,
}

impl Workload {
    /// A volume name for each persisted path: `data`, or `data-1`,
    /// `data-2`, ... when there are several.
    pub fn volumes(&self) -> Vec<(String, String)> {
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
}

/// A workload waited for, and how: a TCP connection, or an HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub http_path: Option<String>,
}

impl Wait {
    /// A shell loop that ends once the workload answers; busybox's `nc`
    /// and `wget`, so that it runs in [`WAIT_IMAGE`].
    pub fn script(&self) -> String {
        let (before, after) = self.script_around_host();
        format!("{before}{}{after}", self.host)
    }

    /// The script's text before and after the host, for a target that
    /// writes the host as an expression of its own.
    pub fn script_around_host(&self) -> (String, String) {
        let probe_end = match &self.http_path {
            Some(path) => format!(":{}{}'", self.port, path.replace('\'', "'\\''")),
            None => format!(" {}", self.port),
        };
        let start = match &self.http_path {
            Some(_) => "until wget -q -T 2 -O /dev/null 'http://",
            None => "until nc -z -w 2 ",
        };
        (
            start.to_owned(),
            format!(
                "{probe_end}; do echo 'waiting for {}'; sleep 1; done",
                self.name
            ),
        )
    }
}

/// What a target cannot express; each is said once, when generating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Readiness by a log line: the target has no such probe.
    LogCheck { workload: String, text: String },
    /// A workload waits for one without a port, which cannot be asked.
    CannotWait { workload: String, target: String },
    /// A variable built from a secret, which ECS cannot assemble.
    SecretInValue { workload: String, variable: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
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
    app: &Application,
    target: Target,
    name: Option<&str>,
) -> Result<Vec<String>, PlanError> {
    if let Some(name) = name {
        let Some(environment) = app.remote.environments.get(name) else {
            return Err(PlanError::UnknownEnvironment {
                name: name.to_owned(),
                known: app.remote.environments.keys().cloned().collect(),
            });
        };
        if environment.target != target {
            return Err(PlanError::WrongTarget {
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
        return Err(PlanError::NoEnvironment {
            target: target.name(),
        });
    }
    Ok(names)
}

/// How a target names hosts: `host(name)` is where the workload `name`
/// answers, e.g. `db.shop.svc` on Kubernetes.
pub trait Hosts {
    fn host(&self, name: &str) -> String;
}

impl<F: Fn(&str) -> String> Hosts for F {
    fn host(&self, name: &str) -> String {
        self(name)
    }
}

/// The workloads of `environment_name`, which must exist.
pub fn plan(
    app: &Application,
    environment_name: &str,
    hosts: &dyn Hosts,
) -> Result<Plan, PlanError> {
    let environment = app
        .remote
        .environments
        .get(environment_name)
        .cloned()
        .ok_or_else(|| PlanError::UnknownEnvironment {
            name: environment_name.to_owned(),
            known: app.remote.environments.keys().cloned().collect(),
        })?;
    check_order(app)?;
    let names = names::names(app)?;
    let dependencies = all_dependencies(app);
    let mut workloads = Vec::new();
    for (id, dependency) in &dependencies {
        workloads.push(dependency_workload(app, id, dependency, &names[id]));
    }
    let context = variables::Context::new(app, environment_name, &dependencies, &names, hosts);
    for service in app.services.values() {
        workloads.push(service_workload(
            app,
            service,
            environment_name,
            &names,
            &context,
        )?);
    }
    workloads.sort_by_key(|w| (w.kind != Kind::Dependency, w.name.clone()));
    let warnings = resolve_waits(app, &mut workloads, &names, hosts);
    Ok(Plan {
        application: app.name.clone(),
        environment_name: environment_name.to_owned(),
        environment,
        workloads,
        warnings,
    })
}

/// Fills in what each workload waits for, in start order; returns what
/// cannot be waited for and the log-line checks, as warnings.
fn resolve_waits(
    app: &Application,
    workloads: &mut [Workload],
    names: &BTreeMap<String, String>,
    hosts: &dyn Hosts,
) -> Vec<Warning> {
    let targets: BTreeMap<String, (Option<u16>, Option<Probe>)> = workloads
        .iter()
        .map(|w| (w.name.clone(), (w.port, w.probe.clone())))
        .collect();
    let mut warnings = Vec::new();
    for workload in workloads.iter_mut() {
        for target in wait_targets(app, &workload.id, workload.kind, names) {
            let (port, probe) = &targets[&target];
            match port {
                Some(port) => workload.waits_for.push(Wait {
                    host: hosts.host(&target),
                    port: *port,
                    http_path: probe.as_ref().and_then(|p| match &p.check {
                        Check::Http { path, port: own } if own.is_none_or(|p| p == *port) => {
                            Some(path.clone())
                        }
                        _ => None,
                    }),
                    name: target,
                }),
                None => warnings.push(Warning::CannotWait {
                    workload: workload.name.clone(),
                    target,
                }),
            }
        }
        if let Some(Probe {
            check: Check::Log { text },
            ..
        }) = &workload.probe
        {
            warnings.push(Warning::LogCheck {
                workload: workload.name.clone(),
                text: text.clone(),
            });
        }
    }
    warnings
}

/// The tag of the images built from the services' directories, as the
/// production Compose file tags them.
pub const BUILT_TAG: &str = "production";

/// The image (without tag) of a service built from its `location`, as the
/// Compose files name it, under the environment's registry.
pub fn built_image(app: &Application, role: &str, registry: Option<&str>) -> String {
    let name = format!("{}-{}", project_name(&app.name), role.to_lowercase());
    match registry {
        Some(registry) => format!("{registry}/{name}"),
        None => name,
    }
}

/// A cycle is an error here as it is locally (config reports it with its
/// place in the files; this guards models built in other ways).
fn check_order(app: &Application) -> Result<(), PlanError> {
    let edges: graph::Edges = app
        .services
        .values()
        .map(|s| (s.role.clone(), s.config.development.depends_on.clone()))
        .collect();
    match graph::find_cycle(&edges) {
        Some(cycle) => Err(PlanError::Cycle(cycle)),
        None => Ok(()),
    }
}

fn dependency_workload(
    app: &Application,
    id: &str,
    dependency: &Dependency,
    name: &str,
) -> Workload {
    let (variables, secrets) = variables::dependency(app, id, dependency);
    Workload {
        name: name.to_owned(),
        id: id.to_owned(),
        kind: Kind::Dependency,
        image: dependency.image.clone(),
        built: false,
        port: dependency.port,
        probe: default_probe(dependency.health_check.clone(), dependency.port),
        variables,
        secrets,
        waits_for: Vec::new(),
        persist: dependency.persist.clone(),
        cpu: None,
        memory: None,
        replicas: 1,
        url: None,
    }
}

fn service_workload(
    app: &Application,
    service: &Service,
    environment_name: &str,
    names: &BTreeMap<String, String>,
    context: &variables::Context,
) -> Result<Workload, PlanError> {
    let remote = &service.config.remote;
    let url = remote
        .environments
        .get(environment_name)
        .and_then(|e| e.url.clone());
    let port = remote_port(service);
    if service.config.kind == ServiceType::Public
        && port.is_some()
        && url.is_none()
        && app.remote.environments[environment_name].target == Target::Aws
    {
        return Err(PlanError::MissingUrl {
            role: service.role.clone(),
            environment: environment_name.to_owned(),
        });
    }
    let (image, built) = match &service.source {
        ServiceSource::Location(_) => {
            let registry = app.remote.environments[environment_name]
                .registry
                .as_deref();
            (built_image(app, &service.role, registry), true)
        }
        ServiceSource::Image(image) => (image.clone(), false),
    };
    let (variables, secrets) = context.service(service);
    Ok(Workload {
        name: names[&service.role].clone(),
        id: service.role.clone(),
        kind: Kind::Service(service.config.kind),
        image,
        built,
        port,
        probe: default_probe(remote_probe(service), port),
        variables,
        secrets,
        waits_for: Vec::new(),
        persist: Vec::new(),
        cpu: remote.cpu,
        memory: remote.memory,
        replicas: remote.replicas,
        url,
    })
}

/// As locally: without a health check, a workload with a port is ready
/// once the port accepts connections.
fn default_probe(probe: Option<Probe>, port: Option<u16>) -> Option<Probe> {
    probe.or_else(|| port.map(|_| Probe::new(Check::Tcp { port: None })))
}

/// `production.port`, else `development.port`.
pub fn remote_port(service: &Service) -> Option<u16> {
    compose::container_port(service, Mode::Production)
        .or_else(|| compose::container_port(service, Mode::Development))
}

/// `production.health-check` (an HTTP path, with the timing of the
/// development check if there is one), else the development check.
fn remote_probe(service: &Service) -> Option<Probe> {
    let development = readiness_probe(service, Mode::Development);
    match (readiness_probe(service, Mode::Production), development) {
        (Some(production), Some(development)) => Some(Probe {
            check: production.check,
            ..development
        }),
        (production, development) => production.or(development),
    }
}

/// The names a workload waits for: a service's dependencies (sorted, each
/// once), then its `depends-on`; a dependency waits for nothing.
fn wait_targets(
    app: &Application,
    id: &str,
    kind: Kind,
    names: &BTreeMap<String, String>,
) -> Vec<String> {
    let Some(service) = app.services.get(id).filter(|_| kind != Kind::Dependency) else {
        return Vec::new();
    };
    let mut dependencies: Vec<&String> = app
        .dependencies
        .keys()
        .chain(service.config.dependencies.keys())
        .collect();
    dependencies.sort();
    dependencies.dedup();
    let mut targets: Vec<String> = dependencies.into_iter().map(|d| names[d].clone()).collect();
    for role in &service.config.development.depends_on {
        let name = names[role].clone();
        if !targets.contains(&name) {
            targets.push(name);
        }
    }
    targets
}

#[cfg(test)]
mod tests;
