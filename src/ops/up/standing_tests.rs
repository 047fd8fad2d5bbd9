//! What counts as ready, against the fake engine on tokio's paused clock:
//! a container exo gave up on, one that crashes at once, one unhealthy, or
//! one the engine refused to start is never called ready; and what `up -d`
//! leaves behind when it fails.

use super::session::Session;
use super::tests::{detached, follows, foreground, node, plan, project, run};
use super::{AfterFailure, Outcome, UpOptions};
use crate::adapters::docker::fake::{Action, Behaviour, FakeEngine, Script};
use crate::adapters::docker::{Create, Engine};
use crate::adapters::signals::Interrupts;
use crate::core::lifecycle::{Exit, Standing, Summary};
use crate::core::plan::{Plan, Readiness};
use crate::interface::output::Printer;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::sleep;

/// A container that exits with `code` right after every start.
fn exits_at_once(code: i64) -> Behaviour {
    Behaviour {
        runs: vec![Script {
            prints: Vec::new(),
            exits: Some((Duration::from_millis(10), code)),
        }],
        ..Behaviour::default()
    }
}

/// Runs a session as `up` does until Ctrl-C at `interrupt_at` (ms from
/// now); how it ended, and where each container stood then.
async fn session(
    fake: &FakeEngine,
    plan: &Plan,
    options: &UpOptions,
    interrupt_at: u64,
) -> (Outcome, Summary) {
    let engine: Arc<dyn Engine> = Arc::new(fake.clone());
    let project = project();
    let names: Vec<String> = plan.nodes.keys().cloned().collect();
    let mut events = engine.events(&project.name);
    engine
        .create(&project, &names, Create::Missing)
        .await
        .unwrap();
    let listed = engine.containers(&project.name).await.unwrap();
    let containers = names
        .iter()
        .map(|name| {
            let info = listed.iter().find(|c| c.service == *name).unwrap();
            (name.clone(), (info.id.clone(), info.running))
        })
        .collect();
    let (press, mut interrupts) = Interrupts::channel();
    tokio::spawn(async move {
        sleep(Duration::from_millis(interrupt_at)).await;
        let _ = press.send(());
        std::future::pending::<()>().await;
    });
    let progress = Printer::plain().progress(&names, options.logs);
    let mut session = Session::new(
        &engine,
        &project,
        plan,
        options,
        containers,
        Box::new(progress),
        None,
    );
    let began = std::time::Instant::now();
    let outcome = session.run(&mut events, &mut interrupts, began).await;
    session.shut_down().await;
    (outcome, session.summary(Duration::ZERO))
}

#[tokio::test(start_paused = true)]
async fn a_worker_given_up_is_not_counted_ready() {
    let fake = FakeEngine::new(&[("db", Behaviour::default()), ("worker", exits_at_once(3))]);
    let plan = plan(vec![
        ("db", node(&[], Readiness::Running, None)),
        ("worker", node(&[], Readiness::Running, Some(follows()))),
    ]);
    let (outcome, summary) = session(&fake, &plan, &foreground(), 60_000).await;
    assert_eq!(outcome, Outcome::Interrupted);
    assert_eq!(summary.ready(), 1);
    assert_eq!(
        summary.containers,
        [
            ("db".to_owned(), Standing::Ready),
            ("worker".to_owned(), Standing::GaveUp(Exit::Code(3)))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_worker_that_crashes_at_once_is_never_ready_for_its_dependents() {
    let fake = FakeEngine::new(&[("worker", exits_at_once(3)), ("web", Behaviour::default())]);
    let plan = plan(vec![
        ("worker", node(&[], Readiness::Running, Some(follows()))),
        ("web", node(&["worker"], Readiness::Running, None)),
    ]);
    let (_, summary) = session(&fake, &plan, &foreground(), 60_000).await;
    assert!(fake.starts_of("web").is_empty(), "{:?}", fake.journal());
    assert_eq!(summary.ready(), 0);
    // Unsupervised (`up -d`), it fails the start instead of being ready.
    let fake = FakeEngine::new(&[("worker", exits_at_once(3))]);
    let plan = super::tests::plan(vec![("worker", node(&[], Readiness::Running, None))]);
    assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Failed);
}

#[tokio::test(start_paused = true)]
async fn a_start_the_engine_refuses_is_given_up_with_its_reason() {
    let refused = Behaviour {
        failed_starts: 100,
        ..Behaviour::default()
    };
    let fake = FakeEngine::new(&[("web", refused)]);
    let plan = plan(vec![(
        "web",
        node(&[], Readiness::Running, Some(follows())),
    )]);
    let (_, summary) = session(&fake, &plan, &foreground(), 60_000).await;
    assert!(fake.starts_of("web").is_empty());
    let message = "driver failed programming external connectivity".to_owned();
    assert_eq!(
        summary.containers,
        [(
            "web".to_owned(),
            Standing::GaveUp(Exit::NotStarted { message })
        )]
    );
}

/// `up -d` returns once every container is ready at the same time: one
/// that turned unhealthy after it was ready holds the wait.
#[tokio::test(start_paused = true)]
async fn up_detached_waits_while_a_container_is_unhealthy() {
    let fake = FakeEngine::new(&[("db", Behaviour::default()), ("web", Behaviour::default())]);
    let plan = plan(vec![
        ("db", node(&[], Readiness::Healthy, None)),
        ("web", node(&["db"], Readiness::Running, None)),
    ]);
    let driver = {
        let fake = fake.clone();
        async move {
            sleep(Duration::from_millis(10)).await;
            fake.health("db", true);
            sleep(Duration::from_millis(500)).await;
            fake.health("db", false);
        }
    };
    let options = detached();
    let (outcome, ()) = tokio::join!(run(&fake, &plan, &options, &[]), driver);
    assert_eq!(outcome, Outcome::TimedOut);
    assert_eq!(fake.starts_of("web").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_wait_timeout_beyond_the_clock_is_no_limit() {
    let fake = FakeEngine::new(&[("db", Behaviour::default())]);
    let plan = plan(vec![("db", node(&[], Readiness::Healthy, None))]);
    let options = UpOptions {
        wait_timeout: Some(Duration::MAX),
        ..detached()
    };
    let outcome = run(&fake, &plan, &options, &[3_600_000]).await;
    assert_eq!(outcome, Outcome::Interrupted);
}

/// After a failed `up -d` the containers are left running to be looked
/// at, unless `--down-on-failure` asks that they be removed.
#[tokio::test(start_paused = true)]
async fn a_failed_up_detached_leaves_the_containers_unless_told_otherwise() {
    let behaviours = [("db", Behaviour::default()), ("worker", exits_at_once(3))];
    let plan = plan(vec![
        ("db", node(&[], Readiness::Running, None)),
        ("worker", node(&["db"], Readiness::Running, None)),
    ]);
    let fake = FakeEngine::new(&behaviours);
    assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Failed);
    assert!(fake.running("db"));
    let downs = |fake: &FakeEngine| {
        let journal = fake.journal();
        journal
            .iter()
            .filter(|(_, action)| matches!(action, Action::Down { .. }))
            .count()
    };
    assert_eq!(downs(&fake), 0);
    let fake = FakeEngine::new(&behaviours);
    let options = UpOptions {
        after_failure: AfterFailure::Remove,
        ..detached()
    };
    assert_eq!(run(&fake, &plan, &options, &[]).await, Outcome::Failed);
    assert_eq!(downs(&fake), 1);
    assert!(!fake.running("db"));
}
