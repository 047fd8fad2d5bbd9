//! The port a container listens on and how it is judged ready, for every
//! target. One rule each; where targets differ, the difference is named
//! here.

use super::{Mode, Scope};
use crate::core::model::{Check, CommandLine, Probe, Service};
use std::time::Duration;

/// How a container is judged ready, with the ports resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    pub check: ReadyCheck,
    pub timing: Timing,
    /// Written in the YAML (or the catalog's), rather than exo's default.
    pub declared: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadyCheck {
    /// The container runs.
    Running,
    /// A command inside the container exits 0 (a Compose healthcheck).
    Command(CommandLine),
    /// A TCP connection to the port succeeds.
    Tcp { port: u16 },
    /// `GET path` on the port answers 2xx or 3xx.
    Http { path: String, port: u16 },
    /// The container prints a line containing this text.
    Log { text: String },
}

impl ReadyCheck {
    /// The word `x-exo.readiness.check` and the stack file use.
    pub fn kind(&self) -> &'static str {
        match self {
            ReadyCheck::Running => "running",
            ReadyCheck::Command(_) => "healthy",
            ReadyCheck::Tcp { .. } => "tcp",
            ReadyCheck::Http { .. } => "http",
            ReadyCheck::Log { .. } => "log",
        }
    }
}

/// A check's timing; exo's defaults where the YAML sets none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub interval: Duration,
    pub timeout: Duration,
    pub start_period: Duration,
    /// A faster interval during the start period (Engine 25+ only).
    pub start_interval: Option<Duration>,
    pub retries: u32,
}

impl Timing {
    fn of(probe: &Probe) -> Timing {
        Timing {
            interval: probe.interval,
            timeout: probe.timeout,
            start_period: probe.start_period,
            start_interval: probe.start_interval,
            retries: probe.retries,
        }
    }
}

impl Readiness {
    /// The check `probe` asks for, on its own port or else `port`; without
    /// a probe, a port that accepts connections, or else a running
    /// container. A check that needs a port and has none is a running
    /// container (config refuses it; this guards other models).
    pub fn new(probe: Option<&Probe>, port: Option<u16>) -> Readiness {
        let Some(probe) = probe else {
            let default = Probe::new(Check::Tcp { port: None });
            return Readiness {
                check: port.map_or(ReadyCheck::Running, |port| ReadyCheck::Tcp { port }),
                timing: Timing::of(&default),
                declared: false,
            };
        };
        let check = match &probe.check {
            Check::Command(command) => ReadyCheck::Command(command.clone()),
            Check::Http { path, port: own } => match own.or(port) {
                Some(port) => ReadyCheck::Http {
                    path: path.clone(),
                    port,
                },
                None => ReadyCheck::Running,
            },
            Check::Tcp { port: own } => own
                .or(port)
                .map_or(ReadyCheck::Running, |port| ReadyCheck::Tcp { port }),
            Check::Log { text } => ReadyCheck::Log { text: text.clone() },
        };
        Readiness {
            check,
            timing: Timing::of(probe),
            declared: true,
        }
    }

    /// A container that runs a one-off command (a test container).
    pub fn running() -> Readiness {
        Readiness::new(None, None)
    }
}

/// The port a service listens on:
/// - locally, the mode's (`development.port`, `production.port`; none in
///   test, whose containers run tests rather than the service);
/// - in every remote environment, `production.port`, else
///   `development.port`.
pub fn service_port(service: &Service, scope: &Scope) -> Option<u16> {
    let development = service.config.development.port;
    let production = service.config.production.port;
    match scope {
        Scope::Local(Mode::Development) => development,
        Scope::Local(Mode::Production) => production,
        Scope::Local(Mode::Test) => None,
        Scope::Remote { .. } => production.or(development),
    }
}

/// The health check a service is judged by:
/// - locally in development and test, `development.health-check`;
/// - locally in production, 0.37's `production.health-check` path;
/// - in every remote environment, `production.health-check` with the
///   timing of the development check if there is one, else the
///   development check.
pub fn service_probe(service: &Service, scope: &Scope) -> Option<Probe> {
    let development = service.config.development.health_check.clone();
    let production = service.config.production.health_check.as_ref().map(|path| {
        Probe::new(Check::Http {
            path: path.clone(),
            port: None,
        })
    });
    match scope {
        Scope::Local(Mode::Development | Mode::Test) => development,
        Scope::Local(Mode::Production) => production,
        Scope::Remote { .. } => match (production, development) {
            (Some(production), Some(development)) => Some(Probe {
                check: production.check,
                ..development
            }),
            (production, development) => production.or(development),
        },
    }
}
