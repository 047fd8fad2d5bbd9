//! One Compose service as an exo service (it has `build:`) or as a
//! dependency (an image alone).

use super::keys::{self, Misshapen};
use super::render::{DependencyOut, DevelopmentOut, LocalOut, Persist, ScriptsOut, ServiceOut};
use super::{Note, entries, json};
use crate::core::config::catalog;
use crate::core::config::compose_keys::{Owner, SERVICE_KEYS};
use crate::core::config::normalize_location;
use crate::core::config::yaml::{Node, Value};
use indexmap::IndexMap;

/// What a service is read against.
pub struct Context<'a> {
    pub compose_name: &'a str,
    pub role: &'a str,
    /// Every Compose name's exo name.
    pub roles: &'a IndexMap<String, String>,
    /// The Compose names of the services with `build:`.
    pub built: &'a [&'a str],
}

impl Context<'_> {
    fn mapped(&self, notes: &mut Vec<Note>, key: &str, to: impl Into<String>) {
        notes.push(Note::Mapped {
            service: self.compose_name.to_owned(),
            key: key.to_owned(),
            to: to.into(),
        });
    }

    fn dropped(&self, notes: &mut Vec<Note>, key: &str, why: impl Into<String>) {
        notes.push(Note::Dropped {
            service: self.compose_name.to_owned(),
            key: key.to_owned(),
            why: why.into(),
        });
    }
}

/// An exo service and where it is built.
pub struct Built {
    pub location: String,
    pub dockerfile: String,
    pub file: ServiceOut,
}

pub fn built(cx: &Context, node: &Node, notes: &mut Vec<Note>) -> Result<Built, Misshapen> {
    let fields = entries(node).ok_or(("".to_owned(), "a map"))?;
    let (location, dockerfile) = build(cx, fields.iter().find(|(k, _)| *k == "build"), notes);
    let mut development = DevelopmentOut::default();
    let mut local = LocalOut::default();
    let mut compose = IndexMap::new();
    let mut exposed = None;
    for (key, value) in &fields {
        match *key {
            "build" => {}
            "image" => cx.dropped(
                notes,
                key,
                "exo names the images it builds after the project and the mode",
            ),
            "ports" => {
                let ports = keys::ports(value)?;
                development.port = ports.port;
                development.host_port = ports.host_port;
                if let Some(port) = ports.port {
                    cx.mapped(
                        notes,
                        key,
                        format!(
                            "development.port {port}{}",
                            ports
                                .host_port
                                .map(|h| format!(", host-port {h}"))
                                .unwrap_or_default()
                        ),
                    );
                }
                if !ports.rest.is_empty() {
                    compose.insert("ports".to_owned(), serde_json::Value::Array(ports.rest));
                }
            }
            "expose" => {
                exposed = keys::exposed(value);
                compose.insert((*key).to_owned(), json(value));
            }
            "environment" => {
                let variables = keys::environment(value)?;
                note_variables(cx, notes, &variables);
                local.environment_variables = variables.values;
                local.secrets = variables.secrets;
            }
            "healthcheck" => match keys::health_check(value)? {
                Some(check) => {
                    development.health_check = Some(check);
                    cx.mapped(notes, key, "development.health-check (a command check)");
                }
                None => cx.dropped(
                    notes,
                    key,
                    "it is disabled or has no `test`: exo's default check applies",
                ),
            },
            "depends_on" => {
                for name in keys::depends_on(value) {
                    let role = cx.roles.get(&name).cloned().unwrap_or(name.clone());
                    if cx.built.contains(&name.as_str()) {
                        development.depends_on.push(role);
                    } else {
                        cx.mapped(
                            notes,
                            &format!("depends_on.{name}"),
                            "nothing: every service waits for the application's dependencies",
                        );
                    }
                }
                if !development.depends_on.is_empty() {
                    cx.mapped(
                        notes,
                        key,
                        format!(
                            "development.depends-on [{}]",
                            development.depends_on.join(", ")
                        ),
                    );
                }
            }
            "command" => {
                development.scripts = keys::command(value).map(|run| ScriptsOut { run });
                cx.mapped(
                    notes,
                    key,
                    "development.scripts.run (production runs the image's own command)",
                );
            }
            "restart" => {
                if value.text().as_deref() == Some("no") {
                    development.restart = Some(false);
                    cx.mapped(notes, key, "development.restart: false");
                } else {
                    cx.mapped(
                        notes,
                        key,
                        "exo's restarts (development.restart): on a crash, with a backoff",
                    );
                }
            }
            _ => pass_through(
                cx,
                key,
                value,
                &location,
                Owner::Service,
                &mut compose,
                notes,
            ),
        }
    }
    if development.port.is_none() {
        development.port = exposed;
    }
    let kind = match (development.host_port, development.port) {
        (Some(_), _) => "public",
        (None, Some(_)) => "private",
        _ => "worker",
    };
    note_passed(cx, notes, &compose);
    Ok(Built {
        location,
        dockerfile,
        file: ServiceOut {
            kind,
            development,
            local,
            compose,
        },
    })
}

/// The build context (the service's location) and its Dockerfile.
fn build(cx: &Context, field: Option<&(&str, &Node)>, notes: &mut Vec<Note>) -> (String, String) {
    let (mut context, mut dockerfile) = (".".to_owned(), "Dockerfile".to_owned());
    if let Some((_, node)) = field {
        match entries(node) {
            Some(settings) => {
                for (key, value) in settings {
                    match key {
                        "context" => context = value.text().unwrap_or(context),
                        "dockerfile" => dockerfile = value.text().unwrap_or(dockerfile),
                        other => cx.dropped(notes, &format!("build.{other}"), "exo builds Dockerfile.dev and Dockerfile.prod in the service's directory, without build options"),
                    }
                }
            }
            None => context = node.text().unwrap_or(context),
        }
    }
    let location = normalize_location(&context);
    let dockerfile = normalize_location(&format!("{location}/{dockerfile}"));
    cx.mapped(notes, "build", format!("`location: ./{location}` in application.yml (Dockerfile.dev and Dockerfile.prod from {dockerfile})"));
    (location, dockerfile)
}

pub fn dependency(
    cx: &Context,
    node: &Node,
    notes: &mut Vec<Note>,
) -> Result<DependencyOut, Misshapen> {
    let fields = entries(node).ok_or(("".to_owned(), "a map"))?;
    let mut dependency = DependencyOut::default();
    let mut exposed = None;
    for (key, value) in &fields {
        match *key {
            "image" => dependency.image = value.text().unwrap_or_default(),
            "ports" => {
                let ports = keys::ports(value)?;
                dependency.port = ports.port;
                dependency.host_port = ports.host_port;
                if !ports.rest.is_empty() {
                    dependency
                        .compose
                        .insert("ports".to_owned(), serde_json::Value::Array(ports.rest));
                }
            }
            "expose" => {
                exposed = keys::exposed(value);
                dependency.compose.insert((*key).to_owned(), json(value));
            }
            "environment" => {
                let variables = keys::environment(value)?;
                note_variables(cx, notes, &variables);
                dependency.environment_variables = variables.values;
                dependency.secrets = variables.secrets;
            }
            "healthcheck" => match keys::health_check(value)? {
                Some(check) => dependency.health_check = Some(check),
                None => cx.dropped(
                    notes,
                    key,
                    "it is disabled or has no `test`: the catalog's check applies, if any",
                ),
            },
            "volumes" => volumes(cx, value, &mut dependency, notes),
            "depends_on" => cx.dropped(
                notes,
                key,
                "dependencies start before the services and do not wait for one another",
            ),
            "restart" => cx.mapped(notes, key, "exo's `restart: on-failure` for dependencies"),
            _ => pass_through(
                cx,
                key,
                value,
                ".",
                Owner::Dependency,
                &mut dependency.compose,
                notes,
            ),
        }
    }
    if dependency.port.is_none() && catalog::lookup(&dependency.image).is_none() {
        dependency.port = exposed;
    }
    cx.mapped(
        notes,
        "image",
        format!("`local.dependencies.{}` in application.yml", cx.role),
    );
    note_passed(cx, notes, &dependency.compose);
    Ok(dependency)
}

/// Named volumes become `persist`; the others pass through.
fn volumes(cx: &Context, node: &Node, dependency: &mut DependencyOut, notes: &mut Vec<Note>) {
    let Value::Seq(items) = &node.value else {
        return;
    };
    let catalog_path = catalog::lookup(&dependency.image).and_then(|e| e.persist.clone());
    let mut persisted = Vec::new();
    let mut rest = Vec::new();
    for item in items {
        let named = item.text().and_then(|text| {
            let (source, target) = text.split_once(':')?;
            let name = !source.starts_with(['.', '/', '~', '$']) && !source.contains('/');
            name.then(|| {
                (
                    source.to_owned(),
                    target.split(':').next().unwrap_or(target).to_owned(),
                )
            })
        });
        match named {
            Some((source, target)) => {
                cx.mapped(
                    notes,
                    &format!("volumes.{source}"),
                    format!("persist {target} (exo names the volume)"),
                );
                persisted.push(target);
            }
            None => rest.push(json(item)),
        }
    }
    dependency.persist = match persisted.as_slice() {
        [] => None,
        [only] if catalog_path.as_deref() == Some(only.as_str()) => Some(Persist::Catalog(true)),
        _ => Some(Persist::Paths(persisted)),
    };
    if !rest.is_empty() {
        dependency
            .compose
            .insert("volumes".to_owned(), serde_json::Value::Array(rest));
    }
}

/// A key exo has no word for: under `compose:` if Compose has it and exo
/// does not write it, else not carried.
fn pass_through(
    cx: &Context,
    key: &str,
    value: &Node,
    base: &str,
    owner: Owner,
    compose: &mut IndexMap<String, serde_json::Value>,
    notes: &mut Vec<Note>,
) {
    if let Some((_, instead)) = owner.owned_keys().find(|(owned, _)| *owned == key) {
        return cx.dropped(notes, key, format!("exo writes it itself ({instead})"));
    }
    let why = match key {
        "secrets" | "configs" => Some(
            "their top-level definitions are not carried; use `local.secrets` for values from the environment",
        ),
        _ if key.starts_with("x-") || SERVICE_KEYS.iter().any(|(known, _)| *known == key) => None,
        _ => Some("not a key of a Compose service that exo knows"),
    };
    match why {
        Some(why) => cx.dropped(notes, key, why),
        None => {
            compose.insert(key.to_owned(), keys::rebased(key, json(value), base));
        }
    }
}

fn note_variables(cx: &Context, notes: &mut Vec<Note>, variables: &keys::Variables) {
    if !variables.values.is_empty() {
        cx.mapped(notes, "environment", "local.environment-variables");
    }
    if !variables.secrets.is_empty() {
        cx.mapped(
            notes,
            "environment",
            format!(
                "local.secrets [{}]: read from the environment exo runs in",
                variables.secrets.join(", ")
            ),
        );
    }
    for name in &variables.interpolated {
        cx.dropped(notes, &format!("environment.{name}"), "its value reads the host's environment, which exo does not do: it is written as a literal; make it a secret (`local.secrets`) or write the value");
    }
}

fn note_passed(cx: &Context, notes: &mut Vec<Note>, compose: &IndexMap<String, serde_json::Value>) {
    if !compose.is_empty() {
        notes.push(Note::PassedThrough {
            service: cx.compose_name.to_owned(),
            keys: compose.keys().cloned().collect(),
        });
    }
}
