//! The pipelined start: the images that changed are built while the
//! containers that need none of them are created and started (those that
//! can start at once first, the others meanwhile); each built
//! image's container is created as soon as that image (and every image it
//! needs) is built, and the session starts it once what it needs is ready.

use super::builds::Builds;
use super::rebuild::last_lines;
use crate::adapters::docker::{BuildOutput, Built, Engine, Project};
use crate::core::plan::Plan;
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::{JoinHandle, JoinSet};

/// What the builds bring the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    /// A container was created: its ID, and whether it runs.
    Created {
        name: String,
        id: String,
        running: bool,
    },
    /// An image did not build: the last lines of its output.
    BuildFailed {
        service: String,
        output: Vec<String>,
    },
    CreateFailed(String),
}

/// The containers of `plan` that wait for an image of `unbuilt` to be
/// built: those built from one, and those that need one of them, however
/// far down.
pub fn after_builds(plan: &Plan, unbuilt: &BTreeSet<String>) -> BTreeSet<String> {
    let mut waiting: BTreeSet<String> = unbuilt.clone();
    loop {
        let more: Vec<String> = plan
            .nodes
            .iter()
            .filter(|(name, node)| {
                !waiting.contains(*name) && node.needs.iter().any(|n| waiting.contains(n))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return waiting;
        }
        waiting.extend(more);
    }
}

/// Creates the containers of `meanwhile`, builds every service of
/// `builds` (as many at once as there are CPUs) and creates the containers
/// that waited for them, each as soon as it can be; what happens comes out
/// of the receiver. Aborting the task stops the builds.
pub fn spawn(
    engine: Arc<dyn Engine>,
    project: Project,
    plan: Plan,
    builds: Builds,
    meanwhile: Vec<String>,
    supervise: bool,
) -> (JoinHandle<()>, mpsc::UnboundedReceiver<Arrival>) {
    let (arrivals, receiver) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let create = |names: Vec<String>| {
            let (engine, project, plan, arrivals) = (&engine, &project, &plan, &arrivals);
            async move {
                match super::create(engine.as_ref(), project, plan, supervise, &names).await {
                    Ok(containers) => {
                        for (name, (id, running)) in containers {
                            let _ = arrivals.send(Arrival::Created { name, id, running });
                        }
                        true
                    }
                    Err(err) => {
                        let _ = arrivals.send(Arrival::CreateFailed(err.to_string()));
                        false
                    }
                }
            }
        };
        if !create(meanwhile).await {
            return;
        }
        let mut unbuilt: BTreeSet<String> = builds.services.iter().cloned().collect();
        let mut waiting = after_builds(&plan, &unbuilt);
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let limit = Arc::new(Semaphore::new(cpus));
        let mut running = JoinSet::new();
        for service in &builds.services {
            let (engine, project, limit) = (engine.clone(), project.clone(), limit.clone());
            let services = [service.clone()];
            running.spawn(async move {
                let _permit = limit.acquire().await;
                let built = engine.build(&project, &services, BuildOutput::Kept).await;
                let [service] = services;
                (service, built)
            });
        }
        while let Some(Ok((service, built))) = running.join_next().await {
            let failed = match built {
                Ok(Built::Done) => None,
                Ok(Built::Failed { output }) => Some(last_lines(&output)),
                Err(err) => Some(err.to_string()),
            };
            if let Some(output) = failed {
                let output = output.lines().map(str::to_owned).collect();
                let _ = arrivals.send(Arrival::BuildFailed { service, output });
                return;
            }
            builds.of(&service).record(engine.as_ref(), &project).await;
            unbuilt.remove(&service);
            let still = after_builds(&plan, &unbuilt);
            let ready: Vec<String> = plan
                .nodes
                .keys()
                .filter(|name| waiting.contains(*name) && !still.contains(*name))
                .cloned()
                .collect();
            waiting = still;
            if !create(ready).await {
                return;
            }
        }
    });
    (task, receiver)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::docker::fake::{Action, Behaviour, FakeEngine};
    use crate::core::plan::{NodeKind, Readiness};
    use crate::ops::up::Outcome;
    use crate::ops::up::tests::{detached, node, plan, run};
    use std::time::Duration;
    use tokio::time::Instant;

    #[test]
    fn what_waits_for_a_build_is_its_container_and_those_that_need_it() {
        let plan = plan(vec![
            ("db", node(&[], Readiness::Healthy, None)),
            ("api", node(&["db"], Readiness::Running, None)),
            ("web", node(&["api"], Readiness::Running, None)),
            ("admin", node(&["db"], Readiness::Running, None)),
        ]);
        let unbuilt = BTreeSet::from(["api".to_owned()]);
        let waiting: Vec<String> = after_builds(&plan, &unbuilt).into_iter().collect();
        assert_eq!(waiting, ["api", "web"]);
        assert!(after_builds(&plan, &BTreeSet::new()).is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn dependencies_start_while_the_images_build() {
        let behaving = |name| (name, Behaviour::default());
        let fake = FakeEngine::new(&[behaving("db"), behaving("api"), behaving("web")])
            .slow(Duration::from_secs(5), Duration::ZERO);
        let mut db = node(&[], Readiness::Running, None);
        db.kind = NodeKind::Dependency;
        let plan = plan(vec![
            ("db", db),
            ("api", node(&["db"], Readiness::Running, None)),
            ("web", node(&["api"], Readiness::Running, None)),
        ]);
        let began = Instant::now();
        assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Ready);
        assert_eq!(fake.starts_of("db"), [began]);
        let built = began + Duration::from_secs(5);
        assert_eq!(fake.starts_of("api"), [built]);
        // Once api is ready: running for a second.
        assert_eq!(fake.starts_of("web"), [built + Duration::from_secs(1)]);
        let journal: Vec<Action> = fake.journal().into_iter().map(|(_, a)| a).collect();
        let made = |action: &Action| match action {
            Action::Create(_) | Action::Build(_) => Some(action.clone()),
            _ => None,
        };
        let service = |name: &str| vec![name.to_owned()];
        // Each image built alone; each container created once it can be.
        let made: Vec<Action> = journal.iter().filter_map(made).collect();
        assert_eq!(
            made,
            [
                Action::Create(service("db")),
                Action::Build(service("api")),
                Action::Build(service("web")),
                Action::Create(service("api")),
                Action::Create(service("web")),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_dependency_that_crashes_while_an_image_builds_fails_the_start() {
        let crashing = Behaviour {
            runs: vec![crate::adapters::docker::fake::Script {
                prints: vec!["no disk".into()],
                exits: Some((Duration::from_secs(1), 1)),
            }],
            ..Behaviour::default()
        };
        let fake = FakeEngine::new(&[("db", crashing), ("api", Behaviour::default())])
            .slow(Duration::from_secs(30), Duration::ZERO);
        let mut db = node(&[], Readiness::Healthy, None);
        db.kind = NodeKind::Dependency;
        let plan = plan(vec![
            ("db", db),
            ("api", node(&["db"], Readiness::Running, None)),
        ]);
        // api has no container yet when db fails: it is not explained.
        assert_eq!(run(&fake, &plan, &detached(), &[]).await, Outcome::Failed);
        assert!(fake.starts_of("api").is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn what_can_start_at_once_is_created_first_and_the_rest_meanwhile() {
        let behaving = |name| (name, Behaviour::default());
        let fake = FakeEngine::new(&[behaving("db"), behaving("api"), behaving("web")]);
        let plan = plan(vec![
            ("db", node(&[], Readiness::Running, None)),
            ("api", node(&["db"], Readiness::Running, None)),
            ("web", node(&["api"], Readiness::Running, None)),
        ]);
        // Nothing to build (`--no-build`).
        let options = crate::ops::up::UpOptions {
            build: false,
            ..detached()
        };
        assert_eq!(run(&fake, &plan, &options, &[]).await, Outcome::Ready);
        let creates: Vec<Vec<String>> = fake
            .journal()
            .into_iter()
            .filter_map(|(_, action)| match action {
                Action::Create(names) => Some(names),
                _ => None,
            })
            .collect();
        assert_eq!(
            creates,
            [vec!["db".to_owned()], vec!["api".into(), "web".into()]]
        );
        assert_eq!(fake.starts_of("web").len(), 1);
    }
}
