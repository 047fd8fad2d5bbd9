//! The only code that runs the `git` CLI: cloning repositories for
//! `exo clone`, `exo add --repo` and `exo template add`. Using git itself
//! keeps the user's credentials helpers, SSH keys and URL rewrites working.

use std::path::Path;
use std::process::Stdio;
use tokio::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("`git` was not found on PATH")]
    NotInstalled,
    #[error("git clone {url} failed: {message}")]
    Clone { url: String, message: String },
}

/// Clones `url` into `target`, which git creates; only the newest commit
/// when `shallow`. Never prompts: a repository that needs credentials git
/// does not have fails with git's message.
pub async fn clone(url: &str, target: &Path, shallow: bool) -> Result<(), GitError> {
    let mut command = Command::new("git");
    command.args(["clone", "--quiet"]);
    if shallow {
        command.args(["--depth", "1"]);
    }
    command
        .arg("--")
        .arg(url)
        .arg(target)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = command.output().await.map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => GitError::NotInstalled,
        _ => GitError::Clone {
            url: url.to_owned(),
            message: err.to_string(),
        },
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let message = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    Err(GitError::Clone {
        url: url.to_owned(),
        message: if message.is_empty() {
            output.status.to_string()
        } else {
            message
        },
    })
}

/// Clones on a runtime of its own, for commands that need one clone.
pub fn clone_blocking(url: &str, target: &Path, shallow: bool) -> Result<(), GitError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| GitError::Clone {
            url: url.to_owned(),
            message: err.to_string(),
        })?;
    runtime.block_on(clone(url, target, shallow))
}

impl crate::core::exit::Exit for GitError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            GitError::NotInstalled | GitError::Clone { .. } => {
                crate::core::exit::ExitStatus::Failure
            }
        }
    }
}
