//! Every byte exo prints goes through the [`Printer`]: messages and
//! diagnostics on stderr, container logs on stdout.

mod deploy;
mod logs;
mod progress;
mod summary;

pub use deploy::DeployProgress;
pub use logs::LogFormat;
pub use progress::Progress;

use crate::cli::ColorChoice;
use crate::config::{Problem, ProblemDiagnostic};
use miette::{GraphicalReportHandler, GraphicalTheme};
use std::io::{IsTerminal, Write};

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

    /// The table that ends `exo test`, on stderr with the other results.
    pub fn test_summary(&mut self, report: &crate::testing::Report) {
        self.stderr("");
        for line in summary::summary(report, self.color).lines() {
            self.stderr(line);
        }
    }

    /// Each problem with the lines of YAML it points at, then a summary.
    pub fn problems(&mut self, problems: &[Problem]) {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        for problem in problems {
            let mut text = String::new();
            let diagnostic = ProblemDiagnostic::from(problem.clone());
            if handler.render_report(&mut text, &diagnostic).is_err() {
                text = problem.headline();
            }
            self.stderr(text.trim_end());
            self.stderr("");
        }
        let count = problems.len();
        let plural = if count == 1 { "" } else { "s" };
        self.error(&format!(
            "the application's configuration has {count} problem{plural}"
        ));
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
