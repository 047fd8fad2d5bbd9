//! The schema of `compose:`, the escape hatch: the Compose service keys
//! that the loader passes on ([`crate::core::config::compose_keys`]), each
//! with the kind of value it takes, and `x-` keys. The keys exo writes
//! itself are not among them.

use crate::core::config::compose_keys::{Owner, SERVICE_KEYS, Shape};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// A service's Compose keys, passed into its definition as written.
pub struct ComposeKeys;

/// A dependency's: as a service's, and `command`.
pub struct DependencyComposeKeys;

impl JsonSchema for ComposeKeys {
    fn schema_name() -> Cow<'static, str> {
        "ComposeKeys".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        keys_of(Owner::Service)
    }
}

impl JsonSchema for DependencyComposeKeys {
    fn schema_name() -> Cow<'static, str> {
        "DependencyComposeKeys".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        keys_of(Owner::Dependency)
    }
}

/// Each key as an exact pattern, so that the key references do not list
/// Compose's keys as exo's.
fn keys_of(owner: Owner) -> Schema {
    let keys: Map<String, Value> = SERVICE_KEYS
        .iter()
        .filter(|(name, _)| !owner.owned_keys().any(|(owned, _)| owned == name))
        .map(|(name, shape)| (format!("^{name}$"), kind(*shape)))
        .collect();
    json_schema!({
        "type": "object",
        "patternProperties": keys,
        "additionalProperties": false,
    })
}

fn kind(shape: Shape) -> Value {
    let types = match shape {
        Shape::Text => json!(["string", "number", "boolean"]),
        Shape::Amount => json!(["number", "string"]),
        Shape::Flag => json!("boolean"),
        Shape::List => json!("array"),
        Shape::Map => json!("object"),
        Shape::ListOrMap => json!(["array", "object"]),
        Shape::TextOrList => json!(["string", "array"]),
    };
    json!({ "type": types })
}
