//! The application started from its production images for a look at it
//! (`exo test --performance`, `exo test --security`'s dynamic part): up,
//! detached, until ready within a limit; then removed with its volumes,
//! whatever happened.

use super::{AfterFailure, Outcome, UpOptions, up};
use crate::adapters::docker::{DockerError, Down, Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::core::compose::Mode;
use crate::core::plan::Plan;
use crate::ops::report::{LogFormat, Reporter};
use std::sync::Arc;
use std::time::Duration;

/// How the start ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    Ready,
    Interrupted,
    /// It never became ready; why, for the report.
    Broken(String),
}

/// Starts `plan` in `project` from run_production.yml (images built as
/// needed) and waits until every container is ready, at most `wait`.
pub async fn start_production(
    engine: &Arc<dyn Engine>,
    project: &Project,
    plan: &Plan,
    wait: Duration,
    logs: LogFormat,
    interrupts: &mut Interrupts,
    printer: &mut dyn Reporter,
) -> Result<Started, DockerError> {
    let options = UpOptions {
        detach: true,
        after_failure: AfterFailure::Leave,
        mode: Mode::Production,
        supervise: false,
        build: true,
        wait_timeout: Some(wait),
        watch: None,
        logs,
    };
    Ok(
        match up(engine, project, plan, &options, interrupts, printer).await? {
            Outcome::Ready => Started::Ready,
            Outcome::Interrupted => Started::Interrupted,
            Outcome::BuildFailed => {
                Started::Broken("the production images did not build".to_owned())
            }
            Outcome::TimedOut => Started::Broken(format!(
                "the application was not ready within {} s",
                wait.as_secs()
            )),
            Outcome::Failed => {
                Started::Broken("a container stopped before the application was ready".to_owned())
            }
        },
    )
}

/// Removes every container and volume of `project` at once.
pub async fn remove(engine: &dyn Engine, project: &Project) -> Result<(), DockerError> {
    engine
        .down(
            project,
            Down {
                volumes: true,
                at_once: true,
            },
        )
        .await
}
