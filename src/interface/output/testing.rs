//! The words of `exo test` while it runs ([`crate::core::lifecycle`]'s test
//! steps and notices); the summary at the end is `testing/summary.rs`.

use super::{Printer, Progress};
use crate::core::lifecycle::{TestNotice, TestStep};

impl Printer {
    pub fn test_notice(&mut self, notice: &TestNotice) {
        match notice {
            TestNotice::BuildingTestImages { roles } => {
                self.status("Building", &format!("test images of {}", roles.join(", ")));
            }
            TestNotice::ImageFailed { role, last_lines } => {
                match role {
                    Some(role) => self.error(&format!("`{role}`: its test image did not build")),
                    None => self.error("the end-to-end tests' image did not build"),
                }
                self.detail(&last_lines.join("\n"));
            }
            TestNotice::StartingApplication => {
                self.status("Starting", "the application for its end-to-end tests");
            }
            TestNotice::BuildingEndToEndImage => {
                self.status("Building", "the end-to-end tests' image");
            }
            TestNotice::Removing { project } => {
                self.status("Removing", &format!("the test containers of {project}"));
            }
        }
    }
}

impl Progress {
    /// A test's new step: running, or how it ended.
    pub fn test_step(&self, name: &str, step: &TestStep) {
        let seconds = |took: &std::time::Duration| took.as_secs_f64();
        match step {
            TestStep::Running => self.state(name, "running"),
            TestStep::Passed { took } => {
                self.done(name, &format!("passed in {:.1} s", seconds(took)), true);
            }
            TestStep::Failed { exit_code, took } => self.done(
                name,
                &format!("failed (exit code {exit_code}) in {:.1} s", seconds(took)),
                false,
            ),
            TestStep::Interrupted => self.done(name, "interrupted", false),
            TestStep::StoppedByFailFast => self.done(name, "stopped by --fail-fast", false),
        }
    }
}
