//! exo compiles an application's `application.yml` and `service.yml` files
//! into Docker Compose files and drives `docker compose` with them.
//!
//! The folders are the layers, each using only those below it:
//! [`interface`] (the command line, commands, output) over [`ops`] (what the
//! commands do) over [`adapters`] (the outside world) and [`core`] (pure:
//! configuration, model, the services as deployed, the writers). See
//! ARCHITECTURE.md.

pub mod adapters;
pub mod core;
pub mod interface;
pub mod ops;

/// The catalog lives in the config layer; this name is kept for callers.
pub use crate::core::config::catalog;

use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

/// Parses the arguments, resolves the settings, runs the command, and maps
/// the outcome to an exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match crate::interface::cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version itself, and usage errors with a hint.
            let _ = err.print();
            return if err.use_stderr() {
                crate::core::exit::ExitStatus::Usage.into()
            } else {
                crate::core::exit::ExitStatus::Success.into()
            };
        }
    };
    let settings = crate::interface::commands::Settings::resolve(&cli.global);
    let mut printer = crate::interface::output::Printer::new(settings.color);
    crate::interface::commands::run(&cli.command, &settings, &mut printer).into()
}
