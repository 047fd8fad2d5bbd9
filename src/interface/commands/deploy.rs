//! `exo deploy ENV`, `exo deploy status ENV`, `exo deploy rm ENV`.

use super::workspace::{prepare, runtime};
use super::{CommandError, Settings, Workspace};
use crate::adapters::docker::swarm::Engine;
use crate::core::exit::ExitStatus;
use crate::interface::cli::{DeployArgs, DeployCommand};
use crate::interface::output::Printer;
use crate::ops::deploy::{self, DeployError, Outcome};
use std::time::Duration;

pub fn run(
    settings: &Settings,
    args: &DeployArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    let context = settings.context();
    match &args.command {
        Some(DeployCommand::Status { env }) => {
            let stack = known_stack(&workspace, env)?;
            let status = runtime()?.block_on(async {
                let engine = Engine::connect(context).await?;
                Ok::<_, CommandError>(deploy::status(&engine, &stack).await?)
            })?;
            printer.deploy_status(&stack, &status);
            Ok(ExitStatus::Success)
        }
        Some(DeployCommand::Rm { env, volumes }) => {
            let stack = known_stack(&workspace, env)?;
            let removal = runtime()?.block_on(async {
                let engine = Engine::connect(context).await?;
                Ok::<_, CommandError>(deploy::remove(&engine, &stack, *volumes).await?)
            })?;
            printer.deploy_removed(&stack, &removal, *volumes);
            Ok(
                if removal.network_removed && removal.volumes_left.is_empty() {
                    ExitStatus::Success
                } else {
                    ExitStatus::Failure
                },
            )
        }
        None => {
            let env = args.env.as_deref().unwrap_or_default();
            prepare(&workspace, printer)?;
            let plan = deploy::plan(&workspace.app, &workspace.dir, env, &|name| {
                std::env::var(name).ok()
            })?;
            for warning in &plan.warnings {
                printer.warn(&crate::interface::output::deployment::warning(
                    "Swarm", warning,
                ));
            }
            let timeout = Duration::from_secs(args.wait_timeout);
            let names: Vec<String> = plan.services.keys().cloned().collect();
            let outcome = runtime()?.block_on(async {
                let engine = Engine::connect(context).await?;
                printer.status("Deploying", &format!("{} to {}", plan.stack, engine.host()));
                let mut progress = printer.deploy_progress(&names);
                let outcome =
                    deploy::rollout(&engine, &plan, timeout, &mut |event| progress.event(&event))
                        .await;
                progress.finish();
                Ok::<_, CommandError>(outcome?)
            })?;
            Ok(match outcome {
                Outcome::Converged => {
                    printer.status(
                        "Converged",
                        &format!("{} ({} services)", plan.stack, names.len()),
                    );
                    ExitStatus::Success
                }
                Outcome::Failed(failure) => {
                    printer.deploy_failure(&failure);
                    ExitStatus::Failure
                }
                Outcome::TimedOut(pending) => {
                    printer.deploy_timeout(args.wait_timeout, &pending);
                    ExitStatus::Timeout
                }
            })
        }
    }
}

/// The stack of a known Swarm environment.
fn known_stack(workspace: &Workspace, env: &str) -> Result<String, DeployError> {
    let Some(deployment) = workspace.app.remote.environments.get(env) else {
        return Err(DeployError::UnknownEnvironment {
            name: env.to_owned(),
            known: workspace.app.remote.environments.keys().cloned().collect(),
        });
    };
    if deployment.target != crate::core::model::Target::Swarm {
        return Err(DeployError::NotSwarm {
            name: env.to_owned(),
            target: deployment.target.name(),
        });
    }
    Ok(crate::core::deployed::swarm::stack_name_of(
        &crate::core::deployed::project_name(&workspace.app.name),
        env,
    ))
}

/// Says what went wrong, with its hint.
pub fn report(err: &DeployError, printer: &mut Printer) {
    printer.error(&message(err));
}

/// What went wrong, with its hint.
pub fn message(err: &DeployError) -> String {
    match err.hint() {
        Some(hint) => format!("{err}\n  hint: {hint}"),
        None => err.to_string(),
    }
}
