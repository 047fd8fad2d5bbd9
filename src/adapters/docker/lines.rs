//! Lines out of bytes: a process's merged stdout and stderr, or the
//! engine's log frames. Bytes, not `str`: a service may print text that is
//! not UTF-8.

use super::DockerError;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::net::unix::pipe;
use tokio::process::Child;

/// Spawns `command` with its stdout and stderr on one pipe, which keeps the
/// order of the lines across both streams.
pub fn spawn_merged(
    mut command: tokio::process::Command,
) -> Result<(Child, pipe::Receiver), DockerError> {
    let described = super::describe(&command);
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

/// The lines of a reader, one at a time.
pub struct Lines<R> {
    reader: BufReader<R>,
    buffer: Vec<u8>,
}

impl<R: AsyncRead + Unpin> Lines<R> {
    pub fn new(reader: R) -> Self {
        Lines {
            reader: BufReader::new(reader),
            buffer: Vec::new(),
        }
    }

    /// The next line without its end, or `None` at the end.
    pub async fn next(&mut self) -> Option<String> {
        self.buffer.clear();
        match self.reader.read_until(b'\n', &mut self.buffer).await {
            Ok(n) if n > 0 => Some(text_of(&self.buffer)),
            _ => None,
        }
    }
}

/// Whole lines out of chunks that may split them.
#[derive(Default)]
pub struct LineBuffer {
    pending: Vec<u8>,
}

impl LineBuffer {
    /// The lines that `chunk` completes.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(chunk);
        let Some(last) = self.pending.iter().rposition(|b| *b == b'\n') else {
            return Vec::new();
        };
        let rest = self.pending.split_off(last + 1);
        let complete = std::mem::replace(&mut self.pending, rest);
        complete
            .split_inclusive(|b| *b == b'\n')
            .map(text_of)
            .collect()
    }

    /// What is left: a last line without its end.
    pub fn finish(&mut self) -> Option<String> {
        let rest = std::mem::take(&mut self.pending);
        (!rest.is_empty()).then(|| text_of(&rest))
    }
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches(['\n', '\r'])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_become_whole_lines() {
        let mut buffer = LineBuffer::default();
        assert!(buffer.push(b"hel").is_empty());
        assert_eq!(buffer.push(b"lo\nwor"), ["hello"]);
        assert_eq!(buffer.push(b"ld\r\n\nlast"), ["world", ""]);
        assert_eq!(buffer.finish().as_deref(), Some("last"));
        assert_eq!(buffer.finish(), None);
        assert_eq!(buffer.push(b"\xff\n"), ["\u{fffd}"]);
    }
}
