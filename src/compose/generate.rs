//! Builds one Compose file from the application model.

use super::document::{
    Build, ComposeFile, ComposeService, DependsOn, Environment, FileMetadata, ServiceMetadata,
};
use super::environment::{
    SharedVariables, container_port, dependency_environment, dependency_volumes, host_ports,
    service_environment, volume_name,
};
use super::{Mode, literal, metadata, project_name};
use crate::config::catalog;
use crate::model::{Application, Dependency, Probe, Service, ServiceSource};
use indexmap::IndexMap;
use serde_saphyr::RcAnchor;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The Compose file of `mode` for `app`.
pub fn compile(app: &Application, mode: Mode) -> ComposeFile {
    let dependencies = all_dependencies(app);
    let ports = host_ports(app, &dependencies, mode);
    let project = match mode {
        Mode::Test => project_name(&format!("{}tests", app.name)),
        Mode::Development | Mode::Production => project_name(&app.name),
    };
    let shared = SharedVariables::new(app, &dependencies, &ports, mode);
    let anchor = |variables: &BTreeMap<String, String>| {
        (!variables.is_empty()).then(|| RcAnchor(Rc::new(variables.clone())))
    };
    let endpoints = anchor(&shared.endpoints);
    let application = anchor(&shared.application);
    let mut services = BTreeMap::new();
    let mut volumes = BTreeMap::new();
    for (id, dependency) in &dependencies {
        for path in &dependency.persist {
            volumes.insert(volume_name(id, path), None);
        }
        services.insert(id.clone(), dependency_service(app, id, dependency, mode));
    }
    for service in app.services.values() {
        if mode == Mode::Test && matches!(service.source, ServiceSource::Image(_)) {
            continue;
        }
        let mut compose = service_entry(service, &project, &ports, mode);
        compose.environment = Environment {
            endpoints: endpoints.clone(),
            application: application.clone(),
            variables: service_environment(app, service, &shared),
        };
        compose.depends_on = depends_on(app, service, &dependencies, mode);
        services.insert(service.role.clone(), compose);
    }
    ComposeFile {
        name: project,
        endpoints,
        application,
        services,
        volumes,
        exo: FileMetadata {
            application: app.name.clone(),
            mode: mode.name(),
        },
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

/// A dependency's container; in test it publishes no port, so that tests can
/// run while the application runs.
fn dependency_service(
    app: &Application,
    id: &str,
    dependency: &Dependency,
    mode: Mode,
) -> ComposeService {
    ComposeService {
        image: Some(dependency.image.clone()),
        ports: match (dependency.host_port, dependency.port) {
            (Some(host), Some(port)) if mode != Mode::Test => vec![format!("{host}:{port}")],
            _ => Vec::new(),
        },
        volumes: dependency_volumes(id, dependency),
        environment: Environment {
            variables: dependency_environment(app, id, dependency, mode),
            ..Environment::default()
        },
        healthcheck: dependency
            .health_check
            .as_ref()
            .and_then(metadata::healthcheck),
        restart: Some("on-failure"),
        exo: ServiceMetadata {
            kind: "dependency",
            catalog: catalog::lookup(&dependency.image).map(|e| e.name.clone()),
            readiness: metadata::readiness(dependency.health_check.as_ref(), dependency.port),
            ..ServiceMetadata::default()
        },
        ..ComposeService::default()
    }
}

/// The image a service built from its `location` is tagged with:
/// `<project>-<role>:<mode>`, where the project is the one Compose runs
/// (`-p`, `COMPOSE_PROJECT_NAME`, else the file's `name:`) as in Compose's
/// own default image names, so that two projects of one application never
/// overwrite each other's images. Compose sets `COMPOSE_PROJECT_NAME` for
/// interpolation; the default is for Compose versions that do not. The tag
/// is the mode because development and production share a project.
fn image_name(project: &str, role: &str, mode: Mode) -> String {
    format!(
        "${{COMPOSE_PROJECT_NAME:-{project}}}-{}:{}",
        role.to_lowercase(),
        mode.name()
    )
}

fn service_entry(
    service: &Service,
    project: &str,
    ports: &BTreeMap<String, u16>,
    mode: Mode,
) -> ComposeService {
    let development = &service.config.development;
    let port = container_port(service, mode);
    let (image, build, mount) = match &service.source {
        ServiceSource::Location(location) => {
            // A `$` in a path is a `$`, not a variable of the host.
            let context = if location == "." {
                "..".to_owned()
            } else {
                literal(&format!("../{location}"))
            };
            let mount = (mode == Mode::Development).then(|| format!("{context}:/mnt"));
            let build = Build {
                context,
                dockerfile: mode.dockerfile().to_owned(),
            };
            let image = image_name(project, &service.role, mode);
            (Some(image), Some(build), mount)
        }
        ServiceSource::Image(image) => (Some(image.clone()), None, None),
    };
    let command = match mode {
        Mode::Development => development.run.as_deref().map(literal),
        Mode::Test => development.test.as_deref().map(literal),
        Mode::Production => None,
    };
    let probe = readiness_probe(service, mode);
    ComposeService {
        image,
        build,
        command,
        ports: match (ports.get(&service.role), port) {
            (Some(host), Some(port)) => vec![format!("{host}:{port}")],
            _ => Vec::new(),
        },
        volumes: mount.into_iter().collect(),
        healthcheck: probe.as_ref().and_then(metadata::healthcheck),
        // An init as PID 1 forwards signals, so that a stop takes no 10 s.
        init: (mode != Mode::Production).then_some(true),
        restart: match mode {
            Mode::Test => None,
            Mode::Development if !development.restart.on_crash => Some("no"),
            Mode::Development | Mode::Production => Some("on-failure"),
        },
        exo: ServiceMetadata {
            kind: "service",
            service_type: Some(service.config.kind.name()),
            depends_on: if mode == Mode::Test {
                Vec::new()
            } else {
                development.depends_on.clone()
            },
            // A test container runs its tests, not the service: nothing to probe.
            readiness: if mode == Mode::Test {
                metadata::readiness(None, None)
            } else {
                metadata::readiness(probe.as_ref(), port)
            },
            restart: (mode == Mode::Development).then(|| metadata::restart(&development.restart)),
            watch: if mode == Mode::Development
                && matches!(service.source, ServiceSource::Location(_))
            {
                metadata::watch(&development.watch)
            } else {
                None
            },
            ..ServiceMetadata::default()
        },
        ..ComposeService::default()
    }
}

/// `development.health-check` in development and test; in production,
/// 0.37's `production.health-check` path.
pub fn readiness_probe(service: &Service, mode: Mode) -> Option<Probe> {
    match mode {
        Mode::Development | Mode::Test => service.config.development.health_check.clone(),
        Mode::Production => service.config.production.health_check.as_ref().map(|path| {
            Probe::new(crate::model::Check::Http {
                path: path.clone(),
                port: None,
            })
        }),
    }
}

/// Dependencies first (sorted, each once), then the services named by
/// `depends-on`. A Compose healthcheck makes the condition `service_healthy`.
fn depends_on(
    app: &Application,
    service: &Service,
    dependencies: &IndexMap<String, Dependency>,
    mode: Mode,
) -> IndexMap<String, DependsOn> {
    let mut ids: Vec<&String> = app
        .dependencies
        .keys()
        .chain(service.config.dependencies.keys())
        .collect();
    ids.sort();
    ids.dedup();
    let mut conditions = IndexMap::new();
    for id in ids {
        let healthy = dependencies
            .get(id)
            .and_then(|d| d.health_check.as_ref())
            .and_then(metadata::healthcheck)
            .is_some();
        conditions.insert(id.clone(), condition(healthy));
    }
    if mode != Mode::Test {
        for role in &service.config.development.depends_on {
            let healthy = app
                .services
                .get(role)
                .and_then(|s| readiness_probe(s, mode))
                .and_then(|p| metadata::healthcheck(&p))
                .is_some();
            conditions.insert(role.clone(), condition(healthy));
        }
    }
    conditions
}

fn condition(healthy: bool) -> DependsOn {
    DependsOn {
        condition: if healthy {
            "service_healthy"
        } else {
            "service_started"
        },
    }
}
