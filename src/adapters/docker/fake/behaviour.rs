//! How the fake engine's containers behave, and what it records.

use super::super::engine::Executed;
use std::time::Duration;

/// What one run of a container does once started.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// Lines it prints at once.
    pub prints: Vec<String>,
    /// It exits with this code after this long.
    pub exits: Option<(Duration, i64)>,
}

/// How one service's container behaves.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Its runs, in order; later runs do as the last.
    pub runs: Vec<Script>,
    /// How many `start`s fail before one succeeds.
    pub failed_starts: u32,
    /// How long `stop` takes.
    pub stop_takes: Duration,
    /// What `run` of it (a test) prints, and its exit code, after how long.
    pub test: Option<(Vec<String>, i64, Duration)>,
    /// Its Compose healthcheck passes as soon as it runs.
    pub healthy: bool,
    /// What `exec` in its container gives; without, `true` succeeds and
    /// any other command fails.
    pub exec: Option<Executed>,
    /// Its processes' user IDs and commands.
    pub processes: Vec<(u32, String)>,
}

/// An action the runtime asked for, with the service it was for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Build(Vec<String>),
    Create(Vec<String>),
    Start(String),
    Stop(String),
    Exec(String, Vec<String>),
    Run(String),
    Down { at_once: bool },
}

/// The size of every image, as the fake engine tells it.
pub const FAKE_IMAGE_BYTES: u64 = 5 << 20;
