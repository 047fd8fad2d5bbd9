//! Readiness, restart and watch settings: the Compose `healthcheck` where
//! Compose can run the check itself, and `x-exo` for everything else.

use super::document::{
    Healthcheck, Readiness as ReadinessMetadata, RestartMetadata, WatchMetadata, WatchRuleMetadata,
};
use super::{format_duration, literal};
use crate::core::deployed::{Readiness, ReadyCheck, Timing};
use crate::core::model::{CommandLine, RestartPolicy, WatchPolicy};
use serde_saphyr::FlowSeq;

/// A Compose healthcheck for checks that run inside the container.
/// `start_interval` is written only when asked for: Docker Engines before 25
/// refuse to create a container that has it.
pub fn healthcheck(readiness: &Readiness) -> Option<Healthcheck> {
    let ReadyCheck::Command(command) = &readiness.check else {
        return None;
    };
    Some(command_healthcheck(command, &readiness.timing))
}

/// A command as a Compose healthcheck with `timing`.
pub fn command_healthcheck(command: &CommandLine, timing: &Timing) -> Healthcheck {
    let test = match command {
        CommandLine::Shell(line) => vec!["CMD-SHELL".to_owned(), literal(line)],
        CommandLine::Exec(words) => std::iter::once("CMD".to_owned())
            .chain(words.iter().map(|word| literal(word)))
            .collect(),
    };
    Healthcheck {
        test: FlowSeq(test),
        interval: format_duration(timing.interval),
        timeout: format_duration(timing.timeout),
        retries: timing.retries,
        start_period: format_duration(timing.start_period),
        start_interval: timing.start_interval.map(format_duration),
    }
}

/// How exo will decide readiness, as `x-exo.readiness` says it; the timing
/// only where the YAML set a check.
pub fn readiness(readiness: &Readiness) -> ReadinessMetadata {
    let timing = readiness.timing;
    let mut metadata = ReadinessMetadata {
        check: readiness.check.kind(),
        ..ReadinessMetadata::default()
    };
    if readiness.declared {
        metadata.interval = Some(format_duration(timing.interval));
        metadata.timeout = Some(format_duration(timing.timeout));
        metadata.start_period = Some(format_duration(timing.start_period));
        metadata.retries = Some(timing.retries);
    }
    match &readiness.check {
        ReadyCheck::Http { path, port } => {
            metadata.path = Some(literal(path));
            metadata.port = Some(*port);
        }
        ReadyCheck::Tcp { port } => metadata.port = Some(*port),
        ReadyCheck::Log { text } => metadata.text = Some(literal(text)),
        ReadyCheck::Running | ReadyCheck::Command(_) => {}
    }
    metadata
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
