//! External scanners (hadolint, Trivy) run as separate processes.

use std::path::Path;
use std::process::Command;

/// What running a scanner gave.
#[derive(Debug)]
pub enum Outcome {
    /// Its standard output.
    Ran(String),
    /// It is not on PATH.
    NotInstalled,
    /// It could not run or said nothing usable: why.
    Failed(String),
}

/// Runs `program` with `args` in `dir`; a non-zero exit with output is a
/// run (scanners exit non-zero when they find something).
pub fn run(program: &str, args: &[&str], dir: &Path) -> Outcome {
    let Ok(path) = which::which(program) else {
        return Outcome::NotInstalled;
    };
    match Command::new(path).args(args).current_dir(dir).output() {
        Ok(output) if !output.stdout.is_empty() => {
            Outcome::Ran(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Ok(output) => Outcome::Failed(
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("no output")
                .to_owned(),
        ),
        Err(err) => Outcome::Failed(err.to_string()),
    }
}
