use super::*;
use crate::core::lifecycle::{Cause, Exit, Failure, Settled, Step};
use std::time::Duration;

pub(super) fn policy() -> RestartPolicy {
    RestartPolicy {
        initial_delay: Duration::from_millis(200),
        max_crashes: 2,
        window: Duration::from_secs(60),
        unhealthy_after: Some(Duration::from_secs(5)),
        with_dependencies: true,
        ..RestartPolicy::default()
    }
}

pub(super) struct Clock {
    pub(super) now: Instant,
}

impl Clock {
    pub(super) fn new() -> Self {
        Clock {
            now: Instant::now(),
        }
    }

    pub(super) fn after(&mut self, millis: u64) -> Context {
        self.now += Duration::from_millis(millis);
        self.cx(true)
    }

    pub(super) fn cx(&self, all_ready: bool) -> Context {
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
        supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false)),
        [
            Effect::Show(Step::Starting {
                already_running: false
            }),
            Effect::Start
        ]
    );
    let effects = supervisor.handle(Input::Ready, clock.after(1500));
    assert_eq!(
        effects,
        [
            Effect::Done(Settled::Ready {
                took: Duration::from_millis(1500),
                check: "tcp :80".into()
            }),
            Effect::WatchHealth
        ]
    );
    assert_eq!(supervisor.state(), State::Ready);
    supervisor
}

#[test]
fn waits_then_starts_once_its_needs_are_ready() {
    let mut clock = Clock::new();
    let supervisor = ready(&mut clock);
    assert!(supervisor.state().satisfies_needs());
    assert!(supervisor.state().is_settled());
}

#[test]
fn a_crash_restarts_after_the_backoff_and_a_dependent_follows() {
    let mut clock = Clock::new();
    let mut supervisor = ready(&mut clock);
    let effects = supervisor.handle(Input::Died { code: 1 }, clock.after(100));
    assert_eq!(supervisor.state(), State::Crashed);
    assert_eq!(
        effects,
        [Effect::Show(Step::Crashed {
            code: 1,
            restart_in: Duration::from_millis(200),
            attempt: 1
        })]
    );
    assert_eq!(
        supervisor.deadline(),
        Some(clock.now + Duration::from_millis(200))
    );
    let effects = supervisor.handle(Input::TimerDue, clock.after(200));
    assert_eq!(
        effects,
        [Effect::Show(Step::Restarting(None)), Effect::Start]
    );
    let effects = supervisor.handle(Input::Ready, clock.after(300));
    assert!(effects.contains(&Effect::RestartDependents));
}

#[test]
fn too_many_crashes_give_up_and_fail_the_start_only_if_needed() {
    let clock = Clock::new();
    let mut supervisor = Supervisor::new("running".into(), false, Some(policy()));
    supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false));
    for _ in 0..2 {
        supervisor.handle(Input::Died { code: 3 }, clock.cx(false));
        supervisor.handle(Input::TimerDue, clock.cx(false));
    }
    let effects = supervisor.handle(Input::Died { code: 3 }, clock.cx(false));
    assert_eq!(supervisor.state(), State::GaveUp);
    assert!(supervisor.state().is_settled() && supervisor.state().has_ended());
    assert_eq!(
        effects,
        [
            Effect::Done(Settled::GaveUp {
                crashes: 3,
                window: Duration::from_secs(60),
                last: Exit::Code(3)
            }),
            Effect::Fail(Failure::GaveUp {
                crashes: 3,
                window: Duration::from_secs(60),
                last: Exit::Code(3)
            })
        ]
    );
}

#[test]
fn an_unsupervised_container_that_exits_before_ready_fails_the_start() {
    let clock = Clock::new();
    let mut supervisor = Supervisor::new("running".into(), false, None);
    supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false));
    let effects = supervisor.handle(Input::Died { code: 2 }, clock.cx(false));
    assert_eq!(
        effects.last(),
        Some(&Effect::Fail(Failure::ExitedBeforeReady { code: 2 }))
    );
    assert_eq!(supervisor.state(), State::Stopped { code: 2 });
}

#[test]
fn unhealthy_for_too_long_restarts_unless_it_recovers() {
    let mut clock = Clock::new();
    let mut supervisor = ready(&mut clock);
    supervisor.handle(Input::Unhealthy, clock.after(10));
    assert_eq!(
        supervisor.deadline(),
        Some(clock.now + Duration::from_secs(5))
    );
    assert_eq!(
        supervisor.handle(Input::Healthy, clock.after(10)),
        [Effect::Show(Step::HealthyAgain)]
    );
    // Recovering ended the first spell's timer.
    assert_eq!(supervisor.deadline(), None);
    supervisor.handle(Input::Unhealthy, clock.after(10));
    let effects = supervisor.handle(Input::TimerDue, clock.after(5000));
    assert_eq!(supervisor.state(), State::Restarting);
    assert_eq!(
        effects[1],
        Effect::Show(Step::Restarting(Some(Cause::UnhealthyFor(
            Duration::from_secs(5)
        ))))
    );
    // Its exit is exo's stop, not a crash.
    assert!(
        supervisor
            .handle(Input::Died { code: 137 }, clock.after(10))
            .is_empty()
    );
    assert_eq!(
        supervisor.handle(Input::Stopped, clock.after(10))[1],
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
    assert_eq!(
        effects[1],
        Effect::Show(Step::Restarting(Some(Cause::FilesChanged)))
    );
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
    assert_eq!(
        supervisor.handle(Input::Stopped, clock.after(10))[1],
        Effect::Start
    );
    let effects = supervisor.handle(Input::Ready, clock.after(10));
    assert_eq!(effects.last(), Some(&Effect::RestartDependents));
}

#[test]
fn changes_while_starting_coalesce_into_one_more_restart() {
    let mut clock = Clock::new();
    let mut supervisor = Supervisor::new("running".into(), false, None);
    supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false));
    for _ in 0..50 {
        let change = Input::Changed {
            action: WatchAction::Restart,
        };
        assert!(supervisor.handle(change, clock.after(1)).is_empty());
    }
    let effects = supervisor.handle(Input::Ready, clock.after(10));
    assert_eq!(effects[2], Effect::StopThenStart);
    assert_eq!(
        effects[3],
        Effect::Show(Step::Restarting(Some(Cause::ChangedWhileStarting)))
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
            Effect::Show(Step::Rebuilding(Some(Cause::FilesChanged)))
        ]
    );
    let effects = supervisor.handle(Input::Rebuilt { ok: false }, clock.after(10));
    assert_eq!(effects, [Effect::Show(Step::RebuildFailedOldRuns)]);
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
        [Effect::Show(Step::StartingRebuilt), Effect::Start]
    );
}

#[test]
fn a_change_revives_a_service_that_gave_up() {
    let mut clock = Clock::new();
    let mut supervisor = Supervisor::new("running".into(), false, Some(policy()));
    supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false));
    for _ in 0..3 {
        supervisor.handle(Input::Died { code: 1 }, clock.after(10));
        if supervisor.deadline().is_some() {
            supervisor.handle(Input::TimerDue, clock.after(10));
        }
    }
    assert_eq!(supervisor.state(), State::GaveUp);
    let change = Input::Changed {
        action: WatchAction::Restart,
    };
    supervisor.handle(change, clock.after(10));
    supervisor.handle(Input::Stopped, clock.after(10));
    // The crash count started over: the next crash restarts again.
    supervisor.handle(Input::Died { code: 1 }, clock.after(10));
    assert_eq!(supervisor.state(), State::Crashed);
    assert!(supervisor.deadline().is_some());
}

#[test]
fn a_backoff_timer_outdated_by_a_change_does_nothing() {
    let mut clock = Clock::new();
    let mut supervisor = ready(&mut clock);
    supervisor.handle(Input::Died { code: 1 }, clock.after(10));
    let change = Input::Changed {
        action: WatchAction::Restart,
    };
    supervisor.handle(change, clock.after(10));
    assert_eq!(supervisor.deadline(), None);
    assert!(
        supervisor
            .handle(Input::TimerDue, clock.after(10))
            .is_empty()
    );
    assert_eq!(
        supervisor.handle(Input::Stopped, clock.after(10))[1],
        Effect::Start
    );
}

#[test]
fn a_dependent_follows_only_when_configured() {
    let mut clock = Clock::new();
    let mut follower = ready(&mut clock);
    let restarted = Input::DependencyRestarted {
        name: "db".into(),
        at: clock.now + Duration::from_millis(5),
    };
    let effects = follower.handle(restarted.clone(), clock.after(10));
    assert_eq!(
        effects[1],
        Effect::Show(Step::Restarting(Some(Cause::Dependency("db".into()))))
    );
    let mut loner = Supervisor::new("running".into(), false, None);
    loner.handle(Input::NeedsReady { running: false }, clock.cx(false));
    loner.handle(Input::Ready, clock.after(10));
    assert!(loner.handle(restarted, clock.after(10)).is_empty());
}

#[test]
fn health_readiness_waits_for_the_healthy_event() {
    let mut clock = Clock::new();
    let mut supervisor = Supervisor::new("healthcheck".into(), true, None);
    supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false));
    let effects = supervisor.handle(Input::Healthy, clock.after(2000));
    assert_eq!(
        effects[0],
        Effect::Done(Settled::Ready {
            took: Duration::from_secs(2),
            check: "healthcheck".into()
        })
    );
}

#[test]
fn a_dependency_restarting_while_its_dependent_starts_restarts_it_once_ready() {
    let mut clock = Clock::new();
    let mut follower = ready(&mut clock);
    let first = Input::DependencyRestarted {
        name: "db".into(),
        at: clock.now,
    };
    assert_eq!(
        follower.handle(first, clock.after(10))[0],
        Effect::StopThenStart
    );
    // The dependency is ready again while the follower is still stopping:
    // the start to come is after it, so nothing more.
    let during_stop = Input::DependencyRestarted {
        name: "db".into(),
        at: clock.now,
    };
    assert!(follower.handle(during_stop, clock.after(10)).is_empty());
    assert_eq!(
        follower.handle(Input::Stopped, clock.after(10))[1],
        Effect::Start
    );
    // Once more while it starts: its run began before, so it restarts once ready.
    let during_start = Input::DependencyRestarted {
        name: "db".into(),
        at: clock.now + Duration::from_millis(5),
    };
    assert!(follower.handle(during_start, clock.after(10)).is_empty());
    let effects = follower.handle(Input::Ready, clock.after(10));
    assert!(effects.contains(&Effect::StopThenStart), "{effects:?}");
    assert!(
        effects.contains(&Effect::Show(Step::Restarting(Some(Cause::Dependency(
            "db".into()
        )))))
    );
}
