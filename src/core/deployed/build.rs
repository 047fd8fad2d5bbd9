//! [`deploy`]: the application and a target in, every container out.

use super::passthrough::{left_out, merged, service_keys};
use super::readiness::{service_port, service_probe};
use super::variables::{self, Endpoint, SERVICE_DATA, ServicesData, Shared};
use super::waits::cluster_warnings;
use super::{
    BUILT_TAG, Build, Container, Deployment, DeploymentError, Hosts, Image, Kind, Mode, Purpose,
    Readiness, SameName, Scope, Tag, Target, Value, Wait, Warning, names, project_name_for,
};
use crate::core::config::constant_case;
use crate::core::graph;
use crate::core::model::remote::Hardening;
use crate::core::model::{
    Application, Dependency, ProbeTiming, Service, ServiceSource, ServiceType, Target as Engine,
};
use indexmap::IndexMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The containers of `app` on `target`.
pub fn deploy(app: &Application, target: Target) -> Result<Deployment, DeploymentError> {
    let (scope, hosts): (Scope, &dyn Hosts) = match target {
        Target::Local(mode) => (Scope::Local(mode), &SameName),
        Target::Remote { environment, hosts } => {
            let settings = app.remote.environments.get(environment).ok_or_else(|| {
                DeploymentError::UnknownEnvironment {
                    name: environment.to_owned(),
                    known: app.remote.environments.keys().cloned().collect(),
                }
            })?;
            let scope = Scope::Remote {
                name: environment,
                environment: settings,
            };
            (scope, hosts)
        }
    };
    check_order(app)?;
    let dependencies = all_dependencies(app);
    let names = if scope.cluster_names() {
        names::names(app)?
    } else {
        dependencies
            .keys()
            .chain(app.services.keys())
            .map(|id| (id.clone(), id.clone()))
            .collect()
    };
    let host_ports = host_ports(app, &dependencies, &scope);
    let endpoints = app
        .services
        .values()
        .filter_map(|service| endpoint(service, &scope, &names, hosts, &host_ports))
        .collect();
    let mut shared = Shared::new(app, &scope, &dependencies, &names, hosts, endpoints);
    let project = match scope {
        Scope::Local(Mode::Test) => project_name_for(&app.name, Purpose::Tests),
        _ => project_name_for(&app.name, Purpose::Application),
    };
    let mut containers = Vec::new();
    // The `SERVICE_DATA` most dependencies have, each role with `{}`, is
    // the deployment's, not each one's.
    let data = ServicesData::new(app);
    for (id, dependency) in &dependencies {
        containers.push(dependency_container(
            app, id, dependency, &scope, &names, &data,
        ));
    }
    let shared_data = containers
        .iter()
        .any(|c| !c.variables.contains_key(SERVICE_DATA));
    for service in app.services.values() {
        if scope == Mode::Test && matches!(service.source, ServiceSource::Image(_)) {
            continue;
        }
        let mut container = service_container(service, &scope, &names, &project, &host_ports)?;
        container.variables = shared.service(app, service, &scope);
        containers.push(container);
    }
    containers.sort_by(|a, b| {
        // Dependencies first, then services, each by name.
        let service = |c: &Container| c.kind != Kind::Dependency;
        (service(a), &a.name).cmp(&(service(b), &b.name))
    });
    let shared_waits = resolve_waits(app, &scope, &mut containers, hosts);
    let dependency_variables = shared.dependencies(app);
    if let Scope::Remote { .. } = scope {
        // Swarm repeats the application's values in each service's own.
        shared.application.clear();
    }
    let mut deployment = Deployment {
        application: app.name.clone(),
        project,
        mode: match scope {
            Scope::Local(mode) => Some(mode),
            Scope::Remote { .. } => None,
        },
        environment: match scope {
            Scope::Remote { name, environment } => Some((name.to_owned(), environment.clone())),
            Scope::Local(_) => None,
        },
        positions: containers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect(),
        containers,
        endpoints: shared.endpoints,
        application_variables: shared.application,
        dependency_variables,
        shared_by_dependencies: if shared_data {
            BTreeMap::from([(SERVICE_DATA.to_owned(), Value::Literal(data.none))])
        } else {
            BTreeMap::new()
        },
        shared_waits,
        required_secrets: if scope.production() {
            variables::required_secrets(&dependencies)
        } else {
            BTreeSet::new()
        },
        warnings: Vec::new(),
    };
    if scope.cluster_names() {
        deployment.warnings = cluster_warnings(&deployment);
    }
    if let Scope::Remote { .. } = scope {
        deployment
            .warnings
            .extend(compose_warnings(app, &dependencies, &names));
    }
    if let Scope::Remote { name, environment } = scope {
        let public = deployment.containers.iter().any(|c| c.url.is_some());
        if public && public_scheme(environment) == "http" {
            deployment.warnings.push(Warning::PlainHttp {
                environment: name.to_owned(),
            });
        }
    }
    Ok(deployment)
}

/// The `compose:` keys a remote target leaves out: a dependency's, and a
/// service's for every mode and for production.
fn compose_warnings(
    app: &Application,
    dependencies: &IndexMap<String, Dependency>,
    names: &BTreeMap<String, String>,
) -> Vec<Warning> {
    let dependencies = dependencies
        .iter()
        .filter_map(|(id, dependency)| left_out(&names[id], &dependency.compose));
    let services = app.services.values().filter_map(|service| {
        let config = &service.config;
        let keys = merged(&config.compose, &config.production.compose);
        left_out(&names[&service.role], &keys)
    });
    dependencies.chain(services).collect()
}

impl PartialEq<Mode> for Scope<'_> {
    fn eq(&self, mode: &Mode) -> bool {
        matches!(self, Scope::Local(own) if own == mode)
    }
}

/// Application dependencies, then those of services in role order that the
/// application does not define itself (0.37: the application's wins).
pub fn all_dependencies(app: &Application) -> IndexMap<String, Dependency> {
    let mut all = app.dependencies.clone();
    let mut services: Vec<&Service> = app.services.values().collect();
    services.sort_by(|a, b| a.role.cmp(&b.role));
    for service in services {
        for (id, dependency) in &service.config.dependencies {
            all.entry(id.clone()).or_insert_with(|| dependency.clone());
        }
    }
    all
}

/// A cycle is an error here as it is locally (config reports it with its
/// place in the files; this guards models built in other ways).
fn check_order(app: &Application) -> Result<(), DeploymentError> {
    let edges: graph::Edges = app
        .services
        .values()
        .map(|s| (s.role.clone(), s.config.development.depends_on.clone()))
        .collect();
    match graph::find_cycle(&edges) {
        Some(cycle) => Err(DeploymentError::Cycle(cycle)),
        None => Ok(()),
    }
}

/// Host ports, locally in development and production and on Swarm (from
/// the production settings): explicit `host-port`s, then public services
/// in alphabetical order from 3000 in steps of 10, skipping taken ports.
/// None in test (tests run beside the application) nor on Kubernetes and
/// AWS, where a load balancer or Ingress publishes.
fn host_ports(
    app: &Application,
    dependencies: &IndexMap<String, Dependency>,
    scope: &Scope,
) -> BTreeMap<String, u16> {
    let mut ports = BTreeMap::new();
    let explicit = |service: &Service| match scope {
        Scope::Local(Mode::Development) => service.config.development.host_port,
        Scope::Local(Mode::Production) => service.config.production.host_port,
        Scope::Remote { .. } if scope.uses_local_variables() => service.config.production.host_port,
        _ => None,
    };
    if *scope == Mode::Test || scope.cluster_names() {
        return ports;
    }
    let port = |service: &Service| service_port(service, scope);
    let mut taken: BTreeSet<u16> = dependencies.values().filter_map(|d| d.host_port).collect();
    let mut roles: Vec<&Service> = app.services.values().collect();
    roles.sort_by(|a, b| a.role.cmp(&b.role));
    for service in &roles {
        if let (Some(host), Some(_)) = (explicit(service), port(service)) {
            taken.insert(host);
            ports.insert(service.role.clone(), host);
        }
    }
    let mut next = 3000u16;
    for service in roles {
        let automatic = service.config.kind == ServiceType::Public
            && port(service).is_some()
            && explicit(service).is_none();
        if automatic {
            while taken.contains(&next) {
                next = next.saturating_add(10);
            }
            taken.insert(next);
            ports.insert(service.role.clone(), next);
            next = next.saturating_add(10);
        }
    }
    ports
}

/// Where a service answers, if it has a port: at its name, with an
/// external origin from its host port (Compose, Swarm) or its `url`.
fn endpoint<'a>(
    service: &'a Service,
    scope: &Scope,
    names: &BTreeMap<String, String>,
    hosts: &dyn Hosts,
    host_ports: &BTreeMap<String, u16>,
) -> Option<Endpoint<'a>> {
    let port = service_port(service, scope)?;
    let external = match scope {
        Scope::Remote { name, environment } if scope.cluster_names() => service
            .config
            .remote
            .environments
            .get(*name)
            .and_then(|e| e.url.as_ref())
            .map(|url| format!("{}://{url}", public_scheme(environment))),
        _ => host_ports
            .get(&service.role)
            .map(|host| format!("http://localhost:{host}")),
    };
    Some(Endpoint {
        service,
        host: hosts.host(&names[&service.role]),
        port,
        external,
    })
}

/// How the public services answer in a cluster: on AWS, HTTPS only with a
/// certificate (the load balancer listens on plain HTTP without one, and
/// the external origins must say so); Kubernetes Ingresses are written for
/// HTTPS, which the cluster's ingress controller terminates.
pub fn public_scheme(environment: &crate::core::model::Environment) -> &'static str {
    match (environment.target, &environment.ssl_certificate_arn) {
        (Engine::Aws, None) => "http",
        _ => "https",
    }
}

fn dependency_container(
    app: &Application,
    id: &str,
    dependency: &Dependency,
    scope: &Scope,
    names: &BTreeMap<String, String>,
    data: &ServicesData,
) -> Container {
    Container {
        id: id.to_owned(),
        name: names[id].clone(),
        kind: Kind::Dependency,
        image: Image::Pulled(dependency.image.clone()),
        command: None,
        port: dependency.port,
        // Tests run beside the application: they publish nothing.
        host_port: dependency
            .host_port
            .filter(|_| *scope != Mode::Test && !scope.cluster_names()),
        readiness: cluster_timing(
            scope,
            Readiness::new(dependency.health_check.as_ref(), dependency.port),
            &ProbeTiming::default(),
        ),
        waits_for: Vec::new(),
        variables: variables::dependency(app, id, dependency, scope.production(), data),
        persist: dependency.persist.clone(),
        cpu: None,
        memory: None,
        replicas: 1,
        placement: Vec::new(),
        hardening: Hardening::default(),
        url: None,
        depends_on: Vec::new(),
        restart: None,
        watch: None,
        compose: match scope {
            Scope::Local(_) => dependency.compose.clone(),
            Scope::Remote { .. } => Default::default(),
        },
    }
}

fn service_container(
    service: &Service,
    scope: &Scope,
    names: &BTreeMap<String, String>,
    project: &str,
    host_ports: &BTreeMap<String, u16>,
) -> Result<Container, DeploymentError> {
    let port = service_port(service, scope);
    let development = &service.config.development;
    let remote = &service.config.remote;
    let (mode, environment) = match scope {
        Scope::Local(mode) => (Some(*mode), None),
        Scope::Remote { name, environment } => (None, Some((*name, *environment))),
    };
    let url =
        environment.and_then(|(name, _)| remote.environments.get(name).and_then(|e| e.url.clone()));
    if let Some((name, settings)) = environment {
        let public = service.config.kind == ServiceType::Public;
        if public && port.is_some() && url.is_none() && settings.target == Engine::Aws {
            return Err(DeploymentError::MissingUrl {
                role: service.role.clone(),
                environment: name.to_owned(),
            });
        }
    }
    let image = match &service.source {
        ServiceSource::Location(location) => Image::Built(Build {
            location: location.clone(),
            dockerfile: mode.unwrap_or(Mode::Production).dockerfile(),
            registry: environment.and_then(|(_, e)| e.registry.clone()),
            name: format!("{project}-{}", service.role.to_lowercase()),
            tag: match environment {
                None => Tag::Mode(mode.unwrap_or(Mode::Production)),
                Some((_, e)) if e.target == Engine::Swarm => {
                    Tag::Variable(format!("EXO_TAG_{}", constant_case(&service.role)))
                }
                Some(_) => Tag::Fixed(BUILT_TAG),
            },
        }),
        ServiceSource::Image(image) => Image::Pulled(image.clone()),
    };
    let readiness = if *scope == Mode::Test {
        // A test container runs its tests, not the service.
        Readiness::running()
    } else {
        let readiness = Readiness::new(service_probe(service, scope).as_ref(), port);
        cluster_timing(scope, readiness, &remote.probe_timing)
    };
    let local_development = *scope == Mode::Development;
    Ok(Container {
        id: service.role.clone(),
        name: names[&service.role].clone(),
        kind: Kind::Service(service.config.kind),
        image,
        command: match mode {
            Some(Mode::Development) => development.run.clone(),
            Some(Mode::Test) => development.test.clone(),
            _ => None,
        },
        port,
        host_port: host_ports.get(&service.role).copied(),
        readiness,
        waits_for: Vec::new(),
        variables: BTreeMap::new(),
        persist: Vec::new(),
        cpu: environment.and(remote.cpu),
        memory: environment.and(remote.memory),
        replicas: if environment.is_some() {
            remote.replicas
        } else {
            1
        },
        placement: if environment.is_some() {
            remote.placement.clone()
        } else {
            Vec::new()
        },
        hardening: if environment.is_some() {
            remote.hardening.clone()
        } else {
            Hardening::default()
        },
        url,
        depends_on: if *scope == Mode::Test {
            Vec::new()
        } else {
            development.depends_on.clone()
        },
        restart: local_development.then(|| development.restart.clone()),
        watch: (local_development
            && development.watch.enabled
            && matches!(service.source, ServiceSource::Location(_)))
        .then(|| development.watch.clone()),
        compose: service_keys(service, scope),
    })
}

/// On Kubernetes and ECS, production timing (see [`Readiness::for_cluster`]).
fn cluster_timing(scope: &Scope, readiness: Readiness, set: &ProbeTiming) -> Readiness {
    if scope.cluster_names() {
        readiness.for_cluster(set)
    } else {
        readiness
    }
}

/// What each service waits for, in start order: the application's
/// dependencies (sorted; returned, as every service waits for them), then
/// its own that the application does not have (sorted), then its
/// `depends-on` (not in test, whose containers run tests). One [`Wait`]
/// per target, shared by all that wait for it.
fn resolve_waits(
    app: &Application,
    scope: &Scope,
    containers: &mut [Container],
    hosts: &dyn Hosts,
) -> Vec<Arc<Wait>> {
    let targets: HashMap<String, Arc<Wait>> = containers
        .iter()
        .map(|c| (c.id.clone(), Arc::new(Wait::new(c, hosts.host(&c.name)))))
        .collect();
    let mut application: Vec<&String> = app.dependencies.keys().collect();
    application.sort();
    let shared: Vec<Arc<Wait>> = application
        .into_iter()
        .filter_map(|id| targets.get(id.as_str()).cloned())
        .collect();
    for container in containers.iter_mut() {
        let Some(service) = app
            .services
            .get(&container.id)
            .filter(|_| container.kind != Kind::Dependency)
        else {
            continue;
        };
        let mut own: Vec<&String> = service
            .config
            .dependencies
            .keys()
            .filter(|id| !app.dependencies.contains_key(*id))
            .collect();
        own.sort();
        own.dedup();
        if *scope != Mode::Test {
            let mut seen: BTreeSet<&String> = own.iter().copied().collect();
            for role in &service.config.development.depends_on {
                if !app.dependencies.contains_key(role) && seen.insert(role) {
                    own.push(role);
                }
            }
        }
        let mut waits = shared.clone();
        waits.extend(
            own.into_iter()
                .filter_map(|id| targets.get(id.as_str()).cloned()),
        );
        container.waits_for = waits;
    }
    shared
}
