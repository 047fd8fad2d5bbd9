//! `compose:` keys as deployed: which a container gets on which target, and
//! how a mode's keys combine with those of every mode.

use super::{Mode, Scope, Warning};
use crate::core::model::{ComposeKeys, Service};
use serde_json::Value;

/// The Compose keys of a service's container: `compose`, then the mode's
/// (`development.compose`, `production.compose`) over them. Only the local
/// Compose files carry them.
pub(crate) fn service_keys(service: &Service, scope: &Scope) -> ComposeKeys {
    let config = &service.config;
    match scope {
        Scope::Local(Mode::Development) => merged(&config.compose, &config.development.compose),
        Scope::Local(Mode::Production) => merged(&config.compose, &config.production.compose),
        Scope::Local(Mode::Test) => config.compose.clone(),
        Scope::Remote { .. } => ComposeKeys::default(),
    }
}

/// A container's keys that a remote target leaves out.
pub(crate) fn left_out(workload: &str, keys: &ComposeKeys) -> Option<Warning> {
    (!keys.keys.is_empty()).then(|| Warning::ComposeOnly {
        workload: workload.to_owned(),
        keys: keys.keys.keys().cloned().collect(),
    })
}

/// `over` on `under`, key by key, as Compose merges an override file:
/// lists are appended, maps merged, anything else replaced.
pub fn merged(under: &ComposeKeys, over: &ComposeKeys) -> ComposeKeys {
    let mut keys = under.clone();
    if keys.base.is_empty() {
        keys.base.clone_from(&over.base);
    }
    for (name, value) in &over.keys {
        match keys.keys.get_mut(name) {
            Some(existing) => merge_value(existing, value),
            None => {
                keys.keys.insert(name.clone(), value.clone());
            }
        }
    }
    keys
}

/// `over` into `under`: lists appended, maps merged, else replaced.
pub fn merge_value(under: &mut Value, over: &Value) {
    match (under, over) {
        (Value::Array(items), Value::Array(more)) => items.extend(more.iter().cloned()),
        (Value::Object(entries), Value::Object(more)) => {
            for (name, value) in more {
                match entries.get_mut(name) {
                    Some(existing) => merge_value(existing, value),
                    None => {
                        entries.insert(name.clone(), value.clone());
                    }
                }
            }
        }
        (under, over) => *under = over.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(value: Value) -> ComposeKeys {
        let Value::Object(entries) = value else {
            panic!("a map");
        };
        ComposeKeys {
            base: "web".to_owned(),
            keys: entries.into_iter().collect(),
        }
    }

    #[test]
    fn a_mode_appends_lists_merges_maps_and_replaces_the_rest() {
        let all = keys(json!({
            "cap_add": ["NET_ADMIN"],
            "ulimits": {"nofile": {"soft": 1024, "hard": 2048}},
            "shm_size": "64m",
        }));
        let development = keys(json!({
            "cap_add": ["SYS_PTRACE"],
            "ulimits": {"nofile": {"soft": 4096}},
            "shm_size": "1g",
            "tty": true,
        }));
        let result = merged(&all, &development);
        assert_eq!(result.base, "web");
        assert_eq!(
            Value::Object(result.keys.into_iter().collect()),
            json!({
                "cap_add": ["NET_ADMIN", "SYS_PTRACE"],
                "ulimits": {"nofile": {"soft": 4096, "hard": 2048}},
                "shm_size": "1g",
                "tty": true,
            })
        );
    }

    #[test]
    fn keys_of_one_mode_alone_keep_their_base() {
        let result = merged(&ComposeKeys::default(), &keys(json!({"tty": true})));
        assert_eq!(result.base, "web");
        assert_eq!(result.keys["tty"], json!(true));
    }
}
