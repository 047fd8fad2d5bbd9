//! The only code that runs the `docker` CLI. It finds `docker`, checks the
//! daemon, finds Compose v2 (plugin or standalone), and builds the commands
//! the rest of exo runs. It decides nothing about the application.

pub mod connection;
mod events;
mod inspect;
mod logs;
pub mod swarm;

pub use events::{ContainerEvent, EventKind, EventStream};
pub use inspect::{ContainerInfo, parse_ps_lines};
pub use logs::{LogLine, follow_logs, stream_lines, tail_logs, unix_time};

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;

/// How long the daemon may take to answer before exo says it is unreachable.
const DAEMON_TIMEOUT: Duration = Duration::from_millis(1500);

#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("`docker` was not found on PATH")]
    NotInstalled,
    #[error("cannot reach the Docker daemon{}: {message}", host.as_deref().map(|h| format!(" at {h}")).unwrap_or_default())]
    DaemonUnreachable {
        host: Option<String>,
        message: String,
    },
    #[error("Docker Compose v2 or later was not found")]
    ComposeMissing,
    #[error("only Docker Compose {version} was found; exo needs Compose v2 or later")]
    ComposeTooOld { version: String },
    #[error("could not run `{command}`: {message}")]
    Command { command: String, message: String },
}

impl DockerError {
    /// `command` could not be run, or failed, for this reason.
    pub fn command(command: impl Into<String>, message: impl std::fmt::Display) -> Self {
        DockerError::Command {
            command: command.into(),
            message: message.to_string(),
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            DockerError::NotInstalled => {
                "install Docker Engine: https://docs.docker.com/engine/install/"
            }
            DockerError::DaemonUnreachable { .. } => {
                "start the Docker daemon (e.g. `sudo systemctl start docker`), or check DOCKER_HOST and DOCKER_CONTEXT"
            }
            DockerError::ComposeMissing | DockerError::ComposeTooOld { .. } => {
                "install the Compose v2 plugin (https://docs.docker.com/compose/install/linux/); `scripts/provision.sh` does it from PyPI"
            }
            DockerError::Command { .. } => "check that Docker works: `docker info`",
        }
    }
}

/// How Compose is invoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeCli {
    /// `docker compose`
    Plugin,
    /// A standalone `docker-compose` of version 2 or later.
    Standalone(PathBuf),
}

/// A Docker Engine and a Compose that exo can use.
#[derive(Debug, Clone)]
pub struct Docker {
    docker: PathBuf,
    compose: ComposeCli,
    pub compose_version: String,
    pub engine_version: String,
}

/// The Compose file and project that commands apply to.
#[derive(Debug, Clone)]
pub struct Project {
    pub file: PathBuf,
    pub name: String,
    /// The application's directory, which service locations are relative to.
    pub app_dir: PathBuf,
}

impl Docker {
    /// Finds `docker`, checks the daemon and finds Compose, all at once.
    pub async fn detect() -> Result<Docker, DockerError> {
        let docker = which::which("docker").map_err(|_| DockerError::NotInstalled)?;
        let (engine, compose) = tokio::join!(engine_version(&docker), find_compose(&docker));
        let engine_version = engine?;
        let (compose, compose_version) = compose?;
        Ok(Docker {
            docker,
            compose,
            compose_version,
            engine_version,
        })
    }

    /// `docker ARGS`
    pub fn docker<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(&self.docker);
        command.args(args).kill_on_drop(true);
        command
    }

    /// `docker compose -f FILE -p PROJECT ARGS` (or the standalone binary).
    pub fn compose<I, S>(&self, project: &Project, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = match &self.compose {
            ComposeCli::Plugin => {
                let mut command = Command::new(&self.docker);
                command.arg("compose");
                command
            }
            ComposeCli::Standalone(path) => Command::new(path),
        };
        command
            .arg("-f")
            .arg(&project.file)
            .arg("-p")
            .arg(&project.name)
            .args(args)
            .kill_on_drop(true);
        command
    }

    /// Runs a short command and returns its stdout, or its stderr as an error.
    pub async fn output(&self, mut command: Command) -> Result<String, DockerError> {
        let described = describe(&command);
        let output = command
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|err| DockerError::command(described.clone(), err))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(DockerError::Command {
                command: described,
                message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            })
        }
    }
}

/// The command line, for messages.
pub fn describe(command: &Command) -> String {
    let std = command.as_std();
    std::iter::once(std.get_program())
        .chain(std.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn engine_version(docker: &Path) -> Result<String, DockerError> {
    let mut command = Command::new(docker);
    command
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let host = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty());
    let unreachable = |message: String| DockerError::DaemonUnreachable {
        host: host.clone(),
        message,
    };
    let output = tokio::time::timeout(DAEMON_TIMEOUT, command.output())
        .await
        .map_err(|_| {
            unreachable(format!(
                "no answer within {} ms",
                DAEMON_TIMEOUT.as_millis()
            ))
        })?
        .map_err(|err| unreachable(err.to_string()))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if output.status.success() && !version.is_empty() {
        return Ok(version);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let message = stderr
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("the daemon did not answer")
        .trim()
        .to_owned();
    Err(unreachable(message))
}

/// The plugin first, then a standalone `docker-compose` of v2 or later.
async fn find_compose(docker: &Path) -> Result<(ComposeCli, String), DockerError> {
    let plugin =
        compose_version(Command::new(docker).args(["compose", "version", "--short"])).await;
    if let Some(version) = plugin.filter(|v| major(v) >= 2) {
        return Ok((ComposeCli::Plugin, version));
    }
    let Ok(standalone) = which::which("docker-compose") else {
        return Err(DockerError::ComposeMissing);
    };
    match compose_version(Command::new(&standalone).args(["version", "--short"])).await {
        Some(version) if major(&version) >= 2 => Ok((ComposeCli::Standalone(standalone), version)),
        Some(version) => Err(DockerError::ComposeTooOld { version }),
        None => Err(DockerError::ComposeMissing),
    }
}

async fn compose_version(command: &mut Command) -> Option<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .ok()?;
    let version = String::from_utf8_lossy(&output.stdout)
        .trim()
        .trim_start_matches('v')
        .to_owned();
    (output.status.success() && !version.is_empty()).then_some(version)
}

/// The major version of `2.40.3` or `1.29.2, build ...`.
fn major(version: &str) -> u32 {
    version
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .and_then(|part| part.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_versions() {
        assert_eq!(major("2.40.3"), 2);
        assert_eq!(major("1.29.2, build unknown"), 1);
        assert_eq!(major("5.0.0-rc.1"), 5);
        assert_eq!(major(""), 0);
    }
}
