//! End-to-end tests of `exo compose up`, `exo run` and the pass-through to
//! `docker compose`, on the real Docker Engine (see `crate::docker` for what
//! they need and when they skip).
//!
//! Each test runs an application from a temporary copy (of `fixtures/` or of
//! `tests/apps/`) renamed to the test's own Compose project,
//! `exo-e2e-<test>-<pid>`, so that its containers, network and images
//! (tagged `<project>-<role>:development`) are its own. A [`Project`]
//! guard removes all of them when the test ends, passed or failed, and then
//! fails the test if anything is left. No application publishes a host port,
//! so the tests run in parallel; their traffic goes to the project's own
//! containers and to loopback only. Every wait is bounded, and an `exo` that
//! outlives its bound is killed.
//!
//! One file per job: `builds`, `readiness`, `supervision`, `commands`, `logs`,
//! `standing` and `watching` hold the tests; `project` and `running` the harness.

use crate::common::{copy_dir, root, temp_copy};
pub(crate) use crate::docker::COMPOSE_OVERRIDES;
use crate::docker::{output_within, require_docker, require_program};
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `exo` binary Cargo built for these tests.
const EXO: &str = env!("CARGO_BIN_EXE_exo");

/// Building and starting one of the small applications takes seconds; this
/// bounds a hung `exo`.
pub(crate) const UP_TIMEOUT: Duration = Duration::from_secs(120);

/// One `docker` command (inspect, ps, down, rmi).
const DOCKER_TIMEOUT: Duration = Duration::from_secs(60);

/// From a SIGINT to exo's exit, `compose down` included (about 0.5 s here).
pub(crate) const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// How late a dependent may start after its dependency's delay, at most:
/// exo sees readiness within a second (about 0.5 s here), the rest is room
/// for a busy CI machine.
const PROMPTLY: f64 = 8.0;

/// Clock granularity between two `StartedAt` times.
const SLACK: f64 = 0.05;

mod builds;
mod commands;
mod containers;
mod logs;
mod project;
mod readiness;
mod running;
mod standing;
mod status;
mod supervision;
mod watching;

pub(crate) use project::*;
pub(crate) use running::*;
