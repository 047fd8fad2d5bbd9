//! Every byte exo prints goes through the [`Printer`]: messages and
//! diagnostics on stderr, container logs on stdout.

mod deploy;
pub mod deployment;
pub mod import;
mod lifecycle;
mod logs;
pub mod performance;
mod progress;
mod security;
mod status;
mod summary;
pub mod templates;
mod testing;
mod version;

pub use deploy::DeployProgress;
pub use logs::LogFormat;
pub use progress::Progress;
pub use status::StatusFormat;
pub use version::versions;

use crate::core::config::{Problem, ProblemDiagnostic};
use miette::{GraphicalReportHandler, GraphicalTheme};
use std::io::{IsTerminal, Write};

/// `1 log line`, `3 log lines`: a count with its noun in the right number.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Added lines green, removed ones red, hunk headers cyan, as `git diff`.
fn paint_diff(diff: &str, color: bool) -> String {
    let mut out = String::with_capacity(diff.len() + 64);
    for line in diff.lines() {
        let style = match line.as_bytes().first() {
            _ if !color => None,
            _ if line.starts_with("+++") || line.starts_with("---") => Some("\x1b[1m"),
            Some(b'+') => Some("\x1b[32m"),
            Some(b'-') => Some("\x1b[31m"),
            Some(b'@') => Some("\x1b[36m"),
            _ => None,
        };
        match style {
            Some(style) => out.push_str(&format!("{style}{line}\x1b[0m\n")),
            None => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

/// Whether exo may colour what it prints: `Auto` colours on a terminal,
/// `Never` (`--no-color`, `NO_COLOR`) nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Never,
}

pub struct Printer {
    choice: ColorChoice,
    color: bool,
    terminal: bool,
}

impl Printer {
    pub fn new(choice: ColorChoice) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let color = choice == ColorChoice::Auto && terminal;
        Printer {
            choice,
            color,
            terminal,
        }
    }

    /// Plain lines whatever stderr is, for tests.
    #[cfg(test)]
    pub fn plain() -> Self {
        Printer {
            choice: ColorChoice::Never,
            color: false,
            terminal: false,
        }
    }

    /// Whether container logs, on stdout, are coloured: only on a terminal.
    pub fn log_color(&self) -> bool {
        self.choice == ColorChoice::Auto && std::io::stdout().is_terminal()
    }

    /// A status display for containers coming up: live lines on a terminal,
    /// one plain line per change otherwise.
    pub fn progress(&self, names: &[String], logs: LogFormat) -> Progress {
        Progress::new(names, self.terminal, self.color, logs)
    }

    /// Whether a person can answer questions: stdin and stderr are a terminal.
    pub fn interactive(&self) -> bool {
        self.terminal && std::io::stdin().is_terminal()
    }

    /// Asks `question` on stderr and reads the answer from stdin; an empty
    /// answer is `default`. `None` when stdin is closed.
    pub fn ask(&mut self, question: &str, default: &str) -> Option<String> {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "{question} [{default}]: ");
        let _ = stderr.flush();
        let mut answer = String::new();
        match std::io::stdin().read_line(&mut answer) {
            Ok(0) | Err(_) => None,
            Ok(_) if answer.trim().is_empty() => Some(default.to_owned()),
            Ok(_) => Some(answer.trim().to_owned()),
        }
    }

    /// Rows under a header, columns padded to the widest cell, on stdout
    /// (the command's result, for a pipe too).
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:width$}"))
                .collect();
            padded.join("  ").trim_end().to_owned()
        };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", line(header.to_vec()));
        for row in rows {
            let _ = writeln!(stdout, "{}", line(row.iter().map(String::as_str).collect()));
        }
    }

    /// The command's result as it is (a script, a graph), on stdout.
    pub fn out(&mut self, text: &str) {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }

    /// A unified diff, on stdout, coloured when stdout is a terminal that
    /// takes colours.
    pub fn diff(&mut self, diff: &str) {
        let text = paint_diff(diff, self.log_color());
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }

    /// A warning, on stderr.
    pub fn warn(&mut self, message: &str) {
        let label = self.paint("warning:", "\x1b[1;33m");
        self.stderr(&format!("{label} {message}"));
    }

    /// A block of text that explains a failure (log lines, probe results).
    pub fn detail(&mut self, text: &str) {
        for line in text.lines() {
            self.stderr(&format!("  {line}"));
        }
    }

    /// A line of progress or result, on stderr.
    pub fn status(&mut self, verb: &str, message: &str) {
        let verb = self.paint(verb, "\x1b[1;32m");
        self.stderr(&format!("{verb} {message}"));
    }

    pub fn error(&mut self, message: &str) {
        let label = self.paint("error:", "\x1b[1;31m");
        self.stderr(&format!("{label} {message}"));
    }

    /// Whether messages on stderr are coloured.
    pub fn color(&self) -> bool {
        self.color
    }

    /// A block of lines made elsewhere (e.g. the summary of `exo test`),
    /// after a blank line, on stderr with the other results.
    pub fn block(&mut self, text: &str) {
        self.stderr("");
        for line in text.lines() {
            self.stderr(line);
        }
    }

    /// Each problem with the lines of YAML it points at, then a summary.
    pub fn problems(&mut self, problems: &[Problem]) {
        for problem in problems {
            self.diagnostic(ProblemDiagnostic::from(problem.clone()));
        }
        self.error(&format!(
            "the application's configuration has {}",
            counted(problems.len(), "problem")
        ));
    }

    /// Each warning with the lines of YAML it points at, as problems are.
    pub fn warnings(&mut self, warnings: &[Problem]) {
        for warning in warnings {
            self.diagnostic(ProblemDiagnostic::warning(warning.clone()));
        }
    }

    fn diagnostic(&mut self, diagnostic: ProblemDiagnostic) {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        let mut text = String::new();
        if handler.render_report(&mut text, &diagnostic).is_err() {
            text = diagnostic.headline();
        }
        self.stderr(text.trim_end());
        self.stderr("");
    }

    fn paint(&self, text: &str, style: &str) -> String {
        if self.color {
            format!("{style}{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn stderr(&mut self, line: &str) {
        // A closed stderr leaves nothing useful to do with the error.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

impl crate::ops::report::Reporter for Printer {
    fn notice(&mut self, notice: &crate::core::lifecycle::Notice) {
        Printer::notice(self, notice);
    }

    fn test_notice(&mut self, notice: &crate::core::lifecycle::TestNotice) {
        Printer::test_notice(self, notice);
    }

    fn explain(&mut self, why: &crate::core::lifecycle::Explanation) {
        Printer::explain(self, why);
    }

    fn never_started(&mut self, name: &str, needs: &[String]) {
        Printer::never_started(self, name, needs);
    }

    fn live(&mut self, names: &[String], logs: LogFormat) -> Box<dyn crate::ops::report::Live> {
        Box::new(self.progress(names, logs))
    }

    fn load_starts(&mut self, scenario: &str, target: &str, rate: f64, seconds: f64) {
        Printer::load_starts(self, scenario, target, rate, seconds);
    }

    fn load_progress(&mut self, scenario: &str, progress: &crate::adapters::load::Progress) {
        Printer::load_progress(self, scenario, progress);
    }

    fn load_done(&mut self) {
        Printer::load_done(self);
    }

    fn k6_starts(&mut self, scenario: &str, script: &str, urls: &[(String, String)]) {
        Printer::k6_starts(self, scenario, script, urls);
    }

    fn scenario_skipped(&mut self, scenario: &str, reason: &str) {
        Printer::scenario_skipped(self, scenario, reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_are_coloured_like_git_diff_only_when_asked() {
        let diff = "--- a (on disk)\n+++ a (generated)\n@@ -1 +1 @@\n-old\n+new\n same\n";
        assert_eq!(paint_diff(diff, false), diff);
        assert_eq!(
            paint_diff(diff, true),
            "\x1b[1m--- a (on disk)\x1b[0m\n\x1b[1m+++ a (generated)\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\x1b[31m-old\x1b[0m\n\x1b[32m+new\x1b[0m\n same\n"
        );
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(1, "log line"), "1 log line");
        assert_eq!(counted(3, "log line"), "3 log lines");
        assert_eq!(counted(0, "problem"), "0 problems");
    }
}
