//! `exo status`: the running project as exo judges it.

use super::run::{mode, project, runtime};
use super::{CommandError, Workspace};
use crate::cli::{Cli, StatusArgs};
use crate::docker::connection;
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
        let (_, docker) = connection::connect(None)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Ok::<_, CommandError>(crate::status::status(&docker, &project.name, &plan, now).await?)
    })?;
    printer.status_report(&report, args.format);
    Ok(if report.all_ready() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
