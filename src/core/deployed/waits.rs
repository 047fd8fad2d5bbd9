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

    /// The line that names it to [`WAIT_SCRIPT`]: `name host port`, and
    /// the HTTP path when it is asked over HTTP. `None` without a port.
    pub fn entry(&self) -> Option<String> {
        let (before, after) = self.entry_around_host()?;
        Some(format!("{before}{}{after}", self.host))
    }

    /// The entry's text before and after the host, for a target that
    /// writes the host as an expression of its own (Terraform's
    /// `${local.namespace}`). `None` without a port.
    pub fn entry_around_host(&self) -> Option<(String, String)> {
        let port = self.port?;
        let mut after = format!(" {port}");
        if let Some(path) = &self.http_path {
            after.push(' ');
            after.push_str(&url_path(path));
        }
        Some((format!("{} ", self.name), after))
    }
}

/// The shell of the one container that makes a workload wait, run as
/// `sh -c WAIT_SCRIPT wait ENTRY...` in [`WAIT_IMAGE`] (busybox's `nc` and
/// `wget`): it waits for each entry of the file [`WAITS_FILE_NAME`] in
/// [`WAITS_DIRECTORY`] (when a target mounts one there), then for each
/// argument, one after the other, each until it answers (a TCP
/// connection, or an HTTP answer when the entry has a path), saying every
/// second which one it is waiting for. An entry is [`Wait::entry`]: fields
/// without white space, so that splitting them needs no quoting; globbing
/// is off for a path's `*` and `?`.
pub const WAIT_SCRIPT: &str = "set -f
ask() { if [ -n \"$4\" ]; then wget -q -T 2 -O /dev/null \"http://$2:$3$4\"; else nc -z -w 2 \"$2\" \"$3\"; fi; }
wait_for() { until ask \"$@\" </dev/null; do echo \"waiting for $1\"; sleep 1; done; }
if [ -f /etc/exo/waits ]; then while read -r name host port path; do wait_for \"$name\" \"$host\" \"$port\" \"$path\"; done </etc/exo/waits; fi
for entry in \"$@\"; do wait_for $entry; done";

/// Where a target mounts the file [`WAIT_SCRIPT`] reads first: the entries
/// that every service waits for (the application's dependencies), one a
/// line, so that each pod does not repeat them.
pub const WAITS_DIRECTORY: &str = "/etc/exo";
/// The file's name in [`WAITS_DIRECTORY`].
pub const WAITS_FILE_NAME: &str = "waits";

/// A path as it goes into a URL, white space and control characters
/// percent-encoded: the loader refuses them in a path, and a model built
/// otherwise still keeps its entry in one piece.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_whitespace() || c.is_control() {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a target cannot express; each is said once, when generating.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(http_path: Option<&str>) -> Wait {
        Wait {
            id: "Api".into(),
            name: "api".into(),
            host: "api.shop.svc".into(),
            port: Some(4000),
            http_path: http_path.map(str::to_owned),
        }
    }

    #[test]
    fn an_entry_is_fields_without_white_space() {
        assert_eq!(wait(None).entry().unwrap(), "api api.shop.svc 4000");
        assert_eq!(
            wait(Some("/health?x=*")).entry().unwrap(),
            "api api.shop.svc 4000 /health?x=*"
        );
        // A path the loader refuses stays one field.
        assert_eq!(
            wait(Some("/a b\n\u{1}é")).entry().unwrap(),
            "api api.shop.svc 4000 /a%20b%0A%01é"
        );
        let without_port = Wait {
            port: None,
            ..wait(None)
        };
        assert_eq!(without_port.entry(), None);
    }

    #[test]
    fn the_script_reads_the_file_a_target_mounts() {
        let file = format!("{WAITS_DIRECTORY}/{WAITS_FILE_NAME}");
        assert!(WAIT_SCRIPT.contains(&format!("if [ -f {file} ]")));
        assert!(WAIT_SCRIPT.contains(&format!("done <{file}")));
        assert!(WAIT_SCRIPT.contains("echo \"waiting for $1\""));
    }
}
