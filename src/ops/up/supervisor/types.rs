//! What a container's state machine reads and answers: its states, the
//! inputs it is fed, the effects it asks for, and what it knows of the
//! application around it.

use crate::core::lifecycle::{Failure, Settled, Step};
use crate::core::model::WatchAction;
use std::time::Duration;
use tokio::time::Instant;

/// Where a container is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum State {
    /// Waits for what it needs to be ready.
    Waiting,
    Starting {
        since: Instant,
    },
    Ready,
    /// Was ready, and its health check now fails.
    Unhealthy,
    /// Crashed; starts again once its backoff delay has passed.
    Crashed,
    /// Being stopped by exo to start again.
    Restarting,
    /// Its image is being built again; the old container may still run.
    Rebuilding {
        old_running: bool,
    },
    /// Exited on its own and is not restarted.
    Stopped {
        code: i64,
    },
    /// Crashed too often; left stopped while the rest runs.
    GaveUp,
}

impl State {
    /// Ready or, for a one-shot container, done: its dependents may start.
    pub fn satisfies_needs(self) -> bool {
        matches!(
            self,
            State::Ready | State::Unhealthy | State::Stopped { code: 0 }
        )
    }

    /// Nothing more to wait for while the application starts.
    pub fn is_settled(self) -> bool {
        self.satisfies_needs() || self == State::GaveUp
    }

    /// Its process has ended for good, as far as exo knows.
    pub fn has_ended(self) -> bool {
        matches!(self, State::Stopped { .. } | State::GaveUp)
    }
}

/// What happened to the container.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Everything it needs is ready; `running`: its container already runs.
    NeedsReady {
        running: bool,
    },
    /// Its readiness check passed.
    Ready,
    /// It has no check and runs, since `uptime` (zero for a run exo began).
    Running {
        uptime: Duration,
    },
    Died {
        code: i64,
    },
    Unhealthy,
    Healthy,
    /// The time of [`Supervisor::deadline`] has come.
    TimerDue,
    /// The stop asked for by [`Effect::StopThenStart`] finished.
    Stopped,
    /// The engine could not start it.
    StartFailed {
        message: String,
    },
    /// Its watched files changed.
    Changed {
        action: WatchAction,
    },
    /// The rebuild asked for by [`Effect::Rebuild`] ended.
    Rebuilt {
        ok: bool,
    },
    /// A service it depends on restarted and was ready again at `at`.
    DependencyRestarted {
        name: String,
        at: Instant,
    },
}

/// What the session does in answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start the container (a new run) and check its readiness.
    Start,
    /// Stop the container, then send `Stopped`.
    StopThenStart,
    /// Build its image, recreate the container, then send `Rebuilt`.
    Rebuild,
    /// Restart the dependents that follow it (`with-dependencies`).
    RestartDependents,
    /// Keep checking its health host-side, where its readiness check is
    /// host-side.
    WatchHealth,
    /// Show the container's new state.
    Show(Step),
    /// Show where its start ended, good or bad.
    Done(Settled),
    /// Say, among its log lines, that it exited (once everything was ready).
    Exited { code: i64 },
    /// The application cannot become ready because of this container.
    Fail(Failure),
}

/// What a timer does when it runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Timer {
    /// Start again after a crash's backoff.
    Restart,
    /// Restart a container unhealthy for too long.
    Unhealthy,
    /// A container without a check has run long enough to be ready.
    MinReady,
}

/// The application around the container, as the session sees it.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub now: Instant,
    /// Every container has been ready once.
    pub all_ready: bool,
    /// Other containers need this one.
    pub needed: bool,
}
