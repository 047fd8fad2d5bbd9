//! Where the Docker Engine is, found as the docker CLI finds it, and a
//! client of its API (`bollard`) for that place.
//!
//! The order is the CLI's: `--context`, then `DOCKER_HOST`, then
//! `DOCKER_CONTEXT`, then the current context of the CLI's configuration
//! (`DOCKER_CONFIG` or `~/.docker`), then the local socket.

use std::path::{Path, PathBuf};

/// The socket the daemon listens on when nothing else is said.
const DEFAULT_SOCKET: &str = "/var/run/docker.sock";
/// How long one API request may take; streams (events, logs) are not cut by it.
const REQUEST_TIMEOUT_SECS: u64 = 120;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnectionError {
    #[error("the Docker context `{name}` does not exist")]
    UnknownContext { name: String },
    #[error("the Docker context `{name}` could not be read from {}: {message}", path.display())]
    BadContext {
        name: String,
        path: PathBuf,
        message: String,
    },
    #[error("exo cannot reach a Docker Engine at `{host}` ({from}): {reason}")]
    Unsupported {
        host: String,
        from: String,
        reason: &'static str,
    },
    #[error("cannot reach the Docker daemon at `{host}` ({from}): the socket does not exist")]
    NoSocket { host: String, from: String },
    #[error("could not make a client for the Docker Engine at `{host}`: {message}")]
    Client { host: String, message: String },
}

impl ConnectionError {
    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ConnectionError::UnknownContext { .. } | ConnectionError::BadContext { .. } => {
                "list the contexts with `docker context ls`"
            }
            ConnectionError::Unsupported { .. } => {
                "use a unix:// socket or a tcp:// address (for ssh, forward the socket: `ssh -L`)"
            }
            ConnectionError::NoSocket { .. } => {
                "start the Docker daemon (e.g. `sudo systemctl start docker`), or check DOCKER_HOST and DOCKER_CONTEXT"
            }
            ConnectionError::Client { .. } => "check the address with `docker info`",
        }
    }
}

/// The daemon's address, and what named it (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: Host,
    /// `DOCKER_HOST`, `context staging`, or `the default socket`.
    pub from: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Unix(PathBuf),
    Tcp(String),
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Unix(path) => write!(f, "unix://{}", path.display()),
            Host::Tcp(address) => write!(f, "tcp://{address}"),
        }
    }
}

/// What the resolution reads from the process: its environment and the
/// CLI's configuration directory. Passed in so tests need neither.
pub struct Surroundings<'a> {
    pub var: &'a dyn Fn(&str) -> Option<String>,
    pub config_dir: Option<PathBuf>,
}

impl Surroundings<'_> {
    /// This process's environment, and `DOCKER_CONFIG` or `~/.docker`.
    pub fn current() -> Surroundings<'static> {
        fn var(name: &str) -> Option<String> {
            std::env::var(name).ok()
        }
        let config_dir = std::env::var_os("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".docker")));
        Surroundings {
            var: &var,
            config_dir,
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        (self.var)(name).filter(|value| !value.is_empty())
    }
}

/// The endpoint the docker CLI would use, given its `--context` flag.
pub fn resolve(context: Option<&str>, around: &Surroundings) -> Result<Endpoint, ConnectionError> {
    if let Some(name) = context {
        return context_endpoint(name, &format!("--context {name}"), around);
    }
    if let Some(host) = around.get("DOCKER_HOST") {
        return parse_host(&host, "DOCKER_HOST");
    }
    if let Some(name) = around.get("DOCKER_CONTEXT") {
        return context_endpoint(&name, &format!("DOCKER_CONTEXT={name}"), around);
    }
    if let Some(name) = current_context(around) {
        return context_endpoint(&name, &format!("the current context `{name}`"), around);
    }
    Ok(default_endpoint())
}

/// A client of the Engine API at `endpoint`. It does not talk to the daemon yet.
pub fn client(endpoint: &Endpoint) -> Result<bollard::Docker, ConnectionError> {
    let failed = |err: bollard::errors::Error| ConnectionError::Client {
        host: endpoint.host.to_string(),
        message: err.to_string(),
    };
    match &endpoint.host {
        Host::Unix(path) if !path.exists() => Err(ConnectionError::NoSocket {
            host: endpoint.host.to_string(),
            from: endpoint.from.clone(),
        }),
        Host::Unix(path) => bollard::Docker::connect_with_unix(
            &path.to_string_lossy(),
            REQUEST_TIMEOUT_SECS,
            bollard::API_DEFAULT_VERSION,
        )
        .map_err(failed),
        Host::Tcp(address) => bollard::Docker::connect_with_http(
            &format!("http://{address}"),
            REQUEST_TIMEOUT_SECS,
            bollard::API_DEFAULT_VERSION,
        )
        .map_err(failed),
    }
}

/// The endpoint for this process (see [`resolve`]) and a client for it.
pub fn connect(context: Option<&str>) -> Result<(Endpoint, bollard::Docker), ConnectionError> {
    let endpoint = resolve(context, &Surroundings::current())?;
    let docker = client(&endpoint)?;
    Ok((endpoint, docker))
}

fn default_endpoint() -> Endpoint {
    Endpoint {
        host: Host::Unix(PathBuf::from(DEFAULT_SOCKET)),
        from: "the default socket".to_owned(),
    }
}

fn parse_host(host: &str, from: &str) -> Result<Endpoint, ConnectionError> {
    let unsupported = |reason| ConnectionError::Unsupported {
        host: host.to_owned(),
        from: from.to_owned(),
        reason,
    };
    let parsed = if let Some(path) = host.strip_prefix("unix://") {
        Host::Unix(PathBuf::from(path))
    } else if let Some(address) = host.strip_prefix("tcp://") {
        Host::Tcp(address.trim_end_matches('/').to_owned())
    } else if host.starts_with("ssh://") {
        return Err(unsupported("ssh:// is not supported"));
    } else if host.starts_with("npipe://") {
        return Err(unsupported("named pipes exist only on Windows"));
    } else {
        return Err(unsupported("the address must start with unix:// or tcp://"));
    };
    Ok(Endpoint {
        host: parsed,
        from: from.to_owned(),
    })
}

/// `currentContext` in the CLI's `config.json`, unless it is `default`.
fn current_context(around: &Surroundings) -> Option<String> {
    let text = std::fs::read_to_string(around.config_dir.as_ref()?.join("config.json")).ok()?;
    let config: serde_json::Value = serde_json::from_str(&text).ok()?;
    let name = config.get("currentContext")?.as_str()?;
    (!name.is_empty()).then(|| name.to_owned())
}

fn context_endpoint(
    name: &str,
    from: &str,
    around: &Surroundings,
) -> Result<Endpoint, ConnectionError> {
    if name == "default" {
        return match around.get("DOCKER_HOST") {
            Some(host) => parse_host(&host, "DOCKER_HOST"),
            None => Ok(default_endpoint()),
        };
    }
    let unknown = || ConnectionError::UnknownContext {
        name: name.to_owned(),
    };
    let dir = around.config_dir.as_ref().ok_or_else(unknown)?;
    // The CLI keeps a context's metadata under the SHA-256 of its name.
    let path = dir
        .join("contexts/meta")
        .join(sha256_hex(name))
        .join("meta.json");
    let text = std::fs::read_to_string(&path).map_err(|_| unknown())?;
    let bad = |message: String| ConnectionError::BadContext {
        name: name.to_owned(),
        path: path.clone(),
        message,
    };
    let meta: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let host = meta
        .pointer("/Endpoints/docker/Host")
        .and_then(|h| h.as_str())
        .ok_or_else(|| bad("it names no Docker endpoint".to_owned()))?;
    parse_host(host, from)
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl crate::core::exit::Exit for ConnectionError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            ConnectionError::UnknownContext { .. }
            | ConnectionError::BadContext { .. }
            | ConnectionError::Unsupported { .. }
            | ConnectionError::NoSocket { .. }
            | ConnectionError::Client { .. } => crate::core::exit::ExitStatus::Docker,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve_with(
        context: Option<&str>,
        vars: &[(&str, &str)],
        config_dir: Option<&Path>,
    ) -> Result<Endpoint, ConnectionError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let var = move |name: &str| vars.get(name).cloned();
        let around = Surroundings {
            var: &var,
            config_dir: config_dir.map(Path::to_path_buf),
        };
        resolve(context, &around)
    }

    fn write_context(dir: &Path, name: &str, host: &str) {
        let meta = dir.join("contexts/meta").join(sha256_hex(name));
        std::fs::create_dir_all(&meta).unwrap();
        let json = serde_json::json!({"Name": name, "Endpoints": {"docker": {"Host": host}}});
        std::fs::write(meta.join("meta.json"), json.to_string()).unwrap();
    }

    #[test]
    fn nothing_said_means_the_local_socket() {
        let endpoint = resolve_with(None, &[], None).unwrap();
        assert_eq!(endpoint.host, Host::Unix(PathBuf::from(DEFAULT_SOCKET)));
    }

    #[test]
    fn docker_host_is_read_and_parsed() {
        let endpoint = resolve_with(None, &[("DOCKER_HOST", "tcp://127.0.0.1:2375")], None);
        assert_eq!(endpoint.unwrap().host, Host::Tcp("127.0.0.1:2375".into()));
        let ssh = resolve_with(None, &[("DOCKER_HOST", "ssh://me@box")], None).unwrap_err();
        assert!(matches!(ssh, ConnectionError::Unsupported { .. }));
    }

    #[test]
    fn contexts_are_found_by_the_hash_of_their_name() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "staging", "tcp://10.0.0.5:2375");
        let endpoint = resolve_with(Some("staging"), &[], Some(dir.path())).unwrap();
        assert_eq!(endpoint.host, Host::Tcp("10.0.0.5:2375".into()));
        assert_eq!(endpoint.from, "--context staging");
    }

    #[test]
    fn the_flag_wins_over_docker_host_which_wins_over_the_current_context() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "a", "tcp://a:1");
        write_context(dir.path(), "b", "unix:///b.sock");
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext":"b"}"#).unwrap();
        let host = [("DOCKER_HOST", "tcp://h:2")];
        let flag = resolve_with(Some("a"), &host, Some(dir.path())).unwrap();
        assert_eq!(flag.host, Host::Tcp("a:1".into()));
        let env = resolve_with(None, &host, Some(dir.path())).unwrap();
        assert_eq!(env.host, Host::Tcp("h:2".into()));
        let current = resolve_with(None, &[], Some(dir.path())).unwrap();
        assert_eq!(current.host, Host::Unix(PathBuf::from("/b.sock")));
        let named = resolve_with(None, &[("DOCKER_CONTEXT", "a")], Some(dir.path())).unwrap();
        assert_eq!(named.host, Host::Tcp("a:1".into()));
    }

    #[test]
    fn a_missing_socket_is_an_unreachable_daemon() {
        let endpoint = resolve_with(None, &[("DOCKER_HOST", "unix:///nonexistent.sock")], None);
        let err = client(&endpoint.unwrap()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot reach the Docker daemon"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_context_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = resolve_with(Some("nope"), &[], Some(dir.path())).unwrap_err();
        assert_eq!(
            err,
            ConnectionError::UnknownContext {
                name: "nope".into()
            }
        );
        let default = resolve_with(Some("default"), &[], Some(dir.path())).unwrap();
        assert_eq!(default, default_endpoint());
    }
}
