//! The variables of each workload in a remote environment: the names of
//! the Compose files (`<DEP>_HOST`, `<ROLE>_INTERNAL_ORIGIN`, ...) pointing
//! at the target's host names, with 0.37's remote precedence (the service's
//! variables over the application's). Secrets stay names: their values are
//! the cluster's, never the generator's.

use super::{Hosts, remote_port};
use crate::catalog;
use crate::compose::{endpoints, host_variable, service_data};
use crate::model::{Application, Dependency, Service};
use indexmap::IndexMap;
use std::collections::{BTreeMap, BTreeSet};

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

/// Marks a secret inside a catalog template while it is filled in; no
/// variable value or secret name can hold it.
const MARK: char = '\u{1}';

/// What every service's variables are built from, computed once.
pub struct Context {
    /// `<ID>_HOST` and the catalog's offered variables of each dependency.
    by_dependency: BTreeMap<String, Vec<(String, Value)>>,
    /// The origins and hosts of every service with a port.
    endpoints: BTreeMap<String, String>,
    environment: IndexMap<String, String>,
    secrets: Vec<String>,
    environment_name: String,
    application_dependencies: Vec<String>,
}

impl Context {
    pub fn new(
        app: &Application,
        environment_name: &str,
        dependencies: &IndexMap<String, Dependency>,
        names: &BTreeMap<String, String>,
        hosts: &dyn Hosts,
    ) -> Self {
        let by_dependency = dependencies
            .iter()
            .map(|(id, dependency)| {
                let host = hosts.host(&names[id]);
                let mut variables = vec![(host_variable(id), Value::Literal(host.clone()))];
                variables.extend(offered(app, id, &host, dependency));
                (id.clone(), variables)
            })
            .collect();
        let endpoints = app
            .services
            .values()
            .filter_map(|service| {
                let port = remote_port(service)?;
                let external = service
                    .config
                    .remote
                    .environments
                    .get(environment_name)
                    .and_then(|e| e.url.as_ref())
                    .map(|url| format!("https://{url}"));
                Some(endpoints(
                    service,
                    &hosts.host(&names[&service.role]),
                    port,
                    external,
                ))
            })
            .flatten()
            .collect();
        let environment = &app.remote.environments[environment_name];
        Context {
            by_dependency,
            endpoints,
            environment: environment.environment.clone(),
            secrets: environment.secrets.clone(),
            environment_name: environment_name.to_owned(),
            application_dependencies: app.dependencies.keys().cloned().collect(),
        }
    }

    /// `ROLE`, its dependencies' variables, the environment's then the
    /// service's variables, secrets, and every service's endpoints (which
    /// win, as in the Compose files).
    pub fn service(&self, service: &Service) -> (BTreeMap<String, Value>, BTreeSet<String>) {
        let mut variables = BTreeMap::new();
        variables.insert("ROLE".to_owned(), Value::Literal(service.role.clone()));
        // The application's dependencies and the service's own: exactly
        // those it waits for.
        let used = self
            .application_dependencies
            .iter()
            .chain(service.config.dependencies.keys());
        for id in used {
            variables.extend(self.by_dependency.get(id).into_iter().flatten().cloned());
        }
        let own = service
            .config
            .remote
            .environments
            .get(&self.environment_name);
        literals(&mut variables, &self.environment);
        if let Some(own) = own {
            literals(&mut variables, &own.environment);
        }
        let own_secrets = own.map(|e| e.secrets.as_slice()).unwrap_or_default();
        for name in self.secrets.iter().chain(own_secrets) {
            variables.insert(name.clone(), Value::Secret(name.clone()));
        }
        for (name, value) in &self.endpoints {
            variables.insert(name.clone(), Value::Literal(value.clone()));
        }
        let secrets = secrets_of(&variables);
        (variables, secrets)
    }
}

/// A dependency's container: its variables, its secrets, `SERVICE_DATA`.
pub fn dependency(
    app: &Application,
    id: &str,
    dependency: &Dependency,
) -> (BTreeMap<String, Value>, BTreeSet<String>) {
    let mut variables: BTreeMap<String, Value> =
        container_values(app, dependency).into_iter().collect();
    variables.insert(
        "SERVICE_DATA".to_owned(),
        Value::Literal(service_data(app, id)),
    );
    let secrets = secrets_of(&variables);
    (variables, secrets)
}

fn literals(variables: &mut BTreeMap<String, Value>, from: &IndexMap<String, String>) {
    for (name, value) in from {
        variables.insert(name.clone(), Value::Literal(value.clone()));
    }
}

fn secrets_of(variables: &BTreeMap<String, Value>) -> BTreeSet<String> {
    variables.values().flat_map(Value::secret_names).collect()
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

/// A dependency's container variables in production: the catalog's
/// defaults, where a credential has no default and is a secret (as is any
/// default the application declares a secret), then its own variables and
/// secrets.
fn container_values(app: &Application, dependency: &Dependency) -> IndexMap<String, Value> {
    let mut values = IndexMap::new();
    if let Some(entry) = catalog::lookup(&dependency.image) {
        for (name, default) in entry.defaults(true) {
            let value = match default {
                catalog::Default::Text(text) if !app.secrets.iter().any(|s| s == name) => {
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
) -> Vec<(String, Value)> {
    let (Some(entry), Some(port)) = (catalog::lookup(&dependency.image), dependency.port) else {
        return Vec::new();
    };
    let environment: IndexMap<String, String> = container_values(app, dependency)
        .into_iter()
        .filter_map(|(name, value)| {
            let text = match value {
                Value::Literal(text) => text,
                Value::Secret(secret) => format!("{MARK}{secret}{MARK}"),
                Value::Template(_) => return None,
            };
            Some((name, text))
        })
        .collect();
    entry
        .offered_variables_at(id, host, port, &environment, true)
        .into_iter()
        .map(|(name, value)| (name, parse(&value)))
        .collect()
}

/// Text with marked secrets as a value: literal when it has none.
fn parse(text: &str) -> Value {
    if !text.contains(MARK) {
        return Value::Literal(text.to_owned());
    }
    let parts = text
        .split(MARK)
        .enumerate()
        .filter(|(_, piece)| !piece.is_empty())
        .map(|(i, piece)| {
            if i % 2 == 1 {
                Part::Secret(piece.to_owned())
            } else {
                Part::Text(piece.to_owned())
            }
        })
        .collect();
    Value::Template(parts)
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
    }
}
