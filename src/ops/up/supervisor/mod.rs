//! What one container does next: a state machine fed the engine's events,
//! readiness checks, timers and file changes, answering with the effects its
//! container task carries out. Pure: time is passed in, so every path is tested
//! without Docker.

use super::backoff::{Backoff, Decision};
use crate::core::lifecycle::{Cause, Exit, Failure, MIN_READY, Settled, Step};
use crate::core::model::{RestartPolicy, WatchAction};
use std::time::Duration;
use tokio::time::Instant;
use types::Timer;
pub use types::{Context, Effect, Input, State};

mod types;

#[derive(Debug, Clone)]
pub struct Supervisor {
    state: State,
    /// How it describes its readiness check, e.g. `tcp :80`.
    readiness: String,
    /// The engine's healthy event means ready.
    ready_when_healthy: bool,
    /// `None`: exo does not restart it after a crash.
    backoff: Option<Backoff>,
    unhealthy_after: Option<Duration>,
    with_dependencies: bool,
    run_began: Option<Instant>,
    /// Whether the current run is a restart, which dependents may follow.
    restarted: bool,
    /// What happens when, if nothing else happens first: a change of state
    /// replaces it, so that no timer outlives the state that set it.
    timer: Option<(Instant, Timer)>,
    /// A dependency restarted after this run began: restart once ready.
    follow: Option<String>,
    /// A change that arrived while the container was busy, done after.
    pending: Option<WatchAction>,
}

impl Supervisor {
    pub fn new(readiness: String, ready_when_healthy: bool, policy: Option<RestartPolicy>) -> Self {
        Supervisor {
            state: State::Waiting,
            readiness,
            ready_when_healthy,
            unhealthy_after: policy.as_ref().and_then(|p| p.unhealthy_after),
            with_dependencies: policy.as_ref().is_some_and(|p| p.with_dependencies),
            backoff: policy.map(Backoff::new),
            run_began: None,
            restarted: false,
            timer: None,
            follow: None,
            pending: None,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// When [`Input::TimerDue`] is to come.
    pub fn deadline(&self) -> Option<Instant> {
        self.timer.map(|(at, _)| at)
    }

    pub fn handle(&mut self, input: Input, cx: Context) -> Vec<Effect> {
        let before = self.state;
        let effects = self.dispatch(input, cx);
        if std::mem::discriminant(&before) != std::mem::discriminant(&self.state)
            && !matches!(self.state, State::Crashed | State::Unhealthy)
        {
            self.timer = None;
        }
        effects
    }

    fn dispatch(&mut self, input: Input, cx: Context) -> Vec<Effect> {
        match input {
            Input::NeedsReady { running } => self.on_needs_ready(running, cx),
            Input::Ready => self.on_ready(cx),
            Input::Running { uptime } => self.on_running(uptime, cx),
            Input::Healthy => self.on_healthy(cx),
            Input::Died { code } => self.on_died(code, cx),
            Input::Unhealthy => self.on_unhealthy(cx),
            Input::TimerDue => self.on_timer(cx),
            Input::Stopped => self.on_stopped(cx),
            Input::StartFailed { message } => self.on_start_failed(&message, cx),
            Input::Changed { action } => self.on_changed(action),
            Input::Rebuilt { ok } => self.on_rebuilt(ok, cx),
            Input::DependencyRestarted { name, at } => self.on_dependency_restarted(name, at),
        }
    }

    fn on_needs_ready(&mut self, running: bool, cx: Context) -> Vec<Effect> {
        if self.state != State::Waiting {
            return Vec::new();
        }
        if self.pending.take() == Some(WatchAction::Rebuild) {
            return self.rebuild(false, None);
        }
        self.start(
            cx,
            Step::Starting {
                already_running: running,
            },
        )
    }

    fn start(&mut self, cx: Context, step: Step) -> Vec<Effect> {
        self.state = State::Starting { since: cx.now };
        self.run_began = Some(cx.now);
        self.follow = None;
        // Shown first: the line marks exo's decision, before `docker start`.
        vec![Effect::Show(step), Effect::Start]
    }

    fn rebuild(&mut self, old_running: bool, cause: Option<Cause>) -> Vec<Effect> {
        self.state = State::Rebuilding { old_running };
        vec![Effect::Rebuild, Effect::Show(Step::Rebuilding(cause))]
    }

    fn stop_then_start(&mut self, cause: Cause) -> Vec<Effect> {
        self.state = State::Restarting;
        self.timer = None;
        vec![
            Effect::StopThenStart,
            Effect::Show(Step::Restarting(Some(cause))),
        ]
    }

    fn on_ready(&mut self, cx: Context) -> Vec<Effect> {
        let State::Starting { since } = self.state else {
            return Vec::new();
        };
        self.state = State::Ready;
        let mut effects = vec![
            Effect::Done(Settled::Ready {
                took: cx.now.duration_since(since),
                check: self.readiness.clone(),
            }),
            Effect::WatchHealth,
        ];
        if std::mem::take(&mut self.restarted) {
            effects.push(Effect::RestartDependents);
        }
        if let Some(action) = self.pending.take() {
            effects.extend(self.act_on_change(action, Cause::ChangedWhileStarting));
        } else if let Some(name) = self.follow.take() {
            self.restarted = true;
            effects.extend(self.stop_then_start(Cause::Dependency(name)));
        }
        effects
    }

    /// A container without a check is ready once it has run [`MIN_READY`]
    /// (`uptime` of it already, when exo takes over a run going on).
    fn on_running(&mut self, uptime: Duration, cx: Context) -> Vec<Effect> {
        if !matches!(self.state, State::Starting { .. }) {
            return Vec::new();
        }
        match MIN_READY.checked_sub(uptime).filter(|left| !left.is_zero()) {
            Some(left) => {
                self.timer = Some((cx.now + left, Timer::MinReady));
                Vec::new()
            }
            None => self.on_ready(cx),
        }
    }

    fn on_healthy(&mut self, cx: Context) -> Vec<Effect> {
        match self.state {
            State::Starting { .. } if self.ready_when_healthy => self.on_ready(cx),
            State::Unhealthy => {
                self.state = State::Ready;
                self.timer = None;
                vec![Effect::Show(Step::HealthyAgain)]
            }
            _ => Vec::new(),
        }
    }

    fn on_died(&mut self, code: i64, cx: Context) -> Vec<Effect> {
        // A one-shot container without a check may do its work and exit 0
        // before it has run long enough to be called ready.
        let finished = code == 0 && matches!(self.timer, Some((_, Timer::MinReady)));
        let was_ready = match self.state {
            State::Ready | State::Unhealthy => true,
            State::Starting { .. } => finished,
            State::Rebuilding { .. } => {
                self.state = State::Rebuilding { old_running: false };
                return Vec::new();
            }
            // Exo stopped it, or it is already down.
            _ => return Vec::new(),
        };
        self.state = State::Stopped { code };
        let crashed = code != 0 || !was_ready;
        if crashed && self.backoff.is_some() {
            return self.on_crash(Exit::Code(code), cx);
        }
        if cx.all_ready {
            vec![Effect::Exited { code }]
        } else if finished {
            vec![Effect::Done(Settled::Exited { code })]
        } else if was_ready && code == 0 {
            Vec::new()
        } else {
            vec![
                Effect::Done(Settled::Exited { code }),
                Effect::Fail(Failure::ExitedBeforeReady { code }),
            ]
        }
    }

    fn on_start_failed(&mut self, message: &str, cx: Context) -> Vec<Effect> {
        if !matches!(self.state, State::Starting { .. }) {
            return Vec::new();
        }
        self.state = State::Stopped { code: -1 };
        if self.backoff.is_some() {
            let message = message.to_owned();
            return self.on_crash(Exit::NotStarted { message }, cx);
        }
        vec![
            Effect::Done(Settled::CouldNotStart),
            Effect::Fail(Failure::CouldNotStart {
                message: message.to_owned(),
            }),
        ]
    }

    /// A run that crashed, or a start that failed: restart after the
    /// backoff, or give up.
    fn on_crash(&mut self, last: Exit, cx: Context) -> Vec<Effect> {
        let uptime = self
            .run_began
            .map(|began| cx.now.duration_since(began))
            .unwrap_or_default();
        let Some(backoff) = self.backoff.as_mut() else {
            return Vec::new();
        };
        match backoff.on_crash(cx.now, uptime) {
            Decision::Restart { delay, attempt } => {
                self.state = State::Crashed;
                self.timer = Some((cx.now + delay, Timer::Restart));
                let step = match last {
                    Exit::Code(code) => Step::Crashed {
                        code,
                        restart_in: delay,
                        attempt,
                    },
                    Exit::NotStarted { message } => Step::StartFailed {
                        message,
                        retry_in: delay,
                        attempt,
                    },
                };
                vec![Effect::Show(step)]
            }
            Decision::GiveUp { crashes, window } => {
                self.state = State::GaveUp;
                let mut effects = vec![Effect::Done(Settled::GaveUp {
                    crashes,
                    window,
                    last: last.clone(),
                })];
                if cx.needed && !cx.all_ready {
                    effects.push(Effect::Fail(Failure::GaveUp {
                        crashes,
                        window,
                        last,
                    }));
                }
                effects
            }
        }
    }

    fn on_unhealthy(&mut self, cx: Context) -> Vec<Effect> {
        match self.state {
            State::Ready => {
                self.state = State::Unhealthy;
                let Some(after) = self.unhealthy_after.filter(|_| self.backoff.is_some()) else {
                    return vec![Effect::Show(Step::Unhealthy { restart_in: None })];
                };
                self.timer = Some((cx.now + after, Timer::Unhealthy));
                vec![Effect::Show(Step::Unhealthy {
                    restart_in: Some(after),
                })]
            }
            State::Starting { .. } if !cx.all_ready => vec![
                Effect::Done(Settled::Unhealthy),
                Effect::Fail(Failure::Unhealthy),
            ],
            _ => Vec::new(),
        }
    }

    fn on_timer(&mut self, cx: Context) -> Vec<Effect> {
        match (self.timer.take(), self.state) {
            (Some((_, Timer::Unhealthy)), State::Unhealthy) => {
                let after = self.unhealthy_after.unwrap_or_default();
                self.stop_then_start(Cause::UnhealthyFor(after))
            }
            (Some((_, Timer::Restart)), State::Crashed) => self.restart(cx),
            (Some((_, Timer::MinReady)), State::Starting { .. }) => self.on_ready(cx),
            _ => Vec::new(),
        }
    }

    fn on_stopped(&mut self, cx: Context) -> Vec<Effect> {
        if self.state != State::Restarting {
            return Vec::new();
        }
        self.restart(cx)
    }

    fn restart(&mut self, cx: Context) -> Vec<Effect> {
        self.restarted = true;
        // A restart about to happen already sees any change; a rebuild does not.
        if self.pending.take() == Some(WatchAction::Rebuild) {
            return self.rebuild(false, None);
        }
        self.start(cx, Step::Restarting(None))
    }

    fn on_changed(&mut self, action: WatchAction) -> Vec<Effect> {
        if action == WatchAction::None {
            return Vec::new();
        }
        match self.state {
            State::Waiting | State::Starting { .. } | State::Rebuilding { .. } => {
                self.pending = strongest(self.pending, action);
                Vec::new()
            }
            State::Restarting if action == WatchAction::Restart => Vec::new(),
            State::Restarting => {
                self.pending = Some(WatchAction::Rebuild);
                Vec::new()
            }
            State::Ready
            | State::Unhealthy
            | State::Crashed
            | State::Stopped { .. }
            | State::GaveUp => self.act_on_change(action, Cause::FilesChanged),
        }
    }

    /// New code deserves a fresh start: the crash count starts over.
    fn act_on_change(&mut self, action: WatchAction, cause: Cause) -> Vec<Effect> {
        if let Some(backoff) = self.backoff.as_mut() {
            backoff.forget();
        }
        self.restarted = true;
        match action {
            WatchAction::Restart => self.stop_then_start(cause),
            WatchAction::Rebuild => {
                let old_running = matches!(self.state, State::Ready | State::Unhealthy);
                self.rebuild(old_running, Some(cause))
            }
            WatchAction::None => Vec::new(),
        }
    }

    fn on_rebuilt(&mut self, ok: bool, cx: Context) -> Vec<Effect> {
        let State::Rebuilding { old_running } = self.state else {
            return Vec::new();
        };
        if self.pending.take() == Some(WatchAction::Rebuild) {
            return self.rebuild(old_running && !ok, Some(Cause::ChangedWhileRebuilding));
        }
        if ok {
            self.restarted = true;
            return self.start(cx, Step::StartingRebuilt);
        }
        if old_running {
            self.state = State::Ready;
            vec![Effect::Show(Step::RebuildFailedOldRuns)]
        } else {
            self.state = State::Stopped { code: -1 };
            vec![Effect::Done(Settled::RebuildFailed)]
        }
    }

    /// A run that began before its dependency was ready again restarts, at
    /// once if ready, else once ready; a start still to come needs nothing.
    fn on_dependency_restarted(&mut self, name: String, at: Instant) -> Vec<Effect> {
        let follows = self.with_dependencies && self.backoff.is_some();
        let began_before = self.run_began.is_some_and(|began| began <= at);
        if !follows || !began_before {
            return Vec::new();
        }
        match self.state {
            State::Ready | State::Unhealthy => {
                self.restarted = true;
                self.stop_then_start(Cause::Dependency(name))
            }
            State::Starting { .. } => {
                self.follow = Some(name);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

/// Of two changes, the one that does more: a rebuild includes a restart.
fn strongest(pending: Option<WatchAction>, action: WatchAction) -> Option<WatchAction> {
    match (pending, action) {
        (Some(WatchAction::Rebuild), _) | (_, WatchAction::Rebuild) => Some(WatchAction::Rebuild),
        _ => Some(WatchAction::Restart),
    }
}

#[cfg(test)]
mod start_tests;
#[cfg(test)]
mod tests;
