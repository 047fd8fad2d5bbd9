//! `exo compose ARGS`: `docker compose` with the generated file and the
//! project name. `up` is exo's; everything else passes through.

use super::run::{connect, mode, prepare, project, runtime, start};
use super::{CommandError, Workspace};
use crate::cli::{Cli, ComposeArgs, ComposeUpArgs};
use crate::exit::ExitStatus;
use crate::output::{LogFormat, Printer};
use crate::signals::Interrupts;
use crate::up::{UpOptions, WatchOptions};
use clap::Parser;
use std::time::Duration;

pub fn run(
    cli: &Cli,
    args: &ComposeArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    if args.args.first().map(String::as_str) == Some("up") {
        return up(cli, args, printer);
    }
    let workspace = Workspace::load(cli)?;
    prepare(&workspace, printer)?;
    let mode = mode(&args.project);
    let project = project(&workspace, &args.project, mode);
    runtime()?.block_on(async {
        let mut interrupts = Interrupts::listen().map_err(CommandError::Runtime)?;
        let engine = connect().await?;
        let code = engine
            .pass_through(&project, &args.args, &mut interrupts)
            .await?;
        Ok(match u8::try_from(code) {
            Ok(0) => ExitStatus::Success,
            Ok(code) => ExitStatus::Compose(code),
            Err(_) => ExitStatus::Compose(1),
        })
    })
}

fn up(cli: &Cli, args: &ComposeArgs, printer: &mut Printer) -> Result<ExitStatus, CommandError> {
    let words = std::iter::once("exo compose up").chain(args.args[1..].iter().map(String::as_str));
    let up = match ComposeUpArgs::try_parse_from(words) {
        Ok(up) => up,
        Err(err) => {
            let _ = err.print();
            return Ok(if err.use_stderr() {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            });
        }
    };
    let options = UpOptions {
        detach: up.detach || up.wait,
        supervise: !(up.detach || up.wait),
        build: !up.build.no_build,
        wait_timeout: up.wait_timeout.map(Duration::from_secs),
        watch: up.watch.then_some(WatchOptions { poll: false }),
        logs: LogFormat {
            prefix: !up.logs.no_log_prefix,
            color: printer.log_color() && !up.no_color,
        },
    };
    start(cli, &args.project, &up.roles, &options, printer)
}
