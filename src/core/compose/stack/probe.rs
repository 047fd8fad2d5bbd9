//! Health checks for Swarm: each readiness check as a command that runs
//! inside the container (see [`crate::core::deployed::swarm`]).

use super::super::document::Healthcheck;
use super::super::metadata::command_healthcheck;
use crate::core::deployed::{Readiness, swarm};

/// The healthcheck of a container, with its check's timing; `None` where
/// nothing can be checked from inside.
pub fn swarm_healthcheck(readiness: &Readiness) -> Option<Healthcheck> {
    let command = swarm::in_container_check(&readiness.check)?;
    Some(command_healthcheck(&command, &readiness.timing))
}
