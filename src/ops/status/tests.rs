use super::*;
use crate::adapters::docker::fake::{Action, Behaviour, FakeEngine};
use crate::adapters::docker::{Executed, Health, PublishedPort};
use crate::core::compose::Mode;
use std::time::Duration;

/// When the placed containers started, and when `exo status` runs.
fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}
const STARTED: u64 = 1_796_292_000;
const NOW: u64 = STARTED + 60;

fn running() -> Inspection {
    Inspection {
        state: ContainerState::Running,
        started_at: Some(at(STARTED)),
        address: Some("127.0.0.1".parse().unwrap()),
        ..Inspection::default()
    }
}

fn shell(line: &str) -> Vec<String> {
    ["/bin/sh", "-c", line].map(str::to_owned).to_vec()
}

fn plan() -> Plan {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/probes");
    let app = crate::core::config::load(&dir).expect("tests/apps/probes loads");
    Plan::new(&app, Mode::Development, &[]).unwrap()
}

/// `cmd`'s container with its healthcheck, whose run in it gives `exec`.
fn with_healthcheck(exec: Executed) -> (FakeEngine, Plan) {
    let mut plan = plan();
    plan.nodes.retain(|name, _| name == "cmd");
    let behaviour = Behaviour {
        exec: Some(exec),
        ..Behaviour::default()
    };
    let engine = FakeEngine::new(&[("cmd", behaviour)]);
    let inspection = Inspection {
        health: Some(Health::Starting),
        health_command: Some(shell("test -f /tmp/ready")),
        ..running()
    };
    engine.place("cmd", inspection, &[]);
    (engine, plan)
}

#[tokio::test]
async fn each_kind_of_check_is_judged_and_missing_containers_are_named() {
    let plan = plan();
    let engine = FakeEngine::new(&[]);
    for (name, node) in plan.nodes.iter().skip(1) {
        let mut inspection = running();
        let mut lines = vec![];
        match &node.readiness {
            Readiness::Healthy => inspection.health_command = Some(vec!["true".into()]),
            Readiness::Tcp { .. } | Readiness::Http { .. } => inspection.address = None,
            Readiness::Log { text } => lines.push(format!("x {text} y")),
            Readiness::Running => {}
        }
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        engine.place(name, inspection, &lines);
    }
    let report = status(&engine, "probes", &plan, at(NOW)).await.unwrap();
    let first = &report.entries[0];
    assert_eq!(first.name, plan.nodes.get_index(0).unwrap().0.as_str());
    assert_eq!(first.state, "not created");
    assert_eq!(first.ready, Judgement::NotRunning);
    assert!(!report.all_ready() && !report.is_down());
    for entry in &report.entries[1..] {
        let node = &plan.nodes[&entry.name];
        let expected = match &node.readiness {
            Readiness::Running => Judgement::Ready("running".into()),
            // The fake engine's `true` exits 0, silently.
            Readiness::Healthy => Judgement::Ready("healthcheck exited with 0".into()),
            Readiness::Tcp { .. } | Readiness::Http { .. } => {
                Judgement::NotReady("the container has no network address".into())
            }
            Readiness::Log { text } => Judgement::Ready(format!("printed \"{text}\"")),
        };
        assert_eq!(entry.ready, expected, "{}", entry.name);
        assert_eq!(entry.state, "running");
        assert_eq!(entry.uptime_seconds, Some(60));
    }
}

#[tokio::test]
async fn a_healthcheck_that_exits_0_now_is_ready() {
    let (engine, plan) = with_healthcheck(Executed {
        exit_code: 0,
        output: "ready\n".into(),
    });
    let report = status(&engine, "p", &plan, at(NOW)).await.unwrap();
    let ready = Judgement::Ready("healthcheck exited with 0: ready".into());
    assert_eq!(report.entries[0].ready, ready);
    // The engine's last status, an interval old, is shown beside it.
    assert_eq!(report.entries[0].health.as_deref(), Some("starting"));
    assert!(report.all_ready());
    let exec = Action::Exec("cmd".into(), shell("test -f /tmp/ready"));
    assert!(engine.journal().iter().any(|(_, action)| *action == exec));
}

#[tokio::test]
async fn a_failing_healthcheck_shows_its_code_and_last_line() {
    let (engine, plan) = with_healthcheck(Executed {
        exit_code: 1,
        output: "checking /tmp/ready\nno such file\n\n".into(),
    });
    let report = status(&engine, "p", &plan, at(NOW)).await.unwrap();
    let why = "healthcheck exited with 1: no such file";
    assert_eq!(report.entries[0].ready, Judgement::NotReady(why.into()));
    assert!(!report.all_ready());
}

#[tokio::test]
async fn a_container_without_healthcheck_is_not_ready_and_nothing_runs_in_it() {
    let mut plan = plan();
    plan.nodes.retain(|name, _| name == "cmd");
    let engine = FakeEngine::new(&[]);
    engine.place("cmd", running(), &[]);
    let report = status(&engine, "p", &plan, at(NOW)).await.unwrap();
    let why = "the container has no healthcheck";
    assert_eq!(report.entries[0].ready, Judgement::NotReady(why.into()));
    let execs = engine
        .journal()
        .into_iter()
        .filter(|(_, a)| matches!(a, Action::Exec(..)));
    assert_eq!(execs.count(), 0);
}

#[tokio::test]
async fn exited_containers_show_their_code_and_a_tcp_check_is_made() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut plan = plan();
    plan.nodes.truncate(2);
    let names: Vec<String> = plan.nodes.keys().cloned().collect();
    plan.nodes[0].readiness = Readiness::Tcp { port };
    let engine = FakeEngine::new(&[]);
    let published = PublishedPort {
        host_ip: "0.0.0.0".into(),
        host_port: "3000".into(),
        target: "8080/tcp".into(),
    };
    let inspection = Inspection {
        restarts: 2,
        ports: vec![published],
        ..running()
    };
    engine.place(&names[0], inspection, &[]);
    let exited = Inspection {
        state: ContainerState::Exited { code: 3 },
        ..running()
    };
    engine.place(&names[1], exited, &[]);
    let report = status(&engine, "p", &plan, at(NOW)).await.unwrap();
    let first = &report.entries[0];
    assert!(matches!(&first.ready, Judgement::Ready(seen) if seen.contains("accepts connections")));
    assert_eq!(first.restarts, 2);
    assert_eq!(first.ports, ["0.0.0.0:3000->8080/tcp"]);
    assert_eq!(report.entries[1].state, "exited (3)");
    assert_eq!(report.entries[1].ready, Judgement::NotRunning);
    assert_eq!(report.entries[1].uptime_seconds, None);
}

/// A worker (no check) the engine has just restarted, as it does in a
/// crash loop, has not been ready since its last start.
#[tokio::test]
async fn a_worker_is_ready_only_once_it_has_run_min_ready() {
    let mut plan = plan();
    plan.nodes.retain(|name, _| name == "plain");
    assert_eq!(plan.nodes["plain"].readiness, Readiness::Running);
    let engine = FakeEngine::new(&[]);
    let just_restarted = Inspection {
        restarts: 4,
        ..running()
    };
    engine.place("plain", just_restarted, &[]);
    let moments_later = at(STARTED) + Duration::from_millis(300);
    let report = status(&engine, "p", &plan, moments_later).await.unwrap();
    let why = "running for 0.3 s; ready once it has run 1 s";
    assert_eq!(report.entries[0].ready, Judgement::NotReady(why.into()));
    assert_eq!(report.ready_count(), 0);
    let report = status(&engine, "p", &plan, at(STARTED + 1)).await.unwrap();
    assert_eq!(report.entries[0].ready, Judgement::Ready("running".into()));
    assert!(report.all_ready());
}
