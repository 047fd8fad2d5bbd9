//! Readiness, restart and watch settings: the Compose `healthcheck` where
//! Compose can run the check itself, and `x-exo` for everything else.

use super::document::{Healthcheck, Readiness, RestartMetadata, WatchMetadata, WatchRuleMetadata};
use super::{format_duration, literal};
use crate::model::{Check, CommandLine, Probe, RestartPolicy, WatchPolicy};
use serde_saphyr::FlowSeq;

/// A Compose healthcheck for checks that run inside the container.
/// `start_interval` is written only when asked for: Docker Engines before 25
/// refuse to create a container that has it.
pub fn healthcheck(probe: &Probe) -> Option<Healthcheck> {
    let Check::Command(command) = &probe.check else {
        return None;
    };
    let test = match command {
        CommandLine::Shell(line) => vec!["CMD-SHELL".to_owned(), literal(line)],
        CommandLine::Exec(words) => std::iter::once("CMD".to_owned())
            .chain(words.iter().map(|word| literal(word)))
            .collect(),
    };
    Some(Healthcheck {
        test: FlowSeq(test),
        interval: format_duration(probe.interval),
        timeout: format_duration(probe.timeout),
        retries: probe.retries,
        start_period: format_duration(probe.start_period),
        start_interval: probe.start_interval.map(format_duration),
    })
}

/// How exo will decide readiness. Without a probe: a port that accepts
/// connections, or else a running container.
pub fn readiness(probe: Option<&Probe>, port: Option<u16>) -> Readiness {
    let Some(probe) = probe else {
        return match port {
            Some(port) => Readiness {
                check: "tcp",
                port: Some(port),
                ..Readiness::default()
            },
            None => Readiness {
                check: "running",
                ..Readiness::default()
            },
        };
    };
    let mut readiness = Readiness {
        check: "running",
        interval: Some(format_duration(probe.interval)),
        timeout: Some(format_duration(probe.timeout)),
        start_period: Some(format_duration(probe.start_period)),
        retries: Some(probe.retries),
        ..Readiness::default()
    };
    match &probe.check {
        Check::Http { path, port: own } => {
            readiness.check = "http";
            readiness.path = Some(literal(path));
            readiness.port = own.or(port);
        }
        Check::Tcp { port: own } => {
            readiness.check = "tcp";
            readiness.port = own.or(port);
        }
        Check::Command(_) => readiness.check = "healthy",
        Check::Log { text } => {
            readiness.check = "log";
            readiness.text = Some(literal(text));
        }
    }
    readiness
}

pub fn restart(policy: &RestartPolicy) -> RestartMetadata {
    RestartMetadata {
        on_crash: policy.on_crash,
        initial_delay: format_duration(policy.initial_delay),
        multiplier: policy.multiplier,
        max_delay: format_duration(policy.max_delay),
        reset_after: format_duration(policy.reset_after),
        max_crashes: policy.max_crashes,
        window: format_duration(policy.window),
        on_unhealthy: policy
            .unhealthy_after
            .map_or_else(|| "never".to_owned(), format_duration),
        with_dependencies: policy.with_dependencies,
    }
}

/// The watch settings with their defaults made explicit: the whole service
/// directory, and a rebuild for Dockerfiles and dependency manifests.
pub fn watch(policy: &WatchPolicy) -> Option<WatchMetadata> {
    if !policy.enabled {
        return None;
    }
    let rules = policy.effective_rules();
    let literals = |paths: &[String]| FlowSeq(paths.iter().map(|path| literal(path)).collect());
    Some(WatchMetadata {
        paths: if policy.paths.is_empty() {
            FlowSeq(vec![".".to_owned()])
        } else {
            literals(&policy.paths)
        },
        ignore: (!policy.ignore.is_empty()).then(|| literals(&policy.ignore)),
        rules: rules
            .iter()
            .map(|rule| WatchRuleMetadata {
                paths: literals(&rule.paths),
                action: rule.action.name(),
            })
            .collect(),
        action: policy.action.name(),
        debounce: format_duration(policy.debounce),
        poll_interval: format_duration(policy.poll_interval),
    })
}
