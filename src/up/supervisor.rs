//! What one container does next: a state machine fed the engine's events,
//! readiness checks, timers and file changes, answering with the effects the
//! session carries out. Pure: time is passed in, so every path is tested
//! without Docker.

use super::backoff::{Backoff, Decision};
use crate::compose::format_duration;
use crate::model::{RestartPolicy, WatchAction};
use std::time::{Duration, Instant};

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

/// What happened to the container.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Everything it needs is ready.
    NeedsReady,
    /// Its readiness check passed.
    Ready,
    Died {
        code: i64,
    },
    Unhealthy,
    Healthy,
    /// A timer set by [`Effect::UnhealthyTimer`] ran out.
    UnhealthyDue {
        spell: u64,
    },
    /// A timer set by [`Effect::StartAfter`] ran out, or a stop asked for by
    /// [`Effect::StopThenStart`] finished.
    RestartDue {
        turn: u64,
    },
    /// Its watched files changed.
    Changed {
        action: WatchAction,
    },
    /// The rebuild asked for by [`Effect::Rebuild`] ended.
    Rebuilt {
        ok: bool,
    },
    /// A service it depends on restarted and is ready again.
    DependencyRestarted {
        name: String,
    },
}

/// What the session does in answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start the container (a new run) and check its readiness.
    Start,
    /// Send `RestartDue { turn }` after `delay`.
    StartAfter { delay: Duration, turn: u64 },
    /// Stop the container, then send `RestartDue { turn }`.
    StopThenStart { turn: u64 },
    /// Build its image, recreate the container, then send `Rebuilt`.
    Rebuild,
    /// Send `UnhealthyDue { spell }` after `after`.
    UnhealthyTimer { after: Duration, spell: u64 },
    /// Restart the dependents that follow it (`with-dependencies`).
    RestartDependents,
    /// Keep checking its health host-side, where its readiness check is
    /// host-side.
    WatchHealth,
    /// Show the container's new state.
    Show(String),
    /// Show a final state, good or bad.
    Done { text: String, ok: bool },
    /// A line in the log stream, among the container's own.
    Log(String),
    /// The application cannot become ready because of this container.
    Fail(String),
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
    /// Numbers the pending restart, so that an outdated timer does nothing.
    turn: u64,
    /// Numbers unhealthy spells; a healthy event ends one.
    spell: u64,
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
            turn: 0,
            spell: 0,
            pending: None,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// Ready or, for a one-shot container, done: its dependents may start.
    pub fn satisfies_needs(&self) -> bool {
        matches!(
            self.state,
            State::Ready | State::Unhealthy | State::Stopped { code: 0 }
        )
    }

    /// Nothing more to wait for while the application starts.
    pub fn is_settled(&self) -> bool {
        self.satisfies_needs() || self.state == State::GaveUp
    }

    /// Its process has ended for good, as far as exo knows.
    pub fn has_ended(&self) -> bool {
        matches!(self.state, State::Stopped { .. } | State::GaveUp)
    }

    pub fn handle(&mut self, input: Input, cx: Context) -> Vec<Effect> {
        match input {
            Input::NeedsReady => self.on_needs_ready(cx),
            Input::Ready => self.on_ready(cx),
            Input::Healthy => self.on_healthy(cx),
            Input::Died { code } => self.on_died(code, cx),
            Input::Unhealthy => self.on_unhealthy(cx),
            Input::UnhealthyDue { spell } => self.on_unhealthy_due(spell),
            Input::RestartDue { turn } => self.on_restart_due(turn, cx),
            Input::Changed { action } => self.on_changed(action),
            Input::Rebuilt { ok } => self.on_rebuilt(ok, cx),
            Input::DependencyRestarted { name } => self.on_dependency_restarted(&name),
        }
    }

    fn on_needs_ready(&mut self, cx: Context) -> Vec<Effect> {
        if self.state != State::Waiting {
            return Vec::new();
        }
        if self.pending.take() == Some(WatchAction::Rebuild) {
            return self.rebuild(false, "rebuilding".into());
        }
        self.start(cx, "starting".into())
    }

    fn start(&mut self, cx: Context, text: String) -> Vec<Effect> {
        self.state = State::Starting { since: cx.now };
        self.run_began = Some(cx.now);
        vec![Effect::Start, Effect::Show(text)]
    }

    fn rebuild(&mut self, old_running: bool, text: String) -> Vec<Effect> {
        self.state = State::Rebuilding { old_running };
        vec![Effect::Rebuild, Effect::Show(text)]
    }

    fn stop_then_start(&mut self, text: String) -> Vec<Effect> {
        self.state = State::Restarting;
        self.turn += 1;
        vec![
            Effect::StopThenStart { turn: self.turn },
            Effect::Show(text),
        ]
    }

    fn on_ready(&mut self, cx: Context) -> Vec<Effect> {
        let State::Starting { since } = self.state else {
            return Vec::new();
        };
        self.state = State::Ready;
        let mut effects = vec![
            Effect::Done {
                text: format!(
                    "ready in {:.1} s ({})",
                    cx.now.duration_since(since).as_secs_f64(),
                    self.readiness
                ),
                ok: true,
            },
            Effect::WatchHealth,
        ];
        if std::mem::take(&mut self.restarted) {
            effects.push(Effect::RestartDependents);
        }
        if let Some(action) = self.pending.take() {
            effects.extend(self.act_on_change(action, "changed while starting"));
        }
        effects
    }

    fn on_healthy(&mut self, cx: Context) -> Vec<Effect> {
        match self.state {
            State::Starting { .. } if self.ready_when_healthy => self.on_ready(cx),
            State::Unhealthy => {
                self.state = State::Ready;
                vec![Effect::Show("healthy again".into())]
            }
            _ => Vec::new(),
        }
    }

    fn on_died(&mut self, code: i64, cx: Context) -> Vec<Effect> {
        let was_ready = match self.state {
            State::Ready | State::Unhealthy => true,
            State::Starting { .. } => false,
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
            return self.on_crash(code, cx);
        }
        if cx.all_ready {
            vec![Effect::Log(format!("exited with code {code}"))]
        } else if was_ready && code == 0 {
            Vec::new()
        } else {
            vec![
                Effect::Done {
                    text: format!("exited with code {code}"),
                    ok: false,
                },
                Effect::Fail(format!(
                    "exited with code {code} before the application was ready"
                )),
            ]
        }
    }

    fn on_crash(&mut self, code: i64, cx: Context) -> Vec<Effect> {
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
                self.turn += 1;
                vec![
                    Effect::StartAfter {
                        delay,
                        turn: self.turn,
                    },
                    Effect::Show(format!(
                        "crashed (exit {code}), restarting in {} (attempt {attempt})",
                        format_duration(delay)
                    )),
                ]
            }
            Decision::GiveUp { crashes, window } => {
                self.state = State::GaveUp;
                let text = format!(
                    "gave up: {crashes} crashes within {} (exit {code})",
                    format_duration(window)
                );
                let mut effects = vec![Effect::Done {
                    text: text.clone(),
                    ok: false,
                }];
                if cx.needed && !cx.all_ready {
                    effects.push(Effect::Fail(format!("{text}, and others need it")));
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
                    return vec![Effect::Show("unhealthy".into())];
                };
                self.spell += 1;
                vec![
                    Effect::UnhealthyTimer {
                        after,
                        spell: self.spell,
                    },
                    Effect::Show(format!(
                        "unhealthy; restarting in {} unless it recovers",
                        format_duration(after)
                    )),
                ]
            }
            State::Starting { .. } if !cx.all_ready => vec![
                Effect::Done {
                    text: "unhealthy".into(),
                    ok: false,
                },
                Effect::Fail("is unhealthy".into()),
            ],
            _ => Vec::new(),
        }
    }

    fn on_unhealthy_due(&mut self, spell: u64) -> Vec<Effect> {
        if self.state != State::Unhealthy || spell != self.spell {
            return Vec::new();
        }
        let after = self.unhealthy_after.unwrap_or_default();
        self.stop_then_start(format!(
            "unhealthy for {}, restarting",
            format_duration(after)
        ))
    }

    fn on_restart_due(&mut self, turn: u64, cx: Context) -> Vec<Effect> {
        if turn != self.turn || !matches!(self.state, State::Crashed | State::Restarting) {
            return Vec::new();
        }
        self.restarted = true;
        // A restart about to happen already sees any change; a rebuild does not.
        if self.pending.take() == Some(WatchAction::Rebuild) {
            return self.rebuild(false, "rebuilding".into());
        }
        self.start(cx, "restarting".into())
    }

    fn on_changed(&mut self, action: WatchAction) -> Vec<Effect> {
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
            | State::GaveUp => self.act_on_change(action, "files changed"),
        }
    }

    /// New code deserves a fresh start: the crash count starts over.
    fn act_on_change(&mut self, action: WatchAction, why: &str) -> Vec<Effect> {
        if let Some(backoff) = self.backoff.as_mut() {
            backoff.forget();
        }
        self.restarted = true;
        match action {
            WatchAction::Restart => self.stop_then_start(format!("{why}, restarting")),
            WatchAction::Rebuild => {
                let old_running = matches!(self.state, State::Ready | State::Unhealthy);
                // Outdated backoff timers must not start the old container.
                self.turn += 1;
                self.rebuild(old_running, format!("{why}, rebuilding"))
            }
        }
    }

    fn on_rebuilt(&mut self, ok: bool, cx: Context) -> Vec<Effect> {
        let State::Rebuilding { old_running } = self.state else {
            return Vec::new();
        };
        if self.pending.take() == Some(WatchAction::Rebuild) {
            return self.rebuild(
                old_running && !ok,
                "changed while rebuilding, rebuilding".into(),
            );
        }
        if ok {
            self.restarted = true;
            return self.start(cx, "rebuilt, starting".into());
        }
        if old_running {
            self.state = State::Ready;
            vec![Effect::Show(
                "rebuild failed; the old container keeps running".into(),
            )]
        } else {
            self.state = State::Stopped { code: -1 };
            vec![Effect::Done {
                text: "rebuild failed; waiting for the next change".into(),
                ok: false,
            }]
        }
    }

    fn on_dependency_restarted(&mut self, name: &str) -> Vec<Effect> {
        let follows = self.with_dependencies && self.backoff.is_some();
        if !follows || !matches!(self.state, State::Ready | State::Unhealthy) {
            return Vec::new();
        }
        self.restarted = true;
        self.stop_then_start(format!("restarting after {name}"))
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
mod tests {
    use super::*;

    fn policy() -> RestartPolicy {
        RestartPolicy {
            initial_delay: Duration::from_millis(200),
            max_crashes: 2,
            window: Duration::from_secs(60),
            unhealthy_after: Some(Duration::from_secs(5)),
            with_dependencies: true,
            ..RestartPolicy::default()
        }
    }

    struct Clock {
        now: Instant,
    }

    impl Clock {
        fn new() -> Self {
            Clock {
                now: Instant::now(),
            }
        }

        fn after(&mut self, millis: u64) -> Context {
            self.now += Duration::from_millis(millis);
            self.cx(true)
        }

        fn cx(&self, all_ready: bool) -> Context {
            Context {
                now: self.now,
                all_ready,
                needed: true,
            }
        }
    }

    /// A supervised container that has started and become ready.
    fn ready(clock: &mut Clock) -> Supervisor {
        let mut supervisor = Supervisor::new("tcp :80".into(), false, Some(policy()));
        assert_eq!(
            supervisor.handle(Input::NeedsReady, clock.cx(false)),
            [Effect::Start, Effect::Show("starting".into())]
        );
        let effects = supervisor.handle(Input::Ready, clock.after(1500));
        assert_eq!(
            effects,
            [
                Effect::Done {
                    text: "ready in 1.5 s (tcp :80)".into(),
                    ok: true
                },
                Effect::WatchHealth
            ]
        );
        assert_eq!(supervisor.state(), State::Ready);
        supervisor
    }

    fn turn_of(effects: &[Effect]) -> u64 {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::StartAfter { turn, .. } | Effect::StopThenStart { turn } => Some(*turn),
                _ => None,
            })
            .expect("a restart is scheduled")
    }

    #[test]
    fn waits_then_starts_once_its_needs_are_ready() {
        let mut clock = Clock::new();
        let supervisor = ready(&mut clock);
        assert!(supervisor.satisfies_needs());
        assert!(supervisor.is_settled());
    }

    #[test]
    fn a_crash_restarts_after_the_backoff_and_a_dependent_follows() {
        let mut clock = Clock::new();
        let mut supervisor = ready(&mut clock);
        let effects = supervisor.handle(Input::Died { code: 1 }, clock.after(100));
        assert_eq!(supervisor.state(), State::Crashed);
        assert_eq!(
            effects[1],
            Effect::Show("crashed (exit 1), restarting in 200ms (attempt 1)".into())
        );
        let turn = turn_of(&effects);
        assert_eq!(
            effects[0],
            Effect::StartAfter {
                delay: Duration::from_millis(200),
                turn
            }
        );
        let effects = supervisor.handle(Input::RestartDue { turn }, clock.after(200));
        assert_eq!(effects, [Effect::Start, Effect::Show("restarting".into())]);
        let effects = supervisor.handle(Input::Ready, clock.after(300));
        assert!(effects.contains(&Effect::RestartDependents));
    }

    #[test]
    fn too_many_crashes_give_up_and_fail_the_start_only_if_needed() {
        let clock = Clock::new();
        let mut supervisor = Supervisor::new("running".into(), false, Some(policy()));
        supervisor.handle(Input::NeedsReady, clock.cx(false));
        for _ in 0..2 {
            let effects = supervisor.handle(Input::Died { code: 3 }, clock.cx(false));
            let turn = turn_of(&effects);
            supervisor.handle(Input::RestartDue { turn }, clock.cx(false));
        }
        let effects = supervisor.handle(Input::Died { code: 3 }, clock.cx(false));
        assert_eq!(supervisor.state(), State::GaveUp);
        assert!(supervisor.is_settled() && supervisor.has_ended());
        assert_eq!(
            effects,
            [
                Effect::Done {
                    text: "gave up: 3 crashes within 1m (exit 3)".into(),
                    ok: false
                },
                Effect::Fail("gave up: 3 crashes within 1m (exit 3), and others need it".into())
            ]
        );
    }

    #[test]
    fn an_unsupervised_container_that_exits_before_ready_fails_the_start() {
        let clock = Clock::new();
        let mut supervisor = Supervisor::new("running".into(), false, None);
        supervisor.handle(Input::NeedsReady, clock.cx(false));
        let effects = supervisor.handle(Input::Died { code: 2 }, clock.cx(false));
        assert_eq!(
            effects.last(),
            Some(&Effect::Fail(
                "exited with code 2 before the application was ready".into()
            ))
        );
        assert_eq!(supervisor.state(), State::Stopped { code: 2 });
    }

    #[test]
    fn unhealthy_for_too_long_restarts_unless_it_recovers() {
        let mut clock = Clock::new();
        let mut supervisor = ready(&mut clock);
        let first = supervisor.handle(Input::Unhealthy, clock.after(10));
        assert_eq!(
            first[0],
            Effect::UnhealthyTimer {
                after: Duration::from_secs(5),
                spell: 1
            }
        );
        assert_eq!(
            supervisor.handle(Input::Healthy, clock.after(10)),
            [Effect::Show("healthy again".into())]
        );
        // The first spell's timer is outdated.
        assert!(
            supervisor
                .handle(Input::UnhealthyDue { spell: 1 }, clock.after(5000))
                .is_empty()
        );
        supervisor.handle(Input::Unhealthy, clock.after(10));
        let effects = supervisor.handle(Input::UnhealthyDue { spell: 2 }, clock.after(5000));
        assert_eq!(supervisor.state(), State::Restarting);
        assert_eq!(
            effects[1],
            Effect::Show("unhealthy for 5s, restarting".into())
        );
        // Its exit is exo's stop, not a crash.
        assert!(
            supervisor
                .handle(Input::Died { code: 137 }, clock.after(10))
                .is_empty()
        );
        let turn = turn_of(&effects);
        assert_eq!(
            supervisor.handle(Input::RestartDue { turn }, clock.after(10))[0],
            Effect::Start
        );
    }

    #[test]
    fn a_file_change_restarts_a_ready_container() {
        let mut clock = Clock::new();
        let mut supervisor = ready(&mut clock);
        let effects = supervisor.handle(
            Input::Changed {
                action: WatchAction::Restart,
            },
            clock.after(10),
        );
        assert_eq!(effects[1], Effect::Show("files changed, restarting".into()));
        // More changes while it restarts are seen by the start to come.
        assert!(
            supervisor
                .handle(
                    Input::Changed {
                        action: WatchAction::Restart
                    },
                    clock.after(10)
                )
                .is_empty()
        );
        let turn = turn_of(&effects);
        assert_eq!(
            supervisor.handle(Input::RestartDue { turn }, clock.after(10))[0],
            Effect::Start
        );
        let effects = supervisor.handle(Input::Ready, clock.after(10));
        assert_eq!(effects.last(), Some(&Effect::RestartDependents));
    }

    #[test]
    fn changes_while_starting_coalesce_into_one_more_restart() {
        let mut clock = Clock::new();
        let mut supervisor = Supervisor::new("running".into(), false, None);
        supervisor.handle(Input::NeedsReady, clock.cx(false));
        for _ in 0..50 {
            let change = Input::Changed {
                action: WatchAction::Restart,
            };
            assert!(supervisor.handle(change, clock.after(1)).is_empty());
        }
        let effects = supervisor.handle(Input::Ready, clock.after(10));
        assert!(matches!(effects[2], Effect::StopThenStart { .. }));
        assert_eq!(
            effects[3],
            Effect::Show("changed while starting, restarting".into())
        );
    }

    #[test]
    fn a_rebuild_keeps_the_old_container_when_it_fails() {
        let mut clock = Clock::new();
        let mut supervisor = ready(&mut clock);
        let change = Input::Changed {
            action: WatchAction::Rebuild,
        };
        assert_eq!(
            supervisor.handle(change, clock.after(10)),
            [
                Effect::Rebuild,
                Effect::Show("files changed, rebuilding".into())
            ]
        );
        let effects = supervisor.handle(Input::Rebuilt { ok: false }, clock.after(10));
        assert_eq!(
            effects,
            [Effect::Show(
                "rebuild failed; the old container keeps running".into()
            )]
        );
        assert_eq!(supervisor.state(), State::Ready);
    }

    #[test]
    fn a_rebuild_starts_the_new_container_and_a_change_meanwhile_rebuilds_again() {
        let mut clock = Clock::new();
        let mut supervisor = ready(&mut clock);
        let rebuild = Input::Changed {
            action: WatchAction::Rebuild,
        };
        supervisor.handle(rebuild.clone(), clock.after(10));
        // The recreated container's predecessor dies: not a crash.
        assert!(
            supervisor
                .handle(Input::Died { code: 137 }, clock.after(10))
                .is_empty()
        );
        supervisor.handle(rebuild, clock.after(10));
        let again = supervisor.handle(Input::Rebuilt { ok: true }, clock.after(10));
        assert_eq!(again[0], Effect::Rebuild);
        let effects = supervisor.handle(Input::Rebuilt { ok: true }, clock.after(10));
        assert_eq!(
            effects,
            [Effect::Start, Effect::Show("rebuilt, starting".into())]
        );
    }

    #[test]
    fn a_change_revives_a_service_that_gave_up() {
        let mut clock = Clock::new();
        let mut supervisor = Supervisor::new("running".into(), false, Some(policy()));
        supervisor.handle(Input::NeedsReady, clock.cx(false));
        for _ in 0..3 {
            let effects = supervisor.handle(Input::Died { code: 1 }, clock.after(10));
            if let Some(turn) = effects.iter().find_map(|e| match e {
                Effect::StartAfter { turn, .. } => Some(*turn),
                _ => None,
            }) {
                supervisor.handle(Input::RestartDue { turn }, clock.after(10));
            }
        }
        assert_eq!(supervisor.state(), State::GaveUp);
        let change = Input::Changed {
            action: WatchAction::Restart,
        };
        let effects = supervisor.handle(change, clock.after(10));
        let turn = turn_of(&effects);
        supervisor.handle(Input::RestartDue { turn }, clock.after(10));
        // The crash count started over: the next crash restarts again.
        let effects = supervisor.handle(Input::Died { code: 1 }, clock.after(10));
        assert!(matches!(effects[0], Effect::StartAfter { .. }));
    }

    #[test]
    fn a_backoff_timer_outdated_by_a_change_does_nothing() {
        let mut clock = Clock::new();
        let mut supervisor = ready(&mut clock);
        let crash = supervisor.handle(Input::Died { code: 1 }, clock.after(10));
        let change = Input::Changed {
            action: WatchAction::Restart,
        };
        let restart = supervisor.handle(change, clock.after(10));
        assert!(
            supervisor
                .handle(
                    Input::RestartDue {
                        turn: turn_of(&crash)
                    },
                    clock.after(10)
                )
                .is_empty()
        );
        let turn = turn_of(&restart);
        assert_eq!(
            supervisor.handle(Input::RestartDue { turn }, clock.after(10))[0],
            Effect::Start
        );
    }

    #[test]
    fn a_dependent_follows_only_when_configured() {
        let mut clock = Clock::new();
        let mut follower = ready(&mut clock);
        let restarted = Input::DependencyRestarted { name: "db".into() };
        let effects = follower.handle(restarted.clone(), clock.after(10));
        assert_eq!(effects[1], Effect::Show("restarting after db".into()));
        let mut loner = Supervisor::new("running".into(), false, None);
        loner.handle(Input::NeedsReady, clock.cx(false));
        loner.handle(Input::Ready, clock.after(10));
        assert!(loner.handle(restarted, clock.after(10)).is_empty());
    }

    #[test]
    fn health_readiness_waits_for_the_healthy_event() {
        let mut clock = Clock::new();
        let mut supervisor = Supervisor::new("healthcheck".into(), true, None);
        supervisor.handle(Input::NeedsReady, clock.cx(false));
        let effects = supervisor.handle(Input::Healthy, clock.after(2000));
        assert_eq!(
            effects[0],
            Effect::Done {
                text: "ready in 2.0 s (healthcheck)".into(),
                ok: true
            }
        );
    }
}
