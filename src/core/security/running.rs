//! The dynamic rules: what was observed of each container of the
//! application running from its production images, turned into findings
//! that point at the file where the fix goes.

use super::listening::{Port, Transport, compose_ports, reachable_ports, root_processes};
use super::passive::{self, Answer};
use super::{Finding, Location, Sources};
use crate::core::deployed::{Container, Image, Kind};
use crate::core::model::security::{
    OPEN_DEPENDENCY, RUNS_AS_ROOT, Rule, Severity, UNDECLARED_PORT,
};
use std::collections::BTreeSet;

/// What was seen of one running container.
#[derive(Debug, Clone)]
pub struct Observed {
    pub container: Container,
    /// Its processes' user IDs and commands.
    pub processes: Vec<(u32, String)>,
    /// Its `/proc/net/tcp`, `tcp6`, `udp` and `udp6`, when they could be read.
    pub proc_net: Option<String>,
    /// The answers of its HTTP port.
    pub answers: Vec<Answer>,
    /// How a dependency served a client without credentials (or with its
    /// image's default ones), when it did.
    pub open_answer: Option<String>,
    /// What Trivy found in its image's layers.
    pub image_findings: Vec<ImageFinding>,
}

/// A secret or a known vulnerability in an image, as Trivy reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFinding {
    /// Trivy's rule (`github-pat`) or the vulnerability's ID (`CVE-...`).
    pub rule: String,
    pub severity: Severity,
    pub title: String,
    /// What was found where in the image.
    pub message: String,
    pub fix: String,
}

/// The findings of what was observed, one per rule and container (the
/// first place seen).
pub fn findings(sources: &Sources, observed: &[Observed]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for seen in observed {
        let container = &seen.container;
        let id = container.id.as_str();
        for found in &seen.image_findings {
            findings.push(Finding {
                rule: found.rule.clone(),
                severity: found.severity,
                title: found.title.clone(),
                fix: found.fix.clone(),
                service: id.to_owned(),
                location: user_place(sources, container),
                message: found.message.clone(),
                tool: "trivy".to_owned(),
            });
        }
        let mut add = |rule: Rule, location: Location, message: String| {
            if !findings
                .iter()
                .any(|f| f.rule == rule.id && f.service == id)
            {
                findings.push(Finding::of(rule, id, location, message));
            }
        };
        let root = root_processes(&seen.processes);
        if !root.is_empty() {
            let mut commands: Vec<&str> = root;
            commands.dedup();
            add(
                RUNS_AS_ROOT,
                user_place(sources, container),
                format!("runs as root: {}", commands.join(", ")),
            );
        }
        if let Some(tcp) = &seen.proc_net
            && (container.port.is_some() || container.kind != Kind::Dependency)
        {
            let declared = declared_ports(container);
            let undeclared: BTreeSet<Port> = reachable_ports(tcp)
                .into_iter()
                .filter(|port| !declared.contains(port))
                .collect();
            if !undeclared.is_empty() {
                let ports: Vec<String> = undeclared.iter().map(Port::to_string).collect();
                let udp = undeclared.iter().any(|p| p.transport == Transport::Udp);
                add(
                    UNDECLARED_PORT,
                    port_place(sources, container),
                    format!(
                        "listens on {} besides its declared port{}",
                        ports.join(", "),
                        if udp {
                            " (a port exo declares is TCP; UDP only under `compose:` `ports` or `expose`)"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        for answer in &seen.answers {
            for (rule, message) in passive::check(answer) {
                add(rule, port_place(sources, container), message);
            }
        }
        if let Some(message) = &seen.open_answer {
            add(
                OPEN_DEPENDENCY,
                image_place(sources, container),
                message.clone(),
            );
        }
    }
    findings
}

/// The ports its description declares: its port (TCP), and those of the
/// `ports` and `expose` it passes to Compose.
fn declared_ports(container: &Container) -> BTreeSet<Port> {
    let mut declared = BTreeSet::new();
    for key in ["ports", "expose"] {
        if let Some(serde_json::Value::Array(entries)) = container.compose.keys.get(key) {
            declared.extend(compose_ports(entries));
        }
    }
    declared.extend(container.port.map(|number| Port {
        transport: Transport::Tcp,
        number,
    }));
    declared
}

/// A built service: its Dockerfile.prod's last `FROM` (the final stage);
/// otherwise where its image is named.
fn user_place(sources: &Sources, container: &Container) -> Location {
    let Image::Built(build) = &container.image else {
        return image_place(sources, container);
    };
    let name = if build.location.is_empty() {
        build.dockerfile.to_owned()
    } else {
        format!("{}/{}", build.location, build.dockerfile)
    };
    sources
        .dockerfiles
        .iter()
        .find(|(_, file, _)| *file == name)
        .map(|(_, file, text)| {
            let last_from = text
                .lines()
                .enumerate()
                .filter(|(_, line)| line.trim_start().to_ascii_uppercase().starts_with("FROM "))
                .last()
                .map_or(1, |(n, _)| n + 1);
            Location::line(file, text, last_from)
        })
        .unwrap_or_else(|| port_place(sources, container))
}

/// A service: its service.yml's `production.port`; otherwise where its
/// image is named.
fn port_place(sources: &Sources, container: &Container) -> Location {
    sources
        .yaml
        .iter()
        .find(|file| file.role.as_deref() == Some(container.id.as_str()))
        .and_then(|file| file.locate(&["production", "port"]))
        .unwrap_or_else(|| image_place(sources, container))
}

/// Where a dependency (`local.dependencies.<id>.image`) or a
/// `docker-image` service is named; the start of application.yml else.
fn image_place(sources: &Sources, container: &Container) -> Location {
    let id = container.id.as_str();
    let path: Vec<&str> = match container.kind {
        Kind::Dependency => vec!["local", "dependencies", id, "image"],
        Kind::Service(_) => vec!["services", id, "docker-image"],
    };
    sources
        .yaml
        .iter()
        .find(|file| file.find(&path[..path.len() - 1]).is_some())
        .and_then(|file| file.locate(&path))
        .or_else(|| {
            let file = sources.yaml.first()?;
            Some(Location::line(&file.name, &file.text, 1))
        })
        .unwrap_or_else(|| Location {
            file: crate::core::config::APPLICATION_FILE.to_owned(),
            line: 1,
            column: 1,
            snippet: String::new(),
        })
}
