//! The variables of every container, with 0.37's precedence and its fixes
//! (variable names are valid shell names). Values are typed: text, a
//! secret's name, or text with secrets inside; each writer spells them its
//! own way (`${NAME}` in Compose, a `secretKeyRef` in Kubernetes, an ARN in
//! ECS). Secrets stay names: their values are never the generator's.

use super::{Hosts, Scope};
use crate::core::config::catalog::{self, Default};
use crate::core::config::constant_case;
use crate::core::model::{Application, Dependency, Service, ServiceType};
use indexmap::IndexMap;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The variable of every dependency that holds the services' data for it.
pub const SERVICE_DATA: &str = "SERVICE_DATA";

/// A variable's value as the target must set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Written as is.
    Literal(String),
    /// The whole value is the secret of this name.
    Secret(String),
    /// Text with secrets inside, e.g. a database URL with its password.
    Template(Vec<Part>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Secret(String),
}

impl Value {
    /// The secrets the value is made of.
    pub fn secret_names(&self) -> Vec<String> {
        match self {
            Value::Literal(_) => Vec::new(),
            Value::Secret(name) => vec![name.clone()],
            Value::Template(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    Part::Secret(name) => Some(name.clone()),
                    Part::Text(_) => None,
                })
                .collect(),
        }
    }
}

/// Marks a secret inside a catalog template while it is filled in: a
/// secret is `MARK name MARK`, and a value's own `MARK` (which the loader
/// refuses, but the writers must not trust that) is doubled, so that no
/// value becomes a reference to a secret.
const MARK: char = '\u{1}';

/// The variables every service shares, and what each service's own are
/// built from; computed once per deployment.
pub struct Shared {
    /// `<ID>_HOST` and the catalog's offered variables of each dependency.
    by_dependency: BTreeMap<String, Vec<(String, Value)>>,
    /// The origins and hosts of every service with a port: they win over
    /// any other variable of the same name, as 0.37 let them.
    pub endpoints: BTreeMap<String, Value>,
    /// The application's `local` variables and secrets, but for endpoint
    /// names; empty for Kubernetes and AWS, which 0.37 gave none of them.
    pub application: BTreeMap<String, Value>,
}

/// Where a service answers: its host and port, and its external origin.
pub struct Endpoint<'a> {
    pub service: &'a Service,
    pub host: String,
    pub port: u16,
    pub external: Option<String>,
}

impl Shared {
    pub fn new(
        app: &Application,
        scope: &Scope,
        dependencies: &IndexMap<String, Dependency>,
        names: &BTreeMap<String, String>,
        hosts: &dyn Hosts,
        endpoints: Vec<Endpoint>,
    ) -> Self {
        let production = scope.production();
        let by_dependency = dependencies
            .iter()
            .map(|(id, dependency)| {
                let host = hosts.host(&names[id]);
                let mut variables = vec![(host_variable(id), Value::Literal(host.clone()))];
                variables.extend(offered(app, id, &host, dependency, production));
                (id.clone(), variables)
            })
            .collect();
        let endpoints: BTreeMap<String, Value> = endpoints
            .into_iter()
            .flat_map(|e| endpoint_variables(e.service, &e.host, e.port, e.external))
            .map(|(name, value)| (name, Value::Literal(value)))
            .collect();
        let mut application = BTreeMap::new();
        if scope.uses_local_variables() {
            literals(&mut application, &app.environment);
            secrets(&mut application, &app.secrets);
            application.retain(|name, _| !endpoints.contains_key(name));
        }
        Shared {
            by_dependency,
            endpoints,
            application,
        }
    }

    /// The variables of the application's own dependencies, which every
    /// service gets, but for the names of the endpoints and of the
    /// application's variables (which win over them).
    pub fn dependencies(&self, app: &Application) -> BTreeMap<String, Value> {
        let mut variables = BTreeMap::new();
        for id in app.dependencies.keys() {
            variables.extend(self.by_dependency.get(id).into_iter().flatten().cloned());
        }
        variables.retain(|name, _| {
            !self.endpoints.contains_key(name) && !self.application.contains_key(name)
        });
        variables
    }

    /// A service's own variables, besides the shared ones (the endpoints
    /// and the application's never hold the same names; the application's
    /// dependencies' may, and these win over them):
    /// - everywhere: `ROLE` and the variables of its dependencies that the
    ///   application does not have;
    /// - locally (and on Swarm, from the production Compose file): its
    ///   `environment-variables`, which the application's replace, then its
    ///   own secrets, which replace those;
    /// - in a remote environment: the environment's variables, then the
    ///   service's for that environment (0.37's remote precedence), then
    ///   both their secrets.
    pub fn service(
        &self,
        app: &Application,
        service: &Service,
        scope: &Scope,
    ) -> BTreeMap<String, Value> {
        let mut variables = BTreeMap::new();
        variables.insert("ROLE".to_owned(), Value::Literal(service.role.clone()));
        let own = service
            .config
            .dependencies
            .keys()
            .filter(|id| !app.dependencies.contains_key(*id));
        for id in own {
            variables.extend(self.by_dependency.get(id).into_iter().flatten().cloned());
        }
        if scope.uses_local_variables() {
            literals(&mut variables, &service.config.environment);
            variables.retain(|name, _| !self.application.contains_key(name));
            secrets(&mut variables, &service.config.secrets);
        }
        if let Scope::Remote { name, environment } = scope {
            if scope.uses_local_variables() {
                // Swarm repeats the application's values in each service,
                // under what the environment sets.
                for (name, value) in &self.application {
                    variables
                        .entry(name.clone())
                        .or_insert_with(|| value.clone());
                }
            }
            let own = service.config.remote.environments.get(*name);
            literals(&mut variables, &environment.environment);
            if let Some(own) = own {
                literals(&mut variables, &own.environment);
            }
            secrets(&mut variables, &environment.secrets);
            if let Some(own) = own {
                secrets(&mut variables, &own.secrets);
            }
        }
        variables.retain(|name, _| !self.endpoints.contains_key(name));
        variables
    }
}

/// A dependency's container variables: the catalog's defaults (a
/// credential in production is a secret without a default, as is any
/// default the application declares a secret), then its own variables and
/// secrets, then `SERVICE_DATA` unless it is the one most dependencies
/// share ([`ServicesData::of`]).
pub fn dependency(
    app: &Application,
    id: &str,
    dependency: &Dependency,
    production: bool,
    data: &ServicesData,
) -> BTreeMap<String, Value> {
    let mut variables: BTreeMap<String, Value> = container_values(app, dependency, production)
        .into_iter()
        .collect();
    // Computed, it wins over a value of the same name the dependency sets.
    match data.of(app, id) {
        Some(data) => variables.insert(SERVICE_DATA.to_owned(), Value::Literal(data)),
        None => variables.remove(SERVICE_DATA),
    };
    variables
}

/// The services' data of the dependencies, found once: the ids a service
/// gives data to, and the `SERVICE_DATA` of the others (each role with
/// `{}`), which they share.
pub struct ServicesData {
    given: HashSet<String>,
    pub none: String,
}

impl ServicesData {
    pub fn new(app: &Application) -> ServicesData {
        let given = app
            .services
            .values()
            .flat_map(|s| {
                s.config
                    .dependency_data
                    .keys()
                    .chain(s.dependency_data.keys())
            })
            .cloned()
            .collect();
        ServicesData {
            given,
            none: service_data_of_none(app),
        }
    }

    /// The `SERVICE_DATA` of `id`; `None` when it is the shared one.
    pub fn of(&self, app: &Application, id: &str) -> Option<String> {
        if !self.given.contains(id) {
            return None;
        }
        Some(service_data(app, id)).filter(|data| *data != self.none)
    }
}

/// The credentials of catalog dependencies that have no default in
/// production and that the dependency does not declare a secret of its
/// own: a Compose file refuses to run without them.
pub fn required_secrets(dependencies: &IndexMap<String, Dependency>) -> BTreeSet<String> {
    let mut required = BTreeSet::new();
    for dependency in dependencies.values() {
        let Some(entry) = catalog::lookup(&dependency.image) else {
            continue;
        };
        for (name, default) in entry.defaults(true) {
            let declared = dependency.secrets.iter().any(|s| s == name);
            if default == Default::Required && !declared {
                required.insert(name.to_owned());
            }
        }
    }
    required
}

pub fn secrets_of<'a>(variables: impl Iterator<Item = &'a Value>) -> BTreeSet<String> {
    variables.flat_map(Value::secret_names).collect()
}

fn literals(variables: &mut BTreeMap<String, Value>, from: &IndexMap<String, String>) {
    for (name, value) in from {
        variables.insert(name.clone(), Value::Literal(value.clone()));
    }
}

fn secrets(variables: &mut BTreeMap<String, Value>, names: &[String]) {
    for name in names {
        variables.insert(name.clone(), Value::Secret(name.clone()));
    }
}

fn container_values(
    app: &Application,
    dependency: &Dependency,
    production: bool,
) -> IndexMap<String, Value> {
    let mut values = IndexMap::new();
    if let Some(entry) = catalog::lookup(&dependency.image) {
        for (name, default) in entry.defaults(production) {
            let value = match default {
                Default::Text(text) if !app.secrets.iter().any(|s| s == name) => {
                    Value::Literal(text.to_owned())
                }
                _ => Value::Secret(name.to_owned()),
            };
            values.insert(name.to_owned(), value);
        }
    }
    for (name, value) in &dependency.environment {
        values.insert(name.clone(), Value::Literal(value.clone()));
    }
    for name in &dependency.secrets {
        values.insert(name.clone(), Value::Secret(name.clone()));
    }
    values
}

/// The catalog's variables for a dependency that answers at `host`.
fn offered(
    app: &Application,
    id: &str,
    host: &str,
    dependency: &Dependency,
    production: bool,
) -> Vec<(String, Value)> {
    let (Some(entry), Some(port)) = (catalog::lookup(&dependency.image), dependency.port) else {
        return Vec::new();
    };
    let environment: IndexMap<String, String> = container_values(app, dependency, production)
        .into_iter()
        .filter_map(|(name, value)| {
            let text = match value {
                Value::Literal(text) => text.replace(MARK, &format!("{MARK}{MARK}")),
                Value::Secret(secret) => format!("{MARK}{secret}{MARK}"),
                Value::Template(_) => return None,
            };
            Some((name, text))
        })
        .collect();
    entry
        .offered_variables_at(id, host, port, &environment, production)
        .into_iter()
        .map(|(name, value)| (name, parse(&value)))
        .collect()
}

/// Text with marked secrets as a value: literal when it has none.
fn parse(text: &str) -> Value {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != MARK {
            literal.push(c);
        } else if chars.next_if_eq(&MARK).is_some() {
            literal.push(MARK);
        } else {
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            let name: String = chars.by_ref().take_while(|c| *c != MARK).collect();
            parts.push(Part::Secret(name));
        }
    }
    if parts.is_empty() {
        return Value::Literal(literal);
    }
    if !literal.is_empty() {
        parts.push(Part::Text(literal));
    }
    Value::Template(parts)
}

/// The variables that tell other services where `service` answers on
/// `host:port`: `<ROLE>_INTERNAL_ORIGIN` (private and public), with
/// `<ROLE>_EXTERNAL_ORIGIN` for a public one reachable from outside, or
/// `<ROLE>_HOST` (worker).
pub fn endpoint_variables(
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

/// `{role: data}` for every service, as Go's `json.Marshal` wrote it: sorted
/// keys, compact, with `<`, `>` and `&` escaped.
pub fn service_data(app: &Application, id: &str) -> String {
    service_data_of(app, |service| merged_data(service, id))
}

/// The `SERVICE_DATA` of a dependency no service gives data to (each role
/// with `{}`): the same for all such, so that a target can write it once.
pub fn service_data_of_none(app: &Application) -> String {
    service_data_of(app, |_| serde_json::Value::Object(serde_json::Map::new()))
}

fn service_data_of(app: &Application, data: impl Fn(&Service) -> serde_json::Value) -> String {
    let data: BTreeMap<&str, serde_json::Value> = app
        .services
        .values()
        .map(|service| (service.role.as_str(), data(service)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_secrets_become_parts() {
        let text = format!("postgres://u:{MARK}PW{MARK}@db:5432/x");
        assert_eq!(
            parse(&text),
            Value::Template(vec![
                Part::Text("postgres://u:".into()),
                Part::Secret("PW".into()),
                Part::Text("@db:5432/x".into()),
            ])
        );
        assert_eq!(parse("plain"), Value::Literal("plain".into()));
        let doubled = format!("a{MARK}{MARK}PW{MARK}{MARK}b");
        assert_eq!(parse(&doubled), Value::Literal(format!("a{MARK}PW{MARK}b")));
    }
}
