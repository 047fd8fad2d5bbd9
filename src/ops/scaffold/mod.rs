//! Creating applications and adding services: `exo init` and `exo add`.
//! Either does all of its work or, on any error, leaves every file as it
//! was.

mod add;
mod import;
mod init;

pub use add::{AddRequest, AddSource, Added, add};
pub use import::{COMPOSE_FILES, Import, import};
pub use init::{application_yml, init};

use crate::adapters::git::GitError;
use crate::core::config::Problem;
use crate::ops::templates::TemplateError;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("`{0}` is not a valid application name")]
    BadName(String),
    #[error("`{0}` is not a valid service role")]
    BadRole(String),
    #[error("`{0}` is not a directory of the application")]
    BadLocation(String),
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    #[error("{} already exists", .0.display())]
    ApplicationExists(PathBuf),
    /// Problems in application.yml, found by the edit or by loading the
    /// result.
    #[error("the application's configuration has problems")]
    Invalid(Vec<Problem>),
    #[error("the repository {url} has no service.yml at its top")]
    NoServiceFile { url: String },
    #[error(transparent)]
    Outside(#[from] crate::adapters::paths::PathError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("no Compose file in {} ({})", .0.display(), COMPOSE_FILES.join(", "))]
    NoComposeFile(PathBuf),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Import(#[from] crate::core::import::ImportError),
    /// Files it would write, relative to the Compose file's directory.
    #[error("not importing: {} already exist{}", .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "), if .0.len() == 1 { "s" } else { "" })]
    WouldOverwrite(Vec<PathBuf>),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ScaffoldError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ScaffoldError + '_ {
        move |source| ScaffoldError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// What the user can do about it, where exo knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            ScaffoldError::BadName(name) => Some(format!(
                "use lowercase letters and digits separated by single hyphens, e.g. `{}`",
                crate::core::config::suggest_name(name)
            )),
            ScaffoldError::BadRole(_) => Some(
                "use letters and digits separated by single hyphens, e.g. `users-service`".into(),
            ),
            ScaffoldError::BadLocation(_) => {
                Some("give a directory relative to the application, e.g. `services/web`".into())
            }
            ScaffoldError::Exists(_) => {
                Some("choose another role, or another directory with `--location DIR`".into())
            }
            ScaffoldError::ApplicationExists(_) => Some("give `--force` to replace it".into()),
            ScaffoldError::Outside(_) => Some(crate::adapters::paths::PathError::HINT.into()),
            ScaffoldError::Template(TemplateError::NoValue { template, placeholder, .. }) => {
                Some(format!(
                    "give it one: `exo add ROLE --template {template} --set {placeholder}=VALUE`"
                ))
            }
            ScaffoldError::NoComposeFile(_) => {
                Some("give the file: `exo import path/to/docker-compose.yml`".into())
            }
            ScaffoldError::WouldOverwrite(_) => Some(
                "exo import writes a new application beside the Compose file: move those files away first".into(),
            ),
            ScaffoldError::NoServiceFile { .. } => Some(
                "a service repository holds its service.yml, Dockerfile.dev and Dockerfile.prod at the top".into(),
            ),
            _ => None,
        }
    }
}

/// Replaces `path` with `text` through a temporary file in its directory,
/// keeping the file's permissions, so that no reader sees half a file.
/// The JSON Schemas in the application's `.exosphere/schemas/`, where the
/// modelines of application.yml and of the services' service.yml point, so
/// that editors complete and check the files.
pub fn write_schemas(app_dir: &Path) -> Result<(), ScaffoldError> {
    let dir = app_dir.join(crate::core::schema::APPLICATION_DIR);
    crate::core::schema::write(&dir).map_err(ScaffoldError::io(&dir))?;
    Ok(())
}

pub fn write_atomically(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(ScaffoldError::io(path))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(ScaffoldError::io(path))?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        // Temporary files are private (0600); this one is meant to be committed.
        Err(_) => std::os::unix::fs::PermissionsExt::from_mode(0o644),
    };
    file.as_file()
        .set_permissions(permissions)
        .map_err(ScaffoldError::io(path))?;
    file.persist(path)
        .map_err(|e| ScaffoldError::io(path)(e.error))?;
    Ok(())
}

impl crate::core::exit::Exit for ScaffoldError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            ScaffoldError::BadName(_)
            | ScaffoldError::BadRole(_)
            | ScaffoldError::BadLocation(_)
            | ScaffoldError::Exists(_)
            | ScaffoldError::ApplicationExists(_)
            | ScaffoldError::NoComposeFile(_)
            | ScaffoldError::WouldOverwrite(_)
            | ScaffoldError::Invalid(_) => ExitStatus::Usage,
            ScaffoldError::Import(err) => err.exit_status(),
            ScaffoldError::Read { .. } => ExitStatus::Io,
            ScaffoldError::Outside(err) => err.exit_status(),
            ScaffoldError::Template(err) => err.exit_status(),
            ScaffoldError::Io { .. } => ExitStatus::Io,
            ScaffoldError::NoServiceFile { .. } | ScaffoldError::Git(_) => ExitStatus::Failure,
        }
    }
}
