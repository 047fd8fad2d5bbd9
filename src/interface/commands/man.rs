//! `exo man DIR`: the man pages of exo and of each command.

use super::CommandError;
use crate::core::exit::ExitStatus;
use crate::interface::cli::ManArgs;
use crate::interface::output::Printer;

pub fn run(args: &ManArgs, printer: &mut Printer) -> Result<ExitStatus, CommandError> {
    let written = crate::interface::reference::write_man_pages(&args.dir).map_err(|source| {
        CommandError::Write {
            path: args.dir.clone(),
            source,
        }
    })?;
    printer.status(
        "Wrote",
        &format!("{} man pages into {}", written.len(), args.dir.display()),
    );
    Ok(ExitStatus::Success)
}
