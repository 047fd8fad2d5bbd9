//! Following one container's output with `docker logs -f`.

use super::{Docker, DockerError, describe};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Child;
use tokio::sync::mpsc;

/// A line a container printed, on stdout or stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub service: String,
    pub text: String,
}

/// Follows a container's output from its start; lines go to `sink` tagged
/// with `service`. The returned process stops following when dropped.
pub fn follow_logs(
    docker: &Docker,
    container: &str,
    service: &str,
    sink: mpsc::UnboundedSender<LogLine>,
) -> Result<Child, DockerError> {
    let mut command = docker.docker(["logs", "--follow", container]);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let described = describe(&command);
    let mut child = command.spawn().map_err(|err| DockerError::Command {
        command: described,
        message: err.to_string(),
    })?;
    forward(child.stdout.take(), service, sink.clone());
    forward(child.stderr.take(), service, sink);
    Ok(child)
}

fn forward<R: AsyncRead + Unpin + Send + 'static>(
    stream: Option<R>,
    service: &str,
    sink: mpsc::UnboundedSender<LogLine>,
) {
    let Some(stream) = stream else { return };
    let service = service.to_owned();
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream);
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
}
