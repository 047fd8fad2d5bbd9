//! The runtime against the fake engine, on tokio's paused clock: every
//! timer, backoff and stop takes the time the test says, and no Docker.

use super::{AfterFailure, Outcome, UpOptions, up};
use crate::adapters::docker::fake::{Action, Behaviour, FakeEngine, Script};
use crate::adapters::docker::{Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::core::compose::Mode;
use crate::core::model::RestartPolicy;
use crate::core::plan::{Node, NodeKind, Plan, Readiness};
use crate::interface::output::{LogFormat, Printer};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, sleep};

pub(super) fn node(needs: &[&str], readiness: Readiness, restart: Option<RestartPolicy>) -> Node {
    Node {
        kind: NodeKind::Service,
        needs: needs.iter().map(|n| (*n).to_owned()).collect(),
        readiness,
        timeout: Duration::from_secs(1),
        poll: Duration::from_millis(50),
        interval: Duration::from_secs(10),
        retries: 3,
        restart,
        watch: None,
        build: None,
    }
}

pub(super) fn plan(nodes: Vec<(&str, Node)>) -> Plan {
    Plan {
        nodes: nodes
            .into_iter()
            .map(|(name, node)| (name.to_owned(), node))
            .collect(),
    }
}

pub(super) fn follows() -> RestartPolicy {
    RestartPolicy {
        with_dependencies: true,
        ..RestartPolicy::default()
    }
}

pub(super) fn project() -> Project {
    Project {
        file: "docker-compose/run_development.yml".into(),
        name: "shop".into(),
        app_dir: ".".into(),
        containers: std::sync::Arc::default(),
    }
}

pub(super) fn foreground() -> UpOptions {
    UpOptions {
        detach: false,
        wait_timeout: None,
        after_failure: AfterFailure::Remove,
        mode: Mode::Development,
        supervise: true,
        build: true,
        watch: None,
        logs: LogFormat {
            prefix: true,
            color: false,
        },
    }
}

pub(super) fn detached() -> UpOptions {
    UpOptions {
        detach: true,
        supervise: false,
        wait_timeout: Some(Duration::from_secs(30)),
        after_failure: AfterFailure::LeaveAndSay {
            down: "exo down".into(),
        },
        ..foreground()
    }
}

/// A run that is ready at once (it prints "up") and crashes after `millis`.
fn crashes_after(millis: u64) -> Script {
    Script {
        prints: vec!["up".into()],
        exits: Some((Duration::from_millis(millis), 1)),
    }
}

/// Ready once it has printed "up", as every run of [`crashes_after`] does.
fn up_line() -> Readiness {
    Readiness::Log { text: "up".into() }
}

/// Runs `up` with Ctrl-C pressed at each of `interrupts` (times from now).
pub(super) async fn run(
    fake: &FakeEngine,
    plan: &Plan,
    options: &UpOptions,
    interrupts: &[u64],
) -> Outcome {
    let engine: Arc<dyn Engine> = Arc::new(fake.clone());
    let (press, mut listened) = Interrupts::channel();
    let presses = interrupts.to_vec();
    tokio::spawn(async move {
        let began = Instant::now();
        for at in presses {
            tokio::time::sleep_until(began + Duration::from_millis(at)).await;
            let _ = press.send(());
        }
        // Kept open: a closed channel is no interrupt.
        std::future::pending::<()>().await;
    });
    let mut printer = Printer::plain();
    up(
        &engine,
        &project(),
        plan,
        options,
        &mut listened,
        &mut printer,
    )
    .await
    .expect("the fake engine does not fail")
}

#[tokio::test(start_paused = true)]
async fn dependents_start_once_what_they_need_is_ready() {
    let fake = FakeEngine::new(&[("db", Behaviour::default()), ("web", Behaviour::default())]);
    let plan = plan(vec![
        ("db", node(&[], Readiness::Running, None)),
        ("web", node(&["db"], Readiness::Running, None)),
    ]);
    assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Ready);
    let starts: Vec<Action> = fake
        .journal()
        .into_iter()
        .map(|(_, action)| action)
        .filter(|action| matches!(action, Action::Start(_)))
        .collect();
    assert_eq!(
        starts,
        [Action::Start("db".into()), Action::Start("web".into())]
    );
    assert!(fake.running("web"), "-d leaves the application running");
}

/// The race of issue 10: the dependency restarts a second time while its
/// dependent is stopping for the first. The dependent's start to come is
/// after both, and nothing else is needed.
#[tokio::test(start_paused = true)]
async fn a_dependent_stopping_while_its_dependency_restarts_again_ends_after_it() {
    let base = Behaviour {
        runs: vec![
            crashes_after(1000),
            crashes_after(100),
            crashes_after(3_600_000),
        ],
        ..Behaviour::default()
    };
    let follower = Behaviour {
        stop_takes: Duration::from_secs(1),
        ..Behaviour::default()
    };
    let fake = FakeEngine::new(&[("base", base), ("follower", follower)]);
    let plan = plan(vec![
        ("base", node(&[], up_line(), Some(follows()))),
        (
            "follower",
            node(&["base"], Readiness::Running, Some(follows())),
        ),
    ]);
    let outcome = run(&fake, &plan, &foreground(), &[10_000]).await;
    assert_eq!(outcome, Outcome::Interrupted);
    let (base, follower) = (fake.starts_of("base"), fake.starts_of("follower"));
    assert_eq!(base.len(), 3, "{:?}", fake.journal());
    assert_eq!(follower.len(), 2, "{:?}", fake.journal());
    assert!(follower.last() > base.last(), "{:?}", fake.journal());
}

/// The same race while the dependent is starting (not ready yet): it
/// restarts once more when ready, so that it ends after the last restart.
#[tokio::test(start_paused = true)]
async fn a_dependent_starting_while_its_dependency_restarts_again_restarts_once_more() {
    let base = Behaviour {
        runs: vec![
            crashes_after(1000),
            crashes_after(100),
            crashes_after(3_600_000),
        ],
        ..Behaviour::default()
    };
    let fake = FakeEngine::new(&[("base", base), ("follower", Behaviour::default())]);
    let plan = plan(vec![
        ("base", node(&[], up_line(), Some(follows()))),
        (
            "follower",
            node(&["base"], Readiness::Healthy, Some(follows())),
        ),
    ]);
    let driver = {
        let fake = fake.clone();
        async move {
            // Healthy at once the first time; then only late, after base's
            // second restart (at about 1.7 s).
            sleep(Duration::from_millis(10)).await;
            fake.health("follower", true);
            for _ in 0..3 {
                sleep(Duration::from_secs(3)).await;
                fake.health("follower", true);
            }
        }
    };
    let options = foreground();
    let (outcome, ()) = tokio::join!(run(&fake, &plan, &options, &[20_000]), driver);
    assert_eq!(outcome, Outcome::Interrupted);
    let (base, follower) = (fake.starts_of("base"), fake.starts_of("follower"));
    assert_eq!(base.len(), 3, "{:?}", fake.journal());
    assert_eq!(follower.len(), 3, "{:?}", fake.journal());
    assert!(follower.last() > base.last(), "{:?}", fake.journal());
}

#[tokio::test(start_paused = true)]
async fn a_failing_start_of_a_supervised_service_backs_off_instead_of_failing() {
    let flaky = Behaviour {
        failed_starts: 2,
        ..Behaviour::default()
    };
    let fake = FakeEngine::new(&[("api", flaky.clone())]);
    let plan = plan(vec![(
        "api",
        node(&[], Readiness::Running, Some(follows())),
    )]);
    let began = Instant::now();
    let outcome = run(&fake, &plan, &foreground(), &[5_000]).await;
    assert_eq!(outcome, Outcome::Interrupted);
    let starts = fake.starts_of("api");
    assert_eq!(starts.len(), 1);
    // Two backoff delays: 200 ms, then 400 ms.
    assert_eq!(starts[0] - began, Duration::from_millis(600));
    // Unsupervised (`up -d`), the same failure fails the start.
    let fake = FakeEngine::new(&[("api", flaky)]);
    assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Failed);
}

/// Ctrl-C while building, while waiting for readiness, once running, and
/// twice (the second while `down` waits): each time `up` ends as
/// interrupted, and the containers are removed (at once the second time).
#[tokio::test(start_paused = true)]
async fn ctrl_c_in_every_phase_removes_everything() {
    let plan = plan(vec![
        ("db", node(&[], Readiness::Healthy, None)),
        ("web", node(&["db"], Readiness::Running, Some(follows()))),
    ]);
    let slow = || {
        FakeEngine::new(&[("db", Behaviour::default()), ("web", Behaviour::default())])
            .slow(Duration::from_secs(5), Duration::from_secs(10))
    };
    // While building: nothing was created, so there is nothing to remove.
    let fake = slow();
    assert_eq!(
        run(&fake, &plan, &foreground(), &[1_000]).await,
        Outcome::Interrupted
    );
    assert!(fake.starts_of("db").is_empty());
    assert!(
        !fake
            .journal()
            .iter()
            .any(|(_, a)| matches!(a, Action::Create(_)))
    );
    // While db is starting: web never starts.
    let fake = slow();
    assert_eq!(
        run(&fake, &plan, &foreground(), &[6_000]).await,
        Outcome::Interrupted
    );
    assert!(fake.starts_of("web").is_empty());
    assert_eq!(
        fake.journal().last().unwrap().1,
        Action::Down { at_once: false }
    );
    assert!(!fake.running("db"));
    // Once everything runs, then again while `down` waits.
    let fake = slow();
    let driver = {
        let fake = fake.clone();
        async move {
            sleep(Duration::from_millis(5_500)).await;
            fake.health("db", true);
        }
    };
    let interrupts = [7_000, 8_000];
    let options = foreground();
    let (outcome, ()) = tokio::join!(run(&fake, &plan, &options, &interrupts), driver);
    assert_eq!(outcome, Outcome::Interrupted);
    assert_eq!(fake.starts_of("web").len(), 1);
    let downs: Vec<Action> = fake
        .journal()
        .into_iter()
        .map(|(_, action)| action)
        .filter(|action| matches!(action, Action::Down { .. }))
        .collect();
    assert_eq!(
        downs,
        [
            Action::Down { at_once: false },
            Action::Down { at_once: true }
        ]
    );
    assert!(!fake.running("db") && !fake.running("web"));
}

#[tokio::test(start_paused = true)]
async fn a_service_waiting_too_long_times_out() {
    let fake = FakeEngine::new(&[("db", Behaviour::default())]);
    let plan = plan(vec![("db", node(&[], Readiness::Healthy, None))]);
    let began = Instant::now();
    assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::TimedOut);
    assert_eq!(Instant::now() - began, Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn an_already_healthy_container_is_ready_at_once() {
    let healthy = Behaviour {
        healthy: true,
        ..Behaviour::default()
    };
    let fake = FakeEngine::new(&[("db", healthy)]);
    let plan = plan(vec![("db", node(&[], Readiness::Healthy, None))]);
    assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Ready);
}

#[tokio::test(start_paused = true)]
async fn log_readiness_waits_for_the_line() {
    let chatty = Behaviour {
        runs: vec![Script {
            prints: vec!["booting".into(), "listening on :80".into()],
            exits: None,
        }],
        ..Behaviour::default()
    };
    let fake = FakeEngine::new(&[("web", chatty)]);
    let readiness = Readiness::Log {
        text: "listening".into(),
    };
    let plan = plan(vec![("web", node(&[], readiness, None))]);
    assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Ready);
}
