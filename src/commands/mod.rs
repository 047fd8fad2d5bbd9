//! One module per subcommand; each is a thin wrapper over the library.

mod check;
mod compose;
mod generate;
mod run;
mod test;

use crate::cli::{Cli, Command};
use crate::config::{self, LoadError};
use crate::exit::ExitStatus;
use crate::model::Application;
use crate::output::Printer;
use crate::testing::TestError;
use std::path::PathBuf;

pub fn run(cli: &Cli, printer: &mut Printer) -> ExitStatus {
    let result = match &cli.command {
        Command::Generate(args) => generate::run(cli, args, printer),
        Command::Check => check::run(cli, printer),
        Command::Run(args) => run::run(cli, args, printer),
        Command::Compose(args) => compose::run(cli, args, printer),
        Command::Test(args) => test::run(cli, args, printer),
    };
    result.unwrap_or_else(|err| report(&err, printer))
}

/// A failure that ends a command; rendered once, here.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Docker(#[from] crate::docker::DockerError),
    #[error(transparent)]
    UnknownRole(#[from] crate::up::UnknownRole),
    #[error(transparent)]
    Test(#[from] crate::testing::TestError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn report(err: &CommandError, printer: &mut Printer) -> ExitStatus {
    match err {
        CommandError::Load(LoadError::Invalid(problems)) => {
            printer.problems(problems);
            ExitStatus::Usage
        }
        CommandError::Load(err @ LoadError::NotFound { .. }) => {
            printer.error(&format!(
                "{err}\n  hint: run exo inside an application, or give its directory with `-C DIR`"
            ));
            ExitStatus::Usage
        }
        CommandError::Load(LoadError::Read { .. })
        | CommandError::Write { .. }
        | CommandError::Runtime(_) => {
            printer.error(&err.to_string());
            ExitStatus::Io
        }
        CommandError::Docker(docker) => {
            printer.error(&format!("{docker}\n  hint: {}", docker.hint()));
            ExitStatus::Docker
        }
        CommandError::UnknownRole(unknown)
        | CommandError::Test(TestError::UnknownRole(unknown)) => {
            printer.error(&unknown.to_string());
            ExitStatus::Usage
        }
        CommandError::Test(TestError::Docker(docker)) => {
            printer.error(&format!("{docker}\n  hint: {}", docker.hint()));
            ExitStatus::Docker
        }
        CommandError::Test(err @ TestError::Write { .. }) => {
            printer.error(&err.to_string());
            ExitStatus::Io
        }
    }
}

/// The application directory and its loaded configuration.
pub struct Workspace {
    pub dir: PathBuf,
    pub app: Application,
}

impl Workspace {
    pub fn load(cli: &Cli) -> Result<Self, CommandError> {
        let start = match &cli.global.app {
            Some(dir) => dir.clone(),
            None => std::env::current_dir().map_err(|source| LoadError::Read {
                path: PathBuf::from("."),
                source,
            })?,
        };
        let dir = match &cli.global.app {
            Some(dir) if dir.join(config::APPLICATION_FILE).is_file() => dir.clone(),
            Some(dir) => return Err(LoadError::NotFound { start: dir.clone() }.into()),
            None => config::find_application_dir(&start)?,
        };
        let app = config::load(&dir)?;
        Ok(Workspace { dir, app })
    }
}
