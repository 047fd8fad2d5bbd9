//! A service of a Compose file as `docker compose run --rm --no-deps -T`
//! makes its container, for exo to make it itself through the Engine API:
//! the file's values interpolated as Compose does, the command split as
//! Compose splits it, on the project's network, with the labels by which
//! `docker compose down` finds it. Pure: the variables of the environment
//! are asked of a function.

use super::ComposeFile;
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
    let labels = BTreeMap::from(
        [
            (PROJECT_LABEL, project.to_owned()),
            (SERVICE_LABEL, service.to_owned()),
            (ONEOFF_LABEL, "True".to_owned()),
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
    );
    Ok(OneOff {
        project: project.to_owned(),
        service: service.to_owned(),
        name: format!("{project}-{service}-run"),
        image: value(entry.image.as_deref().unwrap_or_default())?,
        command,
        environment,
        init: entry.init.unwrap_or(false),
        volumes,
        network: format!("{project}_default"),
        labels,
    })
}

/// A service's `source:target[:mode]` as the engine takes it: a relative
/// host path made absolute from the file's directory, a named volume
/// prefixed by the project as Compose names it.
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

/// `text` with Compose's interpolation done: `$$` is `$`; `${NAME}` and
/// `$NAME` the variable (empty when unset, as Compose); `${NAME:-default}`
/// and `${NAME-default}` a default when unset (or empty, with `:`);
/// `${NAME:?message}` and `${NAME?message}` an error when unset.
pub fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    service: &str,
) -> Result<String, OneOffError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(braced) = rest.strip_prefix('{') {
            let Some(end) = braced.find('}') else {
                out.push_str("${");
                rest = braced;
                continue;
            };
            out.push_str(&expression(&braced[..end], lookup, service)?);
            rest = &braced[end + 1..];
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 {
                out.push('$');
            } else {
                out.push_str(&lookup(&rest[..end]).unwrap_or_default());
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of what is between `${` and `}`.
fn expression(
    inner: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    service: &str,
) -> Result<String, OneOffError> {
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, operator) = inner.split_at(end);
    let value = lookup(name);
    let (empty_counts, operator) = match operator.strip_prefix(':') {
        Some(rest) => (true, rest),
        None => (false, operator),
    };
    let missing = match &value {
        None => true,
        Some(value) => empty_counts && value.is_empty(),
    };
    if let Some(default) = operator.strip_prefix('-') {
        return Ok(if missing {
            default.to_owned()
        } else {
            value.unwrap_or_default()
        });
    }
    if let Some(message) = operator.strip_prefix('?')
        && missing
    {
        return Err(OneOffError::Required {
            service: service.to_owned(),
            name: name.to_owned(),
            message: message.to_owned(),
        });
    }
    Ok(value.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compose::{Mode, local};

    fn host(name: &str) -> Option<String> {
        match name {
            "TOKEN" => Some("s3cret".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn values_are_interpolated_as_compose_does() {
        let value = |text: &str| interpolate(text, &host, "web");
        assert_eq!(
            value("a$$b ${TOKEN} $TOKEN.").unwrap(),
            "a$b s3cret s3cret."
        );
        assert_eq!(
            value("${UNSET}|${UNSET:-x}|${EMPTY:-y}|${EMPTY-z}").unwrap(),
            "|x|y|"
        );
        assert_eq!(value("${TOKEN:?no}").unwrap(), "s3cret");
        assert_eq!(
            value("${UNSET:?set it}").unwrap_err(),
            OneOffError::Required {
                service: "web".into(),
                name: "UNSET".into(),
                message: "set it".into()
            }
        );
        assert_eq!(value("cost: 5$ ${open").unwrap(), "cost: 5$ ${open");
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
