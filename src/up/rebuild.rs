//! Rebuilding one service's image after its files changed, then replacing
//! its container with one of the new image, left stopped for the session to
//! start. The old container runs until the build has succeeded.

use crate::docker::{Docker, Project, parse_ps_lines};

/// Lines of a failed build's output worth showing.
const SHOWN_LINES: usize = 15;

/// The new container's ID, or why there is none (with the build's last
/// lines).
pub async fn rebuild(
    docker: &Docker,
    project: &Project,
    service: &str,
    supervised: bool,
) -> Result<String, String> {
    docker
        .output(docker.compose(project, ["build", service]))
        .await
        .map_err(|err| last_lines(&err.to_string()))?;
    let recreate = [
        "up",
        "--no-start",
        "--no-deps",
        "--no-build",
        "--force-recreate",
        service,
    ];
    docker
        .output(docker.compose(project, recreate))
        .await
        .map_err(|err| err.to_string())?;
    let listing = docker
        .output(docker.compose(project, ["ps", "--all", "--format", "json", service]))
        .await
        .map_err(|err| err.to_string())?;
    let id = parse_ps_lines(&listing)
        .map_err(|err| err.to_string())?
        .into_iter()
        .find(|c| c.service == service)
        .map(|c| c.id)
        .ok_or_else(|| format!("Compose created no container for `{service}`"))?;
    if supervised {
        // As at start-up: exo restarts it, not the engine.
        docker
            .output(docker.docker(["update", "--restart", "no", &id]))
            .await
            .map_err(|err| err.to_string())?;
    }
    Ok(id)
}

fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(SHOWN_LINES)..].join("\n")
}
