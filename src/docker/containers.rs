//! What the engine knows of a Compose project's containers, read through
//! the Engine API: for `exo status`.

use bollard::query_parameters::{InspectContainerOptions, ListContainersOptions, LogsOptions};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::net::IpAddr;

/// One container of the project, as the engine describes it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerFacts {
    pub id: String,
    /// The Compose service it belongs to.
    pub service: String,
    /// `created`, `running`, `exited`, ... as the engine says.
    pub state: String,
    pub exit_code: Option<i64>,
    /// `starting`, `healthy` or `unhealthy` when it has a healthcheck.
    pub health: Option<String>,
    /// The last healthcheck's output, trimmed.
    pub health_output: Option<String>,
    /// Restarts by the engine's restart policy.
    pub restarts: u32,
    /// RFC 3339, when it last started.
    pub started_at: Option<String>,
    /// `127.0.0.1:3000->80/tcp`
    pub ports: Vec<String>,
    /// Its addresses on the project's networks.
    pub addresses: Vec<IpAddr>,
}

#[derive(Debug, thiserror::Error)]
#[error("the Docker Engine did not answer: {0}")]
pub struct EngineError(String);

impl From<bollard::errors::Error> for EngineError {
    fn from(err: bollard::errors::Error) -> Self {
        EngineError(err.to_string())
    }
}

/// Reads containers and their logs for `exo status`.
pub trait ProjectContainers {
    /// Every container of `project`, except one-off `run` containers.
    fn containers(
        &self,
        project: &str,
    ) -> impl Future<Output = Result<Vec<ContainerFacts>, EngineError>> + Send;
    /// Whether the container printed `text` since it last started.
    fn printed(
        &self,
        id: &str,
        since: Option<&str>,
        text: &str,
    ) -> impl Future<Output = Result<bool, EngineError>> + Send;
}

impl ProjectContainers for bollard::Docker {
    async fn containers(&self, project: &str) -> Result<Vec<ContainerFacts>, EngineError> {
        let filters = HashMap::from([(
            "label".to_owned(),
            vec![format!("com.docker.compose.project={project}")],
        )]);
        let options = ListContainersOptions {
            all: true,
            filters: Some(filters),
            ..Default::default()
        };
        let mut facts = Vec::new();
        for summary in self.list_containers(Some(options)).await? {
            let labels = summary.labels.unwrap_or_default();
            if labels.get("com.docker.compose.oneoff").map(String::as_str) == Some("True") {
                continue;
            }
            let (Some(id), Some(service)) = (summary.id, labels.get("com.docker.compose.service"))
            else {
                continue;
            };
            let inspected = self
                .inspect_container(&id, None::<InspectContainerOptions>)
                .await?;
            facts.push(read_inspection(id, service.clone(), inspected));
        }
        facts.sort_by(|a, b| a.service.cmp(&b.service));
        Ok(facts)
    }

    async fn printed(
        &self,
        id: &str,
        since: Option<&str>,
        text: &str,
    ) -> Result<bool, EngineError> {
        let since = since.and_then(unix_seconds).unwrap_or(0);
        let options = LogsOptions {
            stdout: true,
            stderr: true,
            since: i32::try_from(since).unwrap_or(0),
            ..Default::default()
        };
        let mut logs = self.logs(id, Some(options));
        while let Some(chunk) = logs.next().await {
            if String::from_utf8_lossy(&chunk?.into_bytes()).contains(text) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn read_inspection(
    id: String,
    service: String,
    inspected: bollard::models::ContainerInspectResponse,
) -> ContainerFacts {
    let state = inspected.state.unwrap_or_default();
    let health = state.health.unwrap_or_default();
    let health_output = health
        .log
        .and_then(|log| log.into_iter().last())
        .and_then(|last| last.output)
        .map(|output| output.trim().to_owned())
        .filter(|output| !output.is_empty());
    let settings = inspected.network_settings.unwrap_or_default();
    let mut ports: Vec<String> = settings
        .ports
        .unwrap_or_default()
        .into_iter()
        .flat_map(|(target, bindings)| {
            bindings
                .unwrap_or_default()
                .into_iter()
                .map(move |binding| {
                    let ip = binding.host_ip.unwrap_or_default();
                    let ip = if ip.is_empty() {
                        "0.0.0.0".to_owned()
                    } else {
                        ip
                    };
                    format!("{ip}:{}->{target}", binding.host_port.unwrap_or_default())
                })
        })
        .collect();
    ports.sort();
    ports.dedup();
    let addresses = settings
        .networks
        .unwrap_or_default()
        .into_values()
        .filter_map(|network| network.ip_address?.parse().ok())
        .collect();
    ContainerFacts {
        id,
        service,
        state: state.status.map(|s| s.to_string()).unwrap_or_default(),
        exit_code: state.exit_code,
        health: health
            .status
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty() && s != "none"),
        health_output,
        restarts: inspected
            .restart_count
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        started_at: state.started_at.filter(|s| !s.starts_with("0001-")),
        ports,
        addresses,
    }
}

/// Seconds since 1970 of an RFC 3339 time.
pub fn unix_seconds(time: &str) -> Option<i64> {
    let time = super::time::parse_rfc3339(time)?;
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_secs()).ok()
}
