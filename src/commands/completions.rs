//! `exo completions SHELL`: the shell's completion script, from the
//! command line's definition.

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::ExitStatus;
use crate::output::Printer;
use clap::CommandFactory;

pub fn run(args: &CompletionsArgs, printer: &mut Printer) -> ExitStatus {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "exo", &mut script);
    printer.out(&String::from_utf8_lossy(&script));
    ExitStatus::Success
}
