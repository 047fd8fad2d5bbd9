//! What every command that works on an application shares, in one place:
//! the application and its directory, the generated files brought up to
//! date, the Compose project (one naming rule), the engine connection and
//! the async runtime.

use super::{CommandError, Settings, generate};
use crate::adapters::compose_env::ComposeVariables;
use crate::adapters::docker::{DockerEngine, Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::core::compose::{self, Mode};
use crate::core::config::{self, LoadError};
use crate::core::model::Application;
use crate::interface::cli::{LogArgs, ProjectArgs};
use crate::interface::output::Printer;
use crate::ops::report::LogFormat;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The application directory and its loaded configuration.
pub struct Workspace {
    pub dir: PathBuf,
    pub app: Application,
    /// What loads but looks like a mistake; `check`, `generate` and `run`
    /// show it.
    pub warnings: Vec<config::Problem>,
}

impl Workspace {
    pub fn load(settings: &Settings) -> Result<Self, CommandError> {
        let dir = Self::find(settings)?;
        let loaded = config::load_with_warnings(&dir)?;
        Ok(Workspace {
            dir,
            app: loaded.application,
            warnings: loaded.warnings,
        })
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

/// The engine of `context` (`--context`), or else of the docker CLI's
/// current endpoint.
pub async fn connect(context: Option<&str>) -> Result<Arc<dyn Engine>, CommandError> {
    Ok(Arc::new(DockerEngine::connect(context).await?))
}

/// On the async runtime, with Ctrl-C listened for and the engine of
/// `context` connected, runs `job`.
pub fn with_engine<T>(
    context: Option<&str>,
    job: impl AsyncFnOnce(Arc<dyn Engine>, &mut Interrupts) -> Result<T, CommandError>,
) -> Result<T, CommandError> {
    runtime()?.block_on(async {
        let mut interrupts = Interrupts::listen().map_err(CommandError::Runtime)?;
        let engine = connect(context).await?;
        job(engine, &mut interrupts).await
    })
}

/// How the containers' lines are shown: prefixed unless
/// `--no-log-prefix`, in color where the printer has it.
pub fn log_format(args: &LogArgs, printer: &Printer) -> LogFormat {
    LogFormat {
        prefix: !args.no_log_prefix,
        color: printer.log_color(),
    }
}

/// `--wait-timeout SECONDS` as a limit: none for 0.
pub fn wait_limit(seconds: u64) -> Option<Duration> {
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

pub fn mode(args: &ProjectArgs) -> Mode {
    if args.production {
        Mode::Production
    } else {
        Mode::Development
    }
}

/// Regenerates the Compose files that are stale, saying which, and copies
/// the shared directories into the services.
pub fn prepare(workspace: &Workspace, printer: &mut Printer) -> Result<(), CommandError> {
    for (file, changed) in generate::write_all(workspace)? {
        if changed {
            printer.status("Updated", &file);
        }
    }
    let copied = crate::ops::shared::copy_into_services(&workspace.dir, &workspace.app)?;
    if copied > 0 {
        printer.status(
            "Copied",
            &format!(
                "{copied} shared file{} into the services",
                if copied == 1 { "" } else { "s" }
            ),
        );
    }
    Ok(())
}

/// The file of `mode` and the project name: `-p`, `COMPOSE_PROJECT_NAME`,
/// or the application's.
pub fn project(workspace: &Workspace, args: &ProjectArgs, mode: Mode) -> Project {
    let name = args
        .project_name
        .clone()
        .unwrap_or_else(|| crate::core::deployed::project_name(&workspace.app.name));
    project_named(workspace, mode, name)
}

/// The project `name` of the file of `mode`, with the containers exo can
/// make itself (none when Compose would fill the file from variables exo
/// does not read).
pub fn project_named(workspace: &Workspace, mode: Mode, name: String) -> Project {
    let file = workspace.dir.join(mode.file_name());
    // Compose makes the file's relative paths absolute from where it runs.
    let file = std::path::absolute(&file).unwrap_or(file);
    let document = compose::local(&workspace.app, mode);
    let containers = match (ComposeVariables::read(&file), document) {
        (Some(variables), Ok(document)) => {
            compose::service_containers(&document, &name, &file, &|n| variables.get(n))
        }
        _ => compose::ServiceContainers::default(),
    };
    Project {
        file,
        name,
        app_dir: workspace.dir.clone(),
        containers: Arc::new(containers),
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)
}
