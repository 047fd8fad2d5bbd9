//! A service of a Compose file as `docker compose run --rm --no-deps -T`
//! makes its container, for exo to make it itself through the Engine API:
//! the file's values interpolated as Compose does, the command split as
//! Compose splits it, on the project's network, with the labels by which
//! `docker compose down` finds it. Pure: the variables of the environment
//! are asked of a function.

use super::ComposeFile;
use super::interpolation::interpolate;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The labels Compose puts on the containers it makes.
pub const PROJECT_LABEL: &str = "com.docker.compose.project";
pub const SERVICE_LABEL: &str = "com.docker.compose.service";
/// `True` on the one-off containers of `docker compose run`.
pub const ONEOFF_LABEL: &str = "com.docker.compose.oneoff";

/// One container of `docker compose run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOff {
    pub project: String,
    pub service: String,
    /// The start of its name, `<project>-<service>-run`; the engine adds a
    /// suffix of its own, as Compose does.
    pub name: String,
    pub image: String,
    /// Instead of the image's command; `None` keeps it.
    pub command: Option<Vec<String>>,
    pub environment: BTreeMap<String, String>,
    /// An init as PID 1, which forwards signals.
    pub init: bool,
    /// `source:target` as the engine takes them: a named volume by its
    /// project-wide name, a host directory by its absolute path.
    pub volumes: Vec<String>,
    /// The project's default network.
    pub network: String,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OneOffError {
    #[error("the Compose file has no service `{0}`")]
    NoService(String),
    #[error("the service `{service}` needs the variable {name}: {message}")]
    Required {
        service: String,
        name: String,
        message: String,
    },
    #[error("the command of the service `{service}` has an unclosed quote: {command}")]
    Command { service: String, command: String },
    #[error("the service `{service}` mounts a volume that a test container cannot get: {volume}")]
    Volume { service: String, volume: String },
}

impl crate::core::exit::Exit for OneOffError {
    /// The environment or the configuration lacks something.
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            OneOffError::NoService(_)
            | OneOffError::Required { .. }
            | OneOffError::Command { .. }
            | OneOffError::Volume { .. } => crate::core::exit::ExitStatus::Usage,
        }
    }
}

/// The container `docker compose -f FILE -p PROJECT run --rm --no-deps -T
/// SERVICE` would make of `file` (at `path`), with the variables of
/// `environment` (Compose's own `COMPOSE_PROJECT_NAME` is `project`).
pub fn one_off(
    file: &ComposeFile,
    service: &str,
    project: &str,
    path: &Path,
    environment: &dyn Fn(&str) -> Option<String>,
) -> Result<OneOff, OneOffError> {
    let resolved = resolve(file, service, project, path, environment)?;
    let mut labels = compose_labels(project, service, path);
    labels.insert(ONEOFF_LABEL.to_owned(), "True".to_owned());
    Ok(OneOff {
        project: project.to_owned(),
        service: service.to_owned(),
        name: format!("{project}-{service}-run"),
        image: resolved.image,
        command: resolved.command,
        environment: resolved.environment,
        init: resolved.init.unwrap_or(false),
        volumes: resolved.volumes,
        network: default_network(project),
        labels,
    })
}

/// The network Compose makes for a project's services.
pub fn default_network(project: &str) -> String {
    format!("{project}_default")
}

/// What a service's entry says once Compose has read it: its values
/// interpolated, its command split, its volumes as the engine takes them.
pub(super) struct Resolved {
    pub image: String,
    pub command: Option<Vec<String>>,
    pub environment: BTreeMap<String, String>,
    pub init: Option<bool>,
    pub volumes: Vec<String>,
    /// The healthcheck's test, interpolated like every value.
    pub health_test: Option<Vec<String>>,
    /// The published ports, interpolated.
    pub ports: Vec<serde_json::Value>,
}

/// The service `service` of `file` (at `path`) as Compose reads it.
pub(super) fn resolve(
    file: &ComposeFile,
    service: &str,
    project: &str,
    path: &Path,
    environment: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, OneOffError> {
    let entry = file
        .services
        .get(service)
        .ok_or_else(|| OneOffError::NoService(service.to_owned()))?;
    let lookup = |name: &str| match name {
        "COMPOSE_PROJECT_NAME" => Some(project.to_owned()),
        _ => environment(name),
    };
    let value = |text: &str| interpolate(text, &lookup, service);
    // YAML's merge: a key of the service wins over the merged ones, and
    // the first merged map over those after it.
    let mut variables = BTreeMap::new();
    for merged in entry.environment.shared.iter().rev() {
        variables.extend(merged.0.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    variables.extend(entry.environment.variables.clone());
    let environment = variables
        .into_iter()
        .map(|(name, text)| Ok((name, value(&text)?)))
        .collect::<Result<_, OneOffError>>()?;
    let command = match &entry.command {
        Some(text) => {
            let text = value(text)?;
            let words = shlex::split(&text).ok_or_else(|| OneOffError::Command {
                service: service.to_owned(),
                command: text.clone(),
            })?;
            Some(words)
        }
        None => None,
    };
    let base = path.parent().unwrap_or(Path::new(""));
    let volumes = entry
        .volumes
        .iter()
        .map(|volume| {
            let short = short_syntax(volume).ok_or_else(|| OneOffError::Volume {
                service: service.to_owned(),
                volume: volume.to_string(),
            })?;
            Ok(mount(&value(&short)?, project, base))
        })
        .collect::<Result<_, OneOffError>>()?;
    let health_test = match &entry.healthcheck {
        Some(check) => Some(
            check
                .test
                .0
                .iter()
                .map(|word| value(word))
                .collect::<Result<_, _>>()?,
        ),
        None => None,
    };
    let ports = entry
        .ports
        .iter()
        .map(|port| match port.as_str() {
            Some(text) => Ok(value(text)?.into()),
            None => Ok(port.clone()),
        })
        .collect::<Result<_, OneOffError>>()?;
    Ok(Resolved {
        image: value(entry.image.as_deref().unwrap_or_default())?,
        command,
        environment,
        init: entry.init,
        volumes,
        health_test,
        ports,
    })
}

/// The labels by which Compose knows a container of `service` made from
/// the file at `path`.
pub(super) fn compose_labels(
    project: &str,
    service: &str,
    path: &Path,
) -> BTreeMap<String, String> {
    let base = path.parent().unwrap_or(Path::new(""));
    BTreeMap::from(
        [
            (PROJECT_LABEL, project.to_owned()),
            (SERVICE_LABEL, service.to_owned()),
            ("com.docker.compose.container-number", "1".to_owned()),
            (
                "com.docker.compose.project.config_files",
                path.display().to_string(),
            ),
            (
                "com.docker.compose.project.working_dir",
                base.display().to_string(),
            ),
        ]
        .map(|(label, value)| (label.to_owned(), value)),
    )
}

/// A volume in Compose's short syntax (`SOURCE:TARGET[:ro]`), written so
/// or in the long syntax of a `compose:` key; `None` for what the short
/// syntax cannot say (an anonymous volume's options, a tmpfs).
fn short_syntax(volume: &serde_json::Value) -> Option<String> {
    if let Some(text) = volume.as_str() {
        return Some(text.to_owned());
    }
    let field = |key: &str| volume.get(key).and_then(serde_json::Value::as_str);
    if !matches!(field("type"), None | Some("bind" | "volume")) {
        return None;
    }
    let read_only = volume.get("read_only").and_then(serde_json::Value::as_bool) == Some(true);
    Some(format!(
        "{}:{}{}",
        field("source")?,
        field("target")?,
        if read_only { ":ro" } else { "" }
    ))
}

/// A service's `source:target[:mode]` as the engine takes it: a relative
/// host path made absolute from the file's directory, a named volume
/// prefixed by the project as Compose names it.
fn mount(volume: &str, project: &str, base: &Path) -> String {
    let (source, rest) = volume.split_once(':').unwrap_or((volume, ""));
    let source = if source.starts_with('.') || source.starts_with('/') {
        normalise(&base.join(source)).display().to_string()
    } else {
        format!("{project}_{source}")
    };
    format!("{source}:{rest}")
}

/// `a/b/../c` as `a/c`, without asking the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compose::{Mode, local};

    /// A host without the application's secrets.
    fn host(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_test_service_runs_as_its_compose_run_container() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/features");
        let app = crate::core::config::load(&dir).expect("tests/apps/features loads");
        let file = local(&app, Mode::Test).unwrap();
        let path = Path::new("/app/docker-compose/test.yml");
        let container = one_off(&file, "web", "featuresci", path, &host).unwrap();
        insta::assert_debug_snapshot!(container);
        let missing = one_off(&file, "nope", "featuresci", path, &host).unwrap_err();
        assert_eq!(missing, OneOffError::NoService("nope".into()));
    }

    #[test]
    fn volumes_are_named_for_the_project_and_paths_made_absolute() {
        let base = Path::new("/app/docker-compose");
        assert_eq!(mount("../web:/mnt", "shop", base), "/app/web:/mnt");
        assert_eq!(
            mount("db_data:/data:ro", "shop", base),
            "shop_db_data:/data:ro"
        );
    }

    #[test]
    fn long_syntax_volumes_are_mounted_as_the_short_syntax_says() {
        let long = serde_json::json!({"type": "bind", "source": "./data", "target": "/data", "read_only": true});
        assert_eq!(short_syntax(&long).as_deref(), Some("./data:/data:ro"));
        let named = serde_json::json!({"source": "cache", "target": "/cache"});
        assert_eq!(short_syntax(&named).as_deref(), Some("cache:/cache"));
        let tmpfs = serde_json::json!({"type": "tmpfs", "target": "/tmp"});
        assert_eq!(short_syntax(&tmpfs), None);
        assert_eq!(
            short_syntax(&serde_json::json!("db:/var/lib/db")).as_deref(),
            Some("db:/var/lib/db")
        );
    }
}
