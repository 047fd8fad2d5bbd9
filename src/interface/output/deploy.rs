//! The words of `exo deploy`: one line per service while it rolls out, the
//! explanation of a failure, and the tables of `status` and `rm`.

use super::{LogFormat, Printer, Progress};
use crate::adapters::docker::swarm::NodeStatus;
use crate::ops::deploy::{Event, Failure, ImageStep, Removal, ServiceStep, StackStatus};

/// One line per service, live on a terminal, one plain line per change otherwise.
pub struct DeployProgress {
    progress: Progress,
}

impl DeployProgress {
    pub fn event(&mut self, event: &Event) {
        match event {
            Event::Image { role, step } => {
                let text = match step {
                    ImageStep::Present(image) => format!("image {} is in the registry", tag(image)),
                    ImageStep::Building(image) => {
                        format!("building and pushing image {}", tag(image))
                    }
                    ImageStep::Pushed(image) => format!("pushed image {}", tag(image)),
                };
                self.progress.state(role, &text);
            }
            Event::Service { name, step } => match step {
                ServiceStep::Converged(took) => self.progress.done(
                    name,
                    &format!("converged in {:.1} s", took.as_secs_f64()),
                    true,
                ),
                ServiceStep::Failed => self.progress.done(name, "failed", false),
                other => self.progress.state(name, &service_step(other)),
            },
        }
    }

    pub fn finish(&mut self) {
        self.progress.finish();
    }
}

fn service_step(step: &ServiceStep) -> String {
    match step {
        ServiceStep::Waiting(after) => format!("waiting for {}", after.join(", ")),
        ServiceStep::Creating => "creating".to_owned(),
        ServiceStep::Updating => "updating".to_owned(),
        ServiceStep::Unchanged => "unchanged".to_owned(),
        ServiceStep::Progress { ready, desired } => format!("{ready}/{desired} ready"),
        ServiceStep::RollingBack => "the update failed, rolling back".to_owned(),
        ServiceStep::Converged(_) | ServiceStep::Failed => String::new(),
    }
}

/// `127.0.0.1:5000/shop-api:sha-1234` shows as `sha-1234`.
fn tag(image: &str) -> &str {
    image.rsplit(':').next().unwrap_or(image)
}

impl Printer {
    pub fn deploy_progress(&self, names: &[String]) -> DeployProgress {
        let format = LogFormat {
            prefix: true,
            color: self.color,
        };
        DeployProgress {
            progress: self.progress(names, format),
        }
    }

    pub fn deploy_failure(&mut self, failure: &Failure) {
        let what = if failure.rolled_back {
            format!(
                "the update of {} failed and was rolled back to the previous version",
                failure.service
            )
        } else {
            format!("{} did not start", failure.service)
        };
        self.error(&what);
        if !failure.errors.is_empty() {
            self.stderr("  its tasks' errors:");
            for error in failure.errors.iter().take(5) {
                self.stderr(&format!("    {error}"));
            }
        }
        if !failure.logs.is_empty() {
            self.stderr("  its last log lines:");
            for line in &failure.logs {
                self.stderr(&format!("    {line}"));
            }
        }
    }

    pub fn deploy_timeout(&mut self, seconds: u64, pending: &[(String, String)]) {
        self.error(&format!("not converged after {seconds} s (--wait-timeout)"));
        for (name, state) in pending {
            self.stderr(&format!("  {name}: {state}"));
        }
    }

    pub fn deploy_status(&mut self, stack: &str, status: &StackStatus) {
        if status.services.is_empty() {
            self.status("Status", &format!("{stack} is not deployed"));
            return;
        }
        let rows: Vec<Vec<String>> = status
            .services
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.image.clone(),
                    format!("{}/{}", s.ready, s.desired),
                    s.health.to_owned(),
                    if s.nodes.is_empty() {
                        "-".to_owned()
                    } else {
                        s.nodes.join(",")
                    },
                    s.last_error.clone().unwrap_or_else(|| "-".to_owned()),
                ]
            })
            .collect();
        self.table(
            &["SERVICE", "IMAGE", "READY", "HEALTH", "NODES", "LAST ERROR"],
            &rows,
        );
        let down: Vec<&str> = status
            .nodes
            .iter()
            .filter(|n| n.state != NodeStatus::Ready)
            .map(|n| n.hostname.as_str())
            .collect();
        let nodes = status.nodes.len();
        let line = if down.is_empty() {
            format!("nodes: {nodes}, all ready")
        } else {
            format!("nodes: {nodes}, not ready: {}", down.join(", "))
        };
        self.table(&[line.as_str()], &[]);
    }

    pub fn deploy_removed(&mut self, stack: &str, removal: &Removal, volumes: bool) {
        if removal.services.is_empty() {
            self.status("Removed", &format!("nothing: {stack} has no services"));
        } else {
            self.status(
                "Removed",
                &format!("{stack}: {}", removal.services.join(", ")),
            );
        }
        if !removal.network_removed {
            self.warn(&format!(
                "the network {stack}_default is still in use; `docker network rm {stack}_default` once its tasks have stopped"
            ));
        }
        if volumes && !removal.volumes_left.is_empty() {
            self.warn(&format!(
                "volumes still in use: {}",
                removal.volumes_left.join(", ")
            ));
        }
    }
}
