//! A service's container as `docker compose up --no-start` makes it, for
//! exo to make it itself through the Engine API (a `docker compose`
//! process takes half a second before the first container starts). Only
//! for what exo can say exactly as Compose would: a service with `compose:`
//! keys, a port or healthcheck in a form not read here, or a value that
//! cannot be interpolated is left to Compose. Pure.

use super::one_off::{Resolved, compose_labels, default_network, resolve};
use super::{ComposeFile, OneOffError, PROJECT_LABEL};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The label in which Compose keeps a digest of what a container was made
/// from, to tell whether it must be made again; Compose lists only the
/// containers that have it. exo writes its own digest there: a container
/// either tool made is made again by the other, never wrongly kept.
pub const CONFIG_HASH_LABEL: &str = "com.docker.compose.config-hash";
/// The label Compose puts on the project's networks and volumes.
pub const NETWORK_LABEL: &str = "com.docker.compose.network";
pub const VOLUME_LABEL: &str = "com.docker.compose.volume";

/// Every service of a Compose file, each made by exo where it can be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceContainers {
    /// The project's default network, `<project>_default`.
    pub network: String,
    /// Its labels, as Compose puts them.
    pub network_labels: BTreeMap<String, String>,
    /// The named volumes the file declares: each one's engine name
    /// (`<project>_<name>`) and labels.
    pub volumes: BTreeMap<String, BTreeMap<String, String>>,
    /// Every service of the file; `None` for one that Compose makes.
    pub services: BTreeMap<String, Option<ServiceContainer>>,
}

impl ServiceContainers {
    /// The containers of `names` when exo can make all of them; `None`
    /// when Compose must.
    pub fn made_by_exo(&self, names: &[String]) -> Option<Vec<&ServiceContainer>> {
        names
            .iter()
            .map(|name| self.services.get(name)?.as_ref())
            .collect()
    }
}

/// One container of `docker compose up`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceContainer {
    pub service: String,
    /// `<project>-<service>-1`.
    pub name: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub environment: BTreeMap<String, String>,
    pub init: Option<bool>,
    /// `source:target[:mode]` as the engine takes them.
    pub binds: Vec<String>,
    pub ports: Vec<Published>,
    pub healthcheck: Option<HealthSpec>,
    /// The engine's restart policy: `no`, `on-failure`, `always`,
    /// `unless-stopped`.
    pub restart: String,
    pub network: String,
    /// Its names on the network: the service's, then the container's.
    pub aliases: Vec<String>,
    /// Compose's labels and exo's hash of all of the above.
    pub labels: BTreeMap<String, String>,
}

/// A container port published on the host, as Compose's short syntax says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Published {
    /// `8080/tcp`.
    pub target: String,
    /// Empty for every address.
    pub host_ip: String,
    /// Empty for one the engine picks.
    pub host_port: String,
}

/// A healthcheck as the engine takes it, for a container or a Swarm
/// service. Serialised into a deployed service's fingerprint, where
/// `start_interval` is left out when unset (Swarm services set none), so
/// that fingerprints made before it existed still match.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct HealthSpec {
    pub test: Vec<String>,
    pub interval: Duration,
    pub timeout: Duration,
    pub retries: u32,
    pub start_period: Duration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<Duration>,
}

/// The containers `docker compose -f FILE -p PROJECT up --no-start` would
/// make of `file` (at `path`), with the variables of `environment`.
pub fn service_containers(
    file: &ComposeFile,
    project: &str,
    path: &Path,
    environment: &dyn Fn(&str) -> Option<String>,
) -> ServiceContainers {
    let network = default_network(project);
    let network_labels = BTreeMap::from([
        (PROJECT_LABEL.to_owned(), project.to_owned()),
        (NETWORK_LABEL.to_owned(), "default".to_owned()),
    ]);
    let volumes = file
        .volumes
        .keys()
        .map(|name| {
            let labels = BTreeMap::from([
                (PROJECT_LABEL.to_owned(), project.to_owned()),
                (VOLUME_LABEL.to_owned(), name.clone()),
            ]);
            (format!("{project}_{name}"), labels)
        })
        .collect();
    let services = file
        .services
        .keys()
        .map(|service| {
            let made = container(file, service, project, path, environment)
                .ok()
                .flatten();
            (service.clone(), made)
        })
        .collect();
    ServiceContainers {
        network,
        network_labels,
        volumes,
        services,
    }
}

/// The service's container, or `None` when only Compose can say it.
fn container(
    file: &ComposeFile,
    service: &str,
    project: &str,
    path: &Path,
    environment: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<ServiceContainer>, OneOffError> {
    let entry = &file.services[service];
    if !entry.compose.is_empty() {
        return Ok(None);
    }
    let Resolved {
        image,
        command,
        environment,
        init,
        volumes,
        health_test,
        ports,
    } = resolve(file, service, project, path, environment)?;
    let Some(ports) = ports.iter().map(published).collect::<Option<_>>() else {
        return Ok(None);
    };
    let healthcheck = match (&entry.healthcheck, health_test) {
        (Some(check), Some(test)) => {
            let duration = |text: &str| crate::core::config::parse_duration(text);
            let Some(spec) = (|| {
                Some(HealthSpec {
                    test,
                    interval: duration(&check.interval)?,
                    timeout: duration(&check.timeout)?,
                    retries: check.retries,
                    start_period: duration(&check.start_period)?,
                    start_interval: match &check.start_interval {
                        Some(text) => Some(duration(text)?),
                        None => None,
                    },
                })
            })() else {
                return Ok(None);
            };
            Some(spec)
        }
        _ => None,
    };
    let name = format!("{project}-{service}-1");
    let mut labels = compose_labels(project, service, path);
    labels.insert(super::ONEOFF_LABEL.to_owned(), "False".to_owned());
    if !entry.depends_on.is_empty() {
        let needs: Vec<String> = entry
            .depends_on
            .iter()
            .map(|(needed, how)| format!("{needed}:{}:false", how.condition))
            .collect();
        labels.insert("com.docker.compose.depends_on".to_owned(), needs.join(","));
    }
    let mut made = ServiceContainer {
        service: service.to_owned(),
        aliases: vec![service.to_owned(), name.clone()],
        name,
        image,
        command,
        environment,
        init,
        binds: volumes,
        ports,
        healthcheck,
        restart: entry.restart.unwrap_or("no").to_owned(),
        network: default_network(project),
        labels,
    };
    let hash = config_hash(&made);
    made.labels.insert(CONFIG_HASH_LABEL.to_owned(), hash);
    Ok(Some(made))
}

/// A digest of everything the container is made from.
fn config_hash(container: &ServiceContainer) -> String {
    let digest = Sha256::digest(format!("{container:?}"));
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `[[IP:]HOST:]CONTAINER[/PROTOCOL]` of a single port; `None` for ranges,
/// the long syntax and what is not a port.
fn published(port: &serde_json::Value) -> Option<Published> {
    let text = port.as_str()?;
    let (address, protocol) = match text.rsplit_once('/') {
        Some((address, protocol @ ("tcp" | "udp" | "sctp"))) => (address, protocol),
        Some(_) => return None,
        None => (text, "tcp"),
    };
    let parts: Vec<&str> = match address.strip_prefix('[') {
        // `[::1]:3000:80`
        Some(bracketed) => {
            let (ip, rest) = bracketed.split_once("]:")?;
            std::iter::once(ip).chain(rest.split(':')).collect()
        }
        None => address.split(':').collect(),
    };
    let is_port = |part: &str| part.parse::<u16>().is_ok_and(|p| p > 0);
    let (host_ip, host_port, target) = match parts[..] {
        [target] => ("", "", target),
        [host, target] => ("", host, target),
        [ip, host, target] if !ip.is_empty() => (ip, host, target),
        _ => return None,
    };
    if !is_port(target) || !(host_port.is_empty() || is_port(host_port)) {
        return None;
    }
    Some(Published {
        target: format!("{target}/{protocol}"),
        host_ip: host_ip.to_owned(),
        host_port: host_port.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compose::{Mode, local};

    fn host(name: &str) -> Option<String> {
        matches!(name, "API_TOKEN" | "POSTGRES_PASSWORD").then(|| "s3cret".to_owned())
    }

    #[test]
    fn ports_in_the_short_syntax_are_published_as_compose_does() {
        let port = |text: &str| published(&serde_json::json!(text));
        let expect = |target: &str, ip: &str, host: &str| Published {
            target: target.into(),
            host_ip: ip.into(),
            host_port: host.into(),
        };
        assert_eq!(port("3000:8080"), Some(expect("8080/tcp", "", "3000")));
        assert_eq!(port("8080"), Some(expect("8080/tcp", "", "")));
        assert_eq!(
            port("127.0.0.1:53:53/udp"),
            Some(expect("53/udp", "127.0.0.1", "53"))
        );
        assert_eq!(port("[::1]:80:80"), Some(expect("80/tcp", "::1", "80")));
        for refused in [
            "3000-3005:80-85",
            "a:80",
            "80/icmp",
            "1:2:3:4",
            ":80:80",
            "0:80",
        ] {
            assert_eq!(port(refused), None, "{refused}");
        }
        assert_eq!(published(&serde_json::json!({"target": 80})), None);
    }

    #[test]
    fn each_service_of_an_application_is_made_as_compose_makes_it() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/features");
        let app = crate::core::config::load(&dir).expect("tests/apps/features loads");
        let file = local(&app, Mode::Development).unwrap();
        let path = Path::new("/app/docker-compose/run_development.yml");
        let made = service_containers(&file, "featuresci", path, &host);
        insta::assert_debug_snapshot!(made);
    }

    #[test]
    fn a_service_with_compose_keys_is_left_to_compose() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/features");
        let app = crate::core::config::load(&dir).expect("tests/apps/features loads");
        let file = local(&app, Mode::Development).unwrap();
        let path = Path::new("/app/docker-compose/run_development.yml");
        let made = service_containers(&file, "p", path, &host);
        // `cache` has `compose:` keys; `db` none.
        assert_eq!(made.services["cache"], None);
        let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        let db = made
            .made_by_exo(&names(&["db"]))
            .expect("db is made by exo");
        assert_eq!(db[0].name, "p-db-1");
        assert_eq!(made.made_by_exo(&names(&["db", "cache"])), None);
        assert_eq!(made.made_by_exo(&names(&["nope"])), None);
    }

    #[test]
    fn the_hash_changes_with_what_the_container_is_made_from() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/features");
        let app = crate::core::config::load(&dir).expect("tests/apps/features loads");
        let file = local(&app, Mode::Development).unwrap();
        let path = Path::new("/app/docker-compose/run_development.yml");
        let hash = |environment: &dyn Fn(&str) -> Option<String>| {
            let made = service_containers(&file, "p", path, environment);
            let labels: Vec<String> = made
                .services
                .values()
                .flatten()
                .map(|c| c.labels[CONFIG_HASH_LABEL].clone())
                .collect();
            labels
        };
        assert_eq!(hash(&host), hash(&host));
        let other = |name: &str| (name == "API_TOKEN").then(|| "other".to_owned());
        let (before, after) = (hash(&host), hash(&other));
        assert!(before.iter().zip(&after).any(|(a, b)| a != b));
    }
}
