use super::*;
use crate::adapters::docker::swarm::{
    ImageBuild, Manager, NodeState, ServiceDefinition, SwarmError, TaskState,
};
use crate::ops::deploy::plan;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

/// How a fake service's tasks behave.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Running healthy after this many looks at its tasks.
    HealthyAfter(u32),
    /// Every task fails.
    Crashes,
    /// Runs at once but never prints its ready line.
    Silent,
}

#[derive(Default)]
struct Cluster {
    services: Vec<ServiceState>,
    polls: HashMap<String, u32>,
    /// The poll at which Swarm rolled each service back.
    rolled_back_at: HashMap<String, u32>,
    registry: Vec<String>,
    log: Vec<String>,
    labels: Vec<String>,
}

/// A manager whose services come up as their [`Behaviour`] says.
struct FakeSwarm {
    behaviour: HashMap<String, Behaviour>,
    cluster: Mutex<Cluster>,
}

impl FakeSwarm {
    fn new(behaviour: &[(&str, Behaviour)]) -> Self {
        FakeSwarm {
            behaviour: behaviour
                .iter()
                .map(|(n, b)| ((*n).to_owned(), *b))
                .collect(),
            cluster: Mutex::default(),
        }
    }

    fn log(&self) -> Vec<String> {
        self.cluster.lock().unwrap().log.clone()
    }

    fn behaviour(&self, service: &ServiceState) -> Behaviour {
        let short = service.name.rsplit('_').next().unwrap_or_default();
        self.behaviour
            .get(short)
            .copied()
            .unwrap_or(Behaviour::HealthyAfter(1))
    }
}

impl Swarm for FakeSwarm {
    async fn manager(&self) -> Result<Manager, SwarmError> {
        Ok(Manager {
            node_id: "node1".into(),
            engine_version: "20.10".into(),
        })
    }
    async fn image_in_registry(&self, reference: &str) -> bool {
        self.cluster
            .lock()
            .unwrap()
            .registry
            .iter()
            .any(|r| r == reference)
    }
    async fn build_and_push(&self, build: &ImageBuild) -> Result<(), SwarmError> {
        let mut cluster = self.cluster.lock().unwrap();
        cluster.registry.push(build.reference.clone());
        cluster.log.push(format!(
            "push {}",
            build.reference.split(':').nth(1).unwrap_or_default()
        ));
        Ok(())
    }
    async fn ensure_network(&self, _: &str, _: &str) -> Result<(), SwarmError> {
        Ok(())
    }
    async fn services(&self, _: &str) -> Result<Vec<ServiceState>, SwarmError> {
        Ok(self.cluster.lock().unwrap().services.clone())
    }
    async fn create_service(
        &self,
        d: &ServiceDefinition,
        fingerprint: &str,
    ) -> Result<(), SwarmError> {
        let mut cluster = self.cluster.lock().unwrap();
        cluster.log.push(format!("create {}", d.alias));
        cluster.services.push(ServiceState {
            id: format!("id-{}", d.name),
            name: d.name.clone(),
            version: 1,
            image: d.image.clone(),
            replicas: d.replicas,
            fingerprint: Some(fingerprint.to_owned()),
            update_state: None,
            update_message: None,
        });
        Ok(())
    }
    async fn update_service(
        &self,
        current: &ServiceState,
        d: &ServiceDefinition,
        fingerprint: &str,
    ) -> Result<(), SwarmError> {
        let mut cluster = self.cluster.lock().unwrap();
        cluster.log.push(format!("update {}", d.alias));
        cluster.polls.remove(&current.id);
        let service = cluster
            .services
            .iter_mut()
            .find(|s| s.id == current.id)
            .unwrap();
        service.previous_fingerprint(fingerprint);
        service.replicas = d.replicas;
        service.update_state = Some("updating".into());
        Ok(())
    }
    async fn tasks(&self, id: &str) -> Result<Vec<TaskState>, SwarmError> {
        let mut cluster = self.cluster.lock().unwrap();
        let polls = {
            let n = cluster.polls.entry(id.to_owned()).or_insert(0);
            *n += 1;
            *n
        };
        let rolled_back_at = *cluster
            .rolled_back_at
            .entry(id.to_owned())
            .or_insert(u32::MAX);
        let service = cluster.services.iter_mut().find(|s| s.id == id).unwrap();
        let task = |state: &str, fingerprint: &Option<String>| TaskState {
            id: format!("{id}-{polls}"),
            node_id: Some("node1".into()),
            state: TaskPhase::parse(state),
            desired_state: if state == "failed" {
                TaskPhase::Shutdown
            } else {
                TaskPhase::Running
            },
            error: (state == "failed").then(|| "task: non-zero exit (1)".to_owned()),
            message: String::new(),
            fingerprint: fingerprint.clone(),
            timestamp: format!("2026-01-01T00:00:{polls:02}Z"),
        };
        let updating = service.update_state.as_deref() == Some("updating");
        let rolled_back = service.update_state.as_deref() == Some("rollback_completed");
        let tasks = match self.behaviour(service) {
            Behaviour::HealthyAfter(n) if polls > n => {
                if updating {
                    service.update_state = Some("completed".into());
                }
                (0..service.replicas)
                    .map(|_| task("running", &service.fingerprint))
                    .collect()
            }
            Behaviour::HealthyAfter(_) => vec![task("starting", &service.fingerprint)],
            Behaviour::Crashes if updating => {
                // Swarm rolls the failed update back to the previous version,
                // and says so while the previous version's task still starts.
                service.update_state = Some("rollback_completed".into());
                let new =
                    std::mem::replace(&mut service.fingerprint, service.update_message.take());
                vec![task("failed", &new), task("starting", &service.fingerprint)]
            }
            Behaviour::Crashes if rolled_back && polls <= rolled_back_at.saturating_add(1) => {
                vec![task("starting", &service.fingerprint)]
            }
            Behaviour::Crashes if rolled_back => (0..service.replicas)
                .map(|_| task("running", &service.fingerprint))
                .collect(),
            Behaviour::Silent => vec![task("running", &service.fingerprint)],
            Behaviour::Crashes => (0..polls)
                .map(|_| task("failed", &service.fingerprint))
                .collect(),
        };
        if service.update_state.as_deref() == Some("rollback_completed") && !rolled_back {
            cluster.rolled_back_at.insert(id.to_owned(), polls);
        }
        Ok(tasks)
    }
    async fn logs(&self, _: &str, _: usize) -> Vec<String> {
        vec!["api: cannot start".to_owned()]
    }
    async fn task_logs(&self, task: &str, _: usize) -> Vec<String> {
        let cluster = self.cluster.lock().unwrap();
        let service = cluster
            .services
            .iter()
            .find(|s| task.starts_with(&s.id))
            .unwrap();
        match self.behaviour(service) {
            Behaviour::Silent => vec!["starting".to_owned()],
            _ => vec!["worker ready (role worker)".to_owned()],
        }
    }
    async fn nodes(&self) -> Result<Vec<NodeState>, SwarmError> {
        Ok(Vec::new())
    }
    async fn label_node(&self, node: &str, label: &str) -> Result<(), SwarmError> {
        self.cluster
            .lock()
            .unwrap()
            .labels
            .push(format!("{node} {label}"));
        Ok(())
    }
    async fn remove_service(&self, id: &str) -> Result<(), SwarmError> {
        let mut cluster = self.cluster.lock().unwrap();
        cluster.services.retain(|s| s.id != id);
        cluster.log.push(format!("remove {id}"));
        Ok(())
    }
    async fn remove_networks(&self, _: &str) -> Result<bool, SwarmError> {
        Ok(true)
    }
    async fn remove_volumes(&self, _: &str) -> Result<Vec<String>, SwarmError> {
        Ok(Vec::new())
    }
}

trait Previous {
    fn previous_fingerprint(&mut self, new: &str);
}

impl Previous for ServiceState {
    /// Keeps the old fingerprint (in `update_message`) for a rollback.
    fn previous_fingerprint(&mut self, new: &str) {
        self.update_message = self.fingerprint.replace(new.to_owned());
    }
}

fn shop_plan(edit: impl FnOnce(&mut crate::core::model::Application)) -> Plan {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
    let mut app = crate::core::config::load(&dir).unwrap();
    edit(&mut app);
    plan(&app, &dir, "staging", &|_| None).unwrap()
}

async fn run(swarm: &FakeSwarm, plan: &Plan) -> (Outcome, Vec<Event>) {
    let mut events = Vec::new();
    let outcome = rollout(swarm, plan, Duration::from_secs(60), &mut |e| {
        events.push(e)
    })
    .await
    .unwrap();
    (outcome, events)
}

fn converged_before_created(events: &[Event], first: &str, then: &str) -> bool {
    let at = |wanted: &dyn Fn(&Event) -> bool| events.iter().position(wanted);
    let converged = at(
        &|e| matches!(e, Event::Service { name, step: ServiceStep::Converged(_) } if name == first),
    );
    let created =
        at(&|e| matches!(e, Event::Service { name, step: ServiceStep::Creating } if name == then));
    matches!((converged, created), (Some(c), Some(s)) if c < s)
}

#[tokio::test(start_paused = true)]
async fn services_start_after_what_they_need_is_healthy() {
    let swarm = FakeSwarm::new(&[
        ("cache", Behaviour::HealthyAfter(4)),
        ("api", Behaviour::HealthyAfter(3)),
    ]);
    let (outcome, events) = run(&swarm, &shop_plan(|_| {})).await;
    assert_eq!(outcome, Outcome::Converged);
    assert!(
        converged_before_created(&events, "cache", "api"),
        "{events:#?}"
    );
    assert!(
        converged_before_created(&events, "api", "web"),
        "{events:#?}"
    );
    let log = swarm.log();
    assert_eq!(log.iter().filter(|l| l.starts_with("push")).count(), 3);
    assert!(events.contains(&Event::Service {
        name: "api".into(),
        step: ServiceStep::Progress {
            ready: 0,
            desired: 1
        }
    }));
}

#[tokio::test(start_paused = true)]
async fn a_second_deploy_without_changes_changes_nothing() {
    let swarm = FakeSwarm::new(&[]);
    let plan = shop_plan(|_| {});
    run(&swarm, &plan).await;
    let before = swarm.log().len();
    let (outcome, events) = run(&swarm, &plan).await;
    assert_eq!(outcome, Outcome::Converged);
    assert_eq!(swarm.log().len(), before, "{:?}", swarm.log());
    let unchanged = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Service {
                    step: ServiceStep::Unchanged,
                    ..
                }
            )
        })
        .count();
    assert_eq!(unchanged, 4);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Image {
            step: ImageStep::Present(_),
            ..
        }
    )));
}

#[tokio::test(start_paused = true)]
async fn only_the_changed_service_is_updated() {
    let swarm = FakeSwarm::new(&[]);
    run(&swarm, &shop_plan(|_| {})).await;
    let changed = shop_plan(|app| {
        app.services["worker"].config.remote.replicas = 2;
    });
    let before = swarm.log().len();
    let (outcome, _) = run(&swarm, &changed).await;
    assert_eq!(outcome, Outcome::Converged);
    assert_eq!(swarm.log()[before..], ["update worker"]);
}

#[tokio::test(start_paused = true)]
async fn a_new_service_that_keeps_failing_is_named_with_its_errors_and_logs() {
    let swarm = FakeSwarm::new(&[("api", Behaviour::Crashes)]);
    let (outcome, events) = run(&swarm, &shop_plan(|_| {})).await;
    let Outcome::Failed(failure) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(failure.service, "api");
    assert!(!failure.rolled_back);
    assert_eq!(failure.errors, ["task: non-zero exit (1)"]);
    assert_eq!(failure.logs, ["api: cannot start"]);
    // web needs api: it was never created.
    assert!(!swarm.log().contains(&"create web".to_owned()));
    assert!(!events.iter().any(
        |e| matches!(e, Event::Service { name, step: ServiceStep::Creating } if name == "web")
    ));
}

#[tokio::test(start_paused = true)]
async fn a_failed_update_is_rolled_back_and_reported() {
    let good = FakeSwarm::new(&[]);
    run(&good, &shop_plan(|_| {})).await;
    let crashing = FakeSwarm {
        behaviour: HashMap::from([("worker".to_owned(), Behaviour::Crashes)]),
        cluster: Mutex::new(std::mem::take(&mut *good.cluster.lock().unwrap())),
    };
    let changed = shop_plan(|app| app.services["worker"].config.remote.replicas = 2);
    let (outcome, events) = run(&crashing, &changed).await;
    let Outcome::Failed(failure) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(failure.service, "worker");
    assert!(failure.rolled_back);
    // Swarm said "rollback completed" while the previous version's task
    // was starting: exo said "rolling back" until it ran.
    let worker: Vec<&ServiceStep> = events
        .iter()
        .filter_map(|event| match event {
            Event::Service { name, step } if name == "worker" => Some(step),
            _ => None,
        })
        .collect();
    assert_eq!(
        worker[worker.len() - 2..],
        [&ServiceStep::RollingBack, &ServiceStep::Failed]
    );
}

#[tokio::test(start_paused = true)]
async fn the_timeout_names_what_is_not_ready() {
    let swarm = FakeSwarm::new(&[("cache", Behaviour::HealthyAfter(u32::MAX))]);
    let mut events = Vec::new();
    let outcome = rollout(
        &swarm,
        &shop_plan(|_| {}),
        Duration::from_secs(5),
        &mut |e| events.push(e),
    )
    .await
    .unwrap();
    let Outcome::TimedOut(pending) = outcome else {
        panic!("{outcome:?}")
    };
    // In start order: the dependency first, then what waits for it.
    assert_eq!(pending[0], ("cache".to_owned(), "0/1 ready".to_owned()));
    assert!(pending.contains(&("api".to_owned(), "waiting for cache".to_owned())));
}

#[tokio::test(start_paused = true)]
async fn status_lists_each_service_and_rm_removes_them() {
    let swarm = FakeSwarm::new(&[]);
    let plan = shop_plan(|_| {});
    run(&swarm, &plan).await;
    let status = crate::ops::deploy::status(&swarm, &plan.stack)
        .await
        .unwrap();
    let rows: Vec<(&str, u64, u64, &str)> = status
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.ready, s.desired, s.health))
        .collect();
    assert_eq!(
        rows,
        [
            ("api", 1, 1, "converged"),
            ("cache", 1, 1, "converged"),
            ("web", 1, 1, "converged"),
            ("worker", 1, 1, "converged")
        ]
    );
    assert_eq!(status.services[0].nodes, ["node1"]);
    let removal = crate::ops::deploy::remove(&swarm, &plan.stack, true)
        .await
        .unwrap();
    assert_eq!(removal.services, ["api", "cache", "web", "worker"]);
    assert!(removal.network_removed && removal.volumes_left.is_empty());
    assert!(swarm.cluster.lock().unwrap().services.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_persisted_dependency_pins_the_manager_once() {
    let swarm = FakeSwarm::new(&[]);
    let plan = shop_plan(|app| {
        app.services["api"].config.dependencies["cache"].persist = vec!["/data".to_owned()];
    });
    let (outcome, _) = run(&swarm, &plan).await;
    assert_eq!(outcome, Outcome::Converged);
    assert_eq!(
        swarm.cluster.lock().unwrap().labels,
        ["node1 exo.shop-staging.cache"]
    );
    let cache = &plan.services["cache"].definition;
    assert_eq!(
        cache.volumes,
        [("cache__data".to_owned(), "/data".to_owned())]
    );
}

#[tokio::test(start_paused = true)]
async fn a_service_ready_by_a_log_line_waits_for_it() {
    let swarm = FakeSwarm::new(&[("worker", Behaviour::Silent)]);
    let plan = shop_plan(|_| {});
    assert_eq!(
        plan.services["worker"].ready_log.as_deref(),
        Some("worker ready")
    );
    let mut events = Vec::new();
    let outcome = rollout(&swarm, &plan, Duration::from_secs(5), &mut |e| {
        events.push(e)
    })
    .await
    .unwrap();
    assert_eq!(
        outcome,
        Outcome::TimedOut(vec![("worker".to_owned(), "0/1 ready".to_owned())])
    );
}

/// `--wait-timeout 0`, or one too long to add to the clock, is no limit.
#[tokio::test(start_paused = true)]
async fn a_timeout_of_0_or_beyond_the_clock_is_no_limit() {
    let plan = shop_plan(|_| {});
    for timeout in [Duration::ZERO, Duration::MAX] {
        let swarm = FakeSwarm::new(&[]);
        let outcome = rollout(&swarm, &plan, timeout, &mut |_| {}).await;
        assert_eq!(outcome.unwrap(), Outcome::Converged);
    }
}
