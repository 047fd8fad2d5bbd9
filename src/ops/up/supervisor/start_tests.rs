//! The state machine on a start: a container without a check is ready
//! only once it has kept running `MIN_READY`, and a start the engine
//! refuses is a failed start, not a crash.

use super::tests::{Clock, policy};
use super::*;
use crate::core::lifecycle::{Exit, Failure, MIN_READY, Settled, Step};
use std::time::Duration;

/// A supervised container without a check, started at `clock`'s time.
fn started_worker(clock: &Clock) -> Supervisor {
    let mut supervisor = Supervisor::new("running".into(), false, Some(policy()));
    supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false));
    let running = Input::Running {
        uptime: Duration::ZERO,
    };
    assert_eq!(supervisor.handle(running, clock.cx(false)), []);
    supervisor
}

#[test]
fn a_worker_is_ready_once_it_has_kept_running_min_ready() {
    let mut clock = Clock::new();
    let mut supervisor = started_worker(&clock);
    assert!(matches!(supervisor.state(), State::Starting { .. }));
    assert_eq!(supervisor.deadline(), Some(clock.now + MIN_READY));
    let millis = u64::try_from(MIN_READY.as_millis()).unwrap();
    let effects = supervisor.handle(Input::TimerDue, clock.after(millis));
    assert_eq!(supervisor.state(), State::Ready);
    assert_eq!(
        effects[0],
        Effect::Done(Settled::Ready {
            took: MIN_READY,
            check: "running".into()
        })
    );
}

#[test]
fn a_worker_that_crashes_at_once_is_never_ready() {
    let mut clock = Clock::new();
    let mut supervisor = started_worker(&clock);
    let effects = supervisor.handle(Input::Died { code: 3 }, clock.after(100));
    assert_eq!(supervisor.state(), State::Crashed);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Done(_))));
    // The min-ready timer went with the run: only the backoff's remains.
    assert_eq!(
        supervisor.deadline(),
        Some(clock.now + Duration::from_millis(200))
    );
    supervisor.handle(Input::TimerDue, clock.after(200));
    assert!(matches!(supervisor.state(), State::Starting { .. }));
}

#[test]
fn a_worker_that_exits_0_before_min_ready_did_its_work() {
    let mut clock = Clock::new();
    let mut supervisor = started_worker(&clock);
    clock.now += Duration::from_millis(100);
    let effects = supervisor.handle(Input::Died { code: 0 }, clock.cx(false));
    assert_eq!(effects, [Effect::Done(Settled::Exited { code: 0 })]);
    assert_eq!(supervisor.state(), State::Stopped { code: 0 });
    assert!(supervisor.state().satisfies_needs());
}

#[test]
fn a_run_taken_over_counts_its_uptime() {
    let clock = Clock::new();
    let mut supervisor = Supervisor::new("running".into(), false, None);
    supervisor.handle(Input::NeedsReady { running: true }, clock.cx(false));
    let half = MIN_READY / 2;
    supervisor.handle(Input::Running { uptime: half }, clock.cx(false));
    assert_eq!(supervisor.deadline(), Some(clock.now + (MIN_READY - half)));
    let mut long_running = Supervisor::new("running".into(), false, None);
    long_running.handle(Input::NeedsReady { running: true }, clock.cx(false));
    let uptime = Duration::from_secs(3600);
    long_running.handle(Input::Running { uptime }, clock.cx(false));
    assert_eq!(long_running.state(), State::Ready);
}

#[test]
fn a_failed_start_of_a_supervised_container_backs_off_then_gives_up() {
    let clock = Clock::new();
    let mut supervisor = Supervisor::new("running".into(), false, Some(policy()));
    supervisor.handle(Input::NeedsReady { running: false }, clock.cx(false));
    let refused = || Input::StartFailed {
        message: "port is already allocated".into(),
    };
    let effects = supervisor.handle(refused(), clock.cx(false));
    assert_eq!(
        effects,
        [Effect::Show(Step::StartFailed {
            message: "port is already allocated".into(),
            retry_in: Duration::from_millis(200),
            attempt: 1
        })]
    );
    assert_eq!(supervisor.state(), State::Crashed);
    supervisor.handle(Input::TimerDue, clock.cx(false));
    supervisor.handle(refused(), clock.cx(false));
    supervisor.handle(Input::TimerDue, clock.cx(false));
    let effects = supervisor.handle(refused(), clock.cx(false));
    assert_eq!(supervisor.state(), State::GaveUp);
    let last = Exit::NotStarted {
        message: "port is already allocated".into(),
    };
    assert_eq!(
        effects[0],
        Effect::Done(Settled::GaveUp {
            crashes: 3,
            window: Duration::from_secs(60),
            last,
        })
    );
}

#[test]
fn a_failed_start_of_an_unsupervised_container_fails_the_start() {
    let clock = Clock::new();
    let mut unsupervised = Supervisor::new("running".into(), false, None);
    unsupervised.handle(Input::NeedsReady { running: false }, clock.cx(false));
    let effects = unsupervised.handle(
        Input::StartFailed {
            message: "no".into(),
        },
        clock.cx(false),
    );
    assert_eq!(
        effects,
        [
            Effect::Done(Settled::CouldNotStart),
            Effect::Fail(Failure::CouldNotStart {
                message: "no".into()
            })
        ]
    );
}
