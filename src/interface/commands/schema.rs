//! `exo schema DIR`: the JSON Schemas of application.yml and service.yml.

use super::CommandError;
use crate::core::exit::ExitStatus;
use crate::interface::cli::SchemaArgs;
use crate::interface::output::Printer;

pub fn run(args: &SchemaArgs, printer: &mut Printer) -> Result<ExitStatus, CommandError> {
    let written = crate::core::schema::write(&args.dir).map_err(|source| CommandError::Write {
        path: args.dir.clone(),
        source,
    })?;
    for path in written {
        printer.status("Wrote", &path.display().to_string());
    }
    Ok(ExitStatus::Success)
}
