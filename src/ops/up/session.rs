//! The session: one task per container, and the one place that decides for
//! the whole application. It routes the engine's events, file changes and
//! interrupts to the containers' tasks, starts each container once what it
//! needs is ready, and decides when everything is ready, or has failed.
//! Every task is tracked, and ended when the session ends.

use super::container::{ContainerTask, Control, Links, News, Report, Setup};
use super::pipeline::Arrival;
use super::supervisor::{State, Supervisor};
use super::{Outcome, UpOptions};
use crate::adapters::docker::{ContainerEvent, Engine, LogLine, Project};
use crate::adapters::signals::Interrupts;
use crate::adapters::watch::{Change, FileWatch};
use crate::core::lifecycle::{Exit, Failure, Notice, Settled, Standing, Step, Summary};
use crate::core::plan::Plan;
use crate::ops::report::Live;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use indexmap::IndexMap;
use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

/// Log lines kept per container to explain a failure.
const KEPT_LINES: usize = 20;

/// What the session knows of one container, from its task's reports.
pub struct View {
    pub id: String,
    pub state: State,
    /// When its current run began.
    pub since: Option<SystemTime>,
    /// Why it failed, once it did.
    pub failure: Option<Failure>,
    /// How its last run ended, once exo gave up on it.
    gave_up: Option<Exit>,
    pub last_check: Option<String>,
    pub lines: VecDeque<String>,
    controls: mpsc::UnboundedSender<Control>,
}

pub struct Session<'a> {
    plan: &'a Plan,
    options: &'a UpOptions,
    engine: Arc<dyn Engine>,
    project: Project,
    pub progress: Box<dyn Live>,
    pub views: IndexMap<String, View>,
    tasks: JoinSet<()>,
    reports: mpsc::UnboundedReceiver<Report>,
    report_sender: mpsc::UnboundedSender<Report>,
    all_ready: watch::Sender<bool>,
    files: Option<FileWatch>,
    /// The containers whose images are being built (or that need one that
    /// is), with the task that builds them and creates their containers.
    pending: BTreeSet<String>,
    builds: Option<(JoinHandle<()>, mpsc::UnboundedReceiver<Arrival>)>,
    /// Why the start stopped, when no container's failure says it.
    pub stopped_by: Option<Notice>,
}

impl<'a> Session<'a> {
    /// A task for each container of `plan`, waiting for its start.
    pub fn new(
        engine: &Arc<dyn Engine>,
        project: &Project,
        plan: &'a Plan,
        options: &'a UpOptions,
        containers: IndexMap<String, (String, bool)>,
        progress: Box<dyn Live>,
        files: Option<FileWatch>,
    ) -> Self {
        let (report_sender, reports) = mpsc::unbounded_channel();
        let (all_ready, _) = watch::channel(false);
        let mut session = Session {
            plan,
            options,
            engine: engine.clone(),
            project: project.clone(),
            progress,
            views: IndexMap::new(),
            tasks: JoinSet::new(),
            reports,
            report_sender,
            all_ready,
            files,
            pending: BTreeSet::new(),
            builds: None,
            stopped_by: None,
        };
        for (name, (id, running)) in containers {
            session.add(name, id, running);
        }
        session
    }

    /// The containers of `pending` come from `builds`, those built from an
    /// image of `unbuilt` once it is built, the others once what they need is.
    pub fn wait_for_builds(
        &mut self,
        pending: BTreeSet<String>,
        unbuilt: &BTreeSet<String>,
        builder: JoinHandle<()>,
        arrivals: mpsc::UnboundedReceiver<Arrival>,
    ) {
        for name in &pending {
            let step = match unbuilt.contains(name) {
                true => Step::Building,
                false => {
                    let needs = &self.plan.nodes[name].needs;
                    Step::WaitingFor(
                        needs
                            .iter()
                            .filter(|n| pending.contains(*n))
                            .cloned()
                            .collect(),
                    )
                }
            };
            self.progress.step(name, &step);
        }
        self.pending = pending;
        self.builds = Some((builder, arrivals));
    }

    /// A task for the container `id` of `name`, waiting for its start.
    fn add(&mut self, name: String, id: String, running: bool) {
        let (plan, options) = (self.plan, self.options);
        let node = &plan.nodes[&name];
        let policy = node.restart.clone().filter(|_| options.supervise);
        let supervised = policy.is_some();
        let setup = Setup {
            name: name.clone(),
            id: id.clone(),
            running,
            node: node.clone(),
            supervisor: Supervisor::new(
                node.readiness.describe(),
                node.readiness == crate::core::plan::Readiness::Healthy,
                policy,
            ),
            supervised,
            needed: plan.nodes.values().any(|n| n.needs.contains(&name)),
        };
        let (controls, queue) = mpsc::unbounded_channel();
        let links = Links {
            engine: self.engine.clone(),
            project: self.project.clone(),
            controls: queue,
            reports: self.report_sender.clone(),
            all_ready: self.all_ready.subscribe(),
        };
        let task = ContainerTask::new(setup, links);
        self.tasks.spawn(task.run());
        self.views.insert(
            name,
            View {
                id,
                state: State::Waiting,
                since: None,
                failure: None,
                gave_up: None,
                last_check: None,
                lines: VecDeque::new(),
                controls,
            },
        );
    }

    fn is_all_ready(&self) -> bool {
        *self.all_ready.borrow()
    }

    pub async fn run(
        &mut self,
        events: &mut BoxStream<'static, ContainerEvent>,
        interrupts: &mut Interrupts,
        began: Instant,
    ) -> Outcome {
        self.start_what_can_start();
        let mut deadline = None;
        loop {
            if let Some(outcome) = self.settle(began) {
                return outcome;
            }
            if deadline.is_none() && self.pending.is_empty() {
                // The wait is timed from the end of the builds. A timeout
                // too long to add to the clock is no timeout.
                let now = tokio::time::Instant::now();
                deadline = Some(self.options.wait_timeout.and_then(|t| now.checked_add(t)));
            }
            let all_ready = self.is_all_ready();
            let timeout = async {
                match deadline {
                    Some(Some(deadline)) if !all_ready => tokio::time::sleep_until(deadline).await,
                    _ => std::future::pending().await,
                }
            };
            let change = async {
                match self.files.as_mut() {
                    Some(files) => files.changes.recv().await,
                    None => std::future::pending().await,
                }
            };
            let arrival = async {
                match self.builds.as_mut() {
                    Some((_, arrivals)) => arrivals.recv().await,
                    None => std::future::pending().await,
                }
            };
            let outcome = tokio::select! {
                () = interrupts.recv() => return Outcome::Interrupted,
                () = timeout => return Outcome::TimedOut,
                Some(event) = events.next() => {
                    self.on_event(event);
                    None
                }
                Some(report) = self.reports.recv() => self.on_report(report),
                Some(change) = change => {
                    self.on_change(change);
                    None
                }
                Some(arrival) = arrival => self.on_arrival(arrival),
            };
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
    }

    /// Ends every container task and waits until they have ended.
    pub async fn shut_down(&mut self) {
        if let Some((builder, _)) = self.builds.take() {
            builder.abort();
        }
        self.files = None;
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }

    /// Whether the application is now ready, or done. In the foreground
    /// the start is over once every container has settled, and the summary
    /// says which are ready and which are not; `up -d` waits until every
    /// one is ready at the same time (or did its work and exited 0).
    fn settle(&mut self, began: Instant) -> Option<Outcome> {
        let settled = self.views.values().all(|v| v.state.is_settled());
        if !self.is_all_ready() && self.pending.is_empty() && settled {
            let summary = self.summary(began.elapsed());
            if self.options.detach {
                let ready = summary
                    .containers
                    .iter()
                    .all(|(_, s)| matches!(s, Standing::Ready | Standing::Finished));
                if !ready {
                    return None;
                }
                self.all_ready.send_replace(true);
                return Some(Outcome::Ready);
            }
            self.all_ready.send_replace(true);
            self.progress.finish();
            self.progress.summary(&summary);
        }
        // Nothing left running, and no file change can revive anything.
        let ended = self.views.values().all(|v| v.state.has_ended());
        (self.is_all_ready() && self.files.is_none() && ended).then_some(Outcome::Ready)
    }

    /// Where each container stands now, `took` after the start.
    pub fn summary(&self, took: Duration) -> Summary {
        let containers = self
            .views
            .iter()
            .map(|(name, view)| {
                let standing = match view.state {
                    State::Ready => Standing::Ready,
                    State::Unhealthy => Standing::Unhealthy,
                    State::Stopped { code: 0 } => Standing::Finished,
                    State::GaveUp => view
                        .gave_up
                        .clone()
                        .map_or(Standing::NotReady, Standing::GaveUp),
                    _ => Standing::NotReady,
                };
                (name.clone(), standing)
            })
            .collect();
        Summary { took, containers }
    }

    /// Starts every waiting container whose needs are ready; shows what the
    /// others wait for.
    fn start_what_can_start(&mut self) {
        for (name, node) in &self.plan.nodes {
            // A container still to be created waits for its image first.
            let Some(view) = self.views.get(name) else {
                continue;
            };
            if view.state != State::Waiting {
                continue;
            }
            let missing: Vec<String> = node
                .needs
                .iter()
                .filter(|need| {
                    let view = self.views.get(*need);
                    !view.is_some_and(|v| v.state.satisfies_needs())
                })
                .cloned()
                .collect();
            if missing.is_empty() {
                let _ = view.controls.send(Control::NeedsReady);
                // Sent once: it is no longer waiting for the session.
                self.views[name].state = State::Starting {
                    since: tokio::time::Instant::now(),
                };
            } else {
                self.progress.step(name, &Step::WaitingFor(missing));
            }
        }
    }

    /// A container created once its image was built joins the start; a
    /// failed build or creation ends it.
    fn on_arrival(&mut self, arrival: Arrival) -> Option<Outcome> {
        match arrival {
            Arrival::Created { name, id, running } => {
                self.pending.remove(&name);
                self.add(name, id, running);
                // In the plan's order, as every view is shown.
                let plan = self.plan;
                self.views
                    .sort_by_cached_key(|name, _| plan.nodes.get_index_of(name));
                self.start_what_can_start();
                None
            }
            Arrival::BuildFailed { service, output } => {
                self.stopped_by = Some(Notice::BuildFailed { service, output });
                Some(Outcome::BuildFailed)
            }
            Arrival::CreateFailed(why) => {
                self.stopped_by = Some(Notice::CreateFailed(why));
                Some(Outcome::Failed)
            }
        }
    }

    fn on_event(&mut self, event: ContainerEvent) {
        if let Some(view) = self.views.get(&event.service) {
            let _ = view.controls.send(Control::Event {
                id: event.container,
                kind: event.kind,
            });
        }
    }

    fn on_change(&mut self, change: Change) {
        if let Some(view) = self.views.get(&change.service) {
            self.progress.changed(&change.service, &change.paths);
            let _ = view.controls.send(Control::Changed(change.action));
        }
    }

    fn on_report(&mut self, Report { name, news }: Report) -> Option<Outcome> {
        let view = self.views.get_mut(&name)?;
        match news {
            News::State(state) => {
                let newly_satisfies = state.satisfies_needs() && !view.state.satisfies_needs();
                view.state = state;
                if newly_satisfies {
                    self.start_what_can_start();
                }
            }
            News::Show(step) => self.progress.step(&name, &step),
            News::Done(settled) => {
                self.progress.settled(&name, &settled);
                if let Settled::GaveUp { last, .. } = settled {
                    if let Exit::NotStarted { message } = &last {
                        let node = &self.plan.nodes[&name];
                        let host_port = node.host_port_in(&name, self.options.mode);
                        self.progress.start_failure_hint(message, &host_port);
                    }
                    view.gave_up = Some(last);
                }
            }
            News::Exited { code } => {
                if !self.options.detach {
                    self.progress.exited(&name, code);
                }
            }
            News::RebuildOutput(text) => {
                if !self.options.detach {
                    self.progress.rebuild_output(&name, &text);
                }
                view.lines.push_back(text);
            }
            News::Line(text) => {
                if view.lines.len() == KEPT_LINES {
                    view.lines.pop_front();
                }
                view.lines.push_back(text.clone());
                if !self.options.detach {
                    self.progress.log(&LogLine {
                        service: name,
                        text,
                    });
                }
            }
            News::Checked(seen) => view.last_check = Some(seen),
            News::Started { id, since } => {
                view.id = id;
                view.since = Some(since);
            }
            News::Restarted { at } => {
                for (dependent, node) in &self.plan.nodes {
                    if node.needs.contains(&name) {
                        let name = name.clone();
                        let control = Control::DependencyRestarted { name, at };
                        let _ = self.views[dependent].controls.send(control);
                    }
                }
            }
            News::Failed(failure) => {
                view.failure = Some(failure);
                return Some(Outcome::Failed);
            }
        }
        None
    }
}
