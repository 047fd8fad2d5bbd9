//! exo compiles an application's `application.yml` and `service.yml` files
//! into Docker Compose files and drives `docker compose` with them.
//!
//! The core is pure: [`config`] loads and validates the files into a
//! [`model::Application`], and [`compose`] compiles that into Compose files.
//! [`commands`] are thin wrappers around it and the operations ([`up`],
//! [`testing`]); [`output`] owns every byte printed.

pub mod appfile;
pub mod cli;
pub mod clone;
pub mod commands;
pub mod compose;
pub mod config;
pub mod deploy;
pub mod deployed;
pub mod diagram;
pub mod docker;
pub mod exit;
pub mod git;
pub mod graph;
pub mod kubernetes;
pub mod lifecycle;
pub mod model;
pub mod output;
pub mod paths;
pub mod plan;
pub mod probe;
pub mod reference;
pub mod registry;
pub mod scaffold;
pub mod schema;
pub mod shared;
pub mod signals;
pub mod status;
pub mod templates;
pub mod terraform;
pub mod testing;
pub mod up;
pub mod update;
pub mod watch;

/// The catalog lives in the config layer; this name is kept for callers.
pub use config::catalog;

use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

/// Parses the arguments, resolves the settings, runs the command, and maps
/// the outcome to an exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version itself, and usage errors with a hint.
            let _ = err.print();
            return if err.use_stderr() {
                exit::ExitStatus::Usage.into()
            } else {
                exit::ExitStatus::Success.into()
            };
        }
    };
    let settings = commands::Settings::resolve(&cli.global);
    let mut printer = output::Printer::new(settings.color);
    commands::run(&cli.command, &settings, &mut printer).into()
}
