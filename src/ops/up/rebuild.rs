//! Rebuilding one service's image after its files changed, then replacing
//! its container with one of the new image, left stopped for its task to
//! start. The old container runs until the build has succeeded; the new
//! image's inputs are recorded, so the next start does not build it again.

use super::builds;
use crate::adapters::docker::{BuildOutput, Built, Create, Engine, Project};
use crate::core::plan::BuiltImage;

/// Lines of a failed build's output worth showing.
const SHOWN_LINES: usize = 15;

/// The new container's ID, or why there is none (with the build's last
/// lines).
pub async fn rebuild(
    engine: &dyn Engine,
    project: &Project,
    service: &str,
    built: Option<&BuiltImage>,
    supervised: bool,
) -> Result<String, String> {
    let services = [service.to_owned()];
    let builds = builds::forced(engine, project, service, built).await;
    match engine.build(project, &services, BuildOutput::Kept).await {
        Ok(Built::Done) => builds.record(engine, project).await,
        Ok(Built::Failed { output }) => return Err(last_lines(&output)),
        Err(err) => return Err(err.to_string()),
    }
    engine
        .create(project, &services, Create::Replace)
        .await
        .map_err(|err| err.to_string())?;
    let id = engine
        .containers(&project.name)
        .await
        .map_err(|err| err.to_string())?
        .into_iter()
        .find(|c| c.service == service)
        .map(|c| c.id)
        .ok_or_else(|| format!("Compose created no container for `{service}`"))?;
    if supervised {
        // As at start-up: exo restarts it, not the engine.
        engine
            .leave_restarts_to_exo(&id)
            .await
            .map_err(|err| err.to_string())?;
    }
    Ok(id)
}

/// The last lines of a build's output, those worth showing.
pub(super) fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(SHOWN_LINES)..].join("\n")
}
