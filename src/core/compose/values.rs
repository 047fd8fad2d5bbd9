//! Typed variable values as Compose reads them: text with `$` doubled, a
//! secret as `${NAME}` from the environment Compose runs in, and a
//! credential without a default as `${NAME:?...}`, which Compose refuses to
//! run without.

use super::literal;
use crate::core::deployed::{Mode, Part, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Each value's Compose text.
pub fn texts(
    variables: &BTreeMap<String, Value>,
    required: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    variables
        .iter()
        .map(|(name, value)| (name.clone(), text(value, required)))
        .collect()
}

pub fn text(value: &Value, required: &BTreeSet<String>) -> String {
    match value {
        Value::Literal(text) => literal(text),
        Value::Secret(name) => secret(name, required),
        Value::Template(parts) => parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => literal(text),
                Part::Secret(name) => secret(name, required),
            })
            .collect(),
    }
}

fn secret(name: &str, required: &BTreeSet<String>) -> String {
    if required.contains(name) {
        format!(
            "${{{name}:?set {name}: {} has no default password}}",
            Mode::Production
                .file_name()
                .trim_start_matches("docker-compose/")
        )
    } else {
        format!("${{{name}}}")
    }
}
