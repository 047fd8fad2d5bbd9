//! What happens to a container while exo runs the application, as typed
//! data: the runtime (`up/`) reports it, and the output module puts it in
//! words (`output/lifecycle.rs`). Neither imports the other for it.

use std::time::Duration;

/// How long a container without a check (no port, no health check, no log
/// line: a worker) must keep running before exo counts it ready, as
/// Kubernetes' `minReadySeconds` does: one that crashes at once is never
/// called ready. Compose's `--wait` counts such a container ready the
/// moment it runs.
pub const MIN_READY: Duration = Duration::from_secs(1);

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

/// How the last run of a container exo gave up on ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// It ran and exited with this code.
    Code(i64),
    /// The engine could not start it, saying `message`.
    NotStarted { message: String },
}

/// Where the `host-port` of a container is set: the hint when another
/// process holds that port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPortIn {
    /// A dependency's, in application.yml.
    ApplicationYml,
    /// A service's, in its service.yml under `section` (`development` or
    /// `production`).
    ServiceYml { role: String, section: &'static str },
}

/// A container's new state, while it is on its way somewhere.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Its image is being built; it starts once built and what it needs is
    /// ready.
    Building,
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
        code: i64,
        restart_in: Duration,
        attempt: u32,
    },
    /// The engine could not start it, saying `message`: exo tries again.
    StartFailed {
        message: String,
        retry_in: Duration,
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
    /// Too many crashes or failed starts within `window`; `last` is how
    /// the last one ended.
    GaveUp {
        crashes: usize,
        window: Duration,
        last: Exit,
    },
    Unhealthy,
    /// Its rebuild failed and no old container runs: it waits for a change.
    RebuildFailed,
}

impl Settled {
    pub fn is_good(&self) -> bool {
        matches!(self, Settled::Ready { .. } | Settled::Exited { code: 0 })
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
    /// It crashed (or failed to start) too often, and others need it.
    GaveUp {
        crashes: usize,
        window: Duration,
        last: Exit,
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
    /// Where its host port is set, should another process hold it.
    pub host_port: HostPortIn,
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

/// Where each container stands once every one has settled: what runs,
/// and what does not.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// From the start to this moment.
    pub took: Duration,
    pub containers: Vec<(String, Standing)>,
}

impl Summary {
    /// How many are ready now.
    pub fn ready(&self) -> usize {
        self.containers
            .iter()
            .filter(|(_, standing)| *standing == Standing::Ready)
            .count()
    }
}

/// Where one container stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing {
    /// Ready since its last start.
    Ready,
    /// A one-shot container that did its work and exited 0.
    Finished,
    /// Was ready; its health check fails now.
    Unhealthy,
    /// Exo gave up on it; how its last run ended.
    GaveUp(Exit),
    /// Anything else: on its way, or stopped.
    NotReady,
}

/// What the runtime says about the application as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Building {
        services: Vec<String>,
    },
    /// The image of `service` did not build: the last lines of its output.
    BuildFailed {
        service: String,
        output: Vec<String>,
    },
    CreateFailed(String),
    /// Everything is ready (or done), and exo returns.
    ReadyDetached(Summary),
    /// `up -d` failed and left the containers running to be looked at;
    /// `down` is the command that removes them.
    LeftRunning {
        down: String,
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
