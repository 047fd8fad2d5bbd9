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
    #[error("{url} has no `{reference}` (a branch, tag or commit): {message}")]
    Reference {
        url: String,
        reference: String,
        message: String,
    },
}

/// Clones `url` into `target`, which git creates; only the newest commit
/// when `shallow`. Never prompts: a repository that needs credentials git
/// does not have fails with git's message.
pub async fn clone(url: &str, target: &Path, shallow: bool) -> Result<(), GitError> {
    let mut flags = vec!["clone", "--quiet"];
    if shallow {
        flags.extend(["--depth", "1"]);
    }
    clone_with(url, target, &flags).await
}

async fn clone_with(url: &str, target: &Path, flags: &[&str]) -> Result<(), GitError> {
    let mut command = Command::new("git");
    command
        .args(flags)
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

/// Clones `url` into `target` at `reference` (a branch or tag: its newest
/// commit alone; a commit: the history, then that commit; none: the
/// default branch's newest commit). Returns the commit checked out.
pub async fn clone_at(
    url: &str,
    target: &Path,
    reference: Option<&str>,
) -> Result<String, GitError> {
    let wrong_reference = |message: String| GitError::Reference {
        url: url.to_owned(),
        reference: reference.unwrap_or_default().to_owned(),
        message,
    };
    match reference {
        None => clone_with(url, target, &["clone", "--quiet", "--depth", "1"]).await?,
        Some(commit) if is_commit(commit) => {
            clone_with(url, target, &["clone", "--quiet", "--no-checkout"]).await?;
            git_in(target, &["checkout", "--quiet", "--detach", commit])
                .await
                .map_err(wrong_reference)?;
        }
        Some(name) => {
            let flags = ["clone", "--quiet", "--depth", "1", "--branch", name];
            clone_with(url, target, &flags)
                .await
                .map_err(|err| match err {
                    GitError::Clone { message, .. } => wrong_reference(message),
                    other => other,
                })?;
        }
    }
    git_in(target, &["rev-parse", "HEAD"])
        .await
        .map_err(wrong_reference)
}

/// Whether `reference` reads as a commit: 7 to 40 hexadecimal digits.
fn is_commit(reference: &str) -> bool {
    (7..=40).contains(&reference.len()) && reference.chars().all(|c| c.is_ascii_hexdigit())
}

/// Runs git in `dir`; its output, or its error message.
async fn git_in(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|err| err.to_string())?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}

/// Runs `work` on a runtime of its own, for commands that need one.
pub fn blocking<T>(
    url: &str,
    work: impl std::future::Future<Output = Result<T, GitError>>,
) -> Result<T, GitError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| GitError::Clone {
            url: url.to_owned(),
            message: err.to_string(),
        })?;
    runtime.block_on(work)
}

/// Clones on a runtime of its own, for commands that need one clone.
pub fn clone_blocking(url: &str, target: &Path, shallow: bool) -> Result<(), GitError> {
    blocking(url, clone(url, target, shallow))
}

impl crate::core::exit::Exit for GitError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            GitError::NotInstalled | GitError::Clone { .. } | GitError::Reference { .. } => {
                crate::core::exit::ExitStatus::Failure
            }
        }
    }
}
