//! `exo run`: the application in the foreground.

use super::workspace::{log_format, mode, prepare, project, wait_limit, with_engine};
use super::{CommandError, Settings, Workspace};
use crate::core::exit::ExitStatus;
use crate::core::plan::Plan;
use crate::interface::cli::{ProjectArgs, RunArgs};
use crate::interface::output::Printer;
use crate::ops::up::{self, AfterFailure, Outcome, UpOptions, WatchOptions};

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
        logs: log_format(&args.logs, printer),
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
    with_engine(settings.context(), async |engine, interrupts| {
        let outcome = up::up(&engine, &project, &plan, options, interrupts, printer).await?;
        Ok(match outcome {
            Outcome::Ready => ExitStatus::Success,
            Outcome::BuildFailed | Outcome::Failed => ExitStatus::Failure,
            Outcome::TimedOut => ExitStatus::Timeout,
            Outcome::Interrupted => ExitStatus::Interrupted,
        })
    })
}
