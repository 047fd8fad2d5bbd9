//! The engine's event stream for one project: container starts, exits and
//! health changes arrive as they happen, with no polling.

use super::{Docker, DockerError, describe};
use serde::Deserialize;
use std::collections::HashMap;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;
use tokio::sync::mpsc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    Start,
    Die { exit_code: i64 },
    Healthy,
    Unhealthy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerEvent {
    pub container: String,
    pub service: String,
    pub kind: EventKind,
    /// Engine time, nanoseconds since the Unix epoch.
    pub time_nano: i64,
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(rename = "Action", default)]
    action: String,
    #[serde(rename = "Actor")]
    actor: RawActor,
    #[serde(rename = "timeNano", default)]
    time_nano: i64,
}

#[derive(Deserialize)]
struct RawActor {
    #[serde(rename = "ID", default)]
    id: String,
    #[serde(rename = "Attributes", default)]
    attributes: HashMap<String, String>,
}

/// Parses one line of `docker events --format '{{json .}}'`; events exo does
/// not use are `None`.
pub fn parse_event(line: &str) -> Option<ContainerEvent> {
    let raw: RawEvent = serde_json::from_str(line).ok()?;
    let kind = match raw.action.as_str() {
        "start" => EventKind::Start,
        "die" => EventKind::Die {
            exit_code: raw
                .actor
                .attributes
                .get("exitCode")
                .and_then(|c| c.parse().ok())
                .unwrap_or(-1),
        },
        "health_status: healthy" => EventKind::Healthy,
        "health_status: unhealthy" => EventKind::Unhealthy,
        _ => return None,
    };
    Some(ContainerEvent {
        container: raw.actor.id,
        service: raw
            .actor
            .attributes
            .get("com.docker.compose.service")
            .cloned()
            .unwrap_or_default(),
        kind,
        time_nano: raw.time_nano,
    })
}

/// A running `docker events` process; stopped when dropped.
pub struct EventStream {
    _child: Child,
    pub events: mpsc::UnboundedReceiver<ContainerEvent>,
}

impl EventStream {
    /// Follows the containers of one Compose project from now on.
    pub fn follow(docker: &Docker, project: &str) -> Result<EventStream, DockerError> {
        let label = format!("label=com.docker.compose.project={project}");
        let mut command = docker.docker([
            "events",
            "--format",
            "{{json .}}",
            "--filter",
            "type=container",
            "--filter",
            &label,
        ]);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let described = describe(&command);
        let mut child = command
            .spawn()
            .map_err(|err| DockerError::command(described, err))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, events) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(event) = parse_event(&line)
                    && sender.send(event).is_err()
                {
                    break;
                }
            }
        });
        Ok(EventStream {
            _child: child,
            events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_events_exo_uses() {
        let die = r#"{"status":"die","id":"abc","Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"com.docker.compose.service":"web","exitCode":"3"}},"scope":"local","time":1,"timeNano":1700000000123456789}"#;
        assert_eq!(
            parse_event(die),
            Some(ContainerEvent {
                container: "abc".into(),
                service: "web".into(),
                kind: EventKind::Die { exit_code: 3 },
                time_nano: 1_700_000_000_123_456_789,
            })
        );
        let healthy = r#"{"Action":"health_status: healthy","Actor":{"ID":"x","Attributes":{"com.docker.compose.service":"db"}},"timeNano":5}"#;
        assert_eq!(parse_event(healthy).unwrap().kind, EventKind::Healthy);
        let exec = r#"{"Action":"exec_start: sh -c true","Actor":{"ID":"x","Attributes":{}},"timeNano":5}"#;
        assert_eq!(parse_event(exec), None);
        assert_eq!(parse_event("not json"), None);
    }
}
