//! `exo init [NAME]`: a new application.yml.

use super::{CommandError, Settings};
use crate::core::config::suggest_name;
use crate::core::exit::ExitStatus;
use crate::interface::cli::InitArgs;
use crate::interface::output::Printer;
use crate::ops::scaffold;
use std::path::PathBuf;

pub fn run(
    settings: &Settings,
    args: &InitArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let dir = match &settings.app {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().map_err(|source| CommandError::Write {
            path: PathBuf::from("."),
            source,
        })?,
    };
    let folder = dir
        .canonicalize()
        .unwrap_or_else(|_| dir.clone())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match &args.name {
        Some(name) => name.clone(),
        None if printer.interactive() => {
            let default = suggest_name(&folder);
            printer.ask("Application name", &default).unwrap_or(default)
        }
        // In a script the directory names the application, as Compose does.
        None => folder,
    };
    let path = scaffold::init(&dir, &name, args.force)?;
    printer.status(
        "Created",
        &format!("{} for the application {name}", path.display()),
    );
    printer.status(
        "Next",
        "`exo add ROLE --template NAME` adds a service (`exo template list` shows the templates)",
    );
    Ok(ExitStatus::Success)
}
