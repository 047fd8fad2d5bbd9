//! Environment variables, host ports and `SERVICE_DATA`, with 0.37's
//! precedence and its fixes (variable names are valid shell names).

use super::{Mode, constant_case, literal};
use crate::catalog;
use crate::model::{Application, Dependency, Service, ServiceType};
use indexmap::IndexMap;
use std::collections::{BTreeMap, BTreeSet};

/// Host ports of one mode: explicit `host-port`s, then public services in
/// alphabetical order from 3000 in steps of 10, skipping taken ports.
pub fn host_ports(
    app: &Application,
    dependencies: &IndexMap<String, Dependency>,
    mode: Mode,
) -> BTreeMap<String, u16> {
    let mut ports = BTreeMap::new();
    if mode == Mode::Test {
        return ports;
    }
    let mut taken: BTreeSet<u16> = dependencies.values().filter_map(|d| d.host_port).collect();
    let mut roles: Vec<&Service> = app.services.values().collect();
    roles.sort_by(|a, b| a.role.cmp(&b.role));
    for service in &roles {
        if let (Some(host), Some(_)) = (
            explicit_host_port(service, mode),
            container_port(service, mode),
        ) {
            taken.insert(host);
            ports.insert(service.role.clone(), host);
        }
    }
    let mut next = 3000u16;
    for service in roles {
        let automatic = service.config.kind == ServiceType::Public
            && container_port(service, mode).is_some()
            && explicit_host_port(service, mode).is_none();
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

fn explicit_host_port(service: &Service, mode: Mode) -> Option<u16> {
    match mode {
        Mode::Development => service.config.development.host_port,
        Mode::Production => service.config.production.host_port,
        Mode::Test => None,
    }
}

/// The port a service listens on in this mode; none in test.
pub fn container_port(service: &Service, mode: Mode) -> Option<u16> {
    match mode {
        Mode::Development => service.config.development.port,
        Mode::Production => service.config.production.port,
        Mode::Test => None,
    }
}

/// What every service's environment is built from, computed once per file.
pub struct SharedVariables {
    /// `<ID>_HOST` and the catalog's offered variables of each dependency.
    pub by_dependency: IndexMap<String, Vec<(String, String)>>,
    /// The origins and hosts of every service with a port in this mode.
    pub endpoints: BTreeMap<String, String>,
}

impl SharedVariables {
    pub fn new(
        app: &Application,
        dependencies: &IndexMap<String, Dependency>,
        host_ports: &BTreeMap<String, u16>,
        mode: Mode,
    ) -> Self {
        let by_dependency = dependencies
            .iter()
            .map(|(id, dependency)| {
                let host = (format!("{}_HOST", constant_case(id)), id.clone());
                let offered = offered_variables(id, dependency);
                (id.clone(), std::iter::once(host).chain(offered).collect())
            })
            .collect();
        let endpoints = app
            .services
            .values()
            .flat_map(|service| endpoint_variables(service, host_ports, mode))
            .collect();
        SharedVariables {
            by_dependency,
            endpoints,
        }
    }
}

/// The variables of one service's container, besides the shared endpoints:
/// `ROLE`, its dependencies' variables, the service's then the application's
/// `environment-variables`, and secrets. A name that is also an endpoint
/// variable is left to the endpoint, which 0.37 let win.
pub fn service_environment(
    app: &Application,
    service: &Service,
    shared: &SharedVariables,
) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    env.insert("ROLE".to_owned(), service.role.clone());
    let used = app
        .dependencies
        .keys()
        .chain(service.config.dependencies.keys());
    for id in used {
        env.extend(shared.by_dependency.get(id).into_iter().flatten().cloned());
    }
    env.extend(literal_values(&service.config.environment));
    env.extend(literal_values(&app.environment));
    for name in app.secrets.iter().chain(&service.config.secrets) {
        env.insert(name.clone(), format!("${{{name}}}"));
    }
    env.retain(|name, _| !shared.endpoints.contains_key(name));
    env
}

/// The catalog's variables for a dependency, with its secrets as `${NAME}`.
fn offered_variables(id: &str, dependency: &Dependency) -> IndexMap<String, String> {
    let (Some(entry), Some(port)) = (catalog::lookup(&dependency.image), dependency.port) else {
        return IndexMap::new();
    };
    let mut environment: IndexMap<String, String> =
        literal_values(&dependency.environment).collect();
    for name in &dependency.secrets {
        environment.insert(name.clone(), format!("${{{name}}}"));
    }
    entry.offered_variables(id, port, &environment)
}

/// What other services learn about `service`: its origins or host.
fn endpoint_variables(
    service: &Service,
    host_ports: &BTreeMap<String, u16>,
    mode: Mode,
) -> Vec<(String, String)> {
    let Some(port) = container_port(service, mode) else {
        return Vec::new();
    };
    let name = constant_case(&service.role);
    let role = &service.role;
    let internal = (
        format!("{name}_INTERNAL_ORIGIN"),
        format!("http://{role}:{port}"),
    );
    match service.config.kind {
        ServiceType::Private => vec![internal],
        ServiceType::Public => {
            let mut vars = vec![internal];
            if let Some(host) = host_ports.get(role) {
                vars.push((
                    format!("{name}_EXTERNAL_ORIGIN"),
                    format!("http://localhost:{host}"),
                ));
            }
            vars
        }
        ServiceType::Worker => vec![(format!("{name}_HOST"), format!("{role}:{port}"))],
    }
}

/// The variables of a dependency's container, ending with `SERVICE_DATA`.
pub fn dependency_environment(
    app: &Application,
    id: &str,
    dependency: &Dependency,
) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = literal_values(&dependency.environment).collect();
    for name in &dependency.secrets {
        env.insert(name.clone(), format!("${{{name}}}"));
    }
    env.insert("SERVICE_DATA".to_owned(), literal(&service_data(app, id)));
    env
}

/// Values written by the user are passed on as written; only the secrets
/// exo adds are `${NAME}` references.
fn literal_values(
    variables: &IndexMap<String, String>,
) -> impl Iterator<Item = (String, String)> + '_ {
    variables
        .iter()
        .map(|(name, value)| (name.clone(), literal(value)))
}

/// `{role: data}` for every service, as Go's `json.Marshal` wrote it: sorted
/// keys, compact, with `<`, `>` and `&` escaped.
pub fn service_data(app: &Application, id: &str) -> String {
    let data: BTreeMap<&str, serde_json::Value> = app
        .services
        .values()
        .map(|service| (service.role.as_str(), merged_data(service, id)))
        .collect();
    let json = serde_json::to_string(&data).unwrap_or_else(|_| "{}".to_owned());
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// service.yml's data for `id`, then application.yml's, key by key.
fn merged_data(service: &Service, id: &str) -> serde_json::Value {
    let mut merged = serde_json::Map::new();
    for data in [
        service.config.dependency_data.get(id),
        service.dependency_data.get(id),
    ]
    .into_iter()
    .flatten()
    {
        match data {
            serde_json::Value::Object(map) => merged.extend(map.clone()),
            serde_json::Value::Null => {}
            other => return other.clone(),
        }
    }
    serde_json::Value::Object(merged)
}

/// A dependency's persisted paths as `volume:path` mounts.
pub fn dependency_volumes(id: &str, dependency: &Dependency) -> Vec<String> {
    dependency
        .persist
        .iter()
        .map(|path| format!("{}:{path}", volume_name(id, path)))
        .collect()
}

/// 0.37's volume name: `mongo` and `/data/db` give `mongo__data_db`.
pub fn volume_name(id: &str, path: &str) -> String {
    let text = format!("{id}_{path}");
    let mut name = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            name.push('_');
        }
        previous_lower = c.is_ascii_lowercase();
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_names_match_0_37() {
        assert_eq!(volume_name("mongo", "/data/db"), "mongo__data_db");
        assert_eq!(volume_name("myDb", "/var/lib"), "my_db__var_lib");
    }
}
