//! What a run of `exo test` found: one case per service test and per
//! end-to-end suite. Pure data, read by the summary, the JUnit writer and the
//! exit code.

use std::time::Duration;

/// What was tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A service's `scripts.test`, in a container of its image.
    Service,
    /// The application's end-to-end suite (`tests` in application.yml).
    EndToEnd,
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// The test ran and exited with this code.
    Failed {
        exit_code: i32,
    },
    /// Its image did not build; the case's output is the build's.
    BuildFailed,
    /// It could not run, for this reason (e.g. a dependency never became
    /// ready).
    NotRun {
        reason: String,
    },
    /// It was not run on purpose: no test script, `--fail-fast`, Ctrl-C.
    Skipped {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The role, or `end-to-end`.
    pub name: String,
    pub kind: Kind,
    pub verdict: Verdict,
    /// How long the test itself ran, when it ran.
    pub duration: Option<Duration>,
    /// What it printed (or its build printed), both streams in order.
    pub output: String,
}

impl TestCase {
    pub fn new(name: &str, kind: Kind, verdict: Verdict) -> Self {
        TestCase {
            name: name.to_owned(),
            kind,
            verdict,
            duration: None,
            output: String::new(),
        }
    }
}

/// The name of the end-to-end suite's case.
pub const END_TO_END: &str = "end-to-end";

/// How the run as a whole ended, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    Interrupted,
    /// A test could not run: an image did not build, or a dependency did
    /// not become ready.
    Broken,
    /// A test failed.
    Failed,
    Passed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub application: String,
    pub cases: Vec<TestCase>,
    pub interrupted: bool,
    pub duration: Duration,
}

impl Report {
    pub fn count(&self, wanted: impl Fn(&Verdict) -> bool) -> usize {
        self.cases.iter().filter(|c| wanted(&c.verdict)).count()
    }

    pub fn passed(&self) -> usize {
        self.count(|v| *v == Verdict::Passed)
    }

    pub fn failed(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Failed { .. }))
    }

    /// Cases that could not run: build failures and missing dependencies.
    pub fn broken(&self) -> usize {
        self.count(|v| matches!(v, Verdict::BuildFailed | Verdict::NotRun { .. }))
    }

    pub fn skipped(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Skipped { .. }))
    }

    pub fn conclusion(&self) -> Conclusion {
        if self.interrupted {
            Conclusion::Interrupted
        } else if self.broken() > 0 {
            Conclusion::Broken
        } else if self.failed() > 0 {
            Conclusion::Failed
        } else {
            Conclusion::Passed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(verdicts: &[Verdict]) -> Report {
        Report {
            application: "shop".into(),
            cases: verdicts
                .iter()
                .enumerate()
                .map(|(i, v)| TestCase::new(&format!("s{i}"), Kind::Service, v.clone()))
                .collect(),
            interrupted: false,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn the_most_serious_case_decides() {
        let skipped = Verdict::Skipped {
            reason: "no test script".into(),
        };
        let failed = Verdict::Failed { exit_code: 1 };
        assert_eq!(
            report(&[Verdict::Passed, skipped.clone()]).conclusion(),
            Conclusion::Passed
        );
        assert_eq!(
            report(&[Verdict::Passed, failed.clone()]).conclusion(),
            Conclusion::Failed
        );
        assert_eq!(
            report(&[failed, Verdict::BuildFailed]).conclusion(),
            Conclusion::Broken
        );
        let mut interrupted = report(&[Verdict::BuildFailed]);
        interrupted.interrupted = true;
        assert_eq!(interrupted.conclusion(), Conclusion::Interrupted);
    }
}
