//! Compose values in exo's words: ports, variables, health checks,
//! commands, and the paths of what passes through `compose:`.

use super::render::{CommandOut, HealthCheckOut};
use super::{entries, json, relative_to};
use crate::core::config::yaml::{Node, Value};
use indexmap::IndexMap;
use serde_json::Value as Json;

/// What a key's value could not be read as: the key and what it must be.
pub type Misshapen = (String, &'static str);

/// The first entry of `ports` that is one container port, published on
/// one host port or on none (`8080:80`, `80`, `{target: 80, published:
/// 8080}`), and every entry as written (the first one too when it has no
/// host port, so that Compose still publishes it).
pub struct Ports {
    pub port: Option<u16>,
    pub host_port: Option<u16>,
    pub rest: Vec<Json>,
}

pub fn ports(node: &Node) -> Result<Ports, Misshapen> {
    let Value::Seq(items) = &node.value else {
        return Err(("ports".to_owned(), "a list"));
    };
    let mut ports = Ports {
        port: None,
        host_port: None,
        rest: Vec::new(),
    };
    for item in items {
        let simple = if ports.port.is_none() {
            simple_port(item)
        } else {
            None
        };
        match simple {
            Some((host, port)) => {
                ports.port = Some(port);
                ports.host_port = host;
                if host.is_none() {
                    ports.rest.push(json(item));
                }
            }
            None => ports.rest.push(json(item)),
        }
    }
    Ok(ports)
}

/// `(host port, container port)` of a plain TCP mapping.
fn simple_port(node: &Node) -> Option<(Option<u16>, u16)> {
    let number = |text: &str| text.parse::<u16>().ok().filter(|p| *p > 0);
    match &node.value {
        Value::Int(_) | Value::String(_) => {
            let text = node.text()?;
            let text = text.strip_suffix("/tcp").unwrap_or(&text);
            match text.split(':').collect::<Vec<_>>().as_slice() {
                [port] => Some((None, number(port)?)),
                [host, port] => Some((Some(number(host)?), number(port)?)),
                _ => None,
            }
        }
        Value::Map(_) => {
            let fields = entries(node)?;
            let allowed = ["target", "published", "protocol"];
            if fields.iter().any(|(key, _)| !allowed.contains(key)) {
                return None;
            }
            let get = |name: &str| {
                fields
                    .iter()
                    .find(|(key, _)| *key == name)
                    .and_then(|(_, v)| v.text())
            };
            if get("protocol").is_some_and(|p| p != "tcp") {
                return None;
            }
            let port = number(&get("target")?)?;
            match get("published") {
                Some(host) => Some((Some(number(&host)?), port)),
                None => Some((None, port)),
            }
        }
        _ => None,
    }
}

/// The first port of `expose`.
pub fn exposed(node: &Node) -> Option<u16> {
    let Value::Seq(items) = &node.value else {
        return None;
    };
    items
        .iter()
        .find_map(|item| item.text()?.parse::<u16>().ok().filter(|p| *p > 0))
}

/// `environment` as exo's variables and secrets; the names of variables
/// whose value reads the host's environment some other way.
pub struct Variables {
    pub values: IndexMap<String, String>,
    pub secrets: Vec<String>,
    pub interpolated: Vec<String>,
}

pub fn environment(node: &Node) -> Result<Variables, Misshapen> {
    let mut variables = Variables {
        values: IndexMap::new(),
        secrets: Vec::new(),
        interpolated: Vec::new(),
    };
    let pairs: Vec<(String, Option<String>)> = match &node.value {
        Value::Map(_) => entries(node)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.text()))
            .collect(),
        Value::Seq(items) => items
            .iter()
            .filter_map(Node::text)
            .map(|item| match item.split_once('=') {
                Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                None => (item, None),
            })
            .collect(),
        Value::Null => Vec::new(),
        _ => return Err(("environment".to_owned(), "a map or a list")),
    };
    for (name, value) in pairs {
        let Some(value) = value else {
            // `NAME` alone passes the host's value on: a secret in exo.
            variables.secrets.push(name);
            continue;
        };
        if value == format!("${{{name}}}") || value == format!("${name}") {
            variables.secrets.push(name);
            continue;
        }
        let unescaped = value.replace("$$", "\u{0}");
        if unescaped.contains('$') {
            variables.interpolated.push(name.clone());
        }
        variables
            .values
            .insert(name, unescaped.replace('\u{0}', "$"));
    }
    Ok(variables)
}

/// A `healthcheck` as exo's command check; `None` when it is disabled.
pub fn health_check(node: &Node) -> Result<Option<HealthCheckOut>, Misshapen> {
    let misshapen = || ("healthcheck".to_owned(), "a map with `test`");
    let fields = entries(node).ok_or_else(misshapen)?;
    let get = |name: &str| fields.iter().find(|(key, _)| *key == name).map(|(_, v)| *v);
    if get("disable").is_some_and(|d| d.value == Value::Bool(true)) {
        return Ok(None);
    }
    let Some(test) = get("test") else {
        return Ok(None);
    };
    let command = match &test.value {
        Value::String(text) => CommandOut::Shell(text.clone()),
        Value::Seq(items) => {
            let words: Vec<String> = items.iter().filter_map(Node::text).collect();
            match words.split_first() {
                Some((kind, rest)) if kind == "CMD" => CommandOut::Exec(rest.to_vec()),
                Some((kind, rest)) if kind == "CMD-SHELL" => CommandOut::Shell(rest.join(" ")),
                _ => return Ok(None),
            }
        }
        _ => return Err(misshapen()),
    };
    Ok(Some(HealthCheckOut {
        command,
        interval: get("interval").and_then(Node::text),
        timeout: get("timeout").and_then(Node::text),
        start_period: get("start_period").and_then(Node::text),
        start_interval: get("start_interval").and_then(Node::text),
        retries: get("retries")
            .and_then(Node::text)
            .and_then(|r| r.parse().ok()),
    }))
}

/// `command` as exo's `scripts.run`: a list is quoted into one line, and
/// Compose's `$$` is exo's `$`.
pub fn command(node: &Node) -> Option<String> {
    let line = match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(Node::text)
            .map(|word| quoted(&word))
            .collect::<Vec<_>>()
            .join(" "),
        _ => node.text()?,
    };
    Some(line.replace("$$", "$"))
}

fn quoted(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The names `depends_on` lists, in either form.
pub fn depends_on(node: &Node) -> Vec<String> {
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(Node::text).collect(),
        Value::Map(_) => entries(node)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, _)| name.to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// A `compose:` value whose relative paths start from the application,
/// moved to start from `base` (`env_file`, `label_file`, bind mounts).
pub fn rebased(key: &str, value: Json, base: &str) -> Json {
    match (key, value) {
        ("env_file" | "label_file", Json::String(path)) => Json::String(relative_to(&path, base)),
        ("env_file" | "label_file", Json::Array(items)) => Json::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Json::Object(mut entry) => {
                        if let Some(Json::String(path)) = entry.get_mut("path") {
                            *path = relative_to(path, base);
                        }
                        Json::Object(entry)
                    }
                    other => rebased(key, other, base),
                })
                .collect(),
        ),
        ("volumes", Json::Array(items)) => Json::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Json::String(text) => match text.split_once(':') {
                        Some((source, rest)) if source.starts_with('.') => {
                            Json::String(format!("{}:{rest}", relative_to(source, base)))
                        }
                        _ => Json::String(text),
                    },
                    Json::Object(mut entry) => {
                        let bind = entry.get("type").and_then(Json::as_str) == Some("bind");
                        if let (true, Some(Json::String(source))) = (bind, entry.get_mut("source"))
                        {
                            *source = relative_to(source, base);
                        }
                        Json::Object(entry)
                    }
                    other => other,
                })
                .collect(),
        ),
        (_, value) => value,
    }
}
