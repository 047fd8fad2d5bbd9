//! One module per subcommand; each is a thin wrapper over the library.

mod add;
mod check;
mod clone;
mod completions;
mod compose;
mod deploy;
mod deployment_files;
mod generate;
mod graph;
mod init;
mod run;
mod schema;
mod settings;
mod status;
mod template;
mod test;
mod update;

use crate::cli::Command;
use crate::clone::CloneError;
use crate::config::{self, LoadError};
use crate::exit::ExitStatus;
use crate::model::Application;
use crate::output::Printer;
use crate::scaffold::ScaffoldError;
use crate::templates::TemplateError;
use crate::testing::TestError;
use std::path::PathBuf;

pub use settings::Settings;

/// Runs `command` with the settings resolved from the global options.
pub fn run(command: &Command, settings: &Settings, printer: &mut Printer) -> ExitStatus {
    let result = match command {
        Command::Generate(args) => generate::run(settings, args, printer),
        Command::Check => check::run(settings, printer),
        Command::Run(args) => run::run(settings, args, printer),
        Command::Compose(args) => compose::run(settings, args, printer),
        Command::Init(args) => init::run(settings, args, printer),
        Command::Add(args) => add::run(settings, args, printer),
        Command::Template(command) => template::run(settings, command, printer),
        Command::Clone(args) => clone::run(settings, args, printer),
        Command::Update(args) => update::run(settings, args, printer),
        Command::Test(args) => test::run(settings, args, printer),
        Command::Status(args) => status::run(settings, args, printer),
        Command::Up(args) => compose::shortcut(settings, "up", args, printer),
        Command::Down(args) => compose::shortcut(settings, "down", args, printer),
        Command::Ps(args) => compose::shortcut(settings, "ps", args, printer),
        Command::Logs(args) => compose::shortcut(settings, "logs", args, printer),
        Command::Graph(args) => graph::run(settings, args, printer),
        Command::Schema(args) => schema::run(args, printer),
        Command::Completions(args) => Ok(completions::run(args, printer)),
        Command::Deploy(args) => deploy::run(settings, args, printer),
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
    UnknownRole(#[from] crate::plan::UnknownRole),
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Clone(#[from] CloneError),
    #[error(transparent)]
    Test(#[from] crate::testing::TestError),
    #[error(transparent)]
    Connection(#[from] crate::docker::connection::ConnectionError),
    #[error("{}: no such directory", .0.display())]
    NoSuchDirectory(PathBuf),
    #[error(transparent)]
    Path(#[from] crate::paths::PathError),
    #[error(transparent)]
    Plan(#[from] crate::workloads::PlanError),
    #[error(transparent)]
    Shared(#[from] crate::shared::SharedError),
    #[error(transparent)]
    Deploy(#[from] crate::deploy::DeployError),
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
                "{err}\n  hint: run exo inside an application, or give its directory with `-C DIR`; `exo init` starts a new application here"
            ));
            ExitStatus::Usage
        }
        CommandError::NoSuchDirectory(_) => {
            printer.error(&format!(
                "{err}\n  hint: `-C DIR` (or EXO_APP) names the application's directory"
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
        CommandError::Connection(err) => {
            printer.error(&format!("{err}\n  hint: {}", err.hint()));
            ExitStatus::Docker
        }
        CommandError::Path(err) | CommandError::Shared(crate::shared::SharedError::Path(err)) => {
            report_path(err, printer)
        }
        CommandError::Shared(
            err @ (crate::shared::SharedError::Link(_) | crate::shared::SharedError::Missing(_)),
        ) => {
            printer.error(&err.to_string());
            ExitStatus::Usage
        }
        CommandError::Shared(err) => {
            printer.error(&err.to_string());
            ExitStatus::Io
        }
        CommandError::UnknownRole(unknown)
        | CommandError::Test(TestError::UnknownRole(unknown)) => {
            printer.error(&unknown.to_string());
            ExitStatus::Usage
        }
        CommandError::Clone(err) => report_clone(err, printer),
        CommandError::Plan(err) => {
            printer.error(&crate::output::deployment::plan_error(err));
            ExitStatus::Usage
        }
        CommandError::Deploy(err) => deploy::report(err, printer),
        CommandError::Scaffold(ScaffoldError::Invalid(problems)) => {
            printer.problems(problems);
            ExitStatus::Usage
        }
        CommandError::Scaffold(ScaffoldError::Template(err)) | CommandError::Template(err) => {
            report_template(err, printer)
        }
        CommandError::Scaffold(err) => {
            let message = match err.hint() {
                Some(hint) => format!("{err}\n  hint: {hint}"),
                None => err.to_string(),
            };
            printer.error(&message);
            match err {
                ScaffoldError::BadName(_)
                | ScaffoldError::BadRole(_)
                | ScaffoldError::BadLocation(_)
                | ScaffoldError::Exists(_)
                | ScaffoldError::ApplicationExists(_)
                | ScaffoldError::Outside(_) => ExitStatus::Usage,
                ScaffoldError::Io { .. } => ExitStatus::Io,
                _ => ExitStatus::Failure,
            }
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

fn report_clone(err: &CloneError, printer: &mut Printer) -> ExitStatus {
    match err {
        CloneError::Services(failures) => {
            for failure in failures {
                printer.error(&format!(
                    "could not clone the service {}: {}",
                    failure.role, failure.message
                ));
            }
            printer.error("nothing that this run cloned was kept");
            ExitStatus::Failure
        }
        CloneError::Load(LoadError::Invalid(problems)) => {
            printer.problems(problems);
            ExitStatus::Usage
        }
        CloneError::Outside(err) => report_path(err, printer),
        CloneError::NotEmpty(_) => {
            printer.error(&format!(
                "{err}\n  hint: give another directory: `exo clone URL DIR`"
            ));
            ExitStatus::Usage
        }
        CloneError::Io { .. } | CloneError::Load(_) => {
            printer.error(&err.to_string());
            ExitStatus::Io
        }
        CloneError::Git(_) | CloneError::NotAnApplication { .. } => {
            printer.error(&err.to_string());
            ExitStatus::Failure
        }
    }
}

/// A write or delete that the path rule refused; `Io` is a path that could
/// not be resolved at all.
fn report_path(err: &crate::paths::PathError, printer: &mut Printer) -> ExitStatus {
    match err {
        crate::paths::PathError::Outside { .. } | crate::paths::PathError::Dangling { .. } => {
            printer.error(&format!("{err}\n  hint: {}", crate::paths::PathError::HINT));
            ExitStatus::Usage
        }
        crate::paths::PathError::Io { .. } => {
            printer.error(&err.to_string());
            ExitStatus::Io
        }
    }
}

fn report_template(err: &TemplateError, printer: &mut Printer) -> ExitStatus {
    if let TemplateError::Outside(err) = err {
        return report_path(err, printer);
    }
    printer.error(&err.to_string());
    match err {
        TemplateError::Unknown { .. }
        | TemplateError::BadName(_)
        | TemplateError::Exists(_)
        | TemplateError::BuiltIn(_) => ExitStatus::Usage,
        TemplateError::Io { .. } => ExitStatus::Io,
        _ => ExitStatus::Failure,
    }
}

/// The application directory and its loaded configuration.
pub struct Workspace {
    pub dir: PathBuf,
    pub app: Application,
}

impl Workspace {
    pub fn load(settings: &Settings) -> Result<Self, CommandError> {
        let dir = Self::find(settings)?;
        let app = config::load(&dir)?;
        Ok(Workspace { dir, app })
    }

    /// The application's directory (`-C DIR` or `EXO_APP`, or the nearest
    /// upwards with application.yml), without loading it.
    pub fn find(settings: &Settings) -> Result<PathBuf, CommandError> {
        match &settings.app {
            Some(dir) if !dir.is_dir() => Err(CommandError::NoSuchDirectory(dir.clone())),
            Some(dir) if dir.join(config::APPLICATION_FILE).is_file() => Ok(dir.clone()),
            Some(dir) => Err(LoadError::NotFound { start: dir.clone() }.into()),
            None => {
                let start = std::env::current_dir().map_err(|source| LoadError::Read {
                    path: PathBuf::from("."),
                    source,
                })?;
                Ok(config::find_application_dir(&start)?)
            }
        }
    }
}
