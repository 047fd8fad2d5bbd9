//! Reading a Compose file, of 0.37 or of exo, down to what a user relies on.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One Compose file, reduced.
#[derive(Debug, Default)]
pub(super) struct File {
    /// exo's top-level `name`, the Compose project (checked by step 5).
    pub(super) name: Option<String>,
    pub(super) services: BTreeMap<String, Service>,
    /// Top-level named volumes. 0.37 wrote `volumes: {}` when there were none,
    /// exo leaves the key out: both read as no volumes.
    pub(super) volumes: BTreeSet<String>,
    /// exo's top-level `x-service-endpoints` map (checked by step 7); its
    /// values as environment values.
    pub(super) endpoints: Option<BTreeMap<String, Value>>,
}

/// One service entry, reduced. Lists whose order Compose ignores are sorted.
#[derive(Debug, Default, Clone)]
pub(super) struct Service {
    pub(super) image: Option<String>,
    pub(super) build_context: Option<String>,
    pub(super) dockerfile: Option<String>,
    pub(super) command: Option<String>,
    pub(super) ports: Vec<String>,
    pub(super) volumes: Vec<String>,
    /// `SERVICE_DATA` is parsed JSON; every other value is its text.
    pub(super) environment: BTreeMap<String, Value>,
    /// As written: 0.37's list may name an id twice.
    pub(super) depends_on: Vec<String>,
    pub(super) restart: Option<String>,
    /// exo's `init` (checked by step 6, then not compared).
    pub(super) init: Option<Value>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Exosphere,
    Exo,
}

impl Side {
    pub(super) fn label(self) -> &'static str {
        match self {
            Side::Exosphere => "0.37",
            Side::Exo => "exo",
        }
    }

    /// Top-level keys that are read but not compared.
    pub(super) fn ignored_top_level(self) -> &'static [&'static str] {
        match self {
            // 0.37's `version: "3"`; exo does not write the obsolete key.
            Side::Exosphere => &["version"],
            // Deliberate additions: exo's `x-exo`, and what every service
            // shares, written once: the application's variables
            // (`x-application-environment`) and its dependencies'
            // (`x-dependency-environment`), which the YAML reader merges
            // into each service like the endpoints, the services' data most
            // dependencies have (`x-dependency-data`), merged into each of
            // those, and the waits for its dependencies
            // (`x-application-dependencies`), merged into each
            // `depends_on`. (The Compose project `name` and
            // `x-service-endpoints` are read for steps 5 and 7.)
            Side::Exo => &[
                "x-exo",
                "x-application-environment",
                "x-dependency-environment",
                "x-dependency-data",
                "x-application-dependencies",
            ],
        }
    }

    /// Per-service keys that are read but not compared.
    pub(super) fn ignored_service_keys(self) -> &'static [&'static str] {
        match self {
            Side::Exosphere => &[],
            // Deliberate additions: the Compose healthcheck and exo's `x-exo`.
            // (`init` is read for step 6.)
            Side::Exo => &["healthcheck", "x-exo"],
        }
    }
}

/// Reads a file of either side. Keys that are neither compared nor
/// deliberately ignored are problems, so nothing goes unnoticed.
pub(super) fn read_compose(text: &str, side: Side, problems: &mut Vec<String>) -> Option<File> {
    let root: Value = match serde_saphyr::from_str(text) {
        Ok(root) => root,
        Err(err) => {
            problems.push(format!("{} file is not YAML: {err}", side.label()));
            return None;
        }
    };
    let Some(root) = root.as_object() else {
        problems.push(format!("{} file is not a mapping", side.label()));
        return None;
    };
    let mut file = File::default();
    for (key, value) in root {
        match key.as_str() {
            "services" => {
                for (name, entry) in value.as_object().into_iter().flatten() {
                    file.services
                        .insert(name.clone(), read_service(name, entry, side, problems));
                }
            }
            "volumes" => {
                file.volumes = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.clone())
                    .collect()
            }
            "name" if side == Side::Exo => file.name = Some(self::text(value)),
            "x-service-endpoints" if side == Side::Exo => {
                file.endpoints = Some(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, value)| (name.clone(), environment_value(name, value)))
                        .collect(),
                )
            }
            other if side.ignored_top_level().contains(&other) => {}
            other => problems.push(format!(
                "{} has top-level key `{other}`, which this test does not know",
                side.label()
            )),
        }
    }
    Some(file)
}

pub(super) fn read_service(
    name: &str,
    entry: &Value,
    side: Side,
    problems: &mut Vec<String>,
) -> Service {
    let mut service = Service::default();
    let who = format!("{} service `{name}`", side.label());
    for (key, value) in entry.as_object().into_iter().flatten() {
        match key.as_str() {
            "image" => service.image = Some(text(value)),
            "build" => {
                service.build_context = value.get("context").map(text);
                service.dockerfile = value.get("dockerfile").map(text);
            }
            "command" => service.command = Some(text(value)),
            "ports" => service.ports = sorted_texts(value),
            "volumes" => service.volumes = sorted_texts(value),
            "environment" => {
                for (name, value) in value.as_object().into_iter().flatten() {
                    service
                        .environment
                        .insert(name.clone(), environment_value(name, value));
                }
            }
            "depends_on" => {
                service.depends_on = match value {
                    // 0.37: a list of ids.
                    Value::Array(ids) => ids.iter().map(text).collect(),
                    // exo: the long form `{id: {condition: ...}}`; the
                    // conditions are a deliberate addition and not compared.
                    Value::Object(map) => map.keys().cloned().collect(),
                    other => vec![format!("<unreadable depends_on {other}>")],
                }
            }
            "restart" => service.restart = Some(text(value)),
            "init" if side == Side::Exo => service.init = Some(value.clone()),
            other if side.ignored_service_keys().contains(&other) => {}
            other => problems.push(format!(
                "{who} has key `{other}`, which this test does not compare"
            )),
        }
    }
    service
}

/// A scalar as Compose reads it: text.
pub(super) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub(super) fn sorted_texts(value: &Value) -> Vec<String> {
    let mut texts: Vec<String> = value.as_array().into_iter().flatten().map(text).collect();
    texts.sort();
    texts
}

/// `SERVICE_DATA` is compared as parsed JSON: 0.37 folded long single-quoted
/// scalars at 80 columns and exo writes a double-quoted string; reading the
/// YAML properly gives the JSON text, and the JSON value is what matters.
pub(super) fn environment_value(name: &str, value: &Value) -> Value {
    let text = text(value);
    if name == "SERVICE_DATA"
        && let Ok(json) = serde_json::from_str::<Value>(&text)
    {
        return json;
    }
    Value::String(text)
}
