//! One task per container: start it, then run its host-side readiness check
//! until it passes. Health and log readiness arrive through the engine's
//! events and the log stream instead.

use super::plan::{Node, Readiness};
use crate::docker::{Docker, unix_time};
use crate::probe::{self, Attempt};
use std::net::{IpAddr, SocketAddr};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

#[derive(Debug)]
pub enum Update {
    /// A readiness check of run `run` ran; `Ok` means ready.
    Checked {
        name: String,
        run: u64,
        attempt: Attempt,
    },
    /// `docker start` returned: the container runs, and this run's logs
    /// begin at `since` (as `docker logs --since` reads it).
    Started {
        name: String,
        run: u64,
        since: String,
    },
    /// `docker start` failed.
    StartFailed {
        name: String,
        run: u64,
        message: String,
    },
    /// A backoff delay has passed, or a stop has finished.
    RestartDue { name: String, turn: u64 },
    /// A container has been unhealthy for its `on-unhealthy` time, in its
    /// unhealthy spell number `spell`.
    UnhealthyDue { name: String, spell: u64 },
    /// A rebuild ended: the new container's ID, or why it failed.
    Rebuilt {
        name: String,
        result: Result<String, String>,
    },
    /// The host-side check of a ready container changed its verdict.
    Health {
        name: String,
        run: u64,
        healthy: bool,
        seen: String,
    },
}

pub fn watch_readiness(
    docker: &Docker,
    (name, run): (&str, u64),
    id: &str,
    running: bool,
    node: &Node,
    updates: UnboundedSender<Update>,
) {
    let (docker, name, id, node) = (docker.clone(), name.to_owned(), id.to_owned(), node.clone());
    tokio::spawn(async move {
        // A container that already runs keeps its run; otherwise its run
        // begins now, and earlier runs' lines are not this run's.
        let since = if running {
            started_at(&docker, &id).await
        } else {
            unix_time(std::time::SystemTime::now())
        };
        if let Err(err) = docker.output(docker.docker(["start", &id])).await {
            let _ = updates.send(Update::StartFailed {
                name,
                run,
                message: err.to_string(),
            });
            return;
        }
        if updates
            .send(Update::Started {
                name: name.clone(),
                run,
                since,
            })
            .is_err()
        {
            return;
        }
        let target = match &node.readiness {
            Readiness::Running => {
                let _ = updates.send(Update::Checked {
                    name,
                    run,
                    attempt: Ok("running".into()),
                });
                return;
            }
            Readiness::Healthy => {
                // Already healthy (it was running before): no event will say so.
                let format = "{{if .State.Health}}{{.State.Health.Status}}{{end}}";
                let status = docker
                    .output(docker.docker(["inspect", "--format", format, &id]))
                    .await;
                if status.is_ok_and(|s| s.trim() == "healthy") {
                    let _ = updates.send(Update::Checked {
                        name,
                        run,
                        attempt: Ok("healthcheck: healthy".into()),
                    });
                }
                return;
            }
            Readiness::Log { .. } => return,
            Readiness::Tcp { port } | Readiness::Http { port, .. } => *port,
        };
        let address = match container_address(&docker, &id).await {
            Ok(ip) => SocketAddr::new(ip, target),
            Err(message) => {
                let _ = updates.send(Update::Checked {
                    name,
                    run,
                    attempt: Err(message),
                });
                return;
            }
        };
        let mut last_failure = String::new();
        loop {
            let attempt = check(address, &node).await;
            let passed = attempt.is_ok();
            let changed = attempt
                .as_ref()
                .err()
                .is_none_or(|why| *why != last_failure);
            if let Err(why) = &attempt {
                last_failure.clone_from(why);
            }
            if changed
                && updates
                    .send(Update::Checked {
                        name: name.clone(),
                        run,
                        attempt,
                    })
                    .is_err()
            {
                return;
            }
            if passed || updates.is_closed() {
                return;
            }
            tokio::time::sleep(node.poll).await;
        }
    });
}

/// Keeps checking a ready container host-side, every `interval`: after
/// `retries` failures in a row it is unhealthy, after a success healthy
/// again. Only the changes are sent.
pub fn watch_health(
    docker: &Docker,
    (name, run): (&str, u64),
    id: &str,
    node: &Node,
    updates: UnboundedSender<Update>,
) -> Option<JoinHandle<()>> {
    let port = match node.readiness {
        Readiness::Tcp { port } | Readiness::Http { port, .. } => port,
        _ => return None,
    };
    let (docker, name, id, node) = (docker.clone(), name.to_owned(), id.to_owned(), node.clone());
    Some(tokio::spawn(async move {
        let Ok(ip) = container_address(&docker, &id).await else {
            return;
        };
        let address = SocketAddr::new(ip, port);
        let (mut failures, mut healthy) = (0, true);
        loop {
            tokio::time::sleep(node.interval).await;
            let attempt = check(address, &node).await;
            failures = if attempt.is_ok() { 0 } else { failures + 1 };
            let verdict = failures < node.retries.max(1);
            if verdict != healthy {
                healthy = verdict;
                let seen = attempt.unwrap_or_else(|why| why);
                let update = Update::Health {
                    name: name.clone(),
                    run,
                    healthy,
                    seen,
                };
                if updates.send(update).is_err() {
                    return;
                }
            }
        }
    }))
}

/// One host-side check: an HTTP request where the readiness is HTTP, a TCP
/// connection otherwise.
async fn check(address: SocketAddr, node: &Node) -> Attempt {
    match &node.readiness {
        Readiness::Http { path, .. } => probe::http(address, path, node.timeout).await,
        _ => probe::tcp(address, node.timeout).await,
    }
}

/// When the running container started, or the epoch if the engine cannot say.
async fn started_at(docker: &Docker, id: &str) -> String {
    docker
        .output(docker.docker(["inspect", "--format", "{{.State.StartedAt}}", id]))
        .await
        .map(|time| time.trim().to_owned())
        .unwrap_or_else(|_| "0".to_owned())
}

/// The container's address on its network, which the host can reach.
async fn container_address(docker: &Docker, id: &str) -> Result<IpAddr, String> {
    let format = "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}";
    let output = docker
        .output(docker.docker(["inspect", "--format", format, id]))
        .await
        .map_err(|err| err.to_string())?;
    output
        .split_whitespace()
        .find_map(|ip| ip.parse().ok())
        .ok_or_else(|| "the container has no network address".to_owned())
}
