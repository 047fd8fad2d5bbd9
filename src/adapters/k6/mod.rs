//! k6 (the user's own load scripts) run as a separate process, when it is
//! on PATH: `k6 run` with the services' URLs in its environment, its
//! summary read back from `--summary-export`. k6 exits 99 when a threshold
//! is crossed: that is a finding, not a failure to run.

mod summary;

pub use summary::{Latency, Summary, SummaryError, TREND_STATS, Threshold, parse_summary};

use std::path::Path;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// k6's exit status when a threshold was crossed.
const THRESHOLDS_CROSSED: i32 = 99;
/// Lines of k6's standard error kept to say why it failed.
const STDERR_LINES: usize = 5;

/// What running a k6 script gave.
#[derive(Debug)]
pub enum Outcome {
    /// It ran to its end; `crossed` when it exited 99.
    Ran { summary: Summary, crossed: bool },
    /// `k6` is not on PATH.
    NotInstalled,
    /// It could not run the script: why, with the end of its standard error.
    Failed(String),
}

/// Runs `script` in `dir` with the `k6` of PATH, `env` added to exo's
/// environment.
pub async fn run(script: &Path, dir: &Path, env: &[(String, String)]) -> Outcome {
    match which::which("k6") {
        Ok(program) => run_with(&program, script, dir, env).await,
        Err(_) => Outcome::NotInstalled,
    }
}

/// Runs `script` in `dir` with `program` (a k6 binary). Dropping the
/// future (Ctrl-C) kills k6.
pub async fn run_with(
    program: &Path,
    script: &Path,
    dir: &Path,
    env: &[(String, String)],
) -> Outcome {
    let exported = match tempfile::Builder::new()
        .prefix("exo-k6-")
        .suffix(".json")
        .tempfile()
    {
        Ok(file) => file.into_temp_path(),
        Err(err) => return Outcome::Failed(format!("cannot make a file for k6's summary: {err}")),
    };
    let mut child = match Command::new(program)
        .arg("run")
        .args([
            "--quiet",
            "--no-color",
            "--no-usage-report",
            "--address",
            "",
        ])
        .arg("--summary-trend-stats")
        .arg(TREND_STATS)
        .arg("--summary-export")
        .arg(&exported)
        .arg(script)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(child) => child,
        Err(err) => return Outcome::Failed(format!("cannot start k6: {err}")),
    };
    // Only the last lines are kept: a script may log without end.
    let mut last = std::collections::VecDeque::with_capacity(STDERR_LINES + 1);
    if let Some(pipe) = child.stderr.take() {
        let mut lines = BufReader::new(pipe).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if !line.trim().is_empty() {
                last.push_back(line);
                if last.len() > STDERR_LINES {
                    last.pop_front();
                }
            }
        }
    }
    let stderr = Vec::from(last).join("\n");
    let status = match child.wait().await {
        Ok(status) => status,
        Err(err) => return Outcome::Failed(format!("k6 did not finish: {err}")),
    };
    let crossed = match status.code() {
        Some(0) => false,
        Some(THRESHOLDS_CROSSED) => true,
        code => {
            let how = code.map_or("was killed".to_owned(), |c| format!("exited with {c}"));
            return Outcome::Failed(format!("k6 {how}{}", tail(&stderr)));
        }
    };
    let summary = std::fs::read_to_string(&exported)
        .map_err(|err| format!("k6 wrote no summary: {err}"))
        .and_then(|text| parse_summary(&text).map_err(|err| err.to_string()));
    match summary {
        Ok(summary) => Outcome::Ran { summary, crossed },
        Err(why) => Outcome::Failed(format!("{why}{}", tail(&stderr))),
    }
}

/// The last lines of k6's standard error, after a colon; nothing if empty.
fn tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let kept = &lines[lines.len().saturating_sub(STDERR_LINES)..];
    format!(":\n{}", kept.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_lines_that_say_something() {
        assert_eq!(tail(""), "");
        let many: String = (1..=8).map(|i| format!("line {i}\n\n")).collect();
        assert_eq!(tail(&many), ":\nline 4\nline 5\nline 6\nline 7\nline 8");
    }
}
