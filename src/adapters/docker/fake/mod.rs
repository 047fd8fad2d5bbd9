//! An engine in memory for the runtime's tests: containers that start,
//! print, become healthy and die as each test scripts them, on tokio's
//! clock (paused in those tests), with a journal of every action asked.

use super::engine::Usage;
use super::engine::{
    BuildOutput, Built, ContainerEvent, ContainerInfo, ContainerState, Create, Down, Engine,
    EventKind, Executed, Health, Inspection, Pending, RunOutput,
};
use super::{DockerError, Project};
use crate::adapters::signals::Interrupts;
use crate::core::compose::OneOff;
use futures_util::FutureExt;
use futures_util::stream::{self, BoxStream, StreamExt};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;
use tokio::time::Instant;

mod behaviour;
pub use behaviour::{Action, Behaviour, FAKE_IMAGE_BYTES, Script};

#[derive(Default)]
struct State {
    behaviour: HashMap<String, Behaviour>,
    /// Service -> current container: its ID and whether it runs.
    containers: HashMap<String, (String, bool)>,
    starts: HashMap<String, usize>,
    journal: Vec<(Instant, Action)>,
    events: Vec<mpsc::UnboundedSender<ContainerEvent>>,
    logs: HashMap<String, Vec<mpsc::UnboundedSender<String>>>,
    /// The lines of each container's current run, for streams that follow later.
    printed: HashMap<String, Vec<String>>,
    /// What `inspect` says of the containers a test placed.
    placed: HashMap<String, Inspection>,
    /// What `usage` says of each service's container.
    usage: HashMap<String, Usage>,
    next_id: u64,
    /// How long `build` and `down` take.
    build_takes: Duration,
    down_takes: Duration,
}

#[derive(Clone, Default)]
pub struct FakeEngine {
    state: Arc<Mutex<State>>,
}

impl FakeEngine {
    pub fn new(services: &[(&str, Behaviour)]) -> Self {
        let engine = FakeEngine::default();
        {
            let mut state = engine.lock();
            for (service, behaviour) in services {
                state
                    .behaviour
                    .insert((*service).to_owned(), behaviour.clone());
            }
        }
        engine
    }

    /// From now on, `usage` of `service`'s container says `usage`.
    pub fn uses(&self, service: &str, usage: Usage) {
        self.lock().usage.insert(service.to_owned(), usage);
    }

    /// A container of `service` that exists already, as `inspection`
    /// describes it, having printed `lines` since it started; its ID.
    pub fn place(&self, service: &str, inspection: Inspection, lines: &[&str]) -> String {
        let mut state = self.lock();
        let id = format!("{service}-placed");
        let running = inspection.state.running();
        state
            .containers
            .insert(service.to_owned(), (id.clone(), running));
        let lines = lines.iter().map(|line| (*line).to_owned()).collect();
        state.printed.insert(id.clone(), lines);
        state.placed.insert(id.clone(), inspection);
        id
    }

    /// `build` and `down` take this long.
    pub fn slow(self, build_takes: Duration, down_takes: Duration) -> Self {
        {
            let mut state = self.lock();
            state.build_takes = build_takes;
            state.down_takes = down_takes;
        }
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("the fake engine's lock")
    }

    /// Every action so far, with when it was asked.
    pub fn journal(&self) -> Vec<(Instant, Action)> {
        self.lock().journal.clone()
    }

    /// When each `start` of `service` succeeded.
    pub fn starts_of(&self, service: &str) -> Vec<Instant> {
        self.journal()
            .into_iter()
            .filter(|(_, action)| *action == Action::Start(service.to_owned()))
            .map(|(at, _)| at)
            .collect()
    }

    pub fn running(&self, service: &str) -> bool {
        self.lock().containers.get(service).is_some_and(|c| c.1)
    }

    /// Makes the container of `service` exit with `code`, as a crash does.
    pub fn exit(&self, service: &str, code: i64) {
        let mut state = self.lock();
        let Some((id, running)) = state.containers.get_mut(service) else {
            return;
        };
        if !*running {
            return;
        }
        *running = false;
        let id = id.clone();
        emit(&mut state, &id, service, EventKind::Die { exit_code: code });
        state.logs.remove(&id);
    }

    /// Sends the engine's health event of `service`'s container.
    pub fn health(&self, service: &str, healthy: bool) {
        let mut state = self.lock();
        let Some((id, _)) = state.containers.get(service).cloned() else {
            return;
        };
        let kind = if healthy {
            EventKind::Healthy
        } else {
            EventKind::Unhealthy
        };
        emit(&mut state, &id, service, kind);
    }

    fn service_of(state: &State, id: &str) -> Option<String> {
        state
            .containers
            .iter()
            .find(|(_, (own, _))| own == id)
            .map(|(service, _)| service.clone())
    }

    fn record(&self, action: Action) {
        self.lock().journal.push((Instant::now(), action));
    }
}

fn emit(state: &mut State, id: &str, service: &str, kind: EventKind) {
    let event = ContainerEvent {
        container: id.to_owned(),
        service: service.to_owned(),
        kind,
    };
    state
        .events
        .retain(|sender| sender.send(event.clone()).is_ok());
}

fn unknown(id: &str) -> DockerError {
    DockerError::Engine {
        action: format!("find container {id}"),
        message: "no such container".into(),
    }
}

impl Engine for FakeEngine {
    fn events(&self, _project: &str) -> BoxStream<'static, ContainerEvent> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.lock().events.push(sender);
        stream::unfold(receiver, |mut r| async move { Some((r.recv().await?, r)) }).boxed()
    }

    fn containers<'a>(&'a self, _project: &'a str) -> Pending<'a, Vec<ContainerInfo>> {
        let state = self.lock();
        let listed = state
            .containers
            .iter()
            .map(|(service, (id, running))| ContainerInfo {
                id: id.clone(),
                service: service.clone(),
                running: *running,
            })
            .collect();
        async move { Ok(listed) }.boxed()
    }

    fn start<'a>(&'a self, id: &'a str) -> Pending<'a, ()> {
        async move {
            let script = {
                let mut state = self.lock();
                let service = FakeEngine::service_of(&state, id).ok_or_else(|| unknown(id))?;
                let behaviour = state.behaviour.entry(service.clone()).or_default();
                if behaviour.failed_starts > 0 {
                    behaviour.failed_starts -= 1;
                    return Err(DockerError::Engine {
                        action: format!("start container {id}"),
                        message: "driver failed programming external connectivity".into(),
                    });
                }
                let runs = behaviour.runs.clone();
                let count = state.starts.entry(service.clone()).or_default();
                let script = runs
                    .get(*count)
                    .or(runs.last())
                    .cloned()
                    .unwrap_or_default();
                *count += 1;
                if let Some(c) = state.containers.get_mut(&service) {
                    c.1 = true;
                }
                state
                    .journal
                    .push((Instant::now(), Action::Start(service.clone())));
                emit(&mut state, id, &service, EventKind::Start);
                (service, script)
            };
            let (service, script) = script;
            if let Some((after, code)) = script.exits {
                let engine = self.clone();
                let run = self.lock().starts[&service];
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    // Only the run it was scripted for.
                    if engine.lock().starts.get(&service) == Some(&run) {
                        engine.exit(&service, code);
                    }
                });
            }
            let mut state = self.lock();
            for line in &script.prints {
                for sender in state.logs.entry(id.to_owned()).or_default() {
                    let _ = sender.send(line.clone());
                }
            }
            state.printed.insert(id.to_owned(), script.prints);
            Ok(())
        }
        .boxed()
    }

    fn stop<'a>(&'a self, id: &'a str) -> Pending<'a, ()> {
        async move {
            let (service, takes) = {
                let state = self.lock();
                let service = FakeEngine::service_of(&state, id).ok_or_else(|| unknown(id))?;
                let takes = state.behaviour.get(&service).map(|b| b.stop_takes);
                (service, takes.unwrap_or_default())
            };
            self.record(Action::Stop(service.clone()));
            tokio::time::sleep(takes).await;
            self.exit(&service, 143);
            Ok(())
        }
        .boxed()
    }

    fn usage<'a>(&'a self, id: &'a str) -> Pending<'a, Usage> {
        let state = self.lock();
        let usage = FakeEngine::service_of(&state, id)
            .and_then(|service| state.usage.get(&service).copied())
            .unwrap_or_default();
        async move { Ok(usage) }.boxed()
    }

    fn processes<'a>(&'a self, id: &'a str) -> Pending<'a, Vec<(u32, String)>> {
        let state = self.lock();
        let processes = FakeEngine::service_of(&state, id)
            .and_then(|service| state.behaviour.get(&service))
            .map(|b| b.processes.clone())
            .unwrap_or_default();
        async move { Ok(processes) }.boxed()
    }

    /// An empty file: no fake image has layers to look into.
    fn save_image<'a>(&'a self, _id: &'a str, path: &'a std::path::Path) -> Pending<'a, ()> {
        let written = std::fs::write(path, b"").map_err(|err| DockerError::Engine {
            action: "save an image".into(),
            message: err.to_string(),
        });
        async move { written }.boxed()
    }

    fn image_size<'a>(&'a self, _id: &'a str) -> Pending<'a, u64> {
        async move { Ok(FAKE_IMAGE_BYTES) }.boxed()
    }

    fn inspect<'a>(&'a self, id: &'a str) -> Pending<'a, Inspection> {
        let state = self.lock();
        let inspection = match state.placed.get(id) {
            Some(placed) => Some(placed.clone()),
            None => FakeEngine::service_of(&state, id).map(|service| {
                let healthy = state.behaviour.get(&service).is_some_and(|b| b.healthy);
                Inspection {
                    state: match state.containers[&service].1 {
                        true => ContainerState::Running,
                        false => ContainerState::Created,
                    },
                    health: healthy.then_some(Health::Healthy),
                    address: Some(std::net::Ipv4Addr::LOCALHOST.into()),
                    ..Inspection::default()
                }
            }),
        };
        async move { inspection.ok_or_else(|| unknown(id)) }.boxed()
    }

    fn exec<'a>(&'a self, id: &'a str, command: &'a [String]) -> Pending<'a, Executed> {
        async move {
            let service = FakeEngine::service_of(&self.lock(), id).ok_or_else(|| unknown(id))?;
            self.record(Action::Exec(service.clone(), command.to_vec()));
            let scripted = self
                .lock()
                .behaviour
                .get(&service)
                .and_then(|b| b.exec.clone());
            Ok(scripted.unwrap_or_else(|| Executed {
                exit_code: i64::from(command.first().is_none_or(|c| c != "true")),
                output: String::new(),
            }))
        }
        .boxed()
    }

    /// No images: every build runs.
    fn image_id<'a>(&'a self, _name: &'a str) -> Pending<'a, Option<String>> {
        async { Ok(None) }.boxed()
    }

    fn leave_restarts_to_exo<'a>(&'a self, _id: &'a str) -> Pending<'a, ()> {
        async { Ok(()) }.boxed()
    }

    fn logs(&self, id: &str, _since: SystemTime) -> BoxStream<'static, String> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let mut state = self.lock();
        for line in state.printed.get(id).into_iter().flatten() {
            let _ = sender.send(line.clone());
        }
        state.logs.entry(id.to_owned()).or_default().push(sender);
        stream::unfold(receiver, |mut r| async move { Some((r.recv().await?, r)) }).boxed()
    }

    fn tail<'a>(
        &'a self,
        _id: &'a str,
        _since: Option<SystemTime>,
        _count: usize,
    ) -> Pending<'a, Vec<String>> {
        async { Ok(Vec::new()) }.boxed()
    }

    fn printed<'a>(
        &'a self,
        id: &'a str,
        _since: Option<SystemTime>,
        text: &'a str,
    ) -> Pending<'a, bool> {
        let lines = self.lock().printed.get(id).cloned().unwrap_or_default();
        async move { Ok(lines.iter().any(|line| line.contains(text))) }.boxed()
    }

    fn build<'a>(
        &'a self,
        _project: &'a Project,
        services: &'a [String],
        _output: BuildOutput,
    ) -> Pending<'a, Built> {
        self.record(Action::Build(services.to_vec()));
        let takes = self.lock().build_takes;
        async move {
            tokio::time::sleep(takes).await;
            Ok(Built::Done)
        }
        .boxed()
    }

    fn create<'a>(
        &'a self,
        _project: &'a Project,
        services: &'a [String],
        how: Create,
    ) -> Pending<'a, ()> {
        let mut state = self.lock();
        state
            .journal
            .push((Instant::now(), Action::Create(services.to_vec())));
        for service in services {
            let exists = state.containers.contains_key(service);
            if how == Create::Replace || !exists {
                state.next_id += 1;
                let id = format!("{service}-{}", state.next_id);
                state.containers.insert(service.clone(), (id, false));
            }
        }
        async { Ok(()) }.boxed()
    }

    fn prepare<'a>(&'a self, _project: &'a Project) -> Pending<'a, ()> {
        async { Ok(()) }.boxed()
    }

    fn run(&self, container: &OneOff) -> BoxStream<'static, RunOutput> {
        self.record(Action::Run(container.service.clone()));
        let test = self
            .lock()
            .behaviour
            .get(&container.service)
            .and_then(|b| b.test.clone());
        let (lines, code, takes) = test.unwrap_or_default();
        let said: Vec<RunOutput> = lines
            .into_iter()
            .map(RunOutput::Line)
            .chain([RunOutput::Exited(code)])
            .collect();
        stream::once(tokio::time::sleep(takes))
            .flat_map(move |()| stream::iter(said.clone()))
            .boxed()
    }

    fn down<'a>(&'a self, _project: &'a Project, how: Down) -> Pending<'a, ()> {
        async move {
            let takes = {
                let mut state = self.lock();
                let at_once = how.at_once;
                state
                    .journal
                    .push((Instant::now(), Action::Down { at_once }));
                state.down_takes
            };
            if !how.at_once {
                tokio::time::sleep(takes).await;
            }
            let services: Vec<String> = self.lock().containers.keys().cloned().collect();
            for service in &services {
                self.exit(service, 143);
            }
            self.lock().containers.clear();
            Ok(())
        }
        .boxed()
    }

    fn pass_through<'a>(
        &'a self,
        _project: &'a Project,
        _args: &'a [String],
        _interrupts: &'a mut Interrupts,
    ) -> Pending<'a, i32> {
        async { Ok(0) }.boxed()
    }
}
