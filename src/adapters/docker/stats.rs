//! A container's resource use, from the Engine API's stats (one sample, no
//! wait for a second one) and its image's size.

use super::engine::Usage;
use super::{DockerError, api::engine_message};
use bollard::query_parameters::StatsOptions;
use futures_util::StreamExt;

pub async fn usage(api: &bollard::Docker, id: &str) -> Result<Usage, DockerError> {
    let options = StatsOptions {
        stream: false,
        one_shot: true,
    };
    let failed = |message: String| DockerError::Engine {
        action: format!("read the stats of container {}", super::api::short(id)),
        message,
    };
    let stats = api
        .stats(id, Some(options))
        .next()
        .await
        .ok_or_else(|| failed("no answer".to_owned()))?
        .map_err(|err| failed(engine_message(err)))?;
    let memory = stats.memory_stats.unwrap_or_default();
    // As `docker stats`: the page cache the kernel can drop is not counted.
    let cache = memory
        .stats
        .unwrap_or_default()
        .iter()
        .find(|(key, _)| matches!(key.as_str(), "inactive_file" | "total_inactive_file"))
        .map_or(0, |(_, value)| *value);
    let cpu = stats
        .cpu_stats
        .and_then(|cpu| cpu.cpu_usage)
        .and_then(|usage| usage.total_usage)
        .unwrap_or(0);
    Ok(Usage {
        memory_bytes: memory.usage.unwrap_or(0).saturating_sub(cache),
        cpu_nanos: cpu,
    })
}

pub async fn image_size(api: &bollard::Docker, id: &str) -> Result<u64, DockerError> {
    let failed = |err| DockerError::Engine {
        action: format!("read the image size of container {}", super::api::short(id)),
        message: engine_message(err),
    };
    let container = api.inspect_container(id, None).await.map_err(failed)?;
    let image = container.image.unwrap_or_default();
    let found = api.inspect_image(&image).await.map_err(failed)?;
    Ok(u64::try_from(found.size.unwrap_or(0)).unwrap_or(0))
}

/// The user ID and command of each process of the container, as the
/// engine's `top` (`ps` on the engine's host) sees them.
pub async fn processes(api: &bollard::Docker, id: &str) -> Result<Vec<(u32, String)>, DockerError> {
    let options = bollard::query_parameters::TopOptionsBuilder::new()
        .ps_args("-o pid,uid,comm")
        .build();
    let top = api
        .top_processes(id, Some(options))
        .await
        .map_err(|err| DockerError::Engine {
            action: format!("list the processes of container {}", super::api::short(id)),
            message: engine_message(err),
        })?;
    let titles = top.titles.unwrap_or_default();
    let column = |name: &str| titles.iter().position(|t| t.eq_ignore_ascii_case(name));
    let (Some(uid), Some(command)) = (column("UID"), column("COMMAND")) else {
        return Ok(Vec::new());
    };
    Ok(top
        .processes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|row| Some((row.get(uid)?.parse().ok()?, row.get(command)?.clone())))
        .collect())
}

/// Writes the image of the container to `path` as `docker save` does.
pub async fn save_image(
    api: &bollard::Docker,
    id: &str,
    path: &std::path::Path,
) -> Result<(), DockerError> {
    use std::io::Write;
    let failed = |message: String| DockerError::Engine {
        action: format!("save the image of container {}", super::api::short(id)),
        message,
    };
    let container = api
        .inspect_container(id, None)
        .await
        .map_err(|err| failed(engine_message(err)))?;
    let image = container.image.unwrap_or_default();
    // Chunks of a local tar, written as they come: short blocking writes.
    let mut file = std::fs::File::create(path).map_err(|err| failed(err.to_string()))?;
    let mut chunks = api.export_image(&image);
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|err| failed(engine_message(err)))?;
        file.write_all(&chunk)
            .map_err(|err| failed(err.to_string()))?;
    }
    file.flush().map_err(|err| failed(err.to_string()))
}
