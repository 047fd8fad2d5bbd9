//! Environment variables, host ports and `SERVICE_DATA`, with 0.37's
//! precedence and its fixes (variable names are valid shell names).

use super::{Mode, constant_case, literal};
use crate::config::catalog::{self, Default};
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
    /// The application's variables and secrets, but for endpoint names.
    pub application: BTreeMap<String, String>,
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
                let host = (host_variable(id), id.clone());
                let environment = container_variables(app, dependency, mode);
                let offered = offered_variables(id, dependency, &environment, mode);
                (id.clone(), std::iter::once(host).chain(offered).collect())
            })
            .collect();
        let endpoints: BTreeMap<String, String> = app
            .services
            .values()
            .flat_map(|service| endpoint_variables(service, host_ports, mode))
            .collect();
        let mut application: BTreeMap<String, String> = literal_values(&app.environment).collect();
        for name in &app.secrets {
            application.insert(name.clone(), secret(name));
        }
        application.retain(|name, _| !endpoints.contains_key(name));
        SharedVariables {
            by_dependency,
            endpoints,
            application,
        }
    }
}

/// The variables of one service's container, besides the shared endpoints
/// and application variables (merged in): `ROLE`, its dependencies'
/// variables, the service's `environment-variables`, which the
/// application's replace, and its own secrets, which replace those. A name
/// that is also an endpoint variable is left to the endpoint, which 0.37
/// let win.
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
    env.retain(|name, _| !shared.application.contains_key(name));
    for name in &service.config.secrets {
        env.insert(name.clone(), secret(name));
    }
    env.retain(|name, _| !shared.endpoints.contains_key(name));
    env
}

/// The catalog's variables for a dependency, from its container's variables.
fn offered_variables(
    id: &str,
    dependency: &Dependency,
    environment: &IndexMap<String, String>,
    mode: Mode,
) -> IndexMap<String, String> {
    let (Some(entry), Some(port)) = (catalog::lookup(&dependency.image), dependency.port) else {
        return IndexMap::new();
    };
    entry.offered_variables(id, port, environment, mode == Mode::Production)
}

/// The variables of a dependency's container in `mode`, as Compose reads
/// them: the catalog's defaults, the dependency's own variables over them,
/// and its secrets as `${NAME}`. A default that is also a secret of the
/// application is that secret; a catalog credential in production is a
/// secret that must be set.
pub fn container_variables(
    app: &Application,
    dependency: &Dependency,
    mode: Mode,
) -> IndexMap<String, String> {
    let mut env = IndexMap::new();
    if let Some(entry) = catalog::lookup(&dependency.image) {
        for (name, default) in entry.defaults(mode == Mode::Production) {
            let value = match default {
                Default::Required => required_secret(name, mode),
                _ if app.secrets.iter().any(|s| s == name) => secret(name),
                Default::Text(text) => literal(text),
            };
            env.insert(name.to_owned(), value);
        }
    }
    env.extend(literal_values(&dependency.environment));
    for name in &dependency.secrets {
        env.insert(name.clone(), secret(name));
    }
    env
}

fn secret(name: &str) -> String {
    format!("${{{name}}}")
}

/// A secret Compose refuses to run without.
fn required_secret(name: &str, mode: Mode) -> String {
    format!(
        "${{{name}:?set {name}: {} has no default password}}",
        mode.file_name().trim_start_matches("docker-compose/")
    )
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
    let external = host_ports
        .get(&service.role)
        .map(|host| format!("http://localhost:{host}"));
    endpoints(service, &service.role, port, external)
}

/// The variables that tell other services where `service` answers on
/// `host:port`: `<ROLE>_INTERNAL_ORIGIN` (private and public), with
/// `<ROLE>_EXTERNAL_ORIGIN` for a public one reachable from outside, or
/// `<ROLE>_HOST` (worker).
pub fn endpoints(
    service: &Service,
    host: &str,
    port: u16,
    external_origin: Option<String>,
) -> Vec<(String, String)> {
    let name = constant_case(&service.role);
    let internal = (
        format!("{name}_INTERNAL_ORIGIN"),
        format!("http://{host}:{port}"),
    );
    match service.config.kind {
        ServiceType::Private => vec![internal],
        ServiceType::Public => {
            let external = external_origin.map(|o| (format!("{name}_EXTERNAL_ORIGIN"), o));
            std::iter::once(internal).chain(external).collect()
        }
        ServiceType::Worker => vec![(format!("{name}_HOST"), format!("{host}:{port}"))],
    }
}

/// `<ID>_HOST`, the variable that names where a dependency answers.
pub fn host_variable(id: &str) -> String {
    format!("{}_HOST", constant_case(id))
}

/// The variables of a dependency's container, ending with `SERVICE_DATA`.
pub fn dependency_environment(
    app: &Application,
    id: &str,
    dependency: &Dependency,
    mode: Mode,
) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = container_variables(app, dependency, mode)
        .into_iter()
        .collect();
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

    fn load(application: &str) -> Application {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("application.yml"), application).unwrap();
        std::fs::create_dir(dir.path().join("web")).unwrap();
        std::fs::write(dir.path().join("web/service.yml"), "type: worker\n").unwrap();
        crate::config::load(dir.path()).unwrap()
    }

    fn variables(app: &Application, id: &str, mode: Mode) -> IndexMap<String, String> {
        container_variables(app, &app.dependencies[id], mode)
    }

    #[test]
    fn production_has_no_default_credentials() {
        let app = load(
            "name: shop\nlocal:\n  dependencies:\n    db: {image: postgres:16}\n    search: {image: elasticsearch:8}\nservices:\n  web: {location: ./web}\n",
        );
        let development = variables(&app, "db", Mode::Development);
        assert_eq!(development["POSTGRES_PASSWORD"], "postgres");
        let production = variables(&app, "db", Mode::Production);
        assert_eq!(
            production["POSTGRES_PASSWORD"],
            "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD: run_production.yml has no default password}"
        );
        assert_eq!(production["POSTGRES_USER"], "postgres");
        let search = variables(&app, "search", Mode::Production);
        assert_eq!(search["xpack.security.enabled"], "true");
        assert!(search["ELASTIC_PASSWORD"].starts_with("${ELASTIC_PASSWORD:?"));
        let shared =
            SharedVariables::new(&app, &app.dependencies, &BTreeMap::new(), Mode::Production);
        let url = &shared.by_dependency["db"]
            .iter()
            .find(|(n, _)| n == "DB_URL")
            .unwrap()
            .1;
        assert!(
            url.starts_with("postgres://postgres:${POSTGRES_PASSWORD:?"),
            "{url}"
        );
    }

    #[test]
    fn an_application_secret_replaces_the_catalog_default() {
        let app = load(
            "name: shop\nlocal:\n  dependencies:\n    db: {image: postgres:16}\n    sql:\n      image: mysql:8\n      environment-variables: {MYSQL_ROOT_PASSWORD: chosen}\n  secrets: [POSTGRES_PASSWORD, POSTGRES_USER]\nservices:\n  web: {location: ./web}\n",
        );
        for mode in [Mode::Development, Mode::Test] {
            let db = variables(&app, "db", mode);
            assert_eq!(db["POSTGRES_PASSWORD"], "${POSTGRES_PASSWORD}");
            assert_eq!(db["POSTGRES_USER"], "${POSTGRES_USER}");
            let shared = SharedVariables::new(&app, &app.dependencies, &BTreeMap::new(), mode);
            let url = &shared.by_dependency["db"]
                .iter()
                .find(|(n, _)| n == "DB_URL")
                .unwrap()
                .1;
            assert_eq!(
                url,
                "postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/postgres"
            );
        }
        // A value the user wrote is theirs, in every mode.
        for mode in Mode::ALL {
            assert_eq!(
                variables(&app, "sql", mode)["MYSQL_ROOT_PASSWORD"],
                "chosen"
            );
        }
    }

    fn environment_of(rendered: &str, service: &str) -> serde_json::Value {
        let file: serde_json::Value = serde_saphyr::from_str(rendered).unwrap();
        file["services"][service]["environment"].clone()
    }

    #[test]
    fn values_that_look_like_merge_keys_stay_values() {
        let app = load(
            "name: shop\nlocal:\n  environment-variables:\n    A: '\"<<\": *service-endpoints'\n    B: \"x\\n      \\\"<<\\\": *service-endpoints\\n\"\nservices:\n  web: {location: ./web}\n",
        );
        let text = super::super::render(&super::super::compile(&app, Mode::Development));
        let environment = environment_of(&text, "web");
        assert_eq!(environment["A"], "\"<<\": *service-endpoints");
        assert_eq!(environment["B"], "x\n      \"<<\": *service-endpoints\n");
    }

    #[test]
    fn application_values_are_written_once_for_every_service() {
        let big = "v".repeat(1 << 20);
        let services: String = (0..20)
            .map(|i| format!("  s{i}: {{location: ./web}}\n"))
            .collect();
        let app = load(&format!(
            "name: shop\nlocal:\n  environment-variables:\n    BIG: {big}\nservices:\n{services}"
        ));
        for mode in Mode::ALL {
            let text = super::super::render(&super::super::compile(&app, mode));
            assert!(text.len() < 2 << 20, "{} bytes", text.len());
            assert_eq!(environment_of(&text, "s7")["BIG"], big.as_str());
        }
    }

    /// A directory named `${HOME}` is that directory, not the host's home.
    #[test]
    fn a_dollar_in_a_location_stays_a_dollar() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("application.yml"),
            "name: shop\nservices:\n  web: {location: './${HOME}'}\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("${HOME}")).unwrap();
        std::fs::write(dir.path().join("${HOME}/service.yml"), "type: worker\n").unwrap();
        let app = crate::config::load(dir.path()).unwrap();
        let text = super::super::render(&super::super::compile(&app, Mode::Development));
        assert!(text.contains("context: ../$${HOME}\n"), "{text}");
        assert!(text.contains("- ../$${HOME}:/mnt\n"), "{text}");
    }
}
