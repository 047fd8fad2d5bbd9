//! The state of each container while the application comes up.

use super::lifecycle::changed_files;
use super::logs::{LogFormat, LogStyle};
use crate::adapters::docker::LogLine;
use crate::core::lifecycle::{CloneStep, Settled, Step};
use indexmap::IndexMap;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// One line per container: a spinner on a terminal, plain lines otherwise.
pub struct Progress {
    style: LogStyle,
    color: bool,
    /// The last state shown per container, so that plain output repeats none.
    shown: std::cell::RefCell<IndexMap<String, String>>,
    live: Option<(MultiProgress, IndexMap<String, ProgressBar>)>,
}

impl Progress {
    pub(super) fn new(names: &[String], terminal: bool, color: bool, logs: LogFormat) -> Self {
        let style = LogStyle::new(names, logs);
        let live = terminal.then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let spinner = ProgressStyle::with_template("{spinner} {prefix} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let bars = names
                .iter()
                .map(|name| {
                    let bar = multi.add(ProgressBar::new_spinner());
                    bar.set_style(spinner.clone());
                    bar.set_prefix(style.name(name));
                    bar.set_message("waiting");
                    bar.enable_steady_tick(Duration::from_millis(120));
                    (name.clone(), bar)
                })
                .collect();
            (multi, bars)
        });
        Progress {
            style,
            color,
            shown: std::cell::RefCell::default(),
            live,
        }
    }

    /// A new state of one container, e.g. "starting" or "waiting for db".
    pub fn state(&self, name: &str, state: &str) {
        match &self.live {
            Some((_, bars)) => {
                if let Some(bar) = bars.get(name) {
                    bar.set_message(state.to_owned());
                }
            }
            None => self.plain(name, state),
        }
    }

    /// A final state: the spinner stops with this text.
    pub fn done(&self, name: &str, state: &str, ok: bool) {
        match &self.live {
            Some((_, bars)) => {
                if let Some(bar) = bars.get(name) {
                    let mark = match (ok, self.color) {
                        (true, true) => "\x1b[32m✔\x1b[0m",
                        (false, true) => "\x1b[31m✘\x1b[0m",
                        (true, false) => "✔",
                        (false, false) => "✘",
                    };
                    bar.set_style(
                        ProgressStyle::with_template("{prefix} {wide_msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar.finish_with_message(format!("{mark} {state}"));
                }
            }
            None => self.plain(name, state),
        }
    }

    /// A container's new step on its way.
    pub fn step(&self, name: &str, step: &Step) {
        self.state(name, &step.to_string());
    }

    /// Where a container's start ended.
    pub fn settled(&self, name: &str, settled: &Settled) {
        self.done(name, &settled.to_string(), settled.is_good());
    }

    /// A service repository's step in `exo clone`.
    pub fn clone_step(&self, name: &str, step: &CloneStep) {
        match step {
            CloneStep::Cloning { url } => self.state(name, &format!("cloning {url}")),
            CloneStep::Cloned { location } => {
                self.done(name, &format!("cloned into {location}"), true)
            }
            CloneStep::Failed { message } => self.done(name, &format!("failed: {message}"), false),
        }
    }

    /// A container's watched files changed.
    pub fn changed(&self, name: &str, paths: &[PathBuf]) {
        self.state(name, &changed_files(paths));
    }

    /// A container exited once everything was ready: said among its lines.
    pub fn exited(&self, name: &str, code: i64) {
        let text = Settled::Exited { code }.to_string();
        self.log(&LogLine {
            service: name.to_owned(),
            text,
        });
    }

    /// A line of a failed rebuild's output, among the container's lines.
    pub fn rebuild_output(&self, name: &str, line: &str) {
        self.log(&LogLine {
            service: name.to_owned(),
            text: format!("rebuild: {line}"),
        });
    }

    /// A container's log line, on stdout, above the live lines.
    pub fn log(&self, line: &LogLine) {
        let text = self.style.line(line);
        let print = || {
            let _ = writeln!(std::io::stdout().lock(), "{text}");
        };
        match &self.live {
            Some((multi, _)) => multi.suspend(print),
            None => print(),
        }
    }

    /// A line about the whole application, on stderr.
    pub fn note(&self, text: &str) {
        let print = || {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        };
        match &self.live {
            Some((multi, _)) => multi.suspend(print),
            None => print(),
        }
    }

    /// Stops drawing; later output is plain.
    pub fn finish(&mut self) {
        if let Some((multi, bars)) = self.live.take() {
            for bar in bars.values() {
                if !bar.is_finished() {
                    bar.finish();
                }
            }
            drop(multi);
        }
    }

    fn plain(&self, name: &str, state: &str) {
        let previous = self
            .shown
            .borrow_mut()
            .insert(name.to_owned(), state.to_owned());
        if previous.as_deref() != Some(state) {
            let _ = writeln!(
                std::io::stderr().lock(),
                "{} {state}",
                self.style.name(name)
            );
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl crate::ops::report::Live for Progress {
    fn step(&self, name: &str, step: &Step) {
        Progress::step(self, name, step);
    }

    fn settled(&self, name: &str, settled: &Settled) {
        Progress::settled(self, name, settled);
    }

    fn changed(&self, name: &str, paths: &[PathBuf]) {
        Progress::changed(self, name, paths);
    }

    fn exited(&self, name: &str, code: i64) {
        Progress::exited(self, name, code);
    }

    fn rebuild_output(&self, name: &str, line: &str) {
        Progress::rebuild_output(self, name, line);
    }

    fn log(&self, line: &LogLine) {
        Progress::log(self, line);
    }

    fn summary(&self, summary: &crate::core::lifecycle::Summary) {
        Progress::summary(self, summary);
    }

    fn start_failure_hint(&self, message: &str, host_port: &crate::core::lifecycle::HostPortIn) {
        Progress::start_failure_hint(self, message, host_port);
    }

    fn test_step(&self, name: &str, step: &crate::core::lifecycle::TestStep) {
        Progress::test_step(self, name, step);
    }

    fn finish(&mut self) {
        Progress::finish(self);
    }
}
