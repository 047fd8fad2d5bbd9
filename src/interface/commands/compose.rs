//! `exo compose ARGS`: `docker compose` with the generated file and the
//! project name. `up` is exo's; everything else passes through.

use super::run::start;
use super::workspace::{connect, mode, prepare, project, runtime, wait_limit};
use super::{CommandError, Settings, Workspace};
use crate::adapters::docker::Docker;
use crate::adapters::signals::Interrupts;
use crate::core::exit::ExitStatus;
use crate::interface::cli::{
    ComposeArgs, ComposeUpArgs, ProjectArgs, ShortcutArgs, UP_WAIT_SECONDS,
};
use crate::interface::output::{LogFormat, Printer};
use crate::ops::up::{AfterFailure, UpOptions, WatchOptions};
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
    let detach = up.detach || up.wait;
    let after_failure = if up.down_on_failure {
        AfterFailure::Remove
    } else {
        AfterFailure::LeaveAndSay {
            down: down_command(name, &args.project),
        }
    };
    let options = UpOptions {
        detach,
        supervise: !detach,
        build: !up.build.no_build,
        wait_timeout: wait_timeout(up.wait_timeout, detach),
        after_failure,
        mode: mode(&args.project),
        watch: up.watch.then_some(WatchOptions { poll: false }),
        logs: LogFormat {
            prefix: !up.logs.no_log_prefix,
            color: printer.log_color() && !up.no_color,
        },
    };
    start(settings, &args.project, &up.roles, &options, printer)
}

/// `--wait-timeout`, or its default: 300 s with `-d` or `--wait`, none in
/// the foreground, where someone watches and Ctrl-C ends the wait.
fn wait_timeout(seconds: Option<u64>, detach: bool) -> Option<Duration> {
    match seconds {
        Some(seconds) => wait_limit(seconds),
        None if detach => wait_limit(UP_WAIT_SECONDS),
        None => None,
    }
}

/// The command that removes what `exo up` or `exo compose up` (`up`)
/// started with these project arguments.
fn down_command(up: &str, args: &ProjectArgs) -> String {
    let mut words = vec![up.trim_end_matches(" up").to_owned()];
    let shortcut = up == "exo up";
    if shortcut {
        words.push("down".into());
    }
    if let Some(name) = &args.project_name {
        words.push(format!("-p {name}"));
    }
    if args.production {
        words.push("--production".into());
    }
    if !shortcut {
        words.push("down".into());
    }
    words.join(" ")
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

    #[test]
    fn up_detached_waits_300_s_unless_told_otherwise() {
        assert_eq!(wait_timeout(None, true), Some(Duration::from_secs(300)));
        assert_eq!(wait_timeout(None, false), None);
        assert_eq!(wait_timeout(Some(0), true), None);
        assert_eq!(wait_timeout(Some(7), false), Some(Duration::from_secs(7)));
    }

    #[test]
    fn the_down_command_matches_the_up_command() {
        let named = ProjectArgs {
            production: true,
            project_name: Some("ci1".into()),
        };
        assert_eq!(
            down_command("exo up", &named),
            "exo down -p ci1 --production"
        );
        assert_eq!(
            down_command("exo compose up", &named),
            "exo compose -p ci1 --production down"
        );
        let plain = ProjectArgs {
            production: false,
            project_name: None,
        };
        assert_eq!(down_command("exo compose up", &plain), "exo compose down");
    }
}
