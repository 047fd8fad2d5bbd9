//! The adapter to Docker, the only code that talks to it: the Engine API
//! (with `bollard`) for events, logs, start, stop, inspect, exec, the test
//! containers, `down` without a graceful stop, and the services'
//! containers where it can make them as Compose would; the `docker compose`
//! CLI for build, a graceful down, pass-through and the containers it
//! cannot. The rest of exo sees typed actions behind the [`Engine`] trait;
//! it decides nothing about the application.
mod api;
mod compose_cli;
mod compose_found;
pub mod connection;
mod engine;
#[cfg(test)]
pub mod fake;
mod lines;
mod one_off;
mod project_removal;
mod service_create;
mod stats;
pub mod swarm;
mod time;

pub use compose_cli::{ComposeCli, Docker, built_locally, describe};
pub use engine::{
    BuildOutput, Built, ContainerEvent, ContainerInfo, ContainerState, Create, Down, Engine,
    EventKind, Executed, Health, Inspection, LogLine, Pending, PublishedPort, RunOutput, Usage,
};

use futures_util::FutureExt;
use futures_util::stream::BoxStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::OnceCell;

/// How long the daemon may take to answer before exo says it is unreachable.
pub(crate) const DAEMON_TIMEOUT: Duration = Duration::from_millis(1500);

use crate::core::compose::{ONEOFF_LABEL, OneOff, PROJECT_LABEL, SERVICE_LABEL, ServiceContainers};

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
    #[error("the Docker Engine could not {action}: {message}")]
    Engine { action: String, message: String },
    #[error(transparent)]
    Connection(#[from] connection::ConnectionError),
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
            DockerError::Command { .. } | DockerError::Engine { .. } => {
                "check that Docker works: `docker info`"
            }
            DockerError::Connection(err) => err.hint(),
        }
    }
}

/// The versions of the Docker Engine and of Compose that exo finds, each
/// with why it could not when it could not.
pub struct Versions {
    pub engine: Result<String, DockerError>,
    pub compose: Result<String, DockerError>,
}

impl Versions {
    /// Asks the engine (as every command finds it) and looks for Compose,
    /// at once; neither failure stops the other.
    pub async fn find(context: Option<&str>) -> Versions {
        let (engine, compose) =
            tokio::join!(DockerEngine::connect_api(context), Docker::find(context));
        Versions {
            engine: engine.map(|engine| engine.engine_version),
            compose: compose.map(|cli| cli.compose_version),
        }
    }
}

/// The Compose file and project that commands apply to.
#[derive(Debug, Clone)]
pub struct Project {
    pub file: PathBuf,
    pub name: String,
    /// The application's directory, which service locations are relative to.
    pub app_dir: PathBuf,
    /// The file's containers as exo makes them without Compose (none:
    /// Compose makes them all).
    pub containers: Arc<ServiceContainers>,
}

/// Docker as exo uses it while an application runs: the Engine API through
/// `bollard`, and the Compose CLI for what Compose owns.
#[derive(Clone)]
pub struct DockerEngine {
    api: bollard::Docker,
    /// Found at once by [`DockerEngine::connect`]; after
    /// [`DockerEngine::connect_api`], by the first action that needs it.
    cli: Arc<OnceCell<Docker>>,
    context: Option<String>,
    engine_version: String,
}

impl DockerEngine {
    /// Finds the engine as the docker CLI does (`context`, `DOCKER_HOST`,
    /// `DOCKER_CONTEXT`, the current context), checks that its daemon
    /// answers, and finds Compose, at once (from what an earlier command
    /// found, when nothing it was found with changed: see
    /// [`compose_found`]).
    pub async fn connect(context: Option<&str>) -> Result<DockerEngine, DockerError> {
        let (engine, cli) = tokio::join!(Self::connect_api(context), Docker::find(context));
        let engine = engine?;
        let mut cli = cli?;
        cli.engine_version = engine.engine_version.clone();
        let _ = engine.cli.set(cli);
        Ok(engine)
    }

    /// As [`DockerEngine::connect`], without looking for Compose (which
    /// takes a `docker compose version`): for commands that only ask the
    /// Engine API.
    pub async fn connect_api(context: Option<&str>) -> Result<DockerEngine, DockerError> {
        let (endpoint, api) = connection::connect(context)?;
        let unreachable = |message: String| DockerError::DaemonUnreachable {
            host: Some(endpoint.host.to_string()),
            message,
        };
        let engine_version = match tokio::time::timeout(DAEMON_TIMEOUT, api.version()).await {
            Err(_) => Err(unreachable(format!(
                "no answer within {} ms",
                DAEMON_TIMEOUT.as_millis()
            ))),
            Ok(Err(err)) => Err(unreachable(err.to_string())),
            Ok(Ok(version)) => Ok(version.version.unwrap_or_default()),
        }?;
        Ok(DockerEngine {
            api,
            cli: Arc::default(),
            context: context.map(str::to_owned),
            engine_version,
        })
    }

    /// The Compose CLI driver, found now if it was not yet.
    async fn compose(&self) -> Result<&Docker, DockerError> {
        self.cli
            .get_or_try_init(|| async {
                let mut cli = Docker::find(self.context.as_deref()).await?;
                cli.engine_version = self.engine_version.clone();
                Ok(cli)
            })
            .await
    }
}

impl Engine for DockerEngine {
    fn events(&self, project: &str) -> BoxStream<'static, ContainerEvent> {
        api::events(&self.api, project)
    }

    fn containers<'a>(&'a self, project: &'a str) -> Pending<'a, Vec<ContainerInfo>> {
        api::containers(&self.api, project).boxed()
    }

    fn start<'a>(&'a self, id: &'a str) -> Pending<'a, ()> {
        api::start(&self.api, id).boxed()
    }

    fn stop<'a>(&'a self, id: &'a str) -> Pending<'a, ()> {
        api::stop(&self.api, id).boxed()
    }

    fn inspect<'a>(&'a self, id: &'a str) -> Pending<'a, Inspection> {
        api::inspect(&self.api, id).boxed()
    }

    fn image_id<'a>(&'a self, name: &'a str) -> Pending<'a, Option<String>> {
        api::image_id(&self.api, name).boxed()
    }

    fn exec<'a>(&'a self, id: &'a str, command: &'a [String]) -> Pending<'a, Executed> {
        api::exec(&self.api, id, command).boxed()
    }

    fn leave_restarts_to_exo<'a>(&'a self, id: &'a str) -> Pending<'a, ()> {
        api::leave_restarts_to_exo(&self.api, id).boxed()
    }

    fn usage<'a>(&'a self, id: &'a str) -> Pending<'a, Usage> {
        stats::usage(&self.api, id).boxed()
    }

    fn processes<'a>(&'a self, id: &'a str) -> Pending<'a, Vec<(u32, String)>> {
        stats::processes(&self.api, id).boxed()
    }

    fn save_image<'a>(&'a self, id: &'a str, path: &'a std::path::Path) -> Pending<'a, ()> {
        stats::save_image(&self.api, id, path).boxed()
    }

    fn image_size<'a>(&'a self, id: &'a str) -> Pending<'a, u64> {
        stats::image_size(&self.api, id).boxed()
    }

    fn logs(&self, id: &str, since: SystemTime) -> BoxStream<'static, String> {
        api::logs(&self.api, id, since)
    }

    fn tail<'a>(
        &'a self,
        id: &'a str,
        since: Option<SystemTime>,
        count: usize,
    ) -> Pending<'a, Vec<String>> {
        api::tail(&self.api, id, since, count).boxed()
    }

    fn printed<'a>(
        &'a self,
        id: &'a str,
        since: Option<SystemTime>,
        text: &'a str,
    ) -> Pending<'a, bool> {
        api::printed(&self.api, id, since, text).boxed()
    }

    fn build<'a>(
        &'a self,
        project: &'a Project,
        services: &'a [String],
        output: BuildOutput,
    ) -> Pending<'a, Built> {
        async move { self.compose().await?.build(project, services, output).await }.boxed()
    }

    fn create<'a>(
        &'a self,
        project: &'a Project,
        services: &'a [String],
        how: Create,
    ) -> Pending<'a, ()> {
        async move {
            let made = &project.containers;
            if let Some(wanted) = made.made_by_exo(services)
                && service_create::create(&self.api, &project.name, made, &wanted, how).await?
            {
                return Ok(());
            }
            self.compose().await?.create(project, services, how).await
        }
        .boxed()
    }

    fn prepare<'a>(&'a self, project: &'a Project) -> Pending<'a, ()> {
        service_create::prepare(&self.api, &project.containers).boxed()
    }

    fn run(&self, container: &OneOff) -> BoxStream<'static, RunOutput> {
        one_off::run(&self.api, container)
    }

    fn down<'a>(&'a self, project: &'a Project, how: Down) -> Pending<'a, ()> {
        async move {
            if how.at_once {
                return project_removal::remove_at_once(&self.api, &project.name, how.volumes)
                    .await;
            }
            self.compose().await?.down(project, how).await
        }
        .boxed()
    }

    fn pass_through<'a>(
        &'a self,
        project: &'a Project,
        args: &'a [String],
        interrupts: &'a mut crate::adapters::signals::Interrupts,
    ) -> Pending<'a, i32> {
        async move {
            let cli = self.compose().await?;
            cli.pass_through(project, args, interrupts).await
        }
        .boxed()
    }
}

impl crate::core::exit::Exit for DockerError {
    /// Whatever went wrong, Docker is the place to look.
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            DockerError::NotInstalled
            | DockerError::DaemonUnreachable { .. }
            | DockerError::ComposeMissing
            | DockerError::ComposeTooOld { .. }
            | DockerError::Command { .. }
            | DockerError::Engine { .. }
            | DockerError::Connection(_) => crate::core::exit::ExitStatus::Docker,
        }
    }
}
