//! `exo compose ARGS`: `docker compose` with the generated file and the
//! project name. `up` is exo's; everything else passes through.

use super::run::{mode, prepare, project, runtime, start};
use super::{CommandError, Workspace};
use crate::cli::{Cli, ComposeArgs, ComposeUpArgs};
use crate::docker::{Docker, DockerError};
use crate::exit::ExitStatus;
use crate::output::{LogFormat, Printer};
use crate::signals::Interrupts;
use crate::up::{UpOptions, WatchOptions};
use clap::Parser;
use std::process::Stdio;
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
        let docker = Docker::detect().await?;
        let mut child = docker
            .compose(&project, &args.args)
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| DockerError::command("docker compose", err))?;
        // Ctrl-C reaches Compose from the terminal and Compose stops on its
        // own: exo waits for its exit code. A second interrupt kills it.
        let mut interrupted = false;
        let status = loop {
            tokio::select! {
                status = child.wait() => break status,
                () = interrupts.recv() => {
                    if interrupted {
                        let _ = child.start_kill();
                    }
                    interrupted = true;
                }
            }
        }
        .map_err(|err| DockerError::command("docker compose", err))?;
        let code = status.code().map_or(130, |c| u8::try_from(c).unwrap_or(1));
        Ok(if code == 0 {
            ExitStatus::Success
        } else {
            ExitStatus::Compose(code)
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
        wait_timeout: up.wait_timeout.map(Duration::from_secs),
        watch: up.watch.then_some(WatchOptions { poll: false }),
        logs: LogFormat {
            prefix: !up.logs.no_log_prefix,
            color: printer.log_color() && !up.no_color,
        },
    };
    start(cli, &args.project, &up.roles, &options, printer)
}
