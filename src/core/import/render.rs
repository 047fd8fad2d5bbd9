//! The imported files as YAML, in the order a person writes them.

use indexmap::IndexMap;
use serde::Serialize;

/// application.yml.
#[derive(Debug, Default)]
pub struct ApplicationOut {
    pub name: String,
    pub services: IndexMap<String, LocationEntry>,
    pub dependencies: IndexMap<String, DependencyOut>,
}

#[derive(Debug, Serialize)]
pub struct LocationEntry {
    location: String,
}

/// `services.<role>` of a service built from `location`.
pub fn location_entry(location: &str) -> LocationEntry {
    LocationEntry {
        location: if location == "." {
            ".".to_owned()
        } else {
            format!("./{location}")
        },
    }
}

/// One entry of `local.dependencies`.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DependencyOut {
    pub image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persist: Option<Persist>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub environment_variables: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheckOut>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub compose: IndexMap<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Persist {
    /// The catalog's data path.
    Catalog(bool),
    Paths(Vec<String>),
}

/// service.yml.
#[derive(Debug, Serialize)]
pub struct ServiceOut {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "DevelopmentOut::is_empty")]
    pub development: DevelopmentOut,
    #[serde(skip_serializing_if = "LocalOut::is_empty")]
    pub local: LocalOut,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub compose: IndexMap<String, serde_json::Value>,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DevelopmentOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scripts: Option<ScriptsOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheckOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<bool>,
}

impl DevelopmentOut {
    fn is_empty(&self) -> bool {
        self.port.is_none()
            && self.scripts.is_none()
            && self.health_check.is_none()
            && self.depends_on.is_empty()
            && self.restart.is_none()
    }
}

#[derive(Debug, Serialize)]
pub struct ScriptsOut {
    pub run: String,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LocalOut {
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub environment_variables: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
}

impl LocalOut {
    fn is_empty(&self) -> bool {
        self.environment_variables.is_empty() && self.secrets.is_empty()
    }
}

/// A health check as a command, with Compose's timing where it was given.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct HealthCheckOut {
    pub command: CommandOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
}

/// `CMD-SHELL` is a string for `/bin/sh -c`; `CMD` a list run as is.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CommandOut {
    Shell(String),
    Exec(Vec<String>),
}

#[derive(Serialize)]
struct ApplicationFile<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    local: Option<Dependencies<'a>>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    services: &'a IndexMap<String, LocationEntry>,
}

#[derive(Serialize)]
struct Dependencies<'a> {
    dependencies: &'a IndexMap<String, DependencyOut>,
}

fn header(file: &str) -> String {
    format!("# Imported from {file} by `exo import`; `exo check` checks it.\n")
}

fn yaml(value: &impl Serialize) -> String {
    serde_saphyr::to_string(value).unwrap_or_else(|err| {
        // Strings, numbers, lists and maps only.
        unreachable!("serialising an imported file failed: {err}")
    })
}

/// application.yml's text.
pub fn application_file(application: &ApplicationOut, from: &str) -> String {
    let file = ApplicationFile {
        name: &application.name,
        local: (!application.dependencies.is_empty()).then_some(Dependencies {
            dependencies: &application.dependencies,
        }),
        services: &application.services,
    };
    format!("{}{}", header(from), yaml(&file))
}

/// A service.yml's text.
pub fn service_file(service: &ServiceOut, from: &str) -> String {
    format!("{}{}", header(from), yaml(service))
}
