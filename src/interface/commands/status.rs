//! `exo status`: the running project as exo judges it.

use super::workspace::{mode, project, runtime};
use super::{CommandError, Settings, Workspace};
use crate::adapters::docker::DockerEngine;
use crate::core::exit::ExitStatus;
use crate::core::plan::Plan;
use crate::interface::cli::{StatusArgs, StatusFormat};
use crate::interface::output::{self, Printer};

pub fn run(
    settings: &Settings,
    args: &StatusArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    let mode = mode(&args.project);
    let project = project(&workspace, &args.project, mode);
    let plan = Plan::new(&workspace.app, mode, &[])?;
    let report = runtime()?.block_on(async {
        let engine = DockerEngine::connect_api(settings.context()).await?;
        let now = std::time::SystemTime::now();
        Ok::<_, CommandError>(crate::ops::status::status(&engine, &project.name, &plan, now).await?)
    })?;
    let format = match args.format {
        StatusFormat::Table => output::StatusFormat::Table,
        StatusFormat::Json => output::StatusFormat::Json,
    };
    printer.status_report(&report, format);
    Ok(if report.all_ready() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
