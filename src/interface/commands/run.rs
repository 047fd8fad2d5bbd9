//! `exo run`: the application in the foreground.

use super::{CommandError, Settings, Workspace, generate};
use crate::adapters::docker::{DockerEngine, Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::core::compose::Mode;
use crate::core::exit::ExitStatus;
use crate::core::plan::Plan;
use crate::interface::cli::{ProjectArgs, RunArgs};
use crate::interface::output::{LogFormat, Printer};
use crate::ops::up::{self, AfterFailure, Outcome, UpOptions, WatchOptions};
use std::sync::Arc;
use std::time::Duration;

pub fn run(
    settings: &Settings,
    args: &RunArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let options = UpOptions {
        detach: false,
        supervise: true,
        build: !args.build.no_build,
        wait_timeout: args.wait_timeout.and_then(wait_limit),
        after_failure: AfterFailure::Remove,
        mode: mode(&args.project),
        watch: (!args.no_watch).then_some(WatchOptions { poll: args.poll }),
        logs: LogFormat {
            prefix: !args.logs.no_log_prefix,
            color: printer.log_color(),
        },
    };
    start(settings, &args.project, &args.roles, &options, printer)
}

/// Loads, regenerates stale files, connects to Docker, then brings the
/// application up; shared with `exo compose up`.
pub fn start(
    settings: &Settings,
    project_args: &ProjectArgs,
    roles: &[String],
    options: &UpOptions,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    printer.warnings(&workspace.warnings);
    let mode = mode(project_args);
    let plan = Plan::new(&workspace.app, mode, roles)?;
    prepare(&workspace, printer)?;
    let project = project(&workspace, project_args, mode);
    runtime()?.block_on(async {
        let mut interrupts = Interrupts::listen().map_err(CommandError::Runtime)?;
        let engine = connect(settings.context()).await?;
        let outcome = up::up(&engine, &project, &plan, options, &mut interrupts, printer).await?;
        Ok(match outcome {
            Outcome::Ready => ExitStatus::Success,
            Outcome::BuildFailed | Outcome::Failed => ExitStatus::Failure,
            Outcome::TimedOut => ExitStatus::Timeout,
            Outcome::Interrupted => ExitStatus::Interrupted,
        })
    })
}

/// The engine of `context` (`--context`), or else of the docker CLI's
/// current endpoint.
pub async fn connect(context: Option<&str>) -> Result<Arc<dyn Engine>, CommandError> {
    Ok(Arc::new(DockerEngine::connect(context).await?))
}

/// `--wait-timeout SECONDS` as a limit: none for 0.
pub fn wait_limit(seconds: u64) -> Option<Duration> {
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

pub fn mode(args: &ProjectArgs) -> Mode {
    if args.production {
        Mode::Production
    } else {
        Mode::Development
    }
}

/// Regenerates the Compose files that are stale, saying which, and copies
/// the shared directories into the services.
pub fn prepare(workspace: &Workspace, printer: &mut Printer) -> Result<(), CommandError> {
    for (file, changed) in generate::write_all(workspace)? {
        if changed {
            printer.status("Updated", &file);
        }
    }
    let copied = crate::ops::shared::copy_into_services(&workspace.dir, &workspace.app)?;
    if copied > 0 {
        printer.status(
            "Copied",
            &format!(
                "{copied} shared file{} into the services",
                if copied == 1 { "" } else { "s" }
            ),
        );
    }
    Ok(())
}

/// The file of `mode` and the project name: `-p`, `COMPOSE_PROJECT_NAME`,
/// or the application's.
pub fn project(workspace: &Workspace, args: &ProjectArgs, mode: Mode) -> Project {
    Project {
        file: workspace.dir.join(mode.file_name()),
        app_dir: workspace.dir.clone(),
        name: args
            .project_name
            .clone()
            .unwrap_or_else(|| crate::core::deployed::project_name(&workspace.app.name)),
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)
}
