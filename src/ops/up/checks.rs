//! Host-side checks of one container, as streams its task polls: readiness
//! (attempts until one passes) and, once ready, health (only its changes).
//! Health from the engine's healthcheck and log readiness arrive through
//! the engine's events and the log stream instead.

use crate::adapters::docker::Engine;
use crate::adapters::probe::{self, Attempt};
use crate::core::plan::{Node, Readiness};
use futures_util::stream::{self, BoxStream, StreamExt};
use std::net::SocketAddr;
use std::sync::Arc;

/// The port exo checks host-side, if its readiness is a TCP or HTTP check.
fn port_of(node: &Node) -> Option<u16> {
    match node.readiness {
        Readiness::Tcp { port } | Readiness::Http { port, .. } => Some(port),
        _ => None,
    }
}

/// The attempts of a readiness check, every `poll`, until one passes; a
/// failure repeating the one before is not sent again.
pub fn readiness(engine: Arc<dyn Engine>, id: String, node: Node) -> BoxStream<'static, Attempt> {
    let Some(port) = port_of(&node) else {
        return stream::empty().boxed();
    };
    let state = (engine, id, node, None::<SocketAddr>, String::new(), false);
    stream::unfold(
        state,
        move |(engine, id, node, address, last, done)| async move {
            if done {
                return None;
            }
            let mut first = true;
            loop {
                if !first {
                    tokio::time::sleep(node.poll).await;
                }
                first = false;
                let address = match address {
                    Some(address) => address,
                    None => match engine.inspect(&id).await.map(|i| i.address) {
                        Ok(Some(ip)) => SocketAddr::new(ip, port),
                        Ok(None) => {
                            let why = "the container has no network address".to_owned();
                            return Some((Err(why), (engine, id, node, None, String::new(), true)));
                        }
                        Err(err) => {
                            let why = err.to_string();
                            return Some((Err(why), (engine, id, node, None, String::new(), true)));
                        }
                    },
                };
                let attempt = check(address, &node).await;
                match attempt {
                    Ok(seen) => return Some((Ok(seen), (engine, id, node, None, last, true))),
                    Err(why) if why != last => {
                        let next = (engine, id, node, Some(address), why.clone(), false);
                        return Some((Err(why), next));
                    }
                    Err(_) => continue,
                }
            }
            #[allow(unreachable_code)]
            None
        },
    )
    .boxed()
}

/// A ready container's health, checked host-side every `interval`: after `retries` failures in a row it is
/// unhealthy, after a success healthy again. Only changes are sent, with
/// what the check saw.
pub fn health(
    engine: Arc<dyn Engine>,
    id: String,
    node: Node,
) -> BoxStream<'static, (bool, String)> {
    let Some(port) = port_of(&node) else {
        return stream::empty().boxed();
    };
    let every = node.interval;
    stream::once(async move {
        let ip = engine.inspect(&id).await.ok().and_then(|i| i.address);
        ip.map(|ip| SocketAddr::new(ip, port))
    })
    .filter_map(std::future::ready)
    .flat_map(move |address| {
        let node = node.clone();
        stream::unfold((0u32, true), move |(failures, healthy)| {
            let node = node.clone();
            async move {
                let mut failures = failures;
                loop {
                    tokio::time::sleep(every).await;
                    let attempt = check(address, &node).await;
                    failures = if attempt.is_ok() { 0 } else { failures + 1 };
                    let verdict = failures < node.retries.max(1);
                    if verdict != healthy {
                        let seen = attempt.unwrap_or_else(|why| why);
                        return Some(((verdict, seen), (failures, verdict)));
                    }
                }
            }
        })
    })
    .boxed()
}

/// One host-side check: an HTTP request where the readiness is HTTP, a TCP
/// connection otherwise.
async fn check(address: SocketAddr, node: &Node) -> Attempt {
    match &node.readiness {
        Readiness::Http { path, .. } => probe::http(address, path, node.timeout).await,
        _ => probe::tcp(address, node.timeout).await,
    }
}
