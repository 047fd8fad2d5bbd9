//! Building the test images whose inputs changed, `jobs` at a time.

use crate::adapters::docker::{BuildOutput, Built, Engine, Project};
use crate::ops::up::builds;
use std::sync::Arc;

/// Builds the images of `changed` (the roles whose inputs changed since
/// exo built them, see `ops::up::builds`), `jobs` at a time; each role of
/// `roles`, in order, with its result (a failed build gives its output).
/// Dropping the future stops the builds.
pub async fn build_images(
    engine: Arc<dyn Engine>,
    project: Project,
    changed: builds::Builds,
    roles: Vec<String>,
    jobs: usize,
) -> Vec<(String, Result<(), String>)> {
    let limit = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut builds = tokio::task::JoinSet::new();
    for (index, role) in roles.iter().enumerate() {
        if !changed.services.contains(role) {
            builds.spawn(async move { (index, Ok(())) });
            continue;
        }
        let (engine, project, limit, role) =
            (engine.clone(), project.clone(), limit.clone(), role.clone());
        let inputs = changed.of(&role);
        builds.spawn(async move {
            let _permit = limit.acquire().await;
            let built = build_image(engine.as_ref(), &project, &role).await;
            if built.is_ok() {
                inputs.record(engine.as_ref(), &project).await;
            }
            (index, built)
        });
    }
    let mut results: Vec<Option<Result<(), String>>> = roles.iter().map(|_| None).collect();
    while let Some(joined) = builds.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    roles
        .into_iter()
        .zip(results)
        .map(|(role, result)| {
            let result = result.unwrap_or_else(|| Err("the build was stopped\n".to_owned()));
            (role, result)
        })
        .collect()
}

/// `docker compose build SERVICE`; its output if it fails.
pub async fn build_image(
    engine: &dyn Engine,
    project: &Project,
    service: &str,
) -> Result<(), String> {
    let services = [service.to_owned()];
    match engine.build(project, &services, BuildOutput::Kept).await {
        Ok(Built::Done) => Ok(()),
        Ok(Built::Failed { output }) => Err(output),
        Err(err) => Err(format!("{err}\n")),
    }
}
