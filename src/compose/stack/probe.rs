//! Health checks for Swarm. exo's host-side probes cannot reach a task on an
//! overlay network, so each readiness check becomes a command that runs
//! inside the container, with the tools small images have (`wget` or
//! `curl`, `nc`).

use super::super::document::Healthcheck;
use super::super::metadata;
use crate::model::{Check, CommandLine, Probe};

/// The healthcheck of a service or dependency: its probe as a command, or
/// without a probe, a TCP check of its port. `None` where nothing can be
/// checked from inside (a log line, or no probe and no port).
pub fn swarm_healthcheck(probe: Option<&Probe>, port: Option<u16>) -> Option<Healthcheck> {
    let probe = match probe {
        Some(probe) => probe.clone(),
        None => Probe::new(Check::Tcp { port: None }),
    };
    let command = match &probe.check {
        Check::Command(_) => return metadata::healthcheck(&probe),
        Check::Http { path, port: own } => http(path, own.or(port)?),
        Check::Tcp { port: own } => tcp(own.or(port)?),
        Check::Log { .. } => return None,
    };
    metadata::healthcheck(&Probe {
        check: Check::Command(CommandLine::Shell(command)),
        ..probe
    })
}

fn http(path: &str, port: u16) -> String {
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let url = format!("http://127.0.0.1:{port}{path}").replace('\'', "'\\''");
    format!("wget -q -O /dev/null '{url}' || curl -fsS -o /dev/null '{url}'")
}

/// `nc -z` where it exists; busybox's `nc` has no `-z` but connects and
/// returns at once when its input is empty.
fn tcp(port: u16) -> String {
    format!("nc -z 127.0.0.1 {port} 2>/dev/null || nc -w 2 127.0.0.1 {port} </dev/null >/dev/null")
}
