//! The settings of one run, resolved from the global options and the
//! environment before the command runs, as uv does it: commands read a
//! [`Settings`], never the command line's clap types.

use crate::interface::cli::GlobalArgs;
use crate::interface::output::ColorChoice;
use std::ffi::OsString;
use std::path::PathBuf;

/// What every command may need besides its own arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The application directory that `-C DIR` / `--app DIR` or `EXO_APP`
    /// names; `None`: the nearest directory upwards with application.yml,
    /// looked for only by the commands that need an application.
    pub app: Option<PathBuf>,
    /// `Never` with `--no-color` or a non-empty `NO_COLOR`.
    pub color: ColorChoice,
    /// The Docker context of `--context`; `None` leaves the choice to
    /// `DOCKER_HOST`, then `DOCKER_CONTEXT`, then the docker CLI's current
    /// context (see [`crate::adapters::docker::connection::resolve`]).
    pub context: Option<String>,
}

impl Settings {
    /// The settings of this process: its arguments and its environment.
    pub fn resolve(args: &GlobalArgs) -> Settings {
        Settings::resolve_with(args, &|name| std::env::var_os(name))
    }

    /// The settings from `args`, reading the environment through `var`; an
    /// empty variable counts as unset. A flag wins over its variable.
    pub fn resolve_with(args: &GlobalArgs, var: &dyn Fn(&str) -> Option<OsString>) -> Settings {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        let color = if args.no_color || set("NO_COLOR").is_some() {
            ColorChoice::Never
        } else {
            ColorChoice::Auto
        };
        Settings {
            app: args
                .app
                .clone()
                .or_else(|| set("EXO_APP").map(PathBuf::from)),
            color,
            context: args.context.clone(),
        }
    }

    /// The Docker context to pass on to the engine's adapters.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::path::Path;

    /// The settings of `exo ARGS` in an environment of `vars`.
    fn settings(args: &[&str], vars: &[(&str, &str)]) -> Settings {
        let cli = crate::interface::cli::Cli::try_parse_from(
            std::iter::once("exo").chain(args.iter().copied()),
        )
        .expect("the arguments parse");
        let var = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        };
        Settings::resolve_with(&cli.global, &var)
    }

    #[test]
    fn nothing_said_means_search_colour_and_the_docker_default() {
        let settings = settings(&["check"], &[]);
        assert_eq!(
            settings,
            Settings {
                app: None,
                color: ColorChoice::Auto,
                context: None,
            }
        );
    }

    #[test]
    fn exo_app_names_the_application_and_the_flag_wins_over_it() {
        let env = [("EXO_APP", "/from/env")];
        assert_eq!(
            settings(&["check"], &env).app.as_deref(),
            Some(Path::new("/from/env"))
        );
        let flag = settings(&["-C", "/from/flag", "check"], &env);
        assert_eq!(flag.app.as_deref(), Some(Path::new("/from/flag")));
        let long = settings(&["check", "--app", "/after"], &env);
        assert_eq!(long.app.as_deref(), Some(Path::new("/after")));
        assert_eq!(
            settings(&["check"], &[("EXO_APP", "")]).app.as_deref(),
            None
        );
    }

    #[test]
    fn no_color_turns_colour_off_from_the_flag_or_the_environment() {
        assert_eq!(
            settings(&["--no-color", "check"], &[]).color,
            ColorChoice::Never
        );
        assert_eq!(
            settings(&["check", "--no-color"], &[]).color,
            ColorChoice::Never
        );
        assert_eq!(
            settings(&["check"], &[("NO_COLOR", "1")]).color,
            ColorChoice::Never
        );
        // An empty NO_COLOR is no request (https://no-color.org).
        assert_eq!(
            settings(&["check"], &[("NO_COLOR", "")]).color,
            ColorChoice::Auto
        );
    }

    #[test]
    fn the_docker_context_is_the_global_flag_wherever_it_stands() {
        let before = settings(&["--context", "prod", "status"], &[]);
        assert_eq!(before.context(), Some("prod"));
        let deploy = settings(&["deploy", "staging", "--context", "prod"], &[]);
        assert_eq!(deploy.context(), Some("prod"));
        let status = settings(&["deploy", "status", "staging", "--context", "prod"], &[]);
        assert_eq!(status.context(), Some("prod"));
        // DOCKER_CONTEXT is left to the connection, which puts DOCKER_HOST first.
        let env = settings(&["ps"], &[("DOCKER_CONTEXT", "prod")]);
        assert_eq!(env.context(), None);
    }
}
