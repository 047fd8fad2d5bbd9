//! `exo check`: load and validate, write nothing.

use super::{CommandError, Settings, Workspace};
use crate::core::exit::ExitStatus;
use crate::core::model::ServiceSource;
use crate::interface::output::Printer;

pub fn run(settings: &Settings, printer: &mut Printer) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    printer.warnings(&workspace.warnings);
    let app = &workspace.app;
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
    Ok(ExitStatus::Success)
}

fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}
