//! One task per container, in the manner of watchexec's supervisor: it owns
//! the container's state machine, its timer, its readiness and health
//! checks and its log stream, carries out what the state machine decides,
//! and takes its controls from a queue. It reports to the session, which
//! decides for the whole application.

use super::checks;
use super::rebuild;
use super::supervisor::{Context, Effect, Input, State, Supervisor};
use crate::adapters::docker::{DockerError, Engine, EventKind, Health, Project};
use crate::adapters::probe::Attempt;
use crate::core::lifecycle::{Failure, Settled, Step};
use crate::core::model::WatchAction;
use crate::core::plan::{Node, Readiness};
use futures_util::StreamExt;
use futures_util::stream::{BoxStream, SelectAll};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// What the session tells a container.
#[derive(Debug, Clone)]
pub enum Control {
    /// Everything it needs is ready: start.
    NeedsReady,
    /// The engine saw this happen to container `id`.
    Event {
        id: String,
        kind: EventKind,
    },
    Changed(WatchAction),
    /// A service it depends on restarted and was ready again at `at`.
    DependencyRestarted {
        name: String,
        at: Instant,
    },
}

/// What a container tells the session.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub name: String,
    pub news: News,
}

#[derive(Debug, Clone, PartialEq)]
pub enum News {
    /// Its state changed.
    State(State),
    /// A new state to show.
    Show(Step),
    /// Where its start ended, good or bad.
    Done(Settled),
    /// A line it printed.
    Line(String),
    /// It exited, once everything was ready.
    Exited { code: i64 },
    /// A line of the output of a failed rebuild of its image.
    RebuildOutput(String),
    /// The last thing its readiness or health check saw.
    Checked(String),
    /// A new run began at `since`, in the container `id`.
    Started { id: String, since: SystemTime },
    /// It restarted and is ready again: dependents may follow.
    Restarted { at: Instant },
    /// The application cannot become ready because of it.
    Failed(Failure),
}

/// What a container task starts from.
pub struct Setup {
    pub name: String,
    pub id: String,
    /// The container ran before this start: its run goes on.
    pub running: bool,
    pub node: Node,
    pub supervisor: Supervisor,
    /// Whether exo restarts it (then a rebuilt container is left to exo too).
    pub supervised: bool,
    /// Others need it.
    pub needed: bool,
}

/// What a container task is connected to.
pub struct Links {
    pub engine: Arc<dyn Engine>,
    pub project: Project,
    pub controls: mpsc::UnboundedReceiver<Control>,
    pub reports: mpsc::UnboundedSender<Report>,
    /// Every container has been ready once.
    pub all_ready: watch::Receiver<bool>,
}

pub struct ContainerTask {
    setup: Setup,
    links: Links,
    /// The log streams of its runs: an earlier run's stream ends on its own
    /// once it has given its last lines.
    logs: SelectAll<BoxStream<'static, String>>,
    readiness: Option<BoxStream<'static, Attempt>>,
    health: Option<BoxStream<'static, (bool, String)>>,
    /// Runs of this container whose death the engine has not reported yet.
    alive_runs: u32,
    /// Deaths still to come that end earlier runs (e.g. exo's stop, whose
    /// event may even come after the next start's): not this run's.
    stale_deaths: u32,
}

impl ContainerTask {
    pub fn new(setup: Setup, links: Links) -> Self {
        ContainerTask {
            setup,
            links,
            logs: SelectAll::new(),
            readiness: None,
            health: None,
            alive_runs: 0,
            stale_deaths: 0,
        }
    }

    /// Runs until the session drops its end of the queue.
    pub async fn run(mut self) {
        loop {
            let deadline = self.setup.supervisor.deadline();
            let input = tokio::select! {
                control = self.links.controls.recv() => match control {
                    Some(control) => self.on_control(control),
                    None => return,
                },
                () = sleep_until(deadline) => Some(Input::TimerDue),
                Some(line) = self.logs.next() => self.on_line(line),
                Some(attempt) = next(&mut self.readiness) => self.on_attempt(attempt),
                Some((healthy, seen)) = next(&mut self.health) => {
                    self.report(News::Checked(seen));
                    Some(if healthy { Input::Healthy } else { Input::Unhealthy })
                }
            };
            if let Some(input) = input {
                self.feed(input).await;
            }
        }
    }

    fn report(&self, news: News) {
        let name = self.setup.name.clone();
        let _ = self.links.reports.send(Report { name, news });
    }

    fn on_control(&mut self, control: Control) -> Option<Input> {
        match control {
            Control::NeedsReady => Some(Input::NeedsReady {
                running: self.setup.running,
            }),
            Control::Changed(action) => Some(Input::Changed { action }),
            Control::DependencyRestarted { name, at } => {
                Some(Input::DependencyRestarted { name, at })
            }
            // Events of a container a rebuild replaced are no one's.
            Control::Event { id, .. } if !id.starts_with(&self.setup.id) => None,
            Control::Event { kind, .. } => match kind {
                EventKind::Start => None,
                EventKind::Die { .. } if self.stale_deaths > 0 => {
                    self.stale_deaths -= 1;
                    self.alive_runs = self.alive_runs.saturating_sub(1);
                    None
                }
                EventKind::Die { exit_code } => {
                    self.alive_runs = self.alive_runs.saturating_sub(1);
                    self.readiness = None;
                    self.health = None;
                    Some(Input::Died { code: exit_code })
                }
                EventKind::Healthy => {
                    self.report(News::Checked("healthcheck: healthy".into()));
                    Some(Input::Healthy)
                }
                EventKind::Unhealthy => {
                    self.report(News::Checked("healthcheck: unhealthy".into()));
                    Some(Input::Unhealthy)
                }
            },
        }
    }

    fn on_line(&mut self, text: String) -> Option<Input> {
        let ready = match &self.setup.node.readiness {
            Readiness::Log { text: wanted } => {
                matches!(self.setup.supervisor.state(), State::Starting { .. })
                    && text.contains(wanted.as_str())
            }
            _ => false,
        };
        if ready {
            let seen = format!("printed \"{}\"", text.trim());
            self.report(News::Checked(seen));
        }
        self.report(News::Line(text));
        ready.then_some(Input::Ready)
    }

    fn on_attempt(&mut self, attempt: Attempt) -> Option<Input> {
        match attempt {
            Ok(seen) => {
                self.report(News::Checked(seen));
                Some(Input::Ready)
            }
            Err(why) => {
                if matches!(self.setup.supervisor.state(), State::Starting { .. }) {
                    self.report(News::Show(Step::NotReadyYet(why.clone())));
                }
                self.report(News::Checked(why));
                None
            }
        }
    }

    /// Feeds `input` to the state machine and carries out its effects,
    /// with the inputs they lead to, in order.
    async fn feed(&mut self, input: Input) {
        let mut inputs = VecDeque::from([input]);
        while let Some(input) = inputs.pop_front() {
            let cx = Context {
                now: Instant::now(),
                all_ready: *self.links.all_ready.borrow(),
                needed: self.setup.needed,
            };
            let before = self.setup.supervisor.state();
            let effects = self.setup.supervisor.handle(input, cx);
            for effect in effects {
                if let Some(next) = self.carry_out(effect).await {
                    inputs.push_back(next);
                }
            }
            let state = self.setup.supervisor.state();
            if state != before {
                self.report(News::State(state));
            }
        }
    }

    async fn carry_out(&mut self, effect: Effect) -> Option<Input> {
        match effect {
            Effect::Start => return self.start().await,
            Effect::StopThenStart => {
                self.stop_checks();
                // A container already stopped is as good.
                let _ = self.links.engine.stop(&self.setup.id).await;
                return Some(Input::Stopped);
            }
            Effect::Rebuild => {
                self.health = None;
                let name = self.setup.name.clone();
                let rebuilt = rebuild::rebuild(
                    self.links.engine.as_ref(),
                    &self.links.project,
                    &name,
                    self.setup.node.build.as_ref(),
                    self.setup.supervised,
                )
                .await;
                return Some(match rebuilt {
                    Ok(id) => {
                        self.stop_checks();
                        // A new container: the old one's deaths are filtered by its ID.
                        (self.alive_runs, self.stale_deaths) = (0, 0);
                        self.setup.id = id;
                        self.setup.running = false;
                        Input::Rebuilt { ok: true }
                    }
                    Err(why) => {
                        for line in why.lines() {
                            self.report(News::RebuildOutput(line.to_owned()));
                        }
                        Input::Rebuilt { ok: false }
                    }
                });
            }
            Effect::RestartDependents => {
                let at = Instant::now();
                self.report(News::Restarted { at });
            }
            Effect::WatchHealth => {
                self.health = Some(checks::health(
                    self.links.engine.clone(),
                    self.setup.id.clone(),
                    self.setup.node.clone(),
                ));
            }
            Effect::Show(step) => self.report(News::Show(step)),
            Effect::Done(settled) => self.report(News::Done(settled)),
            Effect::Exited { code } => self.report(News::Exited { code }),
            Effect::Fail(failure) => self.report(News::Failed(failure)),
        }
        None
    }

    fn stop_checks(&mut self) {
        self.readiness = None;
        self.health = None;
    }

    /// Starts a new run (or takes over the one going on), follows its lines
    /// from its start, and begins checking its readiness.
    async fn start(&mut self) -> Option<Input> {
        self.stop_checks();
        let id = self.setup.id.clone();
        let running = std::mem::take(&mut self.setup.running);
        let mut since = SystemTime::now();
        if running {
            // Its run goes on: its lines since that run began are this run's.
            if let Ok(Some(began)) = self.links.engine.inspect(&id).await.map(|i| i.started_at) {
                since = began;
            }
        }
        if let Err(err) = self.links.engine.start(&id).await {
            // The engine's own words, e.g. "... port is already allocated".
            let message = match err {
                DockerError::Engine { message, .. } => message,
                other => other.to_string(),
            };
            return Some(Input::StartFailed { message });
        }
        if running {
            // Its run goes on: no new run, and its death is this run's.
            self.alive_runs = 1;
        } else {
            self.stale_deaths = self.alive_runs;
            self.alive_runs += 1;
        }
        self.report(News::Started {
            id: id.clone(),
            since,
        });
        self.logs.push(self.links.engine.logs(&id, since));
        match self.setup.node.readiness {
            Readiness::Running => {
                self.report(News::Checked("running".into()));
                // A run exo takes over counts from its start.
                let uptime = match running {
                    true => SystemTime::now().duration_since(since).unwrap_or_default(),
                    false => std::time::Duration::ZERO,
                };
                Some(Input::Running { uptime })
            }
            Readiness::Healthy => {
                // Already healthy (it ran before): no event will say so.
                let inspection = self.links.engine.inspect(&id).await;
                inspection
                    .is_ok_and(|i| i.health == Some(Health::Healthy))
                    .then_some(Input::Healthy)
            }
            Readiness::Log { .. } => None,
            Readiness::Tcp { .. } | Readiness::Http { .. } => {
                self.readiness = Some(checks::readiness(
                    self.links.engine.clone(),
                    id,
                    self.setup.node.clone(),
                ));
                None
            }
        }
    }
}

/// The next item of a stream that may be absent; an ended stream is dropped.
async fn next<T>(stream: &mut Option<BoxStream<'static, T>>) -> Option<T> {
    if let Some(items) = stream.as_mut()
        && let Some(item) = items.next().await
    {
        return Some(item);
    }
    *stream = None;
    std::future::pending().await
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
