//! `exo check [ENV]`: load and validate, then find what each remote
//! environment's target would refuse; write nothing.

use super::{CommandError, Settings, Workspace};
use crate::core::exit::ExitStatus;
use crate::core::model::ServiceSource;
use crate::interface::cli::CheckArgs;
use crate::interface::output::Printer;
use crate::ops::check::{self, Refusal};

pub fn run(
    settings: &Settings,
    args: &CheckArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    printer.warnings(&workspace.warnings);
    let app = &workspace.app;
    let mut refused = 0;
    for environment in check::environments(app, args.environment.as_deref())? {
        for refusal in check::environment(app, &environment) {
            refused += 1;
            let message = match &refusal {
                Refusal::Generate(err) => crate::interface::output::deployment::plan_error(err),
                Refusal::Deploy(err) => super::deploy::message(err),
            };
            printer.error(&format!("remote environment `{environment}`: {message}"));
        }
    }
    if refused > 0 {
        return Ok(ExitStatus::Usage);
    }
    let files = app
        .services
        .values()
        .filter(|s| matches!(s.source, ServiceSource::Location(_)))
        .count();
    let dependencies: usize = app.dependencies.len()
        + app
            .services
            .values()
            .flat_map(|s| s.config.dependencies.keys())
            .filter(|id| !app.dependencies.contains_key(*id))
            .collect::<std::collections::BTreeSet<_>>()
            .len();
    printer.status(
        "Valid",
        &format!(
            "{}: application.yml and {} ({}, {})",
            app.name,
            count(files, "service.yml file"),
            count(app.services.len(), "service"),
            count(dependencies, "dependency")
        ),
    );
    // The process ends now: the system takes the memory back at once,
    // where dropping a large application's model piece by piece takes a
    // noticeable share of the command's time.
    std::mem::forget(workspace);
    Ok(ExitStatus::Success)
}

fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}
