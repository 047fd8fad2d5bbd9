//! The Engine API actions, over the daemon's socket with `bollard`: no
//! `docker` process runs for them, and the streams (events, logs) are HTTP
//! responses that end when dropped.

use super::engine::{
    ContainerEvent, ContainerInfo, ContainerState, EventKind, Executed, Health, Inspection,
    PublishedPort,
};
use super::lines::LineBuffer;
use super::time::{parse_rfc3339, split_timestamp};
use super::{DockerError, ONEOFF_LABEL, PROJECT_LABEL, SERVICE_LABEL};
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecResults};
use bollard::models::{
    ContainerInspectResponse, ContainerStateStatusEnum, ContainerSummary, ContainerUpdateBody,
    EventMessage, HealthStatusEnum, PortMap, RestartPolicy, RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    EventsOptions, ListContainersOptions, LogsOptions, StopContainerOptions,
};
use futures_util::stream::{self, BoxStream, StreamExt};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::SystemTime;

/// `action` failed with the engine's `err`.
pub(super) fn failed(action: String) -> impl FnOnce(bollard::errors::Error) -> DockerError {
    move |err| DockerError::Engine {
        action,
        message: engine_message(err),
    }
}

/// The daemon's own words where it gave some.
pub(super) fn engine_message(err: bollard::errors::Error) -> String {
    match err {
        bollard::errors::Error::DockerResponseServerError { message, .. } => message,
        other => other.to_string(),
    }
}

pub(super) fn project_filter(project: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([(
        "label".to_owned(),
        vec![format!("{PROJECT_LABEL}={project}")],
    )])
}

pub fn events(api: &bollard::Docker, project: &str) -> BoxStream<'static, ContainerEvent> {
    let mut filters = project_filter(project);
    filters.insert("type".to_owned(), vec!["container".to_owned()]);
    // Only what exo uses: a Compose healthcheck's exec events (two per check
    // and container) would otherwise wake exo every time.
    let used = ["start", "die", "health_status"];
    filters.insert("event".to_owned(), used.map(str::to_owned).to_vec());
    let options = EventsOptions {
        filters: Some(filters),
        ..EventsOptions::default()
    };
    api.events(Some(options))
        // The stream ends when the daemon goes away: nothing more will happen.
        .take_while(|event| std::future::ready(event.is_ok()))
        .filter_map(|event| std::future::ready(event.ok().and_then(container_event)))
        .boxed()
}

/// The events exo uses; `None` for the others.
fn container_event(message: EventMessage) -> Option<ContainerEvent> {
    let actor = message.actor?;
    let attributes = actor.attributes.unwrap_or_default();
    let kind = match message.action?.as_str() {
        "start" => EventKind::Start,
        "die" => EventKind::Die {
            exit_code: attributes
                .get("exitCode")
                .and_then(|code| code.parse().ok())
                .unwrap_or(-1),
        },
        "health_status: healthy" => EventKind::Healthy,
        "health_status: unhealthy" => EventKind::Unhealthy,
        _ => return None,
    };
    Some(ContainerEvent {
        container: actor.id?,
        service: attributes.get(SERVICE_LABEL).cloned().unwrap_or_default(),
        kind,
    })
}

pub async fn containers(
    api: &bollard::Docker,
    project: &str,
) -> Result<Vec<ContainerInfo>, DockerError> {
    Ok(summaries(api, project)
        .await?
        .into_iter()
        .filter_map(|summary| {
            let service = summary.labels?.get(SERVICE_LABEL)?.clone();
            Some(ContainerInfo {
                id: summary.id?,
                service,
                running: summary
                    .state
                    .is_some_and(|s| s.to_string().eq_ignore_ascii_case("running")),
            })
        })
        .collect())
}

/// What the engine lists of the project's containers, running or not,
/// without the one-off containers of `run`.
pub(super) async fn summaries(
    api: &bollard::Docker,
    project: &str,
) -> Result<Vec<ContainerSummary>, DockerError> {
    Ok(every_container(api, project)
        .await?
        .into_iter()
        .filter(|summary| {
            let oneoff = summary.labels.as_ref().and_then(|l| l.get(ONEOFF_LABEL));
            oneoff.is_none_or(|oneoff| oneoff != "True")
        })
        .collect())
}

/// Every container of the project, running or not, one-off ones too.
pub(super) async fn every_container(
    api: &bollard::Docker,
    project: &str,
) -> Result<Vec<ContainerSummary>, DockerError> {
    let options = ListContainersOptions {
        all: true,
        filters: Some(project_filter(project)),
        ..ListContainersOptions::default()
    };
    api.list_containers(Some(options))
        .await
        .map_err(failed(format!("list the containers of {project}")))
}

/// Variables as the engine takes them: `NAME=value`.
pub(super) fn environment(variables: &BTreeMap<String, String>) -> Vec<String> {
    variables
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect()
}

pub async fn start(api: &bollard::Docker, id: &str) -> Result<(), DockerError> {
    api.start_container(id, None)
        .await
        .map_err(failed(format!("start container {}", short(id))))
}

pub async fn stop(api: &bollard::Docker, id: &str) -> Result<(), DockerError> {
    api.stop_container(id, None::<StopContainerOptions>)
        .await
        .map_err(failed(format!("stop container {}", short(id))))
}

pub async fn inspect(api: &bollard::Docker, id: &str) -> Result<Inspection, DockerError> {
    let found = api
        .inspect_container(id, None)
        .await
        .map_err(failed(format!("inspect container {}", short(id))))?;
    Ok(inspection(found))
}

/// The image's ID, or `None` when the engine has no image of that name.
pub async fn image_id(api: &bollard::Docker, name: &str) -> Result<Option<String>, DockerError> {
    match api.inspect_image(name).await {
        Ok(image) => Ok(image.id),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(None),
        Err(err) => Err(failed(format!("inspect image {name}"))(err)),
    }
}

fn inspection(found: ContainerInspectResponse) -> Inspection {
    let state = found.state.unwrap_or_default();
    let health = state.health.unwrap_or_default();
    let last_health_check = health.log.unwrap_or_default().pop().map(|run| {
        let output = run.output.unwrap_or_default().trim().to_owned();
        (run.exit_code.unwrap_or(-1), output)
    });
    let config = found.config.unwrap_or_default();
    let health_command = config
        .healthcheck
        .and_then(|check| check.test)
        .and_then(|test| exec_form(test, config.shell));
    let settings = found.network_settings.unwrap_or_default();
    let address = settings
        .networks
        .unwrap_or_default()
        .into_values()
        .find_map(|endpoint| endpoint.ip_address?.parse().ok());
    let exit_code = state.exit_code.unwrap_or(-1);
    Inspection {
        state: match state.status {
            Some(ContainerStateStatusEnum::RUNNING) => ContainerState::Running,
            Some(ContainerStateStatusEnum::PAUSED) => ContainerState::Paused,
            Some(ContainerStateStatusEnum::RESTARTING) => ContainerState::Restarting,
            Some(ContainerStateStatusEnum::REMOVING) => ContainerState::Removing,
            Some(ContainerStateStatusEnum::STOPPING) => ContainerState::Stopping,
            Some(ContainerStateStatusEnum::EXITED) => ContainerState::Exited { code: exit_code },
            Some(ContainerStateStatusEnum::DEAD) => ContainerState::Dead,
            _ => ContainerState::Created,
        },
        started_at: state.started_at.as_deref().and_then(parse_rfc3339),
        health: match health.status {
            Some(HealthStatusEnum::HEALTHY) => Some(Health::Healthy),
            Some(HealthStatusEnum::UNHEALTHY) => Some(Health::Unhealthy),
            Some(HealthStatusEnum::STARTING) => Some(Health::Starting),
            _ => None,
        },
        last_health_check,
        health_command,
        restarts: found
            .restart_count
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        ports: published(settings.ports.unwrap_or_default()),
        address,
    }
}

/// A healthcheck's `test` as the command the engine runs: `CMD` words as
/// they are, a `CMD-SHELL` line through the container's shell; `None` for
/// `NONE` or no test.
fn exec_form(test: Vec<String>, shell: Option<Vec<String>>) -> Option<Vec<String>> {
    let (form, words) = test.split_first()?;
    match form.as_str() {
        "CMD" if !words.is_empty() => Some(words.to_vec()),
        "CMD-SHELL" => {
            let shell = shell.filter(|shell| !shell.is_empty());
            let shell = shell.unwrap_or_else(|| vec!["/bin/sh".to_owned(), "-c".to_owned()]);
            Some(shell.into_iter().chain([words.join(" ")]).collect())
        }
        _ => None,
    }
}

/// The ports published on the host, sorted, each binding once.
fn published(ports: PortMap) -> Vec<PublishedPort> {
    let mut published: Vec<PublishedPort> = ports
        .into_iter()
        .flat_map(|(target, bindings)| {
            bindings
                .unwrap_or_default()
                .into_iter()
                .map(move |binding| {
                    let host_ip = binding.host_ip.filter(|ip| !ip.is_empty());
                    PublishedPort {
                        host_ip: host_ip.unwrap_or_else(|| "0.0.0.0".to_owned()),
                        host_port: binding.host_port.unwrap_or_default(),
                        target: target.clone(),
                    }
                })
        })
        .collect();
    published.sort();
    published.dedup();
    published
}

pub async fn exec(
    api: &bollard::Docker,
    id: &str,
    command: &[String],
) -> Result<Executed, DockerError> {
    let action = || format!("run `{}` in container {}", command.join(" "), short(id));
    let options = CreateExecOptions {
        cmd: Some(command.to_vec()),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        ..CreateExecOptions::default()
    };
    let created = api
        .create_exec(id, options)
        .await
        .map_err(failed(action()))?;
    let mut output = String::new();
    if let StartExecResults::Attached {
        output: mut frames, ..
    } = api
        .start_exec(&created.id, None)
        .await
        .map_err(failed(action()))?
    {
        while let Some(Ok(frame)) = frames.next().await {
            output.push_str(&String::from_utf8_lossy(frame.as_ref()));
        }
    }
    let ended = api
        .inspect_exec(&created.id)
        .await
        .map_err(failed(action()))?;
    Ok(Executed {
        exit_code: ended.exit_code.unwrap_or(-1),
        output,
    })
}

pub async fn leave_restarts_to_exo(api: &bollard::Docker, id: &str) -> Result<(), DockerError> {
    let update = ContainerUpdateBody {
        restart_policy: Some(RestartPolicy {
            name: Some(RestartPolicyNameEnum::NO),
            maximum_retry_count: None,
        }),
        ..ContainerUpdateBody::default()
    };
    api.update_container(id, update)
        .await
        .map_err(failed(format!("update container {}", short(id))))
}

/// Log frames as lines, with the engine's timestamps (asked for so that the
/// lines before `since` can be left out: the API's `since` is whole seconds).
fn log_lines(
    api: &bollard::Docker,
    id: &str,
    since: Option<SystemTime>,
    follow: bool,
    tail: Option<usize>,
) -> BoxStream<'static, String> {
    let seconds = since
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX));
    let options = LogsOptions {
        follow,
        stdout: true,
        stderr: true,
        since: seconds,
        timestamps: true,
        tail: tail.map_or_else(|| "all".to_owned(), |n| n.to_string()),
        ..LogsOptions::default()
    };
    lines_of(api.logs(id, Some(options)).boxed())
        .filter_map(move |line| {
            let (time, text) = split_timestamp(&line);
            let earlier = matches!((time, since), (Some(time), Some(since)) if time < since);
            std::future::ready((!earlier).then(|| text.to_owned()))
        })
        .boxed()
}

/// The engine's frames of stdout and stderr as lines, each stream's own
/// split into lines apart; what is left at the end is a last line.
pub(super) fn lines_of(
    frames: BoxStream<'static, Result<LogOutput, bollard::errors::Error>>,
) -> BoxStream<'static, String> {
    let buffers: [LineBuffer; 2] = Default::default();
    let state = (frames, buffers, VecDeque::new(), false);
    stream::unfold(
        state,
        |(mut frames, mut buffers, mut ready, mut ended)| async move {
            loop {
                if let Some(line) = ready.pop_front() {
                    return Some((line, (frames, buffers, ready, ended)));
                }
                if ended {
                    return None;
                }
                match frames.next().await {
                    Some(Ok(LogOutput::StdErr { message })) => {
                        ready.extend(buffers[1].push(&message))
                    }
                    Some(Ok(other)) => ready.extend(buffers[0].push(&other.into_bytes())),
                    // The end, or the daemon went away: what is left is a last line.
                    Some(Err(_)) | None => {
                        ended = true;
                        ready.extend(buffers.iter_mut().filter_map(LineBuffer::finish));
                    }
                }
            }
        },
    )
    .boxed()
}

pub fn logs(api: &bollard::Docker, id: &str, since: SystemTime) -> BoxStream<'static, String> {
    log_lines(api, id, Some(since), true, None)
}

pub async fn tail(
    api: &bollard::Docker,
    id: &str,
    since: Option<SystemTime>,
    count: usize,
) -> Result<Vec<String>, DockerError> {
    Ok(log_lines(api, id, since, false, Some(count))
        .collect()
        .await)
}

pub async fn printed(
    api: &bollard::Docker,
    id: &str,
    since: Option<SystemTime>,
    text: &str,
) -> Result<bool, DockerError> {
    Ok(log_lines(api, id, since, false, None)
        .any(|line| std::future::ready(line.contains(text)))
        .await)
}

/// The short form of a container ID, as `docker ps` shows it.
pub(super) fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::EventActor;

    fn message(action: &str, attributes: &[(&str, &str)]) -> EventMessage {
        EventMessage {
            action: Some(action.to_owned()),
            actor: Some(EventActor {
                id: Some("abc".to_owned()),
                attributes: Some(
                    attributes
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                ),
            }),
            ..EventMessage::default()
        }
    }

    #[test]
    fn reads_the_events_exo_uses() {
        let die = message("die", &[(SERVICE_LABEL, "web"), ("exitCode", "3")]);
        assert_eq!(
            container_event(die),
            Some(ContainerEvent {
                container: "abc".into(),
                service: "web".into(),
                kind: EventKind::Die { exit_code: 3 },
            })
        );
        let healthy = message("health_status: healthy", &[(SERVICE_LABEL, "db")]);
        assert_eq!(container_event(healthy).unwrap().kind, EventKind::Healthy);
        let exec = message("exec_start: sh -c true", &[]);
        assert_eq!(container_event(exec), None);
    }

    fn words(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn healthcheck_tests_become_the_commands_the_engine_runs() {
        let shell = exec_form(words(&["CMD-SHELL", "test -f /tmp/ready"]), None);
        assert_eq!(shell, Some(words(&["/bin/sh", "-c", "test -f /tmp/ready"])));
        let own_shell = Some(words(&["/bin/bash", "-c"]));
        let shell = exec_form(words(&["CMD-SHELL", "pg_isready"]), own_shell);
        assert_eq!(shell, Some(words(&["/bin/bash", "-c", "pg_isready"])));
        let plain = exec_form(words(&["CMD", "redis-cli", "ping"]), None);
        assert_eq!(plain, Some(words(&["redis-cli", "ping"])));
        assert_eq!(exec_form(words(&["NONE"]), None), None);
        assert_eq!(exec_form(vec![], None), None);
    }

    #[test]
    fn published_ports_are_listed_once_each() {
        use bollard::models::PortBinding;
        let binding = |ip: &str, port: &str| PortBinding {
            host_ip: Some(ip.to_owned()),
            host_port: Some(port.to_owned()),
        };
        let ports = PortMap::from([
            (
                "8080/tcp".to_owned(),
                Some(vec![binding("", "3000"), binding("0.0.0.0", "3000")]),
            ),
            ("9000/tcp".to_owned(), None),
        ]);
        let shown: Vec<String> = published(ports).iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["0.0.0.0:3000->8080/tcp"]);
    }
}
