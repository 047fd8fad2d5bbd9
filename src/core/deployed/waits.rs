//! What a container waits for before it starts, and what a target cannot
//! express about it.

use super::{Container, Deployment, ReadyCheck};

/// The image that sits in the init containers and ECS waiter containers:
/// busybox has `nc` and `wget`, which is all a wait needs.
pub const WAIT_IMAGE: &str = "busybox:1.36";

/// A container waited for, and how it can be asked from another: a TCP
/// connection to its port, or an HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// Its id as application.yml writes it.
    pub id: String,
    /// Its name on the target.
    pub name: String,
    /// Where it answers, as the waiting container reaches it.
    pub host: String,
    /// `None` when it has no port, so that only its own check can tell.
    pub port: Option<u16>,
    pub http_path: Option<String>,
}

impl Wait {
    pub(crate) fn new(target: &Container, host: String) -> Wait {
        let http_path = match &target.readiness.check {
            ReadyCheck::Http { path, port } if Some(*port) == target.port => Some(path.clone()),
            _ => None,
        };
        Wait {
            id: target.id.clone(),
            name: target.name.clone(),
            host,
            port: target.port,
            http_path,
        }
    }

    /// A shell loop that ends once the container answers; busybox's `nc`
    /// and `wget`, so that it runs in [`WAIT_IMAGE`]. `None` without a port.
    pub fn script(&self) -> Option<String> {
        let (before, after) = self.script_around_host()?;
        Some(format!("{before}{}{after}", self.host))
    }

    /// The script's text before and after the host, for a target that
    /// writes the host as an expression of its own (Terraform's
    /// `${local.namespace}`). `None` without a port.
    pub fn script_around_host(&self) -> Option<(String, String)> {
        let port = self.port?;
        let (start, probe_end) = match &self.http_path {
            Some(path) => (
                "until wget -q -T 2 -O /dev/null 'http://",
                format!(":{port}{}'", path.replace('\'', "'\\''")),
            ),
            None => ("until nc -z -w 2 ", format!(" {port}")),
        };
        let after = format!(
            "{probe_end}; do echo 'waiting for {}'; sleep 1; done",
            self.name
        );
        Some((start.to_owned(), after))
    }
}

/// What a target cannot express; each is said once, when generating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Readiness by a log line: the target has no such probe.
    LogCheck { workload: String, text: String },
    /// A container waits for one without a port, which cannot be asked.
    CannotWait { workload: String, target: String },
    /// A variable built from a secret, which ECS cannot assemble.
    SecretInValue { workload: String, variable: String },
    /// Public services on AWS without a certificate: plain HTTP.
    PlainHttp { environment: String },
    /// An image exo builds, in an environment without a `registry`: no
    /// cluster can pull it.
    Unpullable { workload: String, image: String },
    /// An image named as it is, which this machine has without a registry's
    /// digest: it was built or tagged here, and a cluster cannot pull it.
    LocalOnly { image: String, users: Vec<String> },
    /// `compose:` keys, which only the local Compose files carry.
    ComposeOnly { workload: String, keys: Vec<String> },
}

/// Kubernetes and AWS start a container once the ones it waits for answer
/// from another container (init containers, ECS waiters): a wait without a
/// port or a log-line check cannot be expressed there.
pub(crate) fn cluster_warnings(deployment: &Deployment) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for container in &deployment.containers {
        for wait in container.waits_for.iter().filter(|w| w.port.is_none()) {
            warnings.push(Warning::CannotWait {
                workload: container.name.clone(),
                target: wait.name.clone(),
            });
        }
        if let super::Image::Built(build) = &container.image
            && build.registry.is_none()
        {
            warnings.push(Warning::Unpullable {
                workload: container.name.clone(),
                image: build.repository(),
            });
        }
        if let ReadyCheck::Log { text } = &container.readiness.check {
            warnings.push(Warning::LogCheck {
                workload: container.name.clone(),
                text: text.clone(),
            });
        }
    }
    warnings
}
