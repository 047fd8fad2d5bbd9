//! Following one container's output with `docker logs -f`.

use super::{Docker, DockerError, describe};
use std::process::Stdio;
use std::time::SystemTime;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::unix::pipe;
use tokio::process::Child;
use tokio::sync::mpsc;

/// A line a container printed, on stdout or stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub service: String,
    pub text: String,
}

/// Follows a container's output from `since` (a time as `docker logs
/// --since` reads it: the lines of earlier runs are not this run's); lines go
/// to `sink` tagged with `service`. The returned process stops following
/// when dropped.
pub fn follow_logs(
    docker: &Docker,
    container: &str,
    service: &str,
    since: &str,
    sink: mpsc::UnboundedSender<LogLine>,
) -> Result<Child, DockerError> {
    let command = docker.docker(["logs", "--follow", "--since", since, container]);
    stream_lines(command, service, sink)
}

/// Runs `command` and sends each line it prints, both streams in order, to
/// `sink` tagged with `service` (e.g. `docker compose run` of a test). The
/// returned process is killed when dropped.
pub fn stream_lines(
    command: tokio::process::Command,
    service: &str,
    sink: mpsc::UnboundedSender<LogLine>,
) -> Result<Child, DockerError> {
    let (child, reader) = spawn_merged(command)?;
    let service = service.to_owned();
    tokio::spawn(async move {
        let mut reader = BufReader::new(reader);
        let mut buffer = Vec::new();
        // Bytes, not `lines()`: a service may print text that is not UTF-8.
        while matches!(reader.read_until(b'\n', &mut buffer).await, Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&buffer);
            let line = LogLine {
                service: service.clone(),
                text: text.trim_end_matches(['\n', '\r']).to_owned(),
            };
            buffer.clear();
            if sink.send(line).is_err() {
                break;
            }
        }
    });
    Ok(child)
}

/// The last `count` lines a container printed since `since` (all of them
/// without), both streams in order.
pub async fn tail_logs(
    docker: &Docker,
    container: &str,
    since: Option<&str>,
    count: usize,
) -> Result<Vec<String>, DockerError> {
    let count = count.to_string();
    let mut args = vec!["logs".to_owned(), "--tail".to_owned(), count];
    if let Some(since) = since {
        args.extend(["--since".to_owned(), since.to_owned()]);
    }
    args.push(container.to_owned());
    let (mut child, reader) = spawn_merged(docker.docker(args))?;
    let mut text = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut BufReader::new(reader), &mut text)
        .await
        .map_err(|err| DockerError::command("docker logs", err))?;
    let _ = child.wait().await;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Spawns `command` with its stdout and stderr on one pipe, which keeps the
/// order of the lines across both streams.
fn spawn_merged(
    mut command: tokio::process::Command,
) -> Result<(Child, pipe::Receiver), DockerError> {
    let described = describe(&command);
    let error = |err: std::io::Error| DockerError::command(described.clone(), err);
    let (reader, writer) = std::io::pipe().map_err(error)?;
    command
        .stdin(Stdio::null())
        .stdout(writer.try_clone().map_err(error)?)
        .stderr(writer);
    let child = command.spawn().map_err(error)?;
    // The command held the writing ends; dropped now, so the pipe ends with the process.
    drop(command);
    let reader = pipe::Receiver::from_owned_fd(reader.into()).map_err(error)?;
    Ok((child, reader))
}

/// `1700000000.123456789`, the form `docker logs --since` takes.
pub fn unix_time(time: SystemTime) -> String {
    let since_epoch = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}.{:09}",
        since_epoch.as_secs(),
        since_epoch.subsec_nanos()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn since_is_seconds_with_nanoseconds() {
        let time = SystemTime::UNIX_EPOCH + Duration::new(1_700_000_000, 5);
        assert_eq!(unix_time(time), "1700000000.000000005");
    }
}
