//! `exo man DIR`: the man pages of exo and of each command.

use super::CommandError;
use crate::cli::ManArgs;
use crate::exit::ExitStatus;
use crate::output::Printer;

pub fn run(args: &ManArgs, printer: &mut Printer) -> Result<ExitStatus, CommandError> {
    let written =
        crate::reference::write_man_pages(&args.dir).map_err(|source| CommandError::Write {
            path: args.dir.clone(),
            source,
        })?;
    printer.status(
        "Wrote",
        &format!("{} man pages into {}", written.len(), args.dir.display()),
    );
    Ok(ExitStatus::Success)
}
