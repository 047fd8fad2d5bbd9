//! Reads one service.yml.

use super::DependencySites;
use super::application::read_dependency_data;
use super::command::read_command;
use super::compose_keys::{Owner, read_compose};
use super::dependency::read_dependencies;
use super::policy::{read_restart, read_watch};
use super::probe::read_probe;
use super::problem::Problem;
use super::reader::{FileShape, Located, Reader};
use super::remote::RemoteSites;
use super::yaml::Node;
use crate::core::model::{Dependency, Development, Production, ServiceConfig, ServiceType};
use indexmap::IndexMap;

const KEYS: [&str; 12] = [
    "type",
    "description",
    "author",
    "version",
    "dependency-data",
    "development",
    "production",
    "local",
    "remote",
    "security",
    "performance",
    "compose",
];
const DEVELOPMENT_KEYS: [&str; 8] = [
    "port",
    "host-port",
    "scripts",
    "health-check",
    "depends-on",
    "restart",
    "watch",
    "compose",
];
const PRODUCTION_KEYS: [&str; 4] = ["port", "host-port", "health-check", "compose"];
const LOCAL_KEYS: [&str; 3] = ["dependencies", "environment-variables", "secrets"];

/// service.yml as written, with the places that checks across files need.
pub struct ServiceFile {
    pub config: ServiceConfig,
    pub dependencies: IndexMap<String, (Dependency, DependencySites)>,
    pub depends_on: Vec<Located<String>>,
    pub development_host_port: Option<Located<u16>>,
    pub production_host_port: Option<Located<u16>>,
    /// `request.target`s of `performance.scenarios`.
    pub performance_targets: Vec<Located<String>>,
    /// `script`s of k6 scenarios, relative to the service's directory.
    pub performance_scripts: Vec<Located<String>>,
    pub remote_sites: RemoteSites,
}

/// Reads service.yml of the service at `location` (relative to the
/// application, normalised).
pub fn read_service(reader: &mut Reader, root: &Node, location: &str) -> ServiceFile {
    let shape = FileShape {
        missing: "no `type`",
        start: "add `type: public`, `type: private` or `type: worker`",
        keys: "expected keys such as `type` and `development`",
    };
    let parsed = reader.file_fields(root, &shape, &KEYS);
    let is_map = parsed.is_some();
    let fields = parsed.unwrap_or_default();
    let kind = if !is_map || fields.is_misspelt("type") {
        None
    } else {
        read_type(reader, root, fields.get("type"))
    };
    for key in ["description", "author", "version"] {
        if let Some(node) = fields.get(key) {
            reader.string(node, key);
        }
    }
    let mut config = ServiceConfig::image_only();
    config.kind = kind.unwrap_or(ServiceType::Worker);
    if let Some(node) = fields.get("dependency-data") {
        config.dependency_data = read_dependency_data(reader, node, "dependency-data");
    }
    let mut file = ServiceFile {
        config,
        dependencies: IndexMap::new(),
        depends_on: Vec::new(),
        development_host_port: None,
        production_host_port: None,
        performance_targets: Vec::new(),
        performance_scripts: Vec::new(),
        remote_sites: RemoteSites::default(),
    };
    if let Some(node) = fields.get("development") {
        read_development(reader, node, &mut file, location);
    }
    if let Some(node) = fields.get("production") {
        let (production, host_port) = read_production(reader, node, location);
        file.config.production = production;
        file.production_host_port = host_port;
    }
    if let Some(node) = fields.get("local") {
        let local = reader.fields(node, "local", &LOCAL_KEYS);
        if let Some(n) = local.get("dependencies") {
            file.dependencies = read_dependencies(reader, n, "local.dependencies", location);
        }
        if let Some(n) = local.get("environment-variables") {
            file.config.environment = reader.environment(n, "local.environment-variables");
        }
        if let Some(n) = local.get("secrets") {
            file.config.secrets = reader.secrets(n, "local.secrets");
        }
    }
    if let Some(node) = fields.get("remote") {
        (file.config.remote, file.remote_sites) = super::remote::read_service_remote(reader, node);
    }
    if let Some(node) = fields.get("performance") {
        let read =
            super::performance::read_performance(reader, node, super::performance::Owner::Service);
        file.config.performance = read.performance;
        file.performance_targets = read.targets;
        file.performance_scripts = read.scripts;
    }
    if let Some(node) = fields.get("security") {
        file.config.security = super::security::read_security(reader, node);
    }
    if let Some(node) = fields.get("compose") {
        file.config.compose = read_compose(reader, node, "compose", location, Owner::Service);
    }
    file.config.dependencies = file
        .dependencies
        .iter()
        .map(|(id, (dependency, _))| (id.clone(), dependency.clone()))
        .collect();
    file
}

fn read_type(reader: &mut Reader, root: &Node, node: Option<&Node>) -> Option<ServiceType> {
    let Some(node) = node else {
        reader.report(
            Problem::at(reader.site(root), "service.yml has no `type`")
                .label("`type` is missing")
                .help("add `type: public`, `type: private` or `type: worker`"),
        );
        return None;
    };
    match reader.choice(node, "type", &ServiceType::NAMES)? {
        "public" => Some(ServiceType::Public),
        "private" => Some(ServiceType::Private),
        _ => Some(ServiceType::Worker),
    }
}

fn read_development(reader: &mut Reader, node: &Node, file: &mut ServiceFile, location: &str) {
    let fields = reader.fields(node, "development", &DEVELOPMENT_KEYS);
    let mut development = Development {
        port: fields
            .get("port")
            .and_then(|n| reader.port(n, "development.port"))
            .map(|p| p.value),
        ..Development::default()
    };
    file.development_host_port = fields
        .get("host-port")
        .and_then(|n| reader.port(n, "development.host-port"));
    development.host_port = file.development_host_port.as_ref().map(|p| p.value);
    if let Some(n) = fields.get("scripts") {
        let scripts = reader.fields(n, "development.scripts", &["run", "test"]);
        development.run = scripts
            .get("run")
            .and_then(|n| read_command(reader, n, "development.scripts.run"));
        development.test = scripts
            .get("test")
            .and_then(|n| read_command(reader, n, "development.scripts.test"));
    }
    development.health_check = fields
        .get("health-check")
        .and_then(|n| read_probe(reader, n, "development.health-check"));
    if let Some(n) = fields.get("depends-on") {
        file.depends_on = reader.string_list(n, "development.depends-on");
        development.depends_on = file.depends_on.iter().map(|d| d.value.clone()).collect();
    }
    if let Some(n) = fields.get("restart") {
        development.restart = read_restart(reader, n, "development.restart");
    }
    if let Some(n) = fields.get("watch") {
        development.watch = read_watch(reader, n, "development.watch");
    }
    if let Some(n) = fields.get("compose") {
        development.compose =
            read_compose(reader, n, "development.compose", location, Owner::Service);
    }
    if development.host_port.is_some() && development.port.is_none() {
        let n = fields.get("host-port").unwrap_or(node);
        reader.report(
            Problem::at(
                reader.site(n),
                "`development.host-port` needs `development.port`",
            )
            .label("no container port")
            .help("add `port: <the port the service listens on>`"),
        );
    }
    file.config.development = development;
}

fn read_production(
    reader: &mut Reader,
    node: &Node,
    location: &str,
) -> (Production, Option<Located<u16>>) {
    let fields = reader.fields(node, "production", &PRODUCTION_KEYS);
    let host_port = fields
        .get("host-port")
        .and_then(|n| reader.port(n, "production.host-port"));
    let production = Production {
        port: fields
            .get("port")
            .and_then(|n| reader.port(n, "production.port"))
            .map(|p| p.value),
        host_port: host_port.as_ref().map(|p| p.value),
        health_check: fields
            .get("health-check")
            .and_then(|n| reader.non_empty_string(n, "production.health-check"))
            .map(|s| s.value),
        compose: fields
            .get("compose")
            .map(|n| read_compose(reader, n, "production.compose", location, Owner::Service))
            .unwrap_or_default(),
    };
    if production.host_port.is_some() && production.port.is_none() {
        let n = fields.get("host-port").unwrap_or(node);
        reader.report(
            Problem::at(
                reader.site(n),
                "`production.host-port` needs `production.port`",
            )
            .label("no container port"),
        );
    }
    (production, host_port)
}
