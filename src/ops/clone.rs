//! `exo clone`: an application's repository, then every service that names
//! a `repository`, in parallel. On failure only what this run created is
//! removed, so a retry starts from the same place.

use crate::adapters::git::{self, GitError};
use crate::core::config::{self, APPLICATION_FILE, LoadError, SERVICE_FILE, ServiceRepository};
use crate::core::lifecycle::CloneStep;
use std::path::{Path, PathBuf};
use tokio::task::JoinSet;

#[derive(Debug, thiserror::Error)]
pub enum CloneError {
    #[error("{} exists and is not an exo application", .0.display())]
    NotEmpty(PathBuf),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{url} holds no application.yml at its top")]
    NotAnApplication { url: String },
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Outside(#[from] crate::adapters::paths::PathError),
    #[error("{} could not be cloned", if .0.len() == 1 { "a service" } else { "some services" })]
    Services(Vec<ServiceFailure>),
    #[error("{}", occupied_message(.0))]
    Occupied(Vec<ServiceRepository>),
    #[error("cannot create {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Each folder that holds files but not the service's repository, named.
fn occupied_message(services: &[ServiceRepository]) -> String {
    services
        .iter()
        .map(|service| {
            format!(
                "{} holds files but is not a clone of the service {}'s repository ({})",
                service.location, service.role, service.url
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A service that could not be fetched, and why.
#[derive(Debug)]
pub struct ServiceFailure {
    pub role: String,
    pub message: String,
}

/// Where to clone `url` when no directory is given: its last part without
/// `.git`, as git does.
pub fn default_dir(url: &str) -> PathBuf {
    let last = url
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(url);
    PathBuf::from(last.strip_suffix(".git").unwrap_or(last))
}

/// What [`clone_application`] found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// The directory already held an application.
    Existing,
    /// The application was cloned; into a directory that existed (empty)
    /// before, or one that git created.
    Cloned { dir_existed: bool },
}

impl Fetched {
    /// Removes what the clone wrote into `dir`, keeping an empty directory
    /// the user had made.
    pub fn undo(self, dir: &Path) {
        if let Fetched::Cloned { dir_existed } = self {
            let _ = std::fs::remove_dir_all(dir);
            if dir_existed {
                let _ = std::fs::create_dir(dir);
            }
        }
    }
}

/// Clones the application at `url` into `dir`, unless `dir` already holds
/// an application (whose missing services are then fetched).
pub async fn clone_application(url: &str, dir: &Path) -> Result<Fetched, CloneError> {
    if dir.join(APPLICATION_FILE).is_file() {
        return Ok(Fetched::Existing);
    }
    let empty = std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none());
    if !empty {
        return Err(CloneError::NotEmpty(dir.to_path_buf()));
    }
    let fetched = Fetched::Cloned {
        dir_existed: dir.exists(),
    };
    if let Err(err) = git::clone(url, dir, false).await {
        fetched.undo(dir);
        return Err(err.into());
    }
    if !dir.join(APPLICATION_FILE).is_file() {
        fetched.undo(dir);
        return Err(CloneError::NotAnApplication {
            url: url.to_owned(),
        });
    }
    Ok(fetched)
}

/// What a service's folder holds, as far as cloning is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folder {
    /// Missing or empty: the service is cloned into it.
    Empty,
    /// A git checkout of its own: the service is there.
    Checkout,
    /// Files that are not a checkout: cloning would mix them up.
    Occupied,
}

fn folder(path: &Path) -> Folder {
    let empty = std::fs::read_dir(path).map_or(true, |mut entries| entries.next().is_none());
    if empty {
        Folder::Empty
    } else if path.join(".git").exists() {
        Folder::Checkout
    } else {
        Folder::Occupied
    }
}

/// The services of the application in `dir` whose folder is missing or
/// empty; an error naming every folder that holds other files instead.
pub fn missing_services(dir: &Path) -> Result<Vec<ServiceRepository>, CloneError> {
    let mut missing = Vec::new();
    let mut occupied = Vec::new();
    for service in config::service_repositories(dir)? {
        match folder(&dir.join(&service.location)) {
            Folder::Empty => missing.push(service),
            Folder::Checkout => {}
            Folder::Occupied => occupied.push(service),
        }
    }
    if occupied.is_empty() {
        Ok(missing)
    } else {
        Err(CloneError::Occupied(occupied))
    }
}

/// Clones every service in parallel, reporting each one's steps. If any
/// fails, every directory created here is removed again.
pub async fn clone_services(
    dir: &Path,
    services: &[ServiceRepository],
    report: impl Fn(&str, &CloneStep),
) -> Result<(), CloneError> {
    for service in services {
        crate::adapters::paths::inside(dir, &dir.join(&service.location))?;
    }
    let mut created: Vec<PathBuf> = Vec::new();
    // Empty folders the user made: emptied again on failure, not removed.
    let mut kept: Vec<PathBuf> = Vec::new();
    for service in services {
        let parent = dir.join(&service.location);
        let parent = parent.parent().unwrap_or(dir);
        if let Some(first_missing) = parent.ancestors().take_while(|p| !p.exists()).last() {
            created.push(first_missing.to_path_buf());
        }
        std::fs::create_dir_all(parent).map_err(|source| CloneError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
        let target = dir.join(&service.location);
        if target.exists() {
            kept.push(target.clone());
        }
        created.push(target);
    }
    let mut tasks = JoinSet::new();
    for service in services {
        report(
            &service.role,
            &CloneStep::Cloning {
                url: service.url.clone(),
            },
        );
        let service = service.clone();
        let target = dir.join(&service.location);
        tasks.spawn(async move {
            let result = match git::clone(&service.url, &target, false).await {
                Ok(()) if target.join(SERVICE_FILE).is_file() => Ok(()),
                Ok(()) => Err(format!("{} has no {SERVICE_FILE} at its top", service.url)),
                Err(GitError::Clone { message, .. }) => Err(message),
                Err(err) => Err(err.to_string()),
            };
            (service, result)
        });
    }
    let mut failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        // A task ends early only if the runtime shuts down under it.
        let Ok((service, result)) = joined else {
            continue;
        };
        match result {
            Ok(()) => report(
                &service.role,
                &CloneStep::Cloned {
                    location: service.location.clone(),
                },
            ),
            Err(message) => {
                report(
                    &service.role,
                    &CloneStep::Failed {
                        message: message.clone(),
                    },
                );
                failures.push(ServiceFailure {
                    role: service.role,
                    message,
                });
            }
        }
    }
    if failures.is_empty() {
        return Ok(());
    }
    for path in created.iter().rev() {
        let _ = std::fs::remove_dir_all(path);
    }
    for path in &kept {
        let _ = std::fs::create_dir_all(path);
    }
    failures.sort_by(|a, b| a.role.cmp(&b.role));
    Err(CloneError::Services(failures))
}

impl crate::core::exit::Exit for CloneError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            CloneError::Load(LoadError::Invalid(_)) | CloneError::NotEmpty(_) => ExitStatus::Usage,
            CloneError::Outside(err) => err.exit_status(),
            CloneError::Io { .. } | CloneError::Load(_) => ExitStatus::Io,
            CloneError::Git(_)
            | CloneError::NotAnApplication { .. }
            | CloneError::Services(_)
            | CloneError::Occupied(_) => ExitStatus::Failure,
        }
    }
}
