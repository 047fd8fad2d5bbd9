//! `exo test --performance`: the application from its production images,
//! ready as `exo compose up --wait` has it; then each scenario's load from
//! exo's own generator ([`crate::adapters::load`]) while every container's memory
//! and CPU are sampled; then budgets and the baseline judged, and
//! everything removed, Ctrl-C included.
//!
//! The generator runs in exo's process and sends to each container's
//! address on the project's network: every service is reachable so (not
//! only those with a host port), and no port proxy stands between the
//! load and the service to add its own latency.

mod k6;
mod sampler;
mod scenario;
mod selection;

pub use scenario::Job;
pub use selection::Selection;

use crate::adapters::docker::{DockerError, Engine, Project};
use crate::adapters::load::HttpError;
use crate::adapters::signals::Interrupts;
use crate::core::compose::Mode;
use crate::core::model::Application;
use crate::core::model::performance::Runner;
use crate::core::plan::{Plan, UnknownRole};
use crate::core::scorecard::{
    BASELINE_FILE, Baseline, BaselineError, ContainerResult, Scorecard, Skipped, judge_container,
    judge_scenario,
};
use crate::ops::report::{LogFormat, Reporter};
use crate::ops::up::production::{self, Started, start_production};
use sampler::Sampled;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::watch;

pub struct PerformanceOptions {
    /// How long the application may take to become ready.
    pub wait_timeout: Duration,
    /// Write the figures of this run as the baseline.
    pub save_baseline: bool,
    pub logs: LogFormat,
}

#[derive(Debug, thiserror::Error)]
pub enum PerformanceError {
    #[error(transparent)]
    Docker(#[from] DockerError),
    #[error(transparent)]
    UnknownRole(#[from] UnknownRole),
    #[error(transparent)]
    Deployment(#[from] crate::core::deployed::DeploymentError),
    #[error("cannot read the body file {}: {source}", path.display())]
    BodyFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Request(HttpError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One container of the run, as found when everything was ready.
struct Container {
    role: String,
    id: String,
    address: Option<std::net::IpAddr>,
    restarts: u32,
    ready: Duration,
    image_bytes: u64,
}

/// Runs `selection` on the application of `project` (run_production.yml);
/// removes every container, network and volume of it afterwards.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    engine: &Arc<dyn Engine>,
    project: &Project,
    app: &Application,
    app_dir: &Path,
    selection: &Selection,
    options: &PerformanceOptions,
    interrupts: &mut Interrupts,
    printer: &mut dyn Reporter,
) -> Result<Scorecard, PerformanceError> {
    let began = Instant::now();
    let mut card = Scorecard {
        application: app.name.clone(),
        scenarios: Vec::new(),
        containers: Vec::new(),
        checks: Vec::new(),
        skipped: Vec::new(),
        broken: None,
        interrupted: false,
        seconds: 0.0,
    };
    let bodies = match selection
        .jobs
        .iter()
        .map(Job::body)
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(bodies) => bodies,
        Err(err) => {
            card.broken = Some(err.to_string());
            return Ok(card);
        }
    };
    let plan = Plan::new(app, Mode::Production, &[]).map_err(|err| match err {
        crate::core::plan::PlanError::UnknownRole(unknown) => {
            PerformanceError::UnknownRole(unknown)
        }
        crate::core::plan::PlanError::Deployment(err) => PerformanceError::Deployment(err),
    })?;
    let outcome = async {
        let wait = options.wait_timeout;
        match start_production(
            engine,
            project,
            &plan,
            wait,
            options.logs,
            interrupts,
            printer,
        )
        .await?
        {
            Started::Ready => {}
            Started::Interrupted => {
                card.interrupted = true;
                return Ok(());
            }
            Started::Broken(why) => {
                card.broken = Some(why);
                return Ok(());
            }
        }
        let containers = containers(engine.as_ref(), project).await?;
        let sampled = load(
            engine,
            &containers,
            selection,
            bodies,
            &mut card,
            interrupts,
            printer,
        )
        .await?;
        for (container, sampled) in containers.iter().zip(sampled) {
            let result = finish(engine.as_ref(), container, &sampled).await?;
            if let Some(budgets) = selection.budgets.get(&container.role) {
                card.checks.extend(judge_container(&result, budgets));
            }
            card.containers.push(result);
        }
        Ok::<(), PerformanceError>(())
    }
    .await;
    let removed = production::remove(engine.as_ref(), project).await;
    outcome?;
    removed?;
    if card.broken.is_none() && !card.interrupted {
        compare_with_baseline(&mut card, app_dir, selection, options)?;
    }
    card.seconds = began.elapsed().as_secs_f64();
    Ok(card)
}

/// Every container of the project, once all are ready.
async fn containers(engine: &dyn Engine, project: &Project) -> Result<Vec<Container>, DockerError> {
    let now = SystemTime::now();
    let mut found = Vec::new();
    for info in engine.containers(&project.name).await? {
        let inspection = engine.inspect(&info.id).await?;
        let ready = inspection
            .started_at
            .and_then(|started| now.duration_since(started).ok())
            .unwrap_or_default();
        found.push(Container {
            role: info.service,
            address: inspection.address,
            restarts: inspection.restarts,
            ready,
            image_bytes: engine.image_size(&info.id).await?,
            id: info.id,
        });
    }
    Ok(found)
}

/// Runs every job in turn while the containers are sampled.
async fn load(
    engine: &Arc<dyn Engine>,
    containers: &[Container],
    selection: &Selection,
    bodies: Vec<bytes::Bytes>,
    card: &mut Scorecard,
    interrupts: &mut Interrupts,
    printer: &mut dyn Reporter,
) -> Result<Vec<Sampled>, PerformanceError> {
    let ids = containers.iter().map(|c| c.id.clone()).collect();
    let (stop, stopped) = watch::channel(false);
    let sampling = tokio::spawn(sampler::sample(Arc::clone(engine), ids, stopped));
    for (job, body) in selection.jobs.iter().zip(bodies) {
        let measured = match &job.scenario.runner {
            Runner::Exo(open) => {
                let Some(address) = address_of(containers, selection, job) else {
                    card.broken = Some(format!(
                        "`{}` has no address and port on the project's network to send `{}` to",
                        job.target, job.subject
                    ));
                    break;
                };
                tokio::select! {
                    result = scenario::run(job, open, body, address, printer) => {
                        k6::Ran::Measured(Box::new(result?), Vec::new())
                    }
                    () = interrupts.recv() => {
                        card.interrupted = true;
                        break;
                    }
                }
            }
            Runner::K6 { script } => {
                let services: Vec<_> = containers
                    .iter()
                    .map(|c| (c.role.clone(), c.address))
                    .collect();
                let urls = k6::urls(&services, &selection.ports);
                tokio::select! {
                    ran = k6::run(job, script, &urls, printer) => ran,
                    () = interrupts.recv() => {
                        card.interrupted = true;
                        break;
                    }
                }
            }
        };
        match measured {
            k6::Ran::Measured(result, thresholds) => {
                card.checks
                    .extend(judge_scenario(&result, &job.scenario.budgets));
                card.checks.extend(thresholds);
                card.scenarios.push(*result);
            }
            k6::Ran::Skipped(reason) => {
                printer.scenario_skipped(&job.subject, &reason);
                card.skipped.push(Skipped {
                    scenario: job.subject.clone(),
                    reason,
                });
            }
            k6::Ran::Failed(why) => {
                card.broken = Some(format!("{}: {why}", job.subject));
                break;
            }
        }
    }
    let _ = stop.send(true);
    Ok(sampling.await.unwrap_or_default())
}

fn address_of(containers: &[Container], selection: &Selection, job: &Job) -> Option<SocketAddr> {
    let ip = containers.iter().find(|c| c.role == job.target)?.address?;
    Some(SocketAddr::new(ip, *selection.ports.get(&job.target)?))
}

/// The sampled figures of `container` with its restarts, readiness and
/// image size.
async fn finish(
    engine: &dyn Engine,
    container: &Container,
    sampled: &Sampled,
) -> Result<ContainerResult, DockerError> {
    let inspection = engine.inspect(&container.id).await?;
    let stopped = u32::from(!inspection.state.running());
    Ok(ContainerResult {
        role: container.role.clone(),
        peak_memory_bytes: sampled.peak_memory,
        average_memory_bytes: sampled.average_memory(),
        peak_cpu: sampled.peak_cpu,
        average_cpu: sampled.average_cpu(),
        restarts: inspection.restarts.saturating_sub(container.restarts) + stopped,
        ready: container.ready.as_secs_f64(),
        image_bytes: container.image_bytes,
    })
}

/// Fails the figures that regressed beyond the baseline; saves this run's
/// as the baseline when asked.
fn compare_with_baseline(
    card: &mut Scorecard,
    app_dir: &Path,
    selection: &Selection,
    options: &PerformanceOptions,
) -> Result<(), PerformanceError> {
    let path = app_dir.join(BASELINE_FILE);
    let now = Baseline::of(card);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let saved = Baseline::parse(&text)?;
        card.checks
            .extend(saved.compare(&now, |subject| selection.max_regression(subject)));
    }
    // A baseline without a skipped scenario's figures would drop them.
    if options.save_baseline && card.skipped.is_empty() {
        let write = |source| PerformanceError::Write {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        std::fs::write(&path, now.to_json()).map_err(write)?;
    }
    Ok(())
}

impl crate::core::exit::Exit for PerformanceError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            PerformanceError::Docker(err) => err.exit_status(),
            PerformanceError::UnknownRole(_) => ExitStatus::Usage,
            PerformanceError::Deployment(err) => err.exit_status(),
            PerformanceError::Write { .. } => ExitStatus::Io,
            PerformanceError::BodyFile { .. }
            | PerformanceError::Request(_)
            | PerformanceError::Baseline(_) => ExitStatus::TestsNotRun,
        }
    }
}
