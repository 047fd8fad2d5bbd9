//! The `docker` and `docker compose` CLIs: finding them (Compose v2, as
//! the plugin or standalone), and the Compose actions exo leaves to Compose:
//! build, create, down and pass-through. Each process ends with its
//! action; none is kept running.

use super::compose_found;
use super::engine::{BuildOutput, Built, Create, Down};
use super::lines::{Lines, spawn_merged};
use super::{DAEMON_TIMEOUT, DockerError, Project};
use crate::adapters::signals::Interrupts;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::Command;

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
    /// The docker CLI's `--context`, passed on to every command.
    context: Option<String>,
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
            context: None,
        })
    }

    /// Finds `docker` and Compose without asking the daemon: for the Engine
    /// API's users, and for Compose commands that need no daemon (`config`,
    /// `version`), which work while it is down, as with `docker compose`.
    pub async fn find(context: Option<&str>) -> Result<Docker, DockerError> {
        let docker = which::which("docker").map_err(|_| DockerError::NotInstalled)?;
        let fingerprint = compose_found::fingerprint(&docker);
        let (compose, compose_version) = match compose_found::recall(&fingerprint) {
            Some((None, version)) => (ComposeCli::Plugin, version),
            Some((Some(path), version)) => (ComposeCli::Standalone(path), version),
            None => {
                let (compose, version) = find_compose(&docker).await?;
                let standalone = match &compose {
                    ComposeCli::Plugin => None,
                    ComposeCli::Standalone(path) => Some(path.clone()),
                };
                compose_found::remember(&fingerprint, &standalone, &version);
                (compose, version)
            }
        };
        Ok(Docker {
            docker,
            compose,
            compose_version,
            engine_version: String::new(),
            context: context.map(str::to_owned),
        })
    }

    /// `docker ARGS`
    pub fn docker<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(&self.docker);
        if let Some(context) = &self.context {
            command.args(["--context", context]);
        }
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
                let mut command = self.docker(["compose"]);
                command.kill_on_drop(true);
                command
            }
            ComposeCli::Standalone(path) => {
                let mut command = Command::new(path);
                if let Some(context) = &self.context {
                    command.args(["--context", context]);
                }
                command
            }
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

/// Whether `image` is in the engine of `context` (the docker CLI's
/// `--context`; `None`: its default) without having come from a registry
/// (no repository digest): built here, so that no registry has newer tags
/// of it. False when Docker cannot tell.
pub fn built_locally(image: &str, context: Option<&str>) -> bool {
    let Ok(docker) = which::which("docker") else {
        return false;
    };
    let mut command = std::process::Command::new(docker);
    if let Some(context) = context {
        command.args(["--context", context]);
    }
    command
        .args([
            "image",
            "inspect",
            "--format",
            "{{len .RepoDigests}}",
            image,
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "0")
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

/// The Compose actions.
impl Docker {
    pub async fn build(
        &self,
        project: &Project,
        services: &[String],
        output: BuildOutput,
    ) -> Result<Built, DockerError> {
        let mut args = vec!["build".to_owned()];
        if output == BuildOutput::Kept {
            args.splice(0..0, ["--progress".to_owned(), "plain".to_owned()]);
        }
        args.extend(services.iter().cloned());
        let command = self.compose(project, &args);
        let described = describe(&command);
        let failed = |err: std::io::Error| DockerError::command(described.clone(), err);
        match output {
            BuildOutput::Shown => {
                let mut command = command;
                let status = command
                    .stdin(Stdio::null())
                    // Build output is progress, not data: stderr, like every status.
                    .stdout(Stdio::from(std::io::stderr()))
                    .stderr(Stdio::inherit())
                    .status()
                    .await
                    .map_err(failed)?;
                Ok(if status.success() {
                    Built::Done
                } else {
                    Built::Failed {
                        output: String::new(),
                    }
                })
            }
            BuildOutput::Kept => {
                let (mut child, reader) = spawn_merged(command)?;
                let mut lines = Lines::new(reader);
                let mut output = String::new();
                while let Some(line) = lines.next().await {
                    output.push_str(&line);
                    output.push('\n');
                }
                let status = child.wait().await.map_err(failed)?;
                Ok(if status.success() {
                    Built::Done
                } else {
                    Built::Failed { output }
                })
            }
        }
    }

    pub async fn create(
        &self,
        project: &Project,
        services: &[String],
        how: Create,
    ) -> Result<(), DockerError> {
        let flags: &[&str] = match how {
            // Not what they depend on: exo made those first, maybe
            // itself, and Compose would make them again.
            Create::Missing => &[
                "up",
                "--no-start",
                "--no-deps",
                "--no-build",
                "--remove-orphans",
            ],
            Create::Replace => &[
                "up",
                "--no-start",
                "--no-deps",
                "--no-build",
                "--force-recreate",
            ],
        };
        let args = flags
            .iter()
            .map(|flag| (*flag).to_owned())
            .chain(services.iter().cloned());
        self.output(self.compose(project, args)).await.map(drop)
    }

    pub async fn down(&self, project: &Project, how: Down) -> Result<(), DockerError> {
        let mut args = vec!["down", "--remove-orphans"];
        if how.volumes {
            args.push("--volumes");
        }
        if how.at_once {
            args.extend(["--timeout", "0"]);
        }
        self.output(self.compose(project, args)).await.map(drop)
    }

    pub async fn pass_through(
        &self,
        project: &Project,
        args: &[String],
        interrupts: &mut Interrupts,
    ) -> Result<i32, DockerError> {
        let mut child = self
            .compose(project, args)
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| DockerError::command("docker compose", err))?;
        // Ctrl-C reaches Compose from the terminal and Compose stops on its
        // own: exo waits for its exit code. A second interrupt kills it.
        let mut interrupted = false;
        let status = loop {
            tokio::select! {
                status = child.wait() => break status,
                () = interrupts.recv() => {
                    if interrupted {
                        let _ = child.start_kill();
                    }
                    interrupted = true;
                }
            }
        }
        .map_err(|err| DockerError::command("docker compose", err))?;
        Ok(status.code().unwrap_or(130))
    }
}
