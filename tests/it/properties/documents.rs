//! (a) arbitrary bytes and text, and (b) YAML documents from the real
//! vocabulary, as application.yml and as service.yml.

use super::*;

// ---------------------------------------------------------------------------
// YAML-like documents

/// A YAML node; `flow` writes it as `{...}` or `[...]` instead of in blocks.
#[derive(Debug, Clone)]
pub(super) enum Doc {
    Scalar(String),
    List(Vec<Doc>, bool),
    Map(Vec<(String, Doc)>, bool),
}

impl Doc {
    pub(super) fn map(entries: Vec<(&str, Doc)>) -> Doc {
        Doc::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            false,
        )
    }

    pub(super) fn text(text: &str) -> Doc {
        Doc::Scalar(text.to_owned())
    }

    pub(super) fn list(items: &[&str]) -> Doc {
        Doc::List(items.iter().map(|i| Doc::text(i)).collect(), false)
    }

    /// The document as a YAML file.
    pub(super) fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Doc::Map(entries, false) if !entries.is_empty() => write_entries(entries, 0, &mut out),
            Doc::List(items, false) if !items.is_empty() => write_items(items, 0, &mut out),
            other => {
                write_flow(other, &mut out);
                out.push('\n');
            }
        }
        out
    }
}

pub(super) fn write_entries(entries: &[(String, Doc)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(key);
        out.push(':');
        write_value(value, indent + 2, out);
    }
}

pub(super) fn write_items(items: &[Doc], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        write_value(item, indent + 2, out);
    }
}

/// A value after `key:` or `-`: on the same line, or the next lines indented.
pub(super) fn write_value(value: &Doc, indent: usize, out: &mut String) {
    match value {
        Doc::Map(entries, false) if !entries.is_empty() => {
            out.push('\n');
            write_entries(entries, indent, out);
        }
        Doc::List(items, false) if !items.is_empty() => {
            out.push('\n');
            write_items(items, indent, out);
        }
        Doc::Scalar(text) if text.is_empty() => out.push('\n'),
        other => {
            out.push(' ');
            write_flow(other, out);
            out.push('\n');
        }
    }
}

pub(super) fn write_flow(value: &Doc, out: &mut String) {
    match value {
        Doc::Scalar(text) => out.push_str(text),
        Doc::List(items, _) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(item, out);
            }
            out.push(']');
        }
        Doc::Map(entries, _) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push_str(": ");
                write_flow(value, out);
            }
            out.push('}');
        }
    }
}

/// Every key application.yml, service.yml, dependencies, health checks,
/// restart and watch know, and the roles and ids the scalars use.
pub(super) const KEYS: &[&str] = &[
    "name",
    "description",
    "version",
    "author",
    "local",
    "remote",
    "services",
    "shared-directories",
    "tests",
    "dependencies",
    "environment-variables",
    "secrets",
    "location",
    "docker-image",
    "dependency-data",
    "repository",
    "type",
    "development",
    "production",
    "port",
    "host-port",
    "scripts",
    "run",
    "test",
    "health-check",
    "depends-on",
    "restart",
    "watch",
    "image",
    "persist",
    "http",
    "tcp",
    "command",
    "log",
    "interval",
    "timeout",
    "start-period",
    "start-interval",
    "retries",
    "on-crash",
    "initial-delay",
    "multiplier",
    "max-delay",
    "reset-after",
    "max-crashes",
    "window",
    "on-unhealthy",
    "with-dependencies",
    "paths",
    "ignore",
    "action",
    "rules",
    "debounce",
    "poll-interval",
    "cpu",
    "memory",
    "environments",
    "url",
    "region",
    "template-config",
    "web",
    "api",
    "db",
    "cache",
    "DB_URL",
    "x-extra",
];

/// Scalars that mean something somewhere, valid or nearly.
pub(super) const SCALARS: &[&str] = &[
    "shop",
    "My App",
    "web",
    "api",
    "db",
    "cache",
    "./web",
    "./api",
    "web/",
    "../outside",
    "/abs",
    ".",
    "public",
    "private",
    "worker",
    "pubic",
    "postgres:16",
    "redis:7",
    "example/thing:1",
    "nginx:1.27",
    "0",
    "1",
    "80",
    "3000",
    "5432",
    "65535",
    "65536",
    "-1",
    "99999999999999999999",
    "0.5",
    "1.5",
    "2",
    ".inf",
    ".nan",
    "1e400",
    "true",
    "false",
    "yes",
    "null",
    "~",
    "''",
    "\"\"",
    "10",
    "5s",
    "0s",
    "500ms",
    "1m30s",
    "5 seconds",
    "1h",
    "1.5s",
    "ms",
    "99999999999h",
    "/health",
    "health",
    "http://localhost:3000/health",
    "restart",
    "rebuild",
    "rebuidl",
    "src",
    "../src",
    "DB_PASSWORD",
    "api-key",
    "[]",
    "{}",
    "\"quoted: text\"",
    "'single'",
    "&anchor x",
    "*anchor",
    "!!str 80",
    "|\n  block",
    "é",
    "\t",
];

pub(super) fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(KEYS).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9_-]{0,8}",
        1 => "[ -~]{1,6}",
    ]
}

pub(super) fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(SCALARS).prop_map(str::to_owned),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => "[ -~]{0,12}",
        1 => any::<String>().prop_map(|s| serde_json::to_string(&s).expect("a string is JSON")),
    ]
}

pub(super) fn doc() -> impl Strategy<Value = Doc> {
    scalar()
        .prop_map(Doc::Scalar)
        .prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                (
                    prop::collection::vec(inner.clone(), 0..5),
                    prop::bool::weighted(0.2)
                )
                    .prop_map(|(items, flow)| Doc::List(items, flow)),
                (
                    prop::collection::vec((key(), inner), 0..6),
                    prop::bool::weighted(0.2)
                )
                    .prop_map(|(entries, flow)| Doc::Map(entries, flow)),
            ]
        })
}

/// A document that is a map at the top, as real files are.
pub(super) fn top_map() -> impl Strategy<Value = Doc> {
    prop::collection::vec((key(), doc()), 0..8).prop_map(|entries| Doc::Map(entries, false))
}

/// Characters that YAML treats specially, for text that is nearly YAML.
pub(super) fn yaml_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => select(&[
                "name", "services", "location", "type", "development", "port", "health-check",
                "depends-on", "web", "./web", "3000", "public",
            ][..]).prop_map(str::to_owned),
            6 => "[-:\\[\\]{},#&*!|>'\"%@` ?\t\n a-z0-9.~\\\\]",
            1 => Just("\r\n".to_owned()),
            1 => Just("\u{feff}".to_owned()),
            1 => Just("---\n".to_owned()),
            1 => Just("é".to_owned()),
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

pub(super) const SERVICE_APP: &str = "name: fuzz\nservices:\n  web:\n    location: ./web\n  api:\n    docker-image: nginx:1.27\nlocal:\n  dependencies:\n    db:\n      image: postgres:16\n";

// ---------------------------------------------------------------------------
// (a) and (b)

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_as_application_yml(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        load_files(&[("application.yml", &bytes)]);
    }

    #[test]
    fn arbitrary_text_as_application_yml(text in prop_oneof![any::<String>(), yaml_soup()]) {
        load_files(&[("application.yml", text.as_bytes())]);
    }

    #[test]
    fn nearly_yaml_as_service_yml(text in yaml_soup()) {
        load_files(&[("application.yml", SERVICE_APP.as_bytes()), ("web/service.yml", text.as_bytes())]);
    }

    #[test]
    fn documents_as_application_yml(app in prop_oneof![top_map(), doc()], service in top_map()) {
        // A `location` of `./web` in the random document reads this service.yml.
        load_files(&[
            ("application.yml", app.to_yaml().as_bytes()),
            ("web/service.yml", service.to_yaml().as_bytes()),
        ]);
    }

    #[test]
    fn documents_as_service_yml(service in prop_oneof![top_map(), doc()]) {
        load_files(&[("application.yml", SERVICE_APP.as_bytes()), ("web/service.yml", service.to_yaml().as_bytes())]);
    }
}
