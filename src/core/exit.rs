//! Exit codes, the same for every command (listed in the book's
//! docs/src/reference/exit-codes.md).

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done.
    Success,
    /// 1: the command ran and found something wrong (e.g. stale files).
    Failure,
    /// 2: the command line or the application's configuration is invalid.
    Usage,
    /// 3: Docker or Compose is missing, or the daemon cannot be reached.
    Docker,
    /// 4: a file could not be read or written.
    Io,
    /// 5: `exo test` could not run a test: an image did not build, or a
    /// dependency did not become ready.
    TestsNotRun,
    /// 124: the application was not ready in time (GNU `timeout`'s code).
    Timeout,
    /// 130: interrupted with Ctrl-C.
    Interrupted,
    /// The exit code of `docker compose`, passed on.
    Compose(u8),
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Docker => 3,
            ExitStatus::Io => 4,
            ExitStatus::TestsNotRun => 5,
            ExitStatus::Timeout => 124,
            ExitStatus::Interrupted => 130,
            ExitStatus::Compose(code) => code,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}

/// An error that knows how it ends a command. Each error type answers
/// with an exhaustive match, so that a new variant cannot compile without
/// its status.
pub trait Exit {
    fn exit_status(&self) -> ExitStatus;
}
