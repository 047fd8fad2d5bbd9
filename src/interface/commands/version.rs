//! `exo version`: exo's version and the Docker that exo finds.

use super::workspace::runtime;
use super::{CommandError, Settings};
use crate::adapters::docker::Versions;
use crate::core::exit::ExitStatus;
use crate::interface::output::{self, Printer};

/// Prints the three versions; a missing or stopped Docker is said on its
/// line, not an error, since this is what a person runs to find out.
pub fn run(settings: &Settings, printer: &mut Printer) -> Result<ExitStatus, CommandError> {
    let versions = runtime()?.block_on(Versions::find(settings.context()));
    printer.out(&output::versions(env!("CARGO_PKG_VERSION"), &versions));
    Ok(ExitStatus::Success)
}
