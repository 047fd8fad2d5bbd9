//! `exo completions SHELL`: the shell's completion script, from the
//! command line's definition.

use crate::core::exit::ExitStatus;
use crate::interface::cli::{Cli, CompletionsArgs};
use crate::interface::output::Printer;
use clap::CommandFactory;

pub fn run(args: &CompletionsArgs, printer: &mut Printer) -> ExitStatus {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "exo", &mut script);
    printer.out(&String::from_utf8_lossy(&script));
    ExitStatus::Success
}
