//! The key references of application.yml and service.yml (Markdown), read
//! from the JSON Schemas that [`crate::core::schema`] generates: the same keys,
//! types and doc comments that editors show, so the two cannot drift.

use super::markdown::{GENERATED_NOTICE, prose};
use crate::core::schema;
use serde_json::{Map, Value};
use std::fmt::Write;

/// The page `docs/src/reference/generated/application-yml.md`.
pub fn application_markdown() -> String {
    page("application.yml", schema::APPLICATION_SCHEMA)
}

/// The page `docs/src/reference/generated/service-yml.md`.
pub fn service_markdown() -> String {
    page("service.yml", schema::SERVICE_SCHEMA)
}

fn page(file: &str, schema_name: &str) -> String {
    let text = schema::all()
        .into_iter()
        .find_map(|(name, text)| (name == schema_name).then_some(text))
        .unwrap_or_else(|| unreachable!("{schema_name} is one of the schemas"));
    let root: Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| unreachable!("a generated schema is JSON: {err}"));
    let keys = Keys {
        definitions: root.get("definitions").and_then(Value::as_object),
    };
    let mut out = format!("# `{file}` keys\n\n{GENERATED_NOTICE}\n\n");
    if let Some(about) = root.get("description").and_then(Value::as_str) {
        let _ = write!(out, "{}\n\n", prose(about));
    }
    out.push_str(
        "Every key exo reads, made from the same definitions as the JSON Schema \
(`exo schema`). `<name>` stands for a key you choose. Keys that start with `x-` \
are extensions and are ignored everywhere. A text value may be written as a \
number or boolean and keeps the text written.\n",
    );
    let required = required_of(&root);
    for (key, schema) in properties(&root) {
        let _ = write!(out, "\n## `{key}`\n\n");
        keys.entry(key, schema, required.contains(&key.as_str()), &mut out);
        keys.children(key, schema, &mut out);
    }
    out
}

struct Keys<'a> {
    definitions: Option<&'a Map<String, Value>>,
}

impl<'a> Keys<'a> {
    /// One list entry: the key's path, its type, whether it is required,
    /// and its documentation.
    fn entry(&self, path: &str, schema: &'a Value, required: bool, out: &mut String) {
        let kind = self.kind(schema, path);
        let needed = if required { ", required" } else { "" };
        let _ = write!(out, "- `{path}` ({}{needed})", prose(&kind));
        if let Some(about) = self.description(schema) {
            let _ = write!(out, ": {}", prose(&about.replace('\n', " ")));
        }
        out.push('\n');
    }

    /// The entries of the keys under `path`, depth first.
    fn children(&self, path: &str, schema: &'a Value, out: &mut String) {
        for object in self.objects(schema) {
            let required = required_of(object);
            for (key, child) in properties(object) {
                let child_path = format!("{path}.{key}");
                self.entry(&child_path, child, required.contains(&key.as_str()), out);
                self.children(&child_path, child, out);
            }
            if let Some(items) = object.get("items") {
                self.children(&format!("{path}[]"), items, out);
            }
            if let Some(value) = object.get("additionalProperties").filter(|v| v.is_object()) {
                let child_path = format!("{path}.{}", placeholder(path));
                if !self.objects(value).is_empty() {
                    self.children(&child_path, value, out);
                }
            }
        }
    }

    /// The object schemas a value may be (through references and variants).
    fn objects(&self, schema: &'a Value) -> Vec<&'a Value> {
        let schema = self.resolve(schema);
        if let Some(variants) = variants(schema) {
            return variants.iter().flat_map(|v| self.objects(v)).collect();
        }
        if is_type(schema, "object") || is_type(schema, "array") {
            vec![schema]
        } else {
            Vec::new()
        }
    }

    fn resolve(&self, schema: &'a Value) -> &'a Value {
        let schema = referenced(schema);
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.trim_start_matches("#/definitions/");
                self.definitions
                    .and_then(|definitions| definitions.get(name))
                    .map_or(schema, |definition| self.resolve(definition))
            }
            None => schema,
        }
    }

    fn description(&self, schema: &'a Value) -> Option<String> {
        let own = schema.get("description").and_then(Value::as_str);
        let referenced = || {
            let inner = variants(schema)
                .and_then(|variants| variants.iter().find(|v| !is_null(v)))
                .unwrap_or(schema);
            let scalar = inner
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| SCALARS.iter().any(|name| r.ends_with(name)));
            (!scalar)
                .then(|| {
                    self.resolve(inner)
                        .get("description")
                        .and_then(Value::as_str)
                })
                .flatten()
        };
        own.or_else(referenced).map(str::to_owned)
    }

    /// A value's type in words: `text`, `list of text`, `true or false`, ...
    fn kind(&self, schema: &'a Value, path: &str) -> String {
        let schema = referenced(schema);
        if schema == &Value::Bool(true) {
            return "any value".to_owned();
        }
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .map(|r| r.trim_start_matches("#/definitions/"))
        {
            match name {
                "Text" => return "text".to_owned(),
                "Port" => return "port, 1 to 65535".to_owned(),
                "Duration" => return "duration: `500ms`, `2s`, `1m30s`, `1h`".to_owned(),
                "PositiveDuration" => {
                    return "duration above zero: `500ms`, `2s`, `1m30s`".to_owned();
                }
                "Amount" => return "whole number above 0".to_owned(),
                "HostName" => return "host name, e.g. `shop.example.com`".to_owned(),
                "Registry" => return "registry, `host[:port][/path]`".to_owned(),
                "Region" => return "AWS region, e.g. `eu-west-1`".to_owned(),
                "AccountId" => return "AWS account id, 12 digits".to_owned(),
                "CertificateArn" => return "ARN of an ACM certificate".to_owned(),
                "Placement" => return "`key == value` or `key != value`".to_owned(),
                "Namespace" => return "Kubernetes namespace (a DNS label)".to_owned(),
                _ => return self.kind(self.resolve(schema), path),
            }
        }
        if let Some(variants) = variants(schema) {
            let kinds: Vec<String> = variants
                .iter()
                .filter(|v| !is_null(v))
                .map(|v| self.kind(v, path))
                .collect();
            return kinds.join(", or ");
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let names: Vec<String> = values.iter().map(|v| format!("`{}`", plain(v))).collect();
            return format!("one of {}", names.join(", "));
        }
        if let Some(value) = schema.get("const") {
            return format!("`{}`", plain(value));
        }
        if is_type(schema, "array") {
            let item = schema
                .get("items")
                .map_or("any value".to_owned(), |items| self.kind(items, path));
            return format!("list of {item}");
        }
        if is_type(schema, "object") {
            if schema.get("properties").is_some() {
                return "map".to_owned();
            }
            return match schema.get("additionalProperties") {
                Some(value) if value.is_object() => {
                    format!("map of {} to {}", placeholder(path), self.kind(value, path))
                }
                _ => "map".to_owned(),
            };
        }
        scalar(schema)
    }
}

fn scalar(schema: &Value) -> String {
    let bound = |key: &str| schema.get(key).map(plain);
    if is_type(schema, "boolean") {
        "`true` or `false`".to_owned()
    } else if is_type(schema, "integer") || is_type(schema, "number") {
        let whole = if is_type(schema, "integer") {
            "whole number"
        } else {
            "number"
        };
        match (bound("minimum"), bound("maximum")) {
            (Some(min), Some(max)) => format!("{whole}, {min} to {max}"),
            (Some(min), None) => format!("{whole}, at least {min}"),
            _ => whole.to_owned(),
        }
    } else if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        format!("text matching `{pattern}`")
    } else {
        "text".to_owned()
    }
}

/// Definitions of plain values, named by their type rather than described.
const SCALARS: [&str; 3] = ["/Text", "/Port", "/Duration"];

/// The word that stands for a key of the map at `path`.
fn placeholder(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or(path) {
        "services" => "<role>",
        "dependencies" | "dependency-data" => "<id>",
        "environments" => "<env>",
        "environment-variables" | "secret-arns" => "<NAME>",
        _ => "<name>",
    }
}

fn properties(schema: &Value) -> Vec<(&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|map| map.iter().collect())
        .unwrap_or_default()
}

fn required_of(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A field with a default and a description of its own is `allOf` one
/// reference: the reference.
fn referenced(schema: &Value) -> &Value {
    match schema.get("allOf").and_then(Value::as_array) {
        Some(only) if only.len() == 1 => &only[0],
        _ => schema,
    }
}

fn variants(schema: &Value) -> Option<&Vec<Value>> {
    schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
        .filter(|_| schema.get("properties").is_none())
}

fn is_type(schema: &Value, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(kind)) => kind == name,
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == name),
        _ => false,
    }
}

fn is_null(schema: &Value) -> bool {
    schema.get("type") == Some(&Value::String("null".to_owned()))
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
