//! What happens to a container while exo runs the application, as typed
//! data: the runtime (`up/`) reports it, and the output module puts it in
//! words (`output/lifecycle.rs`). Neither imports the other for it.

use std::time::Duration;

/// Why exo restarts or rebuilds a container.
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    FilesChanged,
    /// Its files changed while it was starting.
    ChangedWhileStarting,
    /// Its files changed again while its image was being built.
    ChangedWhileRebuilding,
    /// A service it depends on restarted.
    Dependency(String),
    /// It stayed unhealthy this long.
    UnhealthyFor(Duration),
}

/// How a run that crashed ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i64),
    /// The engine could not start it.
    NotStarted,
}

/// A container's new state, while it is on its way somewhere.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Waits for these to be ready before it starts.
    WaitingFor(Vec<String>),
    Starting {
        /// Its container already ran: exo takes its run over.
        already_running: bool,
    },
    /// Starting again, after a stop for `cause` (or after a crash's backoff).
    Restarting(Option<Cause>),
    /// Its image is being built again.
    Rebuilding(Option<Cause>),
    /// Its image was built again: the new container starts.
    StartingRebuilt,
    /// Its readiness check did not pass yet, for this reason.
    NotReadyYet(String),
    Crashed {
        exit: Exit,
        restart_in: Duration,
        attempt: u32,
    },
    /// Its health check fails; exo restarts it after `restart_in` unless it
    /// recovers, or leaves it be.
    Unhealthy {
        restart_in: Option<Duration>,
    },
    HealthyAgain,
    /// The rebuild failed; the old container keeps running.
    RebuildFailedOldRuns,
}

/// Where a container arrived: the end of its start, good or bad.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// Ready `took` after its start, by the check described in `check`.
    Ready {
        took: Duration,
        check: String,
    },
    Exited {
        code: i64,
    },
    CouldNotStart,
    GaveUp {
        crashes: usize,
        window: Duration,
        code: i64,
    },
    Unhealthy,
    /// Its rebuild failed and no old container runs: it waits for a change.
    RebuildFailed,
}

impl Settled {
    pub fn is_good(&self) -> bool {
        matches!(self, Settled::Ready { .. })
    }
}

/// Why the application cannot become ready, because of one container.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    ExitedBeforeReady {
        code: i64,
    },
    /// The engine refused to start it, saying `message`.
    CouldNotStart {
        message: String,
    },
    /// It crashed too often, and others need it.
    GaveUp {
        crashes: usize,
        window: Duration,
        code: i64,
    },
    Unhealthy,
}

/// Why the application did not become ready, for one container at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub name: String,
    pub problem: Problem,
    /// Its readiness check, described.
    pub readiness: String,
    pub last_check: Option<LastCheck>,
    /// Its last log lines.
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Failed(Failure),
    /// Still starting when exo stopped waiting, after this long.
    NotReadyAfter(Duration),
}

/// What its readiness check saw last.
#[derive(Debug, Clone, PartialEq)]
pub enum LastCheck {
    /// The engine's healthcheck command exited with `code`, saying `said`.
    Healthcheck { code: i64, said: String },
    /// A host-side check or a log line, as the check described it.
    Seen(String),
}

/// What the runtime says about the application as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Building {
        services: Vec<String>,
    },
    BuildFailed,
    CreateFailed(String),
    /// Everything is ready, `took` after the start, and exo returns.
    ReadyDetached {
        names: Vec<String>,
        took: Duration,
    },
    /// Files of these services are watched, natively or by polling.
    Watching {
        services: Vec<String>,
        polling: Option<(Duration, String)>,
    },
    NotWatching(String),
    Stopping {
        project: String,
    },
    /// `docker compose down` failed.
    DownFailed,
    /// A second Ctrl-C: the containers are killed.
    Killing {
        project: String,
    },
}

/// A test's line while `exo test` runs it.
#[derive(Debug, Clone, PartialEq)]
pub enum TestStep {
    Running,
    Passed { took: Duration },
    Failed { exit_code: i32, took: Duration },
    Interrupted,
    StoppedByFailFast,
}

/// What `exo test` says about its run as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum TestNotice {
    BuildingTestImages {
        roles: Vec<String>,
    },
    /// The test image of `role` (or, without a role, the end-to-end tests'
    /// image) did not build; the last lines of its build.
    ImageFailed {
        role: Option<String>,
        last_lines: Vec<String>,
    },
    StartingApplication,
    BuildingEndToEndImage,
    Removing {
        project: String,
    },
}

/// A service repository's line while `exo clone` fetches it.
#[derive(Debug, Clone, PartialEq)]
pub enum CloneStep {
    Cloning { url: String },
    Cloned { location: String },
    Failed { message: String },
}
