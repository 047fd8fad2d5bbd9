//! The catalog of well-known dependency images (`compose-templates/`,
//! embedded in the binary). A local dependency whose image matches an entry
//! gets the entry's health check, port and default environment when its own
//! configuration gives none, and offers the entry's variables to services.
//!
//! Passwords are `credentials`: convenient defaults in development and
//! test, and in production a secret the user must provide (`${NAME}`), so
//! that no default password reaches production.

use super::probe::read_probe;
use super::problem::{Problems, SourceFile};
use super::reader::Reader;
use super::yaml;
use crate::core::model::Probe;
use indexmap::IndexMap;
use std::sync::{Arc, OnceLock};

#[derive(Debug)]
pub struct Entry {
    /// The file's stem, e.g. `postgres`.
    pub name: String,
    /// Image repositories (last path part, no tag) this entry applies to.
    pub images: Vec<String>,
    pub port: u16,
    pub persist: Option<String>,
    /// Variables of the container in every mode.
    pub environment: IndexMap<String, String>,
    /// Passwords and keys, with their development and test values.
    pub credentials: IndexMap<String, String>,
    /// Variables that replace or add to `environment` in production (e.g.
    /// security on).
    pub production: IndexMap<String, String>,
    pub health_check: Probe,
    /// Variables given to services as `<ID>_<NAME>`; values may use `{host}`,
    /// `{port}` and `{env.NAME}` (the dependency's own environment).
    pub offers: IndexMap<String, String>,
    /// Offers that replace `offers`' in production.
    pub production_offers: IndexMap<String, String>,
}

/// A variable the catalog sets on a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default<'a> {
    /// This text.
    Text(&'a str),
    /// A secret the user must provide (a credential in production).
    Required,
}

const FILES: &[(&str, &str)] = &[
    (
        "elasticsearch",
        include_str!("../../../compose-templates/elasticsearch.yml"),
    ),
    (
        "kafka",
        include_str!("../../../compose-templates/kafka.yml"),
    ),
    (
        "mariadb",
        include_str!("../../../compose-templates/mariadb.yml"),
    ),
    (
        "memcached",
        include_str!("../../../compose-templates/memcached.yml"),
    ),
    (
        "minio",
        include_str!("../../../compose-templates/minio.yml"),
    ),
    (
        "mongo",
        include_str!("../../../compose-templates/mongo.yml"),
    ),
    (
        "mysql",
        include_str!("../../../compose-templates/mysql.yml"),
    ),
    ("nats", include_str!("../../../compose-templates/nats.yml")),
    (
        "opensearch",
        include_str!("../../../compose-templates/opensearch.yml"),
    ),
    (
        "postgres",
        include_str!("../../../compose-templates/postgres.yml"),
    ),
    (
        "rabbitmq",
        include_str!("../../../compose-templates/rabbitmq.yml"),
    ),
    (
        "redis",
        include_str!("../../../compose-templates/redis.yml"),
    ),
    (
        "valkey",
        include_str!("../../../compose-templates/valkey.yml"),
    ),
];

/// Every entry, parsed once.
pub fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                parse_entry(name, text).unwrap_or_else(|problems| {
                    // The files are part of the binary and checked by the tests below.
                    panic!("compose-templates/{name}.yml is invalid: {problems:?}")
                })
            })
            .collect()
    })
}

/// The entry for an image reference such as `postgres:16`,
/// `docker.io/library/redis:7@sha256:...` or `bitnami/kafka:3`.
pub fn lookup(image: &str) -> Option<&'static Entry> {
    let repository = repository_name(image);
    entries()
        .iter()
        .find(|entry| entry.images.iter().any(|i| *i == repository))
}

/// The last path part of an image reference, without tag or digest.
pub fn repository_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

impl Entry {
    /// The variables the catalog sets on a container, in production or in
    /// development and test.
    pub fn defaults(&self, production: bool) -> IndexMap<&str, Default<'_>> {
        let mut defaults: IndexMap<&str, Default<'_>> = self
            .environment
            .iter()
            .map(|(name, value)| (name.as_str(), Default::Text(value)))
            .collect();
        if production {
            for (name, value) in &self.production {
                defaults.insert(name, Default::Text(value));
            }
        }
        for (name, value) in &self.credentials {
            let value = if production {
                Default::Required
            } else {
                Default::Text(value)
            };
            defaults.insert(name, value);
        }
        defaults
    }

    /// The offered variables of a dependency `id` with this final environment;
    /// a variable whose template names a variable the dependency lacks is left out.
    pub fn offered_variables(
        &self,
        id: &str,
        port: u16,
        environment: &IndexMap<String, String>,
        production: bool,
    ) -> IndexMap<String, String> {
        self.offered_variables_at(id, id, port, environment, production)
    }

    /// The same, for a dependency that answers at `host` (a cluster's DNS
    /// name) rather than at its id.
    pub fn offered_variables_at(
        &self,
        id: &str,
        host: &str,
        port: u16,
        environment: &IndexMap<String, String>,
        production: bool,
    ) -> IndexMap<String, String> {
        let prefix = super::constant_case(id);
        self.offers
            .iter()
            .map(|(name, template)| match self.production_offers.get(name) {
                Some(replaced) if production => (name, replaced),
                _ => (name, template),
            })
            .filter_map(|(name, template)| {
                let mut value = template
                    .replace("{host}", host)
                    .replace("{port}", &port.to_string());
                for (key, env_value) in environment {
                    value = value.replace(&format!("{{env.{key}}}"), env_value);
                }
                (!value.contains("{env.")).then(|| (format!("{prefix}_{name}"), value))
            })
            .collect()
    }
}

const KEYS: [&str; 9] = [
    "images",
    "port",
    "persist",
    "environment",
    "credentials",
    "production-environment",
    "health-check",
    "offers",
    "production-offers",
];

fn parse_entry(name: &str, text: &str) -> Result<Entry, Vec<String>> {
    let file = Arc::new(SourceFile {
        name: format!("compose-templates/{name}.yml"),
        text: text.to_owned(),
        dir: None,
    });
    let root = yaml::parse(text).map_err(|e| vec![e.message])?;
    let mut problems = Problems::default();
    let mut reader = Reader::new(file, &mut problems);
    let fields = reader.fields(&root, "", &KEYS);
    let images = fields
        .get("images")
        .map(|n| {
            reader
                .string_list(n, "images")
                .into_iter()
                .map(|s| s.value)
                .collect()
        })
        .unwrap_or_default();
    let port = fields.get("port").and_then(|n| reader.port(n, "port"));
    let persist = fields
        .get("persist")
        .and_then(|n| reader.string(n, "persist"))
        .map(|s| s.value);
    let mut variables = |key: &str| {
        fields
            .get(key)
            .map(|n| reader.environment(n, key))
            .unwrap_or_default()
    };
    let environment = variables("environment");
    let credentials = variables("credentials");
    let production = variables("production-environment");
    let production_offers = variables("production-offers");
    let health_check = fields
        .get("health-check")
        .and_then(|n| read_probe(&mut reader, n, "health-check"));
    let offers = fields
        .get("offers")
        .map(|n| reader.environment(n, "offers"))
        .unwrap_or_default();
    match (port, health_check) {
        (Some(port), Some(health_check)) if problems.is_empty() => Ok(Entry {
            name: name.to_owned(),
            images,
            port: port.value,
            persist,
            environment,
            credentials,
            production,
            health_check,
            offers,
            production_offers,
        }),
        _ => Err(problems
            .into_vec()
            .iter()
            .map(|p| p.headline())
            .chain(["needs `port` and `health-check`".to_owned()])
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_parses() {
        assert_eq!(entries().len(), FILES.len());
        for entry in entries() {
            assert!(!entry.images.is_empty(), "{} names no image", entry.name);
        }
    }

    #[test]
    fn the_required_kinds_are_covered() {
        for image in [
            "postgres:16",
            "mysql:8",
            "mariadb:11",
            "redis:7",
            "valkey/valkey:8",
            "mongo:7",
            "rabbitmq:3-management",
            "nats:2",
            "memcached:1.6",
            "elasticsearch:8.15.0",
            "opensearchproject/opensearch:2",
            "minio/minio:latest",
            "apache/kafka:3.8.0",
        ] {
            assert!(lookup(image).is_some(), "no catalog entry for {image}");
        }
    }

    #[test]
    fn matching_ignores_registry_tag_and_digest() {
        assert_eq!(
            repository_name("docker.io/library/redis:7@sha256:abc"),
            "redis"
        );
        assert_eq!(repository_name("localhost:5000/team/postgres"), "postgres");
        assert_eq!(lookup("originate/exocom:0.27.0").map(|e| &e.name), None);
    }

    #[test]
    fn offered_variables_use_the_final_environment() {
        let entry = lookup("postgres:16").unwrap();
        let mut env = entry.environment.clone();
        env.insert("POSTGRES_PASSWORD".into(), "s3cret".into());
        env.insert("POSTGRES_USER".into(), "postgres".into());
        let offered = entry.offered_variables("main-db", 5432, &env, false);
        assert_eq!(offered["MAIN_DB_PORT"], "5432");
        assert_eq!(
            offered["MAIN_DB_URL"],
            "postgres://postgres:s3cret@main-db:5432/postgres"
        );
        env.shift_remove("POSTGRES_PASSWORD");
        let offered = entry.offered_variables("db", 5432, &env, false);
        assert!(
            !offered.contains_key("DB_URL"),
            "a URL without its password is left out"
        );
    }

    #[test]
    fn no_credential_has_a_default_in_production() {
        for entry in entries() {
            let production = entry.defaults(true);
            for name in entry.credentials.keys() {
                assert_eq!(
                    production[name.as_str()],
                    Default::Required,
                    "{}",
                    entry.name
                );
            }
            let development = entry.defaults(false);
            assert!(
                development.values().all(|d| matches!(d, Default::Text(_))),
                "{}",
                entry.name
            );
        }
        let postgres = lookup("postgres").unwrap().defaults(true);
        assert_eq!(postgres["POSTGRES_USER"], Default::Text("postgres"));
        let elasticsearch = lookup("elasticsearch").unwrap().defaults(true);
        assert_eq!(
            elasticsearch["xpack.security.enabled"],
            Default::Text("true")
        );
    }
}
