//! `exo status`: the running project as exo judges it.

use super::run::{mode, project, runtime};
use super::{CommandError, Workspace};
use crate::cli::{Cli, StatusArgs};
use crate::docker::DockerEngine;
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::up::Plan;

pub fn run(
    cli: &Cli,
    args: &StatusArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(cli)?;
    let mode = mode(&args.project);
    let project = project(&workspace, &args.project, mode);
    let plan = Plan::new(&workspace.app, mode, &[])?;
    let report = runtime()?.block_on(async {
        let engine = DockerEngine::connect_api(None).await?;
        let now = std::time::SystemTime::now();
        Ok::<_, CommandError>(crate::status::status(&engine, &project.name, &plan, now).await?)
    })?;
    printer.status_report(&report, args.format);
    Ok(if report.all_ready() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
