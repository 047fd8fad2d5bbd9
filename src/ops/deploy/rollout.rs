//! The rollout: images first, then each service once everything in its
//! `after` runs its desired replicas healthy, until all have converged, one
//! has failed (a failed update is rolled back by Swarm first), or the time
//! is up.

use super::{DeployError, Plan, PlannedService};
use crate::adapters::docker::swarm::{ServiceState, Swarm, TaskPhase, TaskState};
use indexmap::IndexMap;
use std::collections::HashSet;
use std::time::Duration;
use tokio::time::Instant;

/// How often the manager is asked about the services being rolled out.
const POLL: Duration = Duration::from_millis(250);
/// New tasks that fail this many times mean the new service does not start.
const MAX_FAILED_TASKS: usize = 3;
/// Lines of a failed service's output that are shown.
const LOG_LINES: usize = 15;
/// Lines of a task's output searched for its ready line.
const LOG_SCAN: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Image { role: String, step: ImageStep },
    Service { name: String, step: ServiceStep },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImageStep {
    /// The registry has it already: nothing to build.
    Present(String),
    Building(String),
    Pushed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ServiceStep {
    Waiting(Vec<String>),
    Creating,
    Updating,
    Unchanged,
    /// Tasks of the new version running healthy, of the desired.
    Progress {
        ready: u64,
        desired: u64,
    },
    RollingBack,
    Converged(Duration),
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Converged,
    Failed(Failure),
    /// The services that had not converged, each with what it was doing.
    TimedOut(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub service: String,
    pub rolled_back: bool,
    /// The errors of its failed tasks, newest first, each once.
    pub errors: Vec<String>,
    pub logs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Waiting,
    Applied {
        id: String,
        changed: bool,
        since: Instant,
        /// The last step reported.
        shown: Option<ServiceStep>,
    },
    Converged,
}

pub async fn rollout<S: Swarm>(
    swarm: &S,
    plan: &Plan,
    timeout: Duration,
    report: &mut dyn FnMut(Event),
) -> Result<Outcome, DeployError> {
    let manager = swarm.manager().await?;
    for (role, build) in &plan.builds {
        let image = build.reference.clone();
        if swarm.image_in_registry(&build.reference).await {
            report(Event::Image {
                role: role.clone(),
                step: ImageStep::Present(image),
            });
            continue;
        }
        report(Event::Image {
            role: role.clone(),
            step: ImageStep::Building(image.clone()),
        });
        swarm.build_and_push(build).await?;
        report(Event::Image {
            role: role.clone(),
            step: ImageStep::Pushed(image),
        });
    }
    swarm.ensure_network(&plan.network, &plan.stack).await?;
    pin_volumes(swarm, plan, &manager.node_id).await?;
    // No limit for 0, nor for a time too long to add to the clock.
    let deadline = Some(timeout)
        .filter(|t| !t.is_zero())
        .and_then(|t| Instant::now().checked_add(t));
    let mut phases: IndexMap<&str, Phase> = plan
        .services
        .keys()
        .map(|name| (name.as_str(), Phase::Waiting))
        .collect();
    // Tasks that have printed their service's `ready_log` line.
    let mut logged = HashSet::new();
    for (name, service) in &plan.services {
        if !service.after.is_empty() {
            report(Event::Service {
                name: name.clone(),
                step: ServiceStep::Waiting(service.after.clone()),
            });
        }
    }
    loop {
        let current = by_name(swarm.services(&plan.stack).await?);
        for (name, service) in &plan.services {
            let ready = service.after.iter().all(|a| {
                phases
                    .get(a.as_str())
                    .is_none_or(|p| *p == Phase::Converged)
            });
            if phases[name.as_str()] == Phase::Waiting && ready {
                let phase = apply(
                    swarm,
                    name,
                    service,
                    current.get(&service.definition.name),
                    report,
                )
                .await?;
                phases.insert(name, phase);
            }
        }
        let current = by_name(swarm.services(&plan.stack).await?);
        for (name, service) in &plan.services {
            let Phase::Applied {
                id,
                changed,
                since,
                shown,
            } = phases[name.as_str()].clone()
            else {
                continue;
            };
            let mut tasks = swarm.tasks(&id).await?;
            if let Some(text) = &service.ready_log {
                hold_until_logged(swarm, service, text, &mut tasks, &mut logged).await;
            }
            let state = current.get(&service.definition.name);
            let judgement = judge(service, state, &tasks, changed);
            match judgement {
                Judgement::Converged => {
                    report(Event::Service {
                        name: name.clone(),
                        step: ServiceStep::Converged(since.elapsed()),
                    });
                    phases.insert(name, Phase::Converged);
                }
                Judgement::Failed { rolled_back } => {
                    report(Event::Service {
                        name: name.clone(),
                        step: ServiceStep::Failed,
                    });
                    return Ok(Outcome::Failed(Failure {
                        service: name.clone(),
                        rolled_back,
                        errors: task_errors(&tasks),
                        logs: swarm.logs(&id, LOG_LINES).await,
                    }));
                }
                Judgement::RollingBack | Judgement::Progress { .. } => {
                    let step = match judgement {
                        Judgement::Progress { ready, desired } => {
                            ServiceStep::Progress { ready, desired }
                        }
                        _ => ServiceStep::RollingBack,
                    };
                    if shown.as_ref() != Some(&step) {
                        report(Event::Service {
                            name: name.clone(),
                            step: step.clone(),
                        });
                        let shown = Some(step);
                        phases.insert(
                            name,
                            Phase::Applied {
                                id,
                                changed,
                                since,
                                shown,
                            },
                        );
                    }
                }
            }
        }
        if phases.values().all(|p| *p == Phase::Converged) {
            return Ok(Outcome::Converged);
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            let pending = phases
                .iter()
                .filter(|(_, p)| **p != Phase::Converged)
                .map(|(name, phase)| ((*name).to_owned(), describe(phase, &plan.services[*name])))
                .collect();
            return Ok(Outcome::TimedOut(pending));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Creates the service, updates it, or leaves it as it is.
async fn apply<S: Swarm>(
    swarm: &S,
    name: &str,
    service: &PlannedService,
    current: Option<&ServiceState>,
    report: &mut dyn FnMut(Event),
) -> Result<Phase, DeployError> {
    let step = |step| Event::Service {
        name: name.to_owned(),
        step,
    };
    let changed = match current {
        Some(existing) if existing.fingerprint.as_deref() == Some(service.fingerprint.as_str()) => {
            report(step(ServiceStep::Unchanged));
            false
        }
        Some(existing) => {
            report(step(ServiceStep::Updating));
            swarm
                .update_service(existing, &service.definition, &service.fingerprint)
                .await?;
            true
        }
        None => {
            report(step(ServiceStep::Creating));
            swarm
                .create_service(&service.definition, &service.fingerprint)
                .await?;
            true
        }
    };
    let id = match current {
        Some(existing) => existing.id.clone(),
        None => by_name(swarm.services(&service.definition.stack).await?)
            .get(&service.definition.name)
            .map(|s| s.id.clone())
            .unwrap_or_else(|| service.definition.name.clone()),
    };
    Ok(Phase::Applied {
        id,
        changed,
        since: Instant::now(),
        shown: None,
    })
}

/// A running task of a service that is ready by a log line counts as
/// starting until its own output (not an older task's) has that line.
async fn hold_until_logged<S: Swarm>(
    swarm: &S,
    service: &PlannedService,
    text: &str,
    tasks: &mut [TaskState],
    logged: &mut HashSet<String>,
) {
    let ours = Some(service.fingerprint.as_str());
    for task in tasks
        .iter_mut()
        .filter(|t| t.state == TaskPhase::Running && t.fingerprint.as_deref() == ours)
    {
        if !logged.contains(&task.id)
            && swarm
                .task_logs(&task.id, LOG_SCAN)
                .await
                .iter()
                .any(|line| line.contains(text))
        {
            logged.insert(task.id.clone());
        }
        if !logged.contains(&task.id) {
            task.state = TaskPhase::Starting;
        }
    }
}

/// A dependency with a local volume runs on the node labelled for it; the
/// first deploy labels the manager.
async fn pin_volumes<S: Swarm>(swarm: &S, plan: &Plan, manager: &str) -> Result<(), DeployError> {
    let labels: Vec<&String> = plan
        .services
        .values()
        .filter_map(|s| s.node_label.as_ref())
        .collect();
    if labels.is_empty() {
        return Ok(());
    }
    let nodes = swarm.nodes().await?;
    for label in labels {
        if !nodes
            .iter()
            .any(|n| n.labels.iter().any(|(k, v)| k == label && v == "true"))
        {
            swarm.label_node(manager, label).await?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Judgement {
    Converged,
    Failed { rolled_back: bool },
    RollingBack,
    Progress { ready: u64, desired: u64 },
}

fn judge(
    service: &PlannedService,
    state: Option<&ServiceState>,
    tasks: &[TaskState],
    changed: bool,
) -> Judgement {
    let update = state.and_then(|s| s.update_state.as_deref());
    let ours = |t: &&TaskState| t.fingerprint.as_deref() == Some(service.fingerprint.as_str());
    let running =
        |t: &&TaskState| t.desired_state == TaskPhase::Running && t.state == TaskPhase::Running;
    let desired = service.definition.replicas;
    if changed {
        match update {
            // Swarm says so once it has replaced the new tasks, before the
            // previous version's are running again: "rolled back" waits for
            // them, so that the previous version answers when exo says it.
            Some("rollback_completed") => {
                let previous = tasks.iter().filter(|t| !ours(t)).filter(running).count();
                return if previous as u64 >= desired {
                    Judgement::Failed { rolled_back: true }
                } else {
                    Judgement::RollingBack
                };
            }
            Some("rollback_paused") => return Judgement::Failed { rolled_back: true },
            Some("rollback_started") => return Judgement::RollingBack,
            Some("paused") => return Judgement::Failed { rolled_back: false },
            _ => {}
        }
    }
    let ready = tasks.iter().filter(ours).filter(running).count() as u64;
    let failed = tasks.iter().filter(ours).filter(|t| t.failed()).count();
    let updating = changed && update == Some("updating");
    if ready >= desired && !updating {
        Judgement::Converged
    } else if changed && update.is_none() && failed >= MAX_FAILED_TASKS {
        // A new service has no previous version to roll back to.
        Judgement::Failed { rolled_back: false }
    } else {
        Judgement::Progress { ready, desired }
    }
}

fn task_errors(tasks: &[TaskState]) -> Vec<String> {
    let mut failed: Vec<&TaskState> = tasks
        .iter()
        .filter(|t| t.failed() || t.error.is_some())
        .collect();
    failed.sort_by(|a, b| b.timestamp.cmp(&a.timestamp));
    let mut errors: Vec<String> = Vec::new();
    for task in failed {
        let text = task.error.clone().unwrap_or_else(|| task.message.clone());
        if !text.is_empty() && !errors.contains(&text) {
            errors.push(text);
        }
    }
    errors
}

fn describe(phase: &Phase, service: &PlannedService) -> String {
    match phase {
        Phase::Waiting => format!("waiting for {}", service.after.join(", ")),
        Phase::Applied {
            shown: Some(ServiceStep::Progress { ready, desired }),
            ..
        } => format!("{ready}/{desired} ready"),
        Phase::Applied {
            shown: Some(ServiceStep::RollingBack),
            ..
        } => "rolling back".to_owned(),
        Phase::Applied { .. } => "not ready".to_owned(),
        Phase::Converged => "converged".to_owned(),
    }
}

fn by_name(services: Vec<ServiceState>) -> IndexMap<String, ServiceState> {
    services.into_iter().map(|s| (s.name.clone(), s)).collect()
}

#[cfg(test)]
mod tests;
