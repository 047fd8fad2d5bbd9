//! Bringing the application up: build the images whose inputs changed
//! ([`builds`]) while the containers that need none of them are created
//! and started ([`pipeline`]); start each container as soon as its image
//! is there and everything it needs is ready, with
//! readiness decided by exo (the engine's events, host-side checks, log
//! lines). In the foreground it then shows the logs and supervises each
//! container (restarts after crashes, when unhealthy, when its files
//! change) until Ctrl-C. The work is split as in watchexec: a task per
//! container ([`container`]) and a [`session`] over them.

mod backoff;
pub mod builds;
mod checks;
mod container;
mod failure;
mod pipeline;
pub mod production;
mod rebuild;
mod session;
#[cfg(test)]
mod standing_tests;
mod supervisor;
#[cfg(test)]
mod tests;

use crate::adapters::docker::{Create, DockerError, Down, Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::adapters::watch::{self, FileWatch, Method, Target};
use crate::core::compose::Mode;
use crate::core::lifecycle::Notice;
use crate::core::plan::{NodeKind, Plan};
use crate::ops::report::{LogFormat, Reporter};
use indexmap::IndexMap;
use session::Session;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct UpOptions {
    /// Return once everything is ready, leaving it running (`-d --wait`).
    pub detach: bool,
    /// Give up waiting for readiness after this long.
    pub wait_timeout: Option<Duration>,
    /// What `up -d` does with the containers when they did not all become
    /// ready (in the foreground, exo always removes them).
    pub after_failure: AfterFailure,
    /// The mode of the Compose file: where a service's settings are, for
    /// hints.
    pub mode: Mode,
    /// Restart crashed services with their `restart` policy (in the
    /// foreground, where exo stays to do it).
    pub supervise: bool,
    /// Build the images first (`--build`, the default), or use those there
    /// are (`--no-build`).
    pub build: bool,
    /// Restart or rebuild services whose files change.
    pub watch: Option<WatchOptions>,
    pub logs: LogFormat,
}

/// What `up -d` does with the containers after a failed start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterFailure {
    /// Leaves them, silently: the caller removes them (`exo test`).
    Leave,
    /// Leaves them running to be looked at, and says that `down` (a
    /// command line) removes them.
    LeaveAndSay { down: String },
    /// Removes them (`--down-on-failure`).
    Remove,
}

pub struct WatchOptions {
    /// Poll instead of native file events.
    pub poll: bool,
}

/// How `up` ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Everything became ready (and, in the foreground, later stopped).
    Ready,
    /// Building the images failed.
    BuildFailed,
    /// A container crashed or turned unhealthy before everything was ready.
    Failed,
    TimedOut,
    Interrupted,
}

pub async fn up(
    engine: &Arc<dyn Engine>,
    project: &Project,
    plan: &Plan,
    options: &UpOptions,
    interrupts: &mut Interrupts,
    printer: &mut dyn Reporter,
) -> Result<Outcome, DockerError> {
    let names: Vec<String> = plan.nodes.keys().cloned().collect();
    let services: Vec<String> = plan
        .nodes
        .iter()
        .filter(|(_, n)| n.kind == NodeKind::Service)
        .map(|(name, _)| name.clone())
        .collect();
    let began = Instant::now();
    let changed = async {
        match options.build && !services.is_empty() {
            true => builds::changed(engine.as_ref(), project, plan, &services).await,
            false => builds::Builds::default(),
        }
    };
    // A failure to prepare is met again, and said, when the containers are
    // created.
    let (builds, _) = tokio::join!(changed, engine.prepare(project));
    let unbuilt = builds.services.iter().cloned().collect();
    let mut later = pipeline::after_builds(plan, &unbuilt);
    // What can start at once is created first; the rest, which waits for
    // it anyway, meanwhile.
    let (now, meanwhile): (Vec<String>, Vec<String>) = names
        .iter()
        .filter(|n| !later.contains(*n))
        .cloned()
        .partition(|n| plan.nodes[n].needs.is_empty());
    later.extend(meanwhile.iter().cloned());
    let mut events = engine.events(&project.name);
    let existing = match create(engine.as_ref(), project, plan, options.supervise, &now).await {
        Ok(existing) => existing,
        Err(err) => {
            printer.notice(&Notice::CreateFailed(err.to_string()));
            if !options.detach {
                stop(engine.as_ref(), project, interrupts, printer).await?;
            }
            return Ok(Outcome::Failed);
        }
    };
    let files = match &options.watch {
        Some(watching) if !options.detach => watch_files(plan, project, watching, printer),
        _ => None,
    };
    if !builds.services.is_empty() {
        printer.notice(&Notice::Building {
            services: builds.services.clone(),
        });
    }
    let arrivals = (!later.is_empty()).then(|| {
        let (engine, project, plan) = (engine.clone(), project.clone(), plan.clone());
        pipeline::spawn(engine, project, plan, builds, meanwhile, options.supervise)
    });
    let progress = printer.live(&names, options.logs);
    let mut session = Session::new(engine, project, plan, options, existing, progress, files);
    if let Some((builder, arrivals)) = arrivals {
        session.wait_for_builds(later, &unbuilt, builder, arrivals);
    }
    let outcome = session.run(&mut events, interrupts, began).await;
    session.shut_down().await;
    session.progress.finish();
    drop(events);
    if let Some(notice) = session.stopped_by.take() {
        printer.notice(&notice);
    }
    match outcome {
        Outcome::Ready if options.detach => {
            let summary = session.summary(began.elapsed());
            printer.notice(&Notice::ReadyDetached(summary));
            Ok(Outcome::Ready)
        }
        Outcome::Failed | Outcome::TimedOut => {
            let views = &session.views;
            failure::explain(
                engine.as_ref(),
                views,
                plan,
                options.mode,
                printer,
                &outcome,
            )
            .await;
            match &options.after_failure {
                _ if !options.detach => stop(engine.as_ref(), project, interrupts, printer).await?,
                AfterFailure::Remove => stop(engine.as_ref(), project, interrupts, printer).await?,
                AfterFailure::LeaveAndSay { down } => {
                    printer.notice(&Notice::LeftRunning { down: down.clone() })
                }
                AfterFailure::Leave => {}
            }
            Ok(outcome)
        }
        outcome => {
            stop(engine.as_ref(), project, interrupts, printer).await?;
            Ok(outcome)
        }
    }
}

/// Creates the containers of `names` (left to exo's restarts when it
/// supervises them); each one's ID, and whether it runs.
async fn create(
    engine: &dyn Engine,
    project: &Project,
    plan: &Plan,
    supervise: bool,
    names: &[String],
) -> Result<IndexMap<String, (String, bool)>, DockerError> {
    if names.is_empty() {
        // Compose would take no service for all of them.
        return Ok(IndexMap::new());
    }
    engine.create(project, names, Create::Missing).await?;
    let listed = engine.containers(&project.name).await?;
    let mut containers = IndexMap::new();
    for name in names {
        let Some(info) = listed.iter().find(|c| c.service == *name) else {
            return Err(DockerError::Engine {
                action: format!("find the container of `{name}`"),
                message: "Compose created none".into(),
            });
        };
        if supervise && plan.nodes[name].restart.is_some() {
            engine.leave_restarts_to_exo(&info.id).await?;
        }
        containers.insert(name.clone(), (info.id.clone(), info.running));
    }
    Ok(containers)
}

/// Starts watching the files of the services that have any, saying how; a
/// failure to watch is a warning, not a reason to stop.
fn watch_files(
    plan: &Plan,
    project: &Project,
    options: &WatchOptions,
    printer: &mut dyn Reporter,
) -> Option<FileWatch> {
    let targets: Vec<Target> = plan
        .nodes
        .iter()
        .filter_map(|(name, node)| {
            let (location, policy) = node.watch.as_ref()?;
            Some(Target {
                service: name.clone(),
                root: project.app_dir.join(location),
                policy: policy.clone(),
            })
        })
        .collect();
    if targets.is_empty() {
        return None;
    }
    let services = targets.iter().map(|t| t.service.clone()).collect();
    match watch::start(targets, options.poll) {
        Ok(files) => {
            let polling = match &files.method {
                Method::Native => None,
                Method::Polling { interval, reason } => Some((*interval, reason.clone())),
            };
            printer.notice(&Notice::Watching { services, polling });
            Some(files)
        }
        Err(err) => {
            printer.notice(&Notice::NotWatching(err.to_string()));
            None
        }
    }
}

/// `docker compose down`: stops and removes the containers and the network.
/// A second Ctrl-C kills them instead of waiting.
pub async fn stop(
    engine: &dyn Engine,
    project: &Project,
    interrupts: &mut Interrupts,
    printer: &mut dyn Reporter,
) -> Result<(), DockerError> {
    printer.notice(&Notice::Stopping {
        project: project.name.clone(),
    });
    let gently = Down {
        volumes: false,
        at_once: false,
    };
    tokio::select! {
        done = engine.down(project, gently) => {
            if done.is_err() {
                printer.notice(&Notice::DownFailed);
            }
            Ok(())
        }
        () = interrupts.recv() => {
            printer.notice(&Notice::Killing { project: project.name.clone() });
            let at_once = Down { volumes: false, at_once: true };
            engine.down(project, at_once).await
        }
    }
}
