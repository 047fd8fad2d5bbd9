//! `exo import`: a hand-written Compose file as an exo application. Pure:
//! the file's text in, the text of application.yml and of each service.yml
//! out, with a note for every key: what became one of exo's, what passes
//! through `compose:`, and what could not be carried.
//!
//! A service with `build:` becomes an exo service at its build context; a
//! service with only `image:` becomes a dependency in application.yml.

mod keys;
mod render;
mod service;

use crate::core::config::yaml::{self, Node, Value};
use crate::core::config::{is_role, json_of, normalize_location, suggest_name};
use indexmap::IndexMap;
pub use render::{ApplicationOut, DependencyOut, ServiceOut};

/// What one key of the Compose file became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Carried into one of exo's keys.
    Mapped {
        service: String,
        key: String,
        to: String,
    },
    /// Passed on under `compose:`.
    PassedThrough { service: String, keys: Vec<String> },
    /// Not carried, and why; `service` is empty for a top-level key.
    Dropped {
        service: String,
        key: String,
        why: String,
    },
}

/// A service exo builds, with its files.
#[derive(Debug, Clone)]
pub struct ImportedService {
    pub role: String,
    /// Its directory, relative to the application (`web`, or `.`).
    pub location: String,
    /// The text of its service.yml.
    pub text: String,
    /// The Dockerfile its build named (relative to the application), which
    /// becomes Dockerfile.dev and Dockerfile.prod where they are missing.
    pub dockerfile: String,
}

/// The application made from a Compose file.
#[derive(Debug, Clone)]
pub struct Imported {
    pub name: String,
    /// The text of application.yml.
    pub application: String,
    pub services: Vec<ImportedService>,
    pub notes: Vec<Note>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("{file} is not valid YAML: {message} (line {line}, column {column})")]
    Syntax {
        file: String,
        message: String,
        line: usize,
        column: usize,
    },
    #[error("{file} has no `services`")]
    NoServices { file: String },
    #[error("{file}: `{key}` must be {expected}")]
    Shape {
        file: String,
        key: String,
        expected: &'static str,
    },
    #[error(
        "`{first}` and `{second}` both build from `{location}`: exo has one service.yml per directory"
    )]
    SharedLocation {
        first: String,
        second: String,
        location: String,
    },
    #[error("`{first}` and `{second}` both become `{name}`")]
    NameClash {
        first: String,
        second: String,
        name: String,
    },
}

impl crate::core::exit::Exit for ImportError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            ImportError::Syntax { .. }
            | ImportError::NoServices { .. }
            | ImportError::Shape { .. }
            | ImportError::SharedLocation { .. }
            | ImportError::NameClash { .. } => crate::core::exit::ExitStatus::Usage,
        }
    }
}

/// One Compose file as read: its name and text.
pub struct ComposeText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The Compose files (the first, then each override over it, as Compose
/// merges them) as an application; `directory` is the name of the
/// directory they are in, for the application's name when they have no
/// `name:`.
pub fn import(files: &[ComposeText], directory: &str) -> Result<Imported, ImportError> {
    let mut root: Option<Node> = None;
    for compose in files {
        let node = parse(compose)?;
        match &mut root {
            Some(base) => merge(base, node, ""),
            None => root = Some(node),
        }
    }
    let names: Vec<&str> = files.iter().map(|f| f.name).collect();
    let file = names.join(" + ");
    let root = root.ok_or_else(|| ImportError::NoServices { file: file.clone() })?;
    let shape = |key: &str, expected| ImportError::Shape {
        file: file.to_owned(),
        key: key.to_owned(),
        expected,
    };
    let top = entries(&root).ok_or_else(|| shape("the file", "a map"))?;
    let file = file.as_str();
    let mut notes = Vec::new();
    let mut name = None;
    let mut services = None;
    for (key, value) in &top {
        match *key {
            "services" => {
                services = Some(entries(value).ok_or_else(|| shape("services", "a map"))?);
            }
            "name" => name = value.text(),
            "version" => {}
            "volumes" | "networks" => notes.extend(declarations(key, value)),
            other => notes.push(Note::Dropped {
                service: String::new(),
                key: other.to_owned(),
                why: top_level_reason(other).to_owned(),
            }),
        }
    }
    let services = services
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ImportError::NoServices {
            file: file.to_owned(),
        })?;
    let roles = roles(&services)?;
    let built: Vec<&str> = services
        .iter()
        .filter(|(_, node)| field(node, "build").is_some())
        .map(|(name, _)| *name)
        .collect();
    let mut application = ApplicationOut {
        name: suggest_name(name.as_deref().unwrap_or(directory)),
        ..ApplicationOut::default()
    };
    let mut imported = Vec::new();
    let mut locations: IndexMap<String, String> = IndexMap::new();
    for (compose_name, node) in &services {
        let role = roles[*compose_name].clone();
        if role != *compose_name {
            notes.push(Note::Mapped {
                service: (*compose_name).to_owned(),
                key: "the service's name".to_owned(),
                to: format!("`{role}` (exo's names are letters, digits and single hyphens)"),
            });
        }
        let context = service::Context {
            compose_name,
            role: &role,
            roles: &roles,
            built: &built,
        };
        if built.contains(compose_name) {
            let made = service::built(&context, node, &mut notes).map_err(|(key, expected)| {
                shape(&format!("services.{compose_name}.{key}"), expected)
            })?;
            if let Some(first) = locations.insert(made.location.clone(), role.clone()) {
                return Err(ImportError::SharedLocation {
                    first,
                    second: role,
                    location: made.location,
                });
            }
            application
                .services
                .insert(role.clone(), render::location_entry(&made.location));
            imported.push(ImportedService {
                text: render::service_file(&made.file, file),
                role,
                location: made.location,
                dockerfile: made.dockerfile,
            });
        } else {
            let dependency =
                service::dependency(&context, node, &mut notes).map_err(|(key, expected)| {
                    shape(&format!("services.{compose_name}.{key}"), expected)
                })?;
            application.dependencies.insert(role, dependency);
        }
    }
    Ok(Imported {
        name: application.name.clone(),
        application: render::application_file(&application, file),
        services: imported,
        notes,
    })
}

fn parse(compose: &ComposeText) -> Result<Node, ImportError> {
    let text = compose.text;
    yaml::parse(text).map_err(|err| {
        let before = &text[..err.span.offset.min(text.len())];
        ImportError::Syntax {
            file: compose.name.to_owned(),
            message: err.message,
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
        }
    })
}

/// `over` merged into `base` as Compose merges an override file: maps key
/// by key; lists appended without repeats, but a command, an entrypoint
/// and a health check's test replaced; anything else replaced.
fn merge(base: &mut Node, over: Node, key: &str) {
    match (&mut base.value, over.value) {
        (Value::Map(entries), Value::Map(more)) => {
            for (name, value) in more {
                let existing = entries.iter_mut().find(|(k, _)| k.value == name.value);
                match existing {
                    Some((k, old)) => {
                        let key = k.value.scalar_text().unwrap_or_default();
                        merge(old, value, &key);
                    }
                    None => entries.push((name, value)),
                }
            }
        }
        (Value::Seq(items), Value::Seq(more))
            if !matches!(key, "command" | "entrypoint" | "test") =>
        {
            for item in more {
                if !items.iter().any(|i| i.value == item.value) {
                    items.push(item);
                }
            }
        }
        (value, other) => *value = other,
    }
}

/// Each Compose name's exo name: `_` and `.` become `-`.
fn roles(services: &[(&str, &Node)]) -> Result<IndexMap<String, String>, ImportError> {
    let mut roles: IndexMap<String, String> = IndexMap::new();
    for (name, _) in services {
        let role = if is_role(name) {
            (*name).to_owned()
        } else {
            let words: Vec<&str> = name
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            words.join("-")
        };
        if let Some((first, _)) = roles.iter().find(|(_, taken)| **taken == role) {
            return Err(ImportError::NameClash {
                first: first.clone(),
                second: (*name).to_owned(),
                name: role,
            });
        }
        roles.insert((*name).to_owned(), role);
    }
    Ok(roles)
}

/// Top-level volumes and networks: a plain declaration is what exo writes
/// for the names the services use; settings are not carried.
fn declarations(key: &str, node: &Node) -> Vec<Note> {
    entries(node)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, value)| !matches!(&value.value, Value::Null) && entries(value).is_none_or(|e| !e.is_empty()))
        .map(|(name, _)| Note::Dropped {
            service: String::new(),
            key: format!("{key}.{name}"),
            why: "exo declares the volumes and networks the services name, without settings (driver, external, name)".to_owned(),
        })
        .collect()
}

fn top_level_reason(key: &str) -> &'static str {
    match key {
        "secrets" | "configs" => {
            "exo has no top-level definitions: use `local.secrets` for values from the environment"
        }
        key if key.starts_with("x-") => {
            "extensions at the top are not carried; the anchors they held were expanded where they were used"
        }
        _ => "exo has no word for it",
    }
}

/// A map's entries with their keys as text, or `None` if it is not a map.
fn entries(node: &Node) -> Option<Vec<(&str, &Node)>> {
    match &node.value {
        Value::Map(entries) => Some(
            entries
                .iter()
                .map(|(key, value)| {
                    let name = match &key.value {
                        Value::String(s) => s.as_str(),
                        _ => "",
                    };
                    (name, value)
                })
                .collect(),
        ),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

fn field<'n>(node: &'n Node, name: &str) -> Option<&'n Node> {
    entries(node)?
        .into_iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// `path` (relative to the application) as written from `base`.
fn relative_to(path: &str, base: &str) -> String {
    if path.starts_with(['/', '~', '$']) || base == "." {
        return path.to_owned();
    }
    let target = normalize_location(path);
    let target: Vec<&str> = target.split('/').filter(|p| *p != ".").collect();
    let from: Vec<&str> = base.split('/').collect();
    let common = target.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&target[common..]);
    match parts.as_slice() {
        [] => ".".to_owned(),
        [first, ..] if *first == ".." => parts.join("/"),
        _ => format!("./{}", parts.join("/")),
    }
}

/// A value as JSON, for `compose:`.
fn json(node: &Node) -> serde_json::Value {
    json_of(node)
}

#[cfg(test)]
mod tests;
