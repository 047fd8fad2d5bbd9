//! Reads `local.dependencies` (in application.yml and service.yml) and fills
//! in what the catalog knows about the image.

use super::DependencySites;
use super::catalog;
use super::compose_keys::{Owner, read_compose};
use super::probe::read_probe;
use super::problem::Problem;
use super::reader::Reader;
use super::yaml::{Node, Value};
use crate::core::model::Dependency;
use indexmap::IndexMap;

const KEYS: [&str; 8] = [
    "image",
    "persist",
    "environment-variables",
    "secrets",
    "port",
    "host-port",
    "health-check",
    "compose",
];

/// `base` is the directory of the file, relative to the application.
pub fn read_dependencies(
    reader: &mut Reader,
    node: &Node,
    path: &str,
    base: &str,
) -> IndexMap<String, (Dependency, DependencySites)> {
    let mut dependencies = IndexMap::new();
    for (key, id, value) in reader.entries(node, path) {
        let path = format!("{path}.{id}");
        if !super::names::is_role(id) {
            reader.report(
                Problem::at(
                    reader.site(key),
                    format!("the dependency key `{path}` is invalid"),
                )
                .label("invalid name")
                .help("use alphanumeric characters separated by single hyphens, e.g. `main-db`"),
            );
            continue;
        }
        if let Some((dependency, host_port)) = read_dependency(reader, key, value, &path, base) {
            let sites = DependencySites {
                id: reader.site(key),
                host_port,
            };
            dependencies.insert(id.to_owned(), (dependency, sites));
        }
    }
    dependencies
}

/// The dependency and where its `host-port` is written; `key` is its id.
fn read_dependency(
    reader: &mut Reader,
    key: &Node,
    node: &Node,
    path: &str,
    base: &str,
) -> Option<(Dependency, Option<super::problem::Site>)> {
    let fields = reader.fields(node, path, &KEYS);
    let at = |key: &str| format!("{path}.{key}");
    let image = match fields.get("image") {
        Some(n) => reader.image(n, &at("image")),
        None if fields.is_misspelt("image") => None,
        None => {
            reader.report(
                Problem::at(reader.site(key), format!("`{path}` has no `image`"))
                    .label("`image` is missing")
                    .help("add `image: name:tag`, e.g. `image: postgres:16`"),
            );
            None
        }
    }?;
    let entry = catalog::lookup(&image.value);
    let persist = match fields.get("persist") {
        Some(n) if n.value == Value::Bool(true) => match entry.and_then(|e| e.persist.clone()) {
            Some(path) => vec![path],
            None => {
                reader.report(
                    Problem::at(
                        reader.site(n),
                        format!(
                            "`{}`: exo does not know which path `{}` keeps its data in",
                            at("persist"),
                            image.value
                        ),
                    )
                    .label("unknown data path")
                    .help("list the paths instead, e.g. `persist: [/data]`"),
                );
                Vec::new()
            }
        },
        Some(n) => container_paths(reader, n, &at("persist")),
        None => Vec::new(),
    };
    let environment = fields
        .get("environment-variables")
        .map(|n| reader.environment(n, &at("environment-variables")))
        .unwrap_or_default();
    let secrets = fields
        .get("secrets")
        .map(|n| reader.secrets(n, &at("secrets")))
        .unwrap_or_default();
    let port = fields
        .get("port")
        .and_then(|n| reader.port(n, &at("port")))
        .map(|p| p.value);
    let host_port = fields
        .get("host-port")
        .and_then(|n| reader.port(n, &at("host-port")))
        .map(|p| p.value);
    let health_check = fields
        .get("health-check")
        .and_then(|n| read_probe(reader, n, &at("health-check")));
    let port = port.or(entry.map(|e| e.port));
    if host_port.is_some() && port.is_none() {
        let n = fields.get("host-port").unwrap_or(node);
        reader.report(
            Problem::at(
                reader.site(n),
                format!(
                    "`{}` needs `{}`: which container port to publish",
                    at("host-port"),
                    at("port")
                ),
            )
            .label("no container port")
            .help("add `port: <the port the image listens on>`"),
        );
    }
    let host_port_site = fields
        .get("host-port")
        .filter(|_| host_port.is_some())
        .map(|n| reader.site(n));
    let dependency = Dependency {
        health_check: health_check.or_else(|| entry.map(|e| e.health_check.clone())),
        image: image.value,
        persist,
        environment,
        secrets,
        port,
        host_port,
        compose: fields
            .get("compose")
            .map(|n| read_compose(reader, n, &at("compose"), base, Owner::Dependency))
            .unwrap_or_default(),
    };
    Some((dependency, host_port_site))
}

fn container_paths(reader: &mut Reader, node: &Node, path: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for item in reader.string_list(node, path) {
        if item.value.contains(':') || item.value.chars().any(char::is_control) {
            reader.report(
                Problem::at(
                    item.site,
                    format!("`{path}` entries cannot hold `:` or control characters"),
                )
                .label("unusable path")
                .help("Compose writes a volume as `name:/path`; a `:` in the path would change its meaning"),
            );
        } else if item.value.starts_with('/') {
            paths.push(item.value);
        } else {
            reader.report(
                Problem::at(
                    item.site,
                    format!("`{path}` entries must be absolute paths inside the container"),
                )
                .label("not absolute")
                .help(format!(
                    "did you mean `/{}`?",
                    item.value.trim_start_matches("./")
                )),
            );
        }
    }
    paths
}
