//! The subset of the Compose file format that exo writes, in the key order
//! it is written in.

use indexmap::IndexMap;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_saphyr::{FlowSeq, RcAnchor};
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct ComposeFile {
    pub name: String,
    /// Every service's origins and hosts, written once and merged into each
    /// service's `environment` (0.37 repeated them in every service).
    #[serde(
        rename = "x-service-endpoints",
        skip_serializing_if = "Option::is_none"
    )]
    pub endpoints: Option<Endpoints>,
    /// The application's `environment-variables` and `secrets`, the same
    /// for every service: written once and merged into each service too.
    #[serde(
        rename = "x-application-environment",
        skip_serializing_if = "Option::is_none"
    )]
    pub application: Option<Endpoints>,
    /// The variables of the application's dependencies, which every
    /// service gets: written once and merged into each service too.
    #[serde(
        rename = "x-dependency-environment",
        skip_serializing_if = "Option::is_none"
    )]
    pub dependencies: Option<Endpoints>,
    /// The services' data every dependency that no service gives data to
    /// has (`SERVICE_DATA`): written once and merged into each.
    #[serde(rename = "x-dependency-data", skip_serializing_if = "Option::is_none")]
    pub dependency_data: Option<Endpoints>,
    /// What every service waits for first (the application's
    /// dependencies): written once and merged into each `depends_on`.
    #[serde(
        rename = "x-application-dependencies",
        skip_serializing_if = "Option::is_none"
    )]
    pub waits: Option<Waits>,
    pub services: BTreeMap<String, ComposeService>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Option<()>>,
    /// Networks the services' `compose:` keys name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, Option<()>>,
    #[serde(rename = "x-exo")]
    pub exo: FileMetadata,
}

#[derive(Debug, Serialize)]
pub struct FileMetadata {
    pub application: String,
    pub mode: &'static str,
}

#[derive(Debug, Default, Serialize)]
pub struct ComposeService {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<Build>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Environment::is_empty")]
    pub environment: Environment,
    #[serde(skip_serializing_if = "DependsOnMap::is_empty")]
    pub depends_on: DependsOnMap,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<&'static str>,
    /// The other keys of its `compose:`, as written.
    #[serde(flatten)]
    pub compose: IndexMap<String, serde_json::Value>,
    #[serde(rename = "x-exo")]
    pub exo: ServiceMetadata,
}

#[derive(Debug, Serialize)]
pub struct Build {
    pub context: String,
    pub dockerfile: String,
}

#[derive(Debug, Serialize)]
pub struct DependsOn {
    pub condition: &'static str,
}

/// The `depends_on` of every service that waits for the application's
/// dependencies; the serialiser writes the first use as an anchor and
/// later ones as aliases.
pub type Waits = RcAnchor<IndexMap<String, DependsOn>>;

/// A service's `depends_on`: the shared waits merged in with `<<` (or, alone,
/// as an alias), then its own.
#[derive(Debug, Default)]
pub struct DependsOnMap {
    pub shared: Option<Waits>,
    pub own: IndexMap<String, DependsOn>,
}

impl DependsOnMap {
    pub fn is_empty(&self) -> bool {
        self.shared.is_none() && self.own.is_empty()
    }

    /// What it waits for, in order: the shared ones, then its own.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.iter().map(|(name, _)| name)
    }

    /// Each wait and its condition, in the order of [`DependsOnMap::keys`].
    pub fn iter(&self) -> impl Iterator<Item = (&String, &DependsOn)> {
        let shared = self.shared.iter().flat_map(|shared| shared.0.iter());
        shared.chain(self.own.iter())
    }
}

impl Serialize for DependsOnMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let (Some(shared), true) = (&self.shared, self.own.is_empty()) {
            return shared.serialize(serializer);
        }
        let mut map = serializer.serialize_map(None)?;
        if let Some(shared) = &self.shared {
            map.serialize_entry(MERGE_KEY, shared)?;
        }
        for (name, condition) in &self.own {
            map.serialize_entry(name, condition)?;
        }
        map.end()
    }
}

#[derive(Debug, Serialize)]
pub struct Healthcheck {
    pub test: FlowSeq<Vec<String>>,
    pub interval: String,
    pub timeout: String,
    pub retries: u32,
    pub start_period: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<String>,
}

/// What exo needs at run time and Compose cannot express; Compose ignores
/// `x-` keys.
#[derive(Debug, Default, Serialize)]
pub struct ServiceMetadata {
    pub kind: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub service_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
    #[serde(rename = "depends-on", skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    pub readiness: Readiness,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watch: Option<WatchMetadata>,
}

/// How exo decides the container is ready.
#[derive(Debug, Default, Serialize)]
pub struct Readiness {
    /// `http`, `tcp`, `command`, `log`, `healthy` (the Compose healthcheck),
    /// or `running` when nothing better is known.
    pub check: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(rename = "start-period", skip_serializing_if = "Option::is_none")]
    pub start_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct RestartMetadata {
    #[serde(rename = "on-crash")]
    pub on_crash: bool,
    #[serde(rename = "initial-delay")]
    pub initial_delay: String,
    pub multiplier: f64,
    #[serde(rename = "max-delay")]
    pub max_delay: String,
    #[serde(rename = "reset-after")]
    pub reset_after: String,
    #[serde(rename = "max-crashes")]
    pub max_crashes: u32,
    pub window: String,
    #[serde(rename = "on-unhealthy")]
    pub on_unhealthy: String,
    #[serde(rename = "with-dependencies")]
    pub with_dependencies: bool,
}

#[derive(Debug, Serialize)]
pub struct WatchMetadata {
    pub paths: FlowSeq<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore: Option<FlowSeq<Vec<String>>>,
    pub rules: Vec<WatchRuleMetadata>,
    pub action: &'static str,
    pub debounce: String,
    #[serde(rename = "poll-interval")]
    pub poll_interval: String,
}

#[derive(Debug, Serialize)]
pub struct WatchRuleMetadata {
    pub paths: FlowSeq<Vec<String>>,
    pub action: &'static str,
}

/// Another use of an anchored value: the serialiser writes an alias.
pub fn share<T>(anchor: &RcAnchor<T>) -> RcAnchor<T> {
    RcAnchor(std::rc::Rc::clone(&anchor.0))
}

/// Variables shared by several services; the serialiser writes the first
/// use as an anchor and later ones as aliases.
pub type Endpoints = RcAnchor<BTreeMap<String, String>>;

/// The name of the YAML anchor of the endpoints.
pub const ENDPOINTS_ANCHOR: &str = "service-endpoints";
/// The name of the YAML anchor of the application's variables.
pub const APPLICATION_ANCHOR: &str = "application-environment";
/// The name of the YAML anchor of the dependencies' variables.
pub const DEPENDENCIES_ANCHOR: &str = "dependency-environment";
/// The name of the YAML anchor of the services' data the dependencies share.
pub const DEPENDENCY_DATA_ANCHOR: &str = "dependency-data";
/// The name of the YAML anchor of the waits every service shares.
pub const WAITS_ANCHOR: &str = "application-dependencies";

/// A service's `environment`: the shared maps merged in with `<<` (they
/// share no name; for a service the endpoints, the application's variables
/// and its dependencies', for a dependency the services' data), then its
/// own, which win over them.
#[derive(Debug, Default)]
pub struct Environment {
    pub shared: Vec<Endpoints>,
    pub variables: BTreeMap<String, String>,
}

impl Environment {
    pub fn is_empty(&self) -> bool {
        self.shared.is_empty() && self.variables.is_empty()
    }
}

impl Serialize for Environment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self.shared.as_slice() {
            [] => {}
            [one] => map.serialize_entry(MERGE_KEY, one)?,
            several => {
                map.serialize_entry(MERGE_KEY, &FlowSeq(several.iter().collect::<Vec<_>>()))?
            }
        }
        for (name, value) in &self.variables {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// YAML's merge key; the serialiser quotes it, [`super::render`] unquotes it.
pub const MERGE_KEY: &str = "<<";
