//! What exo asks of Docker, as typed actions behind one trait: the Engine
//! API for what happens while the application runs (events, logs, start,
//! stop, inspect, exec, the test containers), the Compose CLI for what
//! Compose owns (build, create, down). The runtime sees only this trait, so that its tests
//! drive it with a fake engine.

use super::{DockerError, Project};
use crate::adapters::signals::Interrupts;
use crate::core::compose::OneOff;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use std::net::IpAddr;
use std::time::SystemTime;

/// An action under way: its result, or why the engine could not do it.
pub type Pending<'a, T> = BoxFuture<'a, Result<T, DockerError>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    Start,
    Die { exit_code: i64 },
    Healthy,
    Unhealthy,
}

/// Something that happened to a container of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerEvent {
    pub container: String,
    pub service: String,
    pub kind: EventKind,
}

/// A line a container (or a test run) printed, on stdout or stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub service: String,
    pub text: String,
}

/// One container of the project (not a one-off container of `run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInfo {
    pub id: String,
    pub service: String,
    pub running: bool,
}

/// Where a container is in its life, in the engine's terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ContainerState {
    #[default]
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Stopping,
    Exited {
        code: i64,
    },
    Dead,
}

impl ContainerState {
    pub fn running(self) -> bool {
        self == ContainerState::Running
    }

    /// The engine's name for it: `created`, `running`, `exited`, ...
    pub fn name(self) -> &'static str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Removing => "removing",
            ContainerState::Stopping => "stopping",
            ContainerState::Exited { .. } => "exited",
            ContainerState::Dead => "dead",
        }
    }
}

/// The status of a container's Compose healthcheck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    /// The engine's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }
}

/// A container port published on the host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PublishedPort {
    /// `0.0.0.0`, `::`, `127.0.0.1`, ...
    pub host_ip: String,
    pub host_port: String,
    /// `8080/tcp`
    pub target: String,
}

impl std::fmt::Display for PublishedPort {
    /// As `docker ps` shows it: `0.0.0.0:3000->8080/tcp`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}->{}", self.host_ip, self.host_port, self.target)
    }
}

/// What the engine knows of one container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspection {
    pub state: ContainerState,
    /// When its current run began.
    pub started_at: Option<SystemTime>,
    /// The Compose healthcheck's status, where it has one.
    pub health: Option<Health>,
    /// The last run of the Compose healthcheck: its exit code and output.
    pub last_health_check: Option<(i64, String)>,
    /// The Compose healthcheck's command, as `exec` runs it (a shell form
    /// through the container's shell).
    pub health_command: Option<Vec<String>>,
    /// Restarts by the engine's restart policy.
    pub restarts: u32,
    pub ports: Vec<PublishedPort>,
    /// Its address on its network, which the host can reach.
    pub address: Option<IpAddr>,
}

/// A command run in a container: its exit code and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    pub exit_code: i64,
    pub output: String,
}

/// Where a build's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildOutput {
    /// To exo's stderr, as progress.
    Shown,
    /// Kept, and given back if the build fails.
    Kept,
}

/// How a build ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    Done,
    /// With its output (when kept).
    Failed {
        output: String,
    },
}

/// Which containers `create` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// Those missing or out of date, removing the project's orphans.
    Missing,
    /// New ones for the services named, whatever exists (after a rebuild).
    Replace,
}

/// How `down` treats the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Down {
    /// Remove its named volumes too.
    pub volumes: bool,
    /// Kill at once instead of Compose's graceful stop.
    pub at_once: bool,
}

/// What a one-off container of `run` says.
/// One sample of a container's resource use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Memory in use, without the page cache the kernel can drop (as
    /// `docker stats` shows it).
    pub memory_bytes: u64,
    /// CPU time used since the container started, all cores together.
    pub cpu_nanos: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutput {
    Line(String),
    Exited(i64),
}

pub trait Engine: Send + Sync + 'static {
    /// Container starts, exits and health changes of the project's
    /// containers, from now on, until the stream is dropped.
    fn events(&self, project: &str) -> BoxStream<'static, ContainerEvent>;
    /// Every container of the project, running or not, except the one-off
    /// containers of `run`.
    fn containers<'a>(&'a self, project: &'a str) -> Pending<'a, Vec<ContainerInfo>>;
    fn start<'a>(&'a self, id: &'a str) -> Pending<'a, ()>;
    /// Stops gracefully (SIGTERM, then SIGKILL after the container's grace).
    fn stop<'a>(&'a self, id: &'a str) -> Pending<'a, ()>;
    fn inspect<'a>(&'a self, id: &'a str) -> Pending<'a, Inspection>;
    /// The ID of the image named `name`, if the engine has it.
    fn image_id<'a>(&'a self, name: &'a str) -> Pending<'a, Option<String>>;
    /// Runs `command` (no shell) in the running container.
    fn exec<'a>(&'a self, id: &'a str, command: &'a [String]) -> Pending<'a, Executed>;
    /// Sets the container's restart policy to `no`: exo restarts it, and
    /// the engine's `on-failure` would race it.
    fn leave_restarts_to_exo<'a>(&'a self, id: &'a str) -> Pending<'a, ()>;
    /// The container's memory and CPU use now.
    fn usage<'a>(&'a self, id: &'a str) -> Pending<'a, Usage>;
    /// The user ID and command of each of its processes.
    fn processes<'a>(&'a self, id: &'a str) -> Pending<'a, Vec<(u32, String)>>;
    /// Writes the container's image to `path`, as `docker save` does.
    fn save_image<'a>(&'a self, id: &'a str, path: &'a std::path::Path) -> Pending<'a, ()>;
    /// The size of the container's image, in bytes.
    fn image_size<'a>(&'a self, id: &'a str) -> Pending<'a, u64>;
    /// The container's lines (stdout and stderr, in order) from `since` on,
    /// following its output until it stops or the stream is dropped.
    fn logs(&self, id: &str, since: SystemTime) -> BoxStream<'static, String>;
    /// The last `count` lines it printed since `since` (all runs without).
    fn tail<'a>(
        &'a self,
        id: &'a str,
        since: Option<SystemTime>,
        count: usize,
    ) -> Pending<'a, Vec<String>>;
    /// Whether a line it printed since `since` (in any run without)
    /// contains `text`.
    fn printed<'a>(
        &'a self,
        id: &'a str,
        since: Option<SystemTime>,
        text: &'a str,
    ) -> Pending<'a, bool>;

    /// `docker compose build SERVICES`.
    fn build<'a>(
        &'a self,
        project: &'a Project,
        services: &'a [String],
        output: BuildOutput,
    ) -> Pending<'a, Built>;
    /// The containers of the services named (not of what they depend on,
    /// which exo creates first), with their images as built: through the
    /// Engine API where exo can make them as Compose would, else `docker
    /// compose up --no-start --no-deps`.
    fn create<'a>(
        &'a self,
        project: &'a Project,
        services: &'a [String],
        how: Create,
    ) -> Pending<'a, ()>;
    /// Makes the project's network and named volumes ahead of its
    /// containers, where exo makes those itself (else nothing: Compose
    /// makes them with the containers).
    fn prepare<'a>(&'a self, project: &'a Project) -> Pending<'a, ()>;
    /// Runs the one-off container as `docker compose run --rm --no-deps -T`
    /// would, through the Engine API (create, attach, start, wait, remove):
    /// its lines, then its exit code. The container is removed in the
    /// background once it has ended, or when the stream is dropped.
    fn run(&self, container: &OneOff) -> BoxStream<'static, RunOutput>;
    /// `docker compose down`: removes the project's containers and network.
    fn down<'a>(&'a self, project: &'a Project, how: Down) -> Pending<'a, ()>;
    /// `docker compose ARGS` on the terminal, for commands exo does not
    /// change; its exit code. The terminal's Ctrl-C reaches Compose itself;
    /// a second one kills it.
    fn pass_through<'a>(
        &'a self,
        project: &'a Project,
        args: &'a [String],
        interrupts: &'a mut Interrupts,
    ) -> Pending<'a, i32>;
}
