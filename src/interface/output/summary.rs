//! The words for where the containers stand once the start is over: how
//! many are ready, and why the others are not.

use super::{Progress, counted};
use crate::core::lifecycle::{Exit, HostPortIn, Standing, Summary};

impl Progress {
    /// Every container has settled: what is ready and what is not.
    pub fn summary(&self, summary: &Summary) {
        self.note(&settled(summary));
    }

    /// After a failed start given up: where the host port is set, when
    /// another process holds it.
    pub fn start_failure_hint(&self, message: &str, host_port: &HostPortIn) {
        if let Some(hint) = busy_port_hint(message, host_port) {
            self.note(&format!("  {hint}"));
        }
    }
}

/// The foreground's line, e.g. `2 of 3 containers are ready in 9.5 s;
/// worker gave up (exit 3); Ctrl-C stops them`.
pub(super) fn settled(summary: &Summary) -> String {
    let total = summary.containers.len();
    let ready = summary.ready();
    let took = format!("{:.1} s", summary.took.as_secs_f64());
    let first = match (ready == total, total) {
        (true, 1) => format!("the container is ready in {took}"),
        (true, n) => format!("all {n} containers are ready in {took}"),
        (false, n) => format!("{ready} of {} ready in {took}", counted(n, "container")),
    };
    let them = if total == 1 { "it" } else { "them" };
    std::iter::once(first)
        .chain(others(summary))
        .chain([format!("Ctrl-C stops {them}")])
        .collect::<Vec<_>>()
        .join("; ")
}

/// `up -d`'s line after `Ready`, e.g. `db, web in 1.2 s; migrate finished
/// (exit 0)`.
pub(super) fn ready_detached(summary: &Summary) -> String {
    let ready: Vec<&str> = summary
        .containers
        .iter()
        .filter(|(_, standing)| *standing == Standing::Ready)
        .map(|(name, _)| name.as_str())
        .collect();
    let first = format!(
        "{} in {:.1} s",
        ready.join(", "),
        summary.took.as_secs_f64()
    );
    std::iter::once(first)
        .chain(others(summary))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Each container that is not ready, and why.
fn others(summary: &Summary) -> impl Iterator<Item = String> + '_ {
    summary.containers.iter().filter_map(|(name, standing)| {
        let why = match standing {
            Standing::Ready => return None,
            Standing::Finished => "finished (exit 0)",
            Standing::Unhealthy => "unhealthy",
            Standing::GaveUp(Exit::Code(code)) => {
                return Some(format!("{name} gave up (exit {code})"));
            }
            Standing::GaveUp(Exit::NotStarted { .. }) => "gave up (could not start)",
            Standing::NotReady => "not ready",
        };
        Some(format!("{name} {why}"))
    })
}

/// A hint for a failure to start because another process holds a host
/// port: where that port is set.
pub(super) fn busy_port_hint(message: &str, host_port: &HostPortIn) -> Option<String> {
    let busy = ["port is already allocated", "address already in use"];
    if !busy.iter().any(|b| message.contains(b)) {
        return None;
    }
    let there = match host_port {
        HostPortIn::ApplicationYml => {
            "give the dependency another `host-port` in application.yml".to_owned()
        }
        HostPortIn::ServiceYml { role, section } => {
            format!("give `{role}` another `host-port` in its service.yml, under `{section}`")
        }
    };
    Some(format!(
        "hint: another process holds that host port: stop it, or {there}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lifecycle::HostPortIn;
    use std::time::Duration;

    fn summary(containers: &[(&str, Standing)]) -> Summary {
        Summary {
            took: Duration::from_millis(9_500),
            containers: containers
                .iter()
                .map(|(name, standing)| ((*name).to_owned(), standing.clone()))
                .collect(),
        }
    }

    #[test]
    fn a_container_given_up_is_not_counted_ready() {
        let gave_up = summary(&[
            ("db", Standing::Ready),
            ("web", Standing::Ready),
            ("worker", Standing::GaveUp(Exit::Code(3))),
        ]);
        assert_eq!(
            settled(&gave_up),
            "2 of 3 containers ready in 9.5 s; worker gave up (exit 3); Ctrl-C stops them"
        );
        let not_started = summary(&[(
            "web",
            Standing::GaveUp(Exit::NotStarted {
                message: "port is already allocated".into(),
            }),
        )]);
        assert_eq!(
            settled(&not_started),
            "0 of 1 container ready in 9.5 s; web gave up (could not start); Ctrl-C stops it"
        );
    }

    #[test]
    fn everything_ready_is_said_so() {
        let one = summary(&[("db", Standing::Ready)]);
        assert_eq!(
            settled(&one),
            "the container is ready in 9.5 s; Ctrl-C stops it"
        );
        let three = summary(&[
            ("db", Standing::Ready),
            ("migrate", Standing::Finished),
            ("web", Standing::Unhealthy),
        ]);
        assert_eq!(
            settled(&three),
            "1 of 3 containers ready in 9.5 s; migrate finished (exit 0); web unhealthy; \
             Ctrl-C stops them"
        );
        assert_eq!(
            ready_detached(&three),
            "db in 9.5 s; migrate finished (exit 0); web unhealthy"
        );
    }

    #[test]
    fn a_taken_host_port_is_hinted_where_it_is_set() {
        let busy = "Bind for 0.0.0.0:5432 failed: port is already allocated";
        assert_eq!(
            busy_port_hint(busy, &HostPortIn::ApplicationYml).unwrap(),
            "hint: another process holds that host port: stop it, or give the dependency \
             another `host-port` in application.yml"
        );
        let service = HostPortIn::ServiceYml {
            role: "web".into(),
            section: "production",
        };
        assert_eq!(
            busy_port_hint(
                "listen tcp4 0.0.0.0:3000: bind: address already in use",
                &service
            )
            .unwrap(),
            "hint: another process holds that host port: stop it, or give `web` another \
             `host-port` in its service.yml, under `production`"
        );
        assert_eq!(busy_port_hint("no such image", &service), None);
    }
}
