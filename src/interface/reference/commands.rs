//! The command reference (Markdown) from the clap definitions: every
//! command, its usage, arguments and options, with their help, defaults,
//! variables and possible values.

use super::markdown::{GENERATED_NOTICE, prose};
use crate::interface::cli::Cli;
use clap::{Arg, CommandFactory};
use std::fmt::Write;

/// The page `docs/src/reference/generated/commands.md`.
pub fn markdown() -> String {
    let mut command = Cli::command();
    command.build();
    let mut out = format!(
        "# Commands\n\n{GENERATED_NOTICE}\n\nEvery command and option of `exo`, as `exo help COMMAND` shows them. \
The options under `exo` are global: they are accepted before or after any command.\n"
    );
    section(&command, true, &mut out);
    out
}

fn section(command: &clap::Command, root: bool, out: &mut String) {
    let name = command.get_bin_name().unwrap_or_else(|| command.get_name());
    let about = command
        .get_long_about()
        .or_else(|| command.get_about())
        .map(ToString::to_string)
        .unwrap_or_default();
    let usage = command
        .clone()
        .render_usage()
        .to_string()
        .replace("Usage: ", "");
    let _ = write!(out, "\n## `{name}`\n\n");
    if !about.is_empty() {
        let _ = write!(out, "{}\n\n", prose(&about));
    }
    let _ = writeln!(out, "```text\n{usage}\n```");
    let shown = |arg: &&Arg| {
        !arg.is_hide_set()
            && (root
                || !(arg.is_global_set() || matches!(arg.get_id().as_str(), "help" | "version")))
    };
    let (positionals, options): (Vec<&Arg>, Vec<&Arg>) = command
        .get_arguments()
        .filter(shown)
        .partition(|arg| arg.is_positional());
    list("Arguments", &positionals, out);
    list("Options", &options, out);
    let subcommands: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
        .collect();
    if !subcommands.is_empty() {
        let _ = write!(out, "\nCommands:\n\n");
        for sub in &subcommands {
            let sub_name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
            let summary = sub.get_about().map(ToString::to_string).unwrap_or_default();
            let _ = writeln!(
                out,
                "- [`{sub_name}`](#{}): {}",
                sub_name.replace(' ', "-"),
                prose(&summary)
            );
        }
    }
    for sub in subcommands {
        section(sub, false, out);
    }
}

fn list(title: &str, args: &[&Arg], out: &mut String) {
    if args.is_empty() {
        return;
    }
    let _ = write!(out, "\n{title}:\n\n");
    for arg in args {
        let help = arg
            .get_long_help()
            .or_else(|| arg.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = write!(out, "- `{}`", spelling(arg));
        if !help.is_empty() {
            let _ = write!(out, ": {}", prose(&help));
        }
        for fact in facts(arg) {
            let _ = write!(out, " {fact}");
        }
        out.push('\n');
    }
}

/// How an argument is written: `-C, --app <DIR>`, `<ROLE>...`.
fn spelling(arg: &Arg) -> String {
    let values: Vec<String> = arg
        .get_value_names()
        .map(|names| names.iter().map(|n| format!("<{n}>")).collect())
        .unwrap_or_else(|| vec![format!("<{}>", arg.get_id().as_str().to_uppercase())]);
    let many = matches!(arg.get_num_args(), Some(range) if range.max_values() > 1);
    let value = format!("{}{}", values.join(" "), if many { "..." } else { "" });
    if arg.is_positional() {
        return value;
    }
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    let names = names.join(", ");
    if arg.get_action().takes_values() {
        format!("{names} {value}")
    } else {
        names
    }
}

/// The bracketed notes after an argument's help: variable, default, values.
fn facts(arg: &Arg) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(env) = arg.get_env() {
        facts.push(format!("\\[env: `{}`\\]", env.to_string_lossy()));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| format!("`{}`", value.to_string_lossy()))
        .collect();
    if !defaults.is_empty() && arg.get_action().takes_values() {
        facts.push(format!("\\[default: {}\\]", defaults.join(", ")));
    }
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| format!("`{}`", value.get_name()))
        .collect();
    if !possible.is_empty() && arg.get_action().takes_values() {
        facts.push(format!("\\[possible values: {}\\]", possible.join(", ")));
    }
    facts
}
