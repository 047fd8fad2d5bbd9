//! A container's `compose:` keys in its Compose service: relative paths
//! moved to start from the generated file, the named volumes and networks
//! they use declared, and the keys merged over what exo writes.

use super::document::ComposeService;
use super::literal;
use crate::core::config::normalize_location;
use crate::core::model::ComposeKeys;
use serde_json::Value;
use std::collections::BTreeMap;

/// What the file declares at its top level for the services' keys.
#[derive(Debug, Default)]
pub struct Declared {
    pub volumes: BTreeMap<String, Option<()>>,
    pub networks: BTreeMap<String, Option<()>>,
}

/// Merges `keys` into `service`: `ports` and `volumes` after exo's, `init`
/// instead of exo's, every other key as it is. `root` is the application's
/// directory as the file names it (`..` beside the generated files).
pub fn apply(
    service: &mut ComposeService,
    keys: &ComposeKeys,
    root: &str,
    declared: &mut Declared,
) {
    for (name, value) in &keys.keys {
        let mut value = value.clone();
        match name.as_str() {
            "env_file" | "label_file" => relocate_files(&mut value, root, &keys.base),
            "volumes" => relocate_volumes(&mut value, root, &keys.base, declared),
            "networks" => join_default_network(&mut value, declared),
            _ => {}
        }
        match (name.as_str(), value) {
            ("ports", Value::Array(items)) => service.ports.extend(items),
            ("volumes", Value::Array(items)) => service.volumes.extend(items),
            ("init", Value::Bool(init)) => service.init = Some(init),
            (_, value) => {
                service.compose.insert(name.clone(), value);
            }
        }
    }
}

/// `path`, written relative to `base`, as the generated file reaches it.
/// Absolute paths, `~` and variables stay as written.
fn relocate(path: &str, root: &str, base: &str) -> String {
    if path.starts_with(['/', '~', '$']) {
        return path.to_owned();
    }
    let relative = normalize_location(&format!("{}/{path}", literal(base)));
    if relative == "." {
        root.to_owned()
    } else {
        format!("{root}/{relative}")
    }
}

/// `env_file: .env`, `[a.env, b.env]` or `[{path: a.env, required: false}]`.
fn relocate_files(value: &mut Value, root: &str, base: &str) {
    match value {
        Value::String(path) => *path = relocate(path, root, base),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| relocate_files(item, root, base)),
        Value::Object(entry) => {
            if let Some(Value::String(path)) = entry.get_mut("path") {
                *path = relocate(path, root, base);
            }
        }
        _ => {}
    }
}

/// A bind mount's relative source moves; a named volume is declared.
fn relocate_volumes(value: &mut Value, root: &str, base: &str, declared: &mut Declared) {
    let Value::Array(items) = value else {
        return;
    };
    for item in items {
        match item {
            Value::String(text) => {
                let Some((source, rest)) = text.split_once(':') else {
                    continue;
                };
                if source.starts_with('.') {
                    *text = format!("{}:{rest}", relocate(source, root, base));
                } else if is_volume_name(source) {
                    declared.volumes.insert(source.to_owned(), None);
                }
            }
            Value::Object(entry) => {
                let kind = entry
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("volume")
                    .to_owned();
                let Some(Value::String(source)) = entry.get_mut("source") else {
                    continue;
                };
                if kind == "bind" {
                    *source = relocate(source, root, base);
                } else if kind == "volume" && is_volume_name(source) {
                    declared.volumes.insert(source.clone(), None);
                }
            }
            _ => {}
        }
    }
}

/// Compose reads a volume's source as a name unless it is a path.
fn is_volume_name(source: &str) -> bool {
    !source.is_empty() && !source.starts_with(['.', '/', '~', '$']) && !source.contains('/')
}

/// A service that names its networks stays on the default one too, where
/// its dependencies and the other services answer.
fn join_default_network(value: &mut Value, declared: &mut Declared) {
    let names: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::Object(entries) => entries.keys().cloned().collect(),
        _ => Vec::new(),
    };
    for name in names.iter().filter(|name| *name != "default") {
        declared.networks.insert(name.clone(), None);
    }
    if names.iter().any(|name| name == "default") {
        return;
    }
    match value {
        Value::Array(items) => items.push(Value::from("default")),
        Value::Object(entries) => {
            entries.insert("default".to_owned(), Value::Null);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn applied(keys: Value) -> (ComposeService, Declared) {
        let Value::Object(entries) = keys else {
            panic!("a map");
        };
        let keys = ComposeKeys {
            base: "web".to_owned(),
            keys: entries.into_iter().collect(),
        };
        let mut service = ComposeService {
            ports: vec![json!("3000:8080")],
            volumes: vec![json!("../web:/mnt")],
            init: Some(true),
            ..ComposeService::default()
        };
        let mut declared = Declared::default();
        apply(&mut service, &keys, "..", &mut declared);
        (service, declared)
    }

    #[test]
    fn lists_exo_writes_are_appended_and_init_replaced() {
        let (service, declared) = applied(json!({
            "ports": ["9229:9229"],
            "volumes": ["cache:/root/.cache", "./data:/data:ro", "/etc/hosts:/x", {"type": "bind", "source": "../shared", "target": "/shared"}],
            "init": false,
            "cap_add": ["NET_ADMIN"],
        }));
        assert_eq!(service.ports, [json!("3000:8080"), json!("9229:9229")]);
        assert_eq!(
            service.volumes,
            [
                json!("../web:/mnt"),
                json!("cache:/root/.cache"),
                json!("../web/data:/data:ro"),
                json!("/etc/hosts:/x"),
                json!({"type": "bind", "source": "../shared", "target": "/shared"}),
            ]
        );
        assert_eq!(service.init, Some(false));
        assert_eq!(service.compose["cap_add"], json!(["NET_ADMIN"]));
        assert_eq!(declared.volumes.keys().collect::<Vec<_>>(), ["cache"]);
    }

    #[test]
    fn env_files_move_and_networks_keep_the_default_one() {
        let (service, declared) = applied(json!({
            "env_file": [".env", {"path": "../common.env", "required": false}, "/abs.env"],
            "networks": ["backend"],
        }));
        assert_eq!(
            service.compose["env_file"],
            json!(["../web/.env", {"path": "../common.env", "required": false}, "/abs.env"])
        );
        assert_eq!(service.compose["networks"], json!(["backend", "default"]));
        assert_eq!(declared.networks.keys().collect::<Vec<_>>(), ["backend"]);
    }
}
