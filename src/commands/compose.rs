//! `exo compose ARGS`: `docker compose` with the generated file and the
//! project name. `up` is exo's; everything else passes through.

use super::run::{connect, mode, prepare, project, runtime, start};
use super::{CommandError, Settings, Workspace};
use crate::cli::{ComposeArgs, ComposeUpArgs, ProjectArgs, ShortcutArgs};
use crate::docker::Docker;
use crate::exit::ExitStatus;
use crate::output::{LogFormat, Printer};
use crate::signals::Interrupts;
use crate::up::{UpOptions, WatchOptions};
use clap::{CommandFactory, FromArgMatches};
use std::time::Duration;

/// Compose's commands that read only the files, never the daemon.
const WITHOUT_DAEMON: [&str; 3] = ["config", "convert", "version"];

/// The Compose commands whose arguments never carry a command for a
/// container, so that exo's own project options are taken from anywhere
/// among them (`exo up -d --wait -p ci1`), as global options are.
const HOISTED_IN: [&str; 4] = ["up", "down", "ps", "logs"];

/// `-p NAME`, `--project-name[=]NAME` and `--production` taken out of
/// `args` into the project options.
fn hoist_project_options(project: &ProjectArgs, args: &[String]) -> (ProjectArgs, Vec<String>) {
    let mut project = project.clone();
    let mut rest = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if word == "--production" {
            project.production = true;
        } else if word == "-p" || word == "--project-name" {
            match words.next() {
                Some(name) => project.project_name = Some(name.clone()),
                None => rest.push(word.clone()),
            }
        } else if let Some(name) = word
            .strip_prefix("--project-name=")
            .or_else(|| word.strip_prefix("-p").filter(|n| !n.is_empty()))
        {
            project.project_name = Some(name.to_owned());
        } else {
            rest.push(word.clone());
        }
    }
    (project, rest)
}

/// `exo up|down|ps|logs ARGS`: the same as `exo compose up|down|ps|logs ARGS`.
pub fn shortcut(
    settings: &Settings,
    command: &str,
    args: &ShortcutArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let (project, rest) = hoist_project_options(&args.project, &args.args);
    let args = ComposeArgs {
        project,
        help: None,
        args: std::iter::once(command.to_owned()).chain(rest).collect(),
    };
    if command == "up" {
        return up(settings, &args, "exo up", printer);
    }
    run(settings, &args, printer)
}

pub fn run(
    settings: &Settings,
    args: &ComposeArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let hoisted;
    let args = match args.args.first().map(String::as_str) {
        Some(command) if HOISTED_IN.contains(&command) => {
            let (project, rest) = hoist_project_options(&args.project, &args.args[1..]);
            hoisted = ComposeArgs {
                project,
                help: args.help,
                args: std::iter::once(command.to_owned()).chain(rest).collect(),
            };
            &hoisted
        }
        _ => args,
    };
    if args.args.first().map(String::as_str) == Some("up") {
        return up(settings, args, "exo compose up", printer);
    }
    let command = args.args.iter().find(|arg| !arg.starts_with('-'));
    let needs_daemon = !(command.is_some_and(|c| WITHOUT_DAEMON.contains(&c.as_str()))
        || args.args.iter().any(|arg| arg == "--help" || arg == "-h"));
    let workspace = Workspace::load(settings)?;
    prepare(&workspace, printer)?;
    let mode = mode(&args.project);
    let project = project(&workspace, &args.project, mode);
    runtime()?.block_on(async {
        let mut interrupts = Interrupts::listen().map_err(CommandError::Runtime)?;
        let code = if needs_daemon {
            let engine = connect(settings.context()).await?;
            engine
                .pass_through(&project, &args.args, &mut interrupts)
                .await?
        } else {
            let docker = Docker::find(settings.context()).await?;
            docker
                .pass_through(&project, &args.args, &mut interrupts)
                .await?
        };
        Ok(match u8::try_from(code) {
            Ok(0) => ExitStatus::Success,
            Ok(code) => ExitStatus::Compose(code),
            Err(_) => ExitStatus::Compose(1),
        })
    })
}

fn up(
    settings: &Settings,
    args: &ComposeArgs,
    name: &'static str,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let words = std::iter::once(name).chain(args.args[1..].iter().map(String::as_str));
    let before = if name == "exo up" {
        "`-p NAME` / `--project-name` (or COMPOSE_PROJECT_NAME) and `--production` come first: `exo up -p ci1 -d --wait`; `-C DIR` names the application"
    } else {
        "`-p NAME` / `--project-name` (or COMPOSE_PROJECT_NAME) and `--production` come before `up`: `exo compose -p ci1 up -d --wait`"
    };
    let parsed = ComposeUpArgs::command()
        .name(name)
        .after_help(before)
        .try_get_matches_from(words)
        .and_then(|matches| ComposeUpArgs::from_arg_matches(&matches));
    let up = match parsed {
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
    start(settings, &args.project, &up.roles, &options, printer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn project_options_are_taken_from_anywhere_on_the_line() {
        let none = ProjectArgs {
            production: false,
            project_name: None,
        };
        for line in [
            "-d --wait -p ci1",
            "-p ci1 -d --wait",
            "-d --project-name=ci1 --wait",
            "-d -pci1 --wait",
        ] {
            let (project, rest) = hoist_project_options(&none, &words(line));
            assert_eq!(project.project_name.as_deref(), Some("ci1"), "{line}");
            assert_eq!(rest, ["-d", "--wait"], "{line}");
        }
        let (project, rest) = hoist_project_options(&none, &words("-f web --production"));
        assert!(project.production);
        assert_eq!(rest, ["-f", "web"]);
        // A `-p` with nothing after it is left for Compose to refuse.
        let (project, rest) = hoist_project_options(&none, &words("-d -p"));
        assert_eq!(project.project_name, None);
        assert_eq!(rest, ["-d", "-p"]);
    }
}
