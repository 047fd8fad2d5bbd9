//! One module per subcommand; each is a thin wrapper over the library.

mod add;
mod check;
mod clone;
mod completions;
mod compose;
mod deploy;
mod deployment_files;
mod files;
mod generate;
mod graph;
mod import;
mod init;
mod man;
mod performance;
mod run;
mod schema;
mod security;
mod settings;
mod status;
mod template;
mod test;
mod update;
mod version;
mod workspace;

use crate::core::config::LoadError;
use crate::core::exit::{Exit, ExitStatus};
use crate::interface::cli::Command;
use crate::interface::output::Printer;
use crate::ops::clone::CloneError;
use crate::ops::scaffold::ScaffoldError;
use crate::ops::templates::TemplateError;
use crate::ops::testing::TestError;
use std::path::PathBuf;

pub use settings::Settings;
pub use workspace::Workspace;

/// Runs `command` with the settings resolved from the global options.
pub fn run(command: &Command, settings: &Settings, printer: &mut Printer) -> ExitStatus {
    let result = match command {
        Command::Generate(args) => generate::run(settings, args, printer),
        Command::Check(args) => check::run(settings, args, printer),
        Command::Run(args) => run::run(settings, args, printer),
        Command::Compose(args) => compose::run(settings, args, printer),
        Command::Init(args) => init::run(settings, args, printer),
        Command::Add(args) => add::run(settings, args, printer),
        Command::Import(args) => import::run(settings, args, printer),
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
        Command::Man(args) => man::run(args, printer),
        Command::Completions(args) => Ok(completions::run(args, printer)),
        Command::Deploy(args) => deploy::run(settings, args, printer),
        Command::Version => version::run(settings, printer),
    };
    result.unwrap_or_else(|err| report(&err, printer))
}

impl From<crate::core::plan::PlanError> for CommandError {
    fn from(err: crate::core::plan::PlanError) -> Self {
        match err {
            crate::core::plan::PlanError::UnknownRole(unknown) => {
                CommandError::UnknownRole(unknown)
            }
            crate::core::plan::PlanError::Deployment(err) => CommandError::Deployment(err),
        }
    }
}

/// A failure that ends a command; rendered once, here.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Docker(#[from] crate::adapters::docker::DockerError),
    #[error(transparent)]
    UnknownRole(#[from] crate::core::plan::UnknownRole),
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Clone(#[from] CloneError),
    #[error(transparent)]
    Test(#[from] crate::ops::testing::TestError),
    #[error(transparent)]
    Connection(#[from] crate::adapters::docker::connection::ConnectionError),
    #[error("{}: no such directory", .0.display())]
    NoSuchDirectory(PathBuf),
    #[error(transparent)]
    Path(#[from] crate::adapters::paths::PathError),
    #[error(transparent)]
    Deployment(#[from] crate::core::deployed::DeploymentError),
    #[error(transparent)]
    Shared(#[from] crate::ops::shared::SharedError),
    #[error(transparent)]
    Deploy(#[from] crate::ops::deploy::DeployError),
    #[error(transparent)]
    Performance(#[from] crate::ops::performance::PerformanceError),
    #[error(transparent)]
    Security(#[from] crate::ops::security::SecurityError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Exit for CommandError {
    fn exit_status(&self) -> ExitStatus {
        match self {
            CommandError::Load(err) => err.exit_status(),
            CommandError::Docker(err) => err.exit_status(),
            CommandError::UnknownRole(_) | CommandError::NoSuchDirectory(_) => ExitStatus::Usage,
            CommandError::Scaffold(err) => err.exit_status(),
            CommandError::Template(err) => err.exit_status(),
            CommandError::Clone(err) => err.exit_status(),
            CommandError::Test(err) => err.exit_status(),
            CommandError::Connection(err) => err.exit_status(),
            CommandError::Path(err) => err.exit_status(),
            CommandError::Deployment(err) => err.exit_status(),
            CommandError::Shared(err) => err.exit_status(),
            CommandError::Deploy(err) => err.exit_status(),
            CommandError::Performance(err) => err.exit_status(),
            CommandError::Security(err) => err.exit_status(),
            CommandError::Runtime(_) | CommandError::Write { .. } => ExitStatus::Io,
        }
    }
}

/// Says what went wrong, with a hint where there is one, and ends the
/// command with the error's own status.
fn report(err: &CommandError, printer: &mut Printer) -> ExitStatus {
    use crate::adapters::paths::PathError;
    let with_hint = |hint: &str| format!("{err}\n  hint: {hint}");
    match err {
        CommandError::Load(LoadError::Invalid(problems))
        | CommandError::Scaffold(ScaffoldError::Invalid(problems))
        | CommandError::Clone(CloneError::Load(LoadError::Invalid(problems))) => {
            printer.problems(problems)
        }
        CommandError::Load(LoadError::NotFound { .. }) => printer.error(&with_hint(
            "run exo inside an application, or give its directory with `-C DIR`; `exo init` starts a new application here",
        )),
        CommandError::NoSuchDirectory(_) => printer.error(&with_hint(
            "`-C DIR` (or EXO_APP) names the application's directory",
        )),
        CommandError::Docker(docker) | CommandError::Test(TestError::Docker(docker)) => {
            printer.error(&format!("{docker}\n  hint: {}", docker.hint()))
        }
        CommandError::Connection(err) => printer.error(&format!("{err}\n  hint: {}", err.hint())),
        CommandError::Path(path @ (PathError::Outside { .. } | PathError::Dangling { .. }))
        | CommandError::Shared(crate::ops::shared::SharedError::Path(path @ PathError::Outside { .. }))
        | CommandError::Template(TemplateError::Outside(path @ PathError::Outside { .. }))
        | CommandError::Scaffold(ScaffoldError::Template(TemplateError::Outside(
            path @ PathError::Outside { .. },
        )))
        | CommandError::Clone(CloneError::Outside(path @ PathError::Outside { .. })) => {
            printer.error(&format!("{path}\n  hint: {}", PathError::HINT))
        }
        CommandError::Clone(CloneError::Services(failures)) => {
            for failure in failures {
                printer.error(&format!(
                    "could not clone the service {}: {}",
                    failure.role, failure.message
                ));
            }
            printer.error("nothing that this run cloned was kept");
        }
        CommandError::Clone(CloneError::Occupied(_)) => printer.error(&with_hint(
            "empty the folder or move its files away; `exo clone` then clones the service into it",
        )),
        CommandError::Clone(CloneError::NotEmpty(_)) => {
            printer.error(&with_hint("give another directory: `exo clone URL DIR`"))
        }
        CommandError::Deployment(err) | CommandError::Test(TestError::Deployment(err)) => {
            printer.error(&crate::interface::output::deployment::plan_error(err))
        }
        CommandError::Deploy(err) => deploy::report(err, printer),
        CommandError::Performance(err) => performance::report(err, printer),
        CommandError::Scaffold(err) => match err.hint() {
            Some(hint) => printer.error(&format!("{err}\n  hint: {hint}")),
            None => printer.error(&err.to_string()),
        },
        CommandError::Load(_)
        | CommandError::Security(_)
        | CommandError::Write { .. }
        | CommandError::Runtime(_)
        | CommandError::UnknownRole(_)
        | CommandError::Test(_)
        | CommandError::Path(_)
        | CommandError::Shared(_)
        | CommandError::Template(_)
        | CommandError::Clone(_) => printer.error(&err.to_string()),
    }
    err.exit_status()
}
