//! What the operations tell a person while they run, as typed events: the
//! interface implements these traits and words every event
//! (`interface::output`), so that operations never reach up to it.

use crate::adapters::docker::LogLine;
use crate::core::lifecycle::{
    Explanation, HostPortIn, Notice, Settled, Step, Summary, TestNotice, TestStep,
};
use std::path::PathBuf;

/// How the containers' log lines are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogFormat {
    pub prefix: bool,
    pub color: bool,
}

/// Where an operation reports what happens.
pub trait Reporter {
    fn notice(&mut self, notice: &Notice);
    fn test_notice(&mut self, notice: &TestNotice);
    /// Why a container is not ready, with what it printed.
    fn explain(&mut self, why: &Explanation);
    /// A container that never started, because of what it waits for.
    fn never_started(&mut self, name: &str, needs: &[String]);
    /// A live view of `names` while they come up, and their logs.
    fn live(&mut self, names: &[String], logs: LogFormat) -> Box<dyn Live>;
    /// A performance scenario starts loading `target` at `rate` for `seconds`.
    fn load_starts(&mut self, scenario: &str, target: &str, rate: f64, seconds: f64);
    /// How a scenario's load is going, about once a second.
    fn load_progress(&mut self, scenario: &str, progress: &crate::adapters::load::Progress);
    /// The scenario's load is over.
    fn load_done(&mut self);
    /// A scenario's k6 script starts, against the services at `urls`
    /// (variable and URL).
    fn k6_starts(&mut self, scenario: &str, script: &str, urls: &[(String, String)]);
    /// A scenario did not run, and why.
    fn scenario_skipped(&mut self, scenario: &str, reason: &str);
}

/// The live view of a set of containers.
pub trait Live: Send {
    fn step(&self, name: &str, step: &Step);
    fn settled(&self, name: &str, settled: &Settled);
    fn changed(&self, name: &str, paths: &[PathBuf]);
    fn exited(&self, name: &str, code: i64);
    fn rebuild_output(&self, name: &str, line: &str);
    fn log(&self, line: &LogLine);
    fn summary(&self, summary: &Summary);
    fn start_failure_hint(&self, message: &str, host_port: &HostPortIn);
    fn test_step(&self, name: &str, step: &TestStep);
    /// Ends the view: what is shown stays.
    fn finish(&mut self);
}
