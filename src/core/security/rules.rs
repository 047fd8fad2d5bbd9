//! The rules over the application's description: its model, the services
//! as deployed for production, and the YAML as written (for places).

use super::locate::YamlFile;
use super::{Finding, Location, Sources, secrets};
use crate::core::config::catalog;
use crate::core::config::yaml::{Node, Value};
use crate::core::deployed::{self, Container, Image, Kind, Mode, Target, Value as Variable};
use crate::core::model::security::{
    DEFAULT_PASSWORD, NO_HEALTH_CHECK, NO_LIMITS, PUBLISHED_DEPENDENCY, SECRET_LITERAL,
    UNPINNED_IMAGE,
};
use crate::core::model::{Application, ServiceSource, ServiceType};

pub fn config_findings(app: &Application, sources: &Sources) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &sources.yaml {
        if let Some(root) = file.root() {
            secret_literals(file, root, &mut findings);
        }
    }
    if let Ok(production) = deployed::deploy(app, Target::Local(Mode::Production)) {
        for container in &production.containers {
            container_findings(sources, container, &mut findings);
        }
    }
    for service in app.services.values() {
        let ServiceSource::Location(_) = service.source else {
            continue;
        };
        let Some(file) = service_file(sources, &service.role) else {
            continue;
        };
        if service.config.kind == ServiceType::Public
            && service.config.production.health_check.is_none()
            && let Some(location) = file.locate(&["production", "health-check"])
        {
            findings.push(Finding::of(
                NO_HEALTH_CHECK,
                &service.role,
                location,
                "nothing tells the platform whether it answers".to_owned(),
            ));
        }
        let remote = &service.config.remote;
        if !app.remote.environments.is_empty()
            && (remote.cpu.is_none() || remote.memory.is_none())
            && let Some(location) = file.locate(&["remote", "memory"])
        {
            let names: Vec<&str> = app.remote.environments.keys().map(String::as_str).collect();
            findings.push(Finding::of(
                NO_LIMITS,
                &service.role,
                location,
                format!("unbounded in {}", names.join(", ")),
            ));
        }
    }
    findings
}

fn service_file<'s>(sources: &'s Sources, role: &str) -> Option<&'s YamlFile> {
    sources
        .yaml
        .iter()
        .find(|f| f.role.as_deref() == Some(role))
}

/// Where a dependency or a `docker-image` service writes `key`: in
/// application.yml or the service.yml that declares it.
fn declared(sources: &Sources, id: &str, key: &str) -> Option<Location> {
    sources.yaml.iter().find_map(|file| {
        let path = ["local", "dependencies", id];
        file.find(&path)?;
        file.locate(&["local", "dependencies", id, key])
    })
}

fn container_findings(sources: &Sources, container: &Container, findings: &mut Vec<Finding>) {
    if let Image::Pulled(image) = &container.image
        && is_unpinned(image)
    {
        let location = match container.kind {
            Kind::Dependency => declared(sources, &container.id, "image"),
            Kind::Service(_) => sources
                .yaml
                .first()
                .and_then(|f| f.locate(&["services", &container.id, "docker-image"])),
        };
        if let Some(location) = location {
            findings.push(Finding::of(
                UNPINNED_IMAGE,
                &container.id,
                location,
                format!("`{image}` can change under you"),
            ));
        }
    }
    if container.kind != Kind::Dependency {
        return;
    }
    if let Some(port) = container.host_port
        && let Some(location) = declared(sources, &container.id, "host-port")
    {
        findings.push(Finding::of(
            PUBLISHED_DEPENDENCY,
            &container.id,
            location,
            format!("reachable from outside on port {port}"),
        ));
    }
    let Image::Pulled(image) = &container.image else {
        return;
    };
    let Some(entry) = catalog::lookup(image) else {
        return;
    };
    for (name, default) in &entry.credentials {
        if container.variables.get(name) == Some(&Variable::Literal(default.clone()))
            && let Some(location) = sources.yaml.iter().find_map(|file| {
                let path = [
                    "local",
                    "dependencies",
                    &container.id,
                    "environment-variables",
                    name,
                ];
                file.find(&path).map(|node| file.location(node))
            })
        {
            findings.push(Finding::of(
                DEFAULT_PASSWORD,
                &container.id,
                location,
                format!("`{name}` is the catalog's development password in production"),
            ));
        }
    }
}

/// No tag, or `:latest` (a digest pins it).
fn is_unpinned(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest",
    }
}

/// Every literal under an `environment-variables` key, anywhere in the file.
fn secret_literals(file: &YamlFile, node: &Node, findings: &mut Vec<Finding>) {
    let Value::Map(entries) = &node.value else {
        return;
    };
    for (key, value) in entries {
        if matches!(&key.value, Value::String(k) if k == "environment-variables") {
            let Value::Map(variables) = &value.value else {
                continue;
            };
            for (name, literal) in variables {
                if let (Some(name), Some(text)) = (name.text(), literal.text())
                    && let Some(kind) = secrets::kind(&text)
                {
                    let service = owner(file);
                    findings.push(Finding::of(
                        SECRET_LITERAL,
                        &service,
                        file.location(literal),
                        format!("`{name}` holds {kind}"),
                    ));
                }
            }
        } else {
            secret_literals(file, value, findings);
        }
    }
}

/// The service a YAML file is about (application.yml: `application`).
fn owner(file: &YamlFile) -> String {
    file.role
        .clone()
        .unwrap_or_else(|| "application".to_owned())
}
