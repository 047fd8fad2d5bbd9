//! The application as exo understands it once its files are loaded and valid.
//! Everything here is plain data: the compiler to Compose reads it, nothing
//! here reads files.

pub mod performance;
pub mod remote;
pub mod security;

use indexmap::IndexMap;
use std::time::Duration;

pub use remote::{Environment, ProbeTiming, Remote, ServiceEnvironment, ServiceRemote, Target};

#[derive(Debug, Clone)]
pub struct Application {
    pub name: String,
    /// `local.dependencies` of application.yml, by id.
    pub dependencies: IndexMap<String, Dependency>,
    /// `local.environment-variables`, for every service.
    pub environment: IndexMap<String, String>,
    /// `local.secrets`, for every service, passed as `${NAME}`.
    pub secrets: Vec<String>,
    pub services: IndexMap<String, Service>,
    pub shared_directories: Vec<String>,
    pub tests: Option<EndToEndTests>,
    /// `remote`: the deployment environments.
    pub remote: Remote,
    /// `performance`: journeys across services, for `exo test --performance`.
    pub performance: performance::Performance,
    /// `security.ignore` of application.yml: for every service.
    pub security: Vec<security::Suppression>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub role: String,
    pub source: ServiceSource,
    /// Where `exo clone` fetches the service's code from.
    pub repository: Option<String>,
    /// `services.<role>.dependency-data` of application.yml.
    pub dependency_data: IndexMap<String, serde_json::Value>,
    pub config: ServiceConfig,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceSource {
    /// Built from a directory of the application, relative to it, normalised
    /// (`./web/` is `web`).
    Location(String),
    /// Run from an image; its service.yml is not read.
    Image(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceType {
    Public,
    Private,
    Worker,
}

impl ServiceType {
    pub const NAMES: [&'static str; 3] = ["public", "private", "worker"];

    pub fn name(self) -> &'static str {
        match self {
            ServiceType::Public => "public",
            ServiceType::Private => "private",
            ServiceType::Worker => "worker",
        }
    }
}

/// What service.yml says; a `docker-image` service has the default.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub kind: ServiceType,
    pub dependency_data: IndexMap<String, serde_json::Value>,
    pub development: Development,
    pub production: Production,
    pub dependencies: IndexMap<String, Dependency>,
    pub environment: IndexMap<String, String>,
    pub secrets: Vec<String>,
    pub remote: ServiceRemote,
    /// `performance`: load scenarios and budgets, for `exo test --performance`.
    pub performance: performance::Performance,
    /// `security.ignore` of service.yml.
    pub security: Vec<security::Suppression>,
    /// `compose`: Compose keys for every local mode's file.
    pub compose: ComposeKeys,
}

impl ServiceConfig {
    /// A service known only by its image: a worker with no settings.
    pub fn image_only() -> Self {
        ServiceConfig {
            kind: ServiceType::Worker,
            dependency_data: IndexMap::new(),
            development: Development::default(),
            production: Production::default(),
            dependencies: IndexMap::new(),
            environment: IndexMap::new(),
            secrets: Vec::new(),
            remote: ServiceRemote::default(),
            performance: performance::Performance::default(),
            security: Vec::new(),
            compose: ComposeKeys::default(),
        }
    }
}

/// Compose keys exo has no word for (`compose:`), passed into a generated
/// service as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComposeKeys {
    /// The directory their relative paths start from, relative to the
    /// application: the service's, or `.` for application.yml.
    pub base: String,
    /// In file order; `x-` keys too.
    pub keys: IndexMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct Development {
    pub port: Option<u16>,
    pub host_port: Option<u16>,
    pub run: Option<String>,
    pub test: Option<String>,
    pub health_check: Option<Probe>,
    pub depends_on: Vec<String>,
    pub restart: RestartPolicy,
    pub watch: WatchPolicy,
    /// `development.compose`: over `compose`, in run_development.yml only.
    pub compose: ComposeKeys,
}

#[derive(Debug, Clone, Default)]
pub struct Production {
    pub port: Option<u16>,
    pub host_port: Option<u16>,
    /// An HTTP path, as 0.37 had it.
    pub health_check: Option<String>,
    /// `production.compose`: over `compose`, in run_production.yml only.
    pub compose: ComposeKeys,
}

/// A container the application needs, from an image (`local.dependencies`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    pub image: String,
    pub persist: Vec<String>,
    pub environment: IndexMap<String, String>,
    pub secrets: Vec<String>,
    /// The port it listens on inside the network; the catalog's by default.
    pub port: Option<u16>,
    pub host_port: Option<u16>,
    pub health_check: Option<Probe>,
    /// `compose`: Compose keys for its container in every local mode.
    pub compose: ComposeKeys,
}

/// How exo decides that a container is ready.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub check: Check,
    pub interval: Duration,
    pub timeout: Duration,
    pub start_period: Duration,
    /// Optional faster interval during the start period (Engine 25+ only).
    pub start_interval: Option<Duration>,
    pub retries: u32,
}

impl Probe {
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
    pub const DEFAULT_RETRIES: u32 = 3;

    pub fn new(check: Check) -> Self {
        Probe {
            check,
            interval: Self::DEFAULT_INTERVAL,
            timeout: Self::DEFAULT_TIMEOUT,
            start_period: Duration::ZERO,
            start_interval: None,
            retries: Self::DEFAULT_RETRIES,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// GET on the container's port (or `port`); ready on a 2xx or 3xx answer.
    Http { path: String, port: Option<u16> },
    /// A TCP connection to the port (or the container's port) succeeds.
    Tcp { port: Option<u16> },
    /// A command run inside the container exits 0. `Shell` goes through the
    /// container's `/bin/sh -c`, `Exec` runs the program directly.
    Command(CommandLine),
    /// The container prints a line containing this text (0.22's online-text).
    Log { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandLine {
    Shell(String),
    Exec(Vec<String>),
}

/// What to do when a service's container stops or turns unhealthy.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartPolicy {
    pub on_crash: bool,
    pub initial_delay: Duration,
    pub multiplier: f64,
    pub max_delay: Duration,
    /// Uptime after which the backoff starts again from `initial_delay`.
    pub reset_after: Duration,
    /// More crashes than this within `window` and the service is given up.
    pub max_crashes: u32,
    pub window: Duration,
    /// Restart after being unhealthy for this long; `None` never.
    pub unhealthy_after: Option<Duration>,
    /// Restart this service after a service it depends on restarted.
    pub with_dependencies: bool,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        RestartPolicy {
            on_crash: true,
            initial_delay: Duration::from_millis(200),
            multiplier: 2.0,
            max_delay: Duration::from_secs(10),
            reset_after: Duration::from_secs(30),
            max_crashes: 5,
            window: Duration::from_secs(60),
            unhealthy_after: Some(Duration::from_secs(30)),
            with_dependencies: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchAction {
    Restart,
    Rebuild,
    /// Nothing: the mount carries the change into the running container,
    /// for files (static pages, templates) a server reads on each request.
    None,
}

impl WatchAction {
    pub const NAMES: [&'static str; 3] = ["restart", "rebuild", "none"];

    pub fn name(self) -> &'static str {
        match self {
            WatchAction::Restart => "restart",
            WatchAction::Rebuild => "rebuild",
            WatchAction::None => "none",
        }
    }
}

/// Which file changes restart or rebuild a service, and which do nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchPolicy {
    pub enabled: bool,
    /// Relative to the service location; empty means the whole location.
    pub paths: Vec<String>,
    pub ignore: Vec<String>,
    /// First matching rule wins; a change no rule matches uses `action`.
    pub rules: Vec<WatchRule>,
    pub action: WatchAction,
    pub debounce: Duration,
    /// Polling interval when native file events are unavailable.
    pub poll_interval: Duration,
}

impl Default for WatchPolicy {
    fn default() -> Self {
        WatchPolicy {
            enabled: true,
            paths: Vec::new(),
            ignore: Vec::new(),
            rules: Vec::new(),
            action: WatchAction::Restart,
            debounce: Duration::from_millis(150),
            poll_interval: Duration::from_millis(500),
        }
    }
}

impl WatchPolicy {
    /// Its rules, or without any, the default one: Dockerfiles and
    /// dependency manifests rebuild.
    pub fn effective_rules(&self) -> Vec<WatchRule> {
        if self.rules.is_empty() {
            vec![WatchRule {
                paths: REBUILD_BY_DEFAULT.iter().map(|p| (*p).to_owned()).collect(),
                action: WatchAction::Rebuild,
            }]
        } else {
            self.rules.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WatchRule {
    pub paths: Vec<String>,
    pub action: WatchAction,
}

/// Files that mean "the image must be rebuilt" when no rule is given.
pub const REBUILD_BY_DEFAULT: &[&str] = &[
    "Dockerfile*",
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements*.txt",
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "go.mod",
    "go.sum",
    "Cargo.toml",
    "Cargo.lock",
    "Gemfile",
    "Gemfile.lock",
    "pom.xml",
    "build.gradle",
];

/// The application's end-to-end tests (`tests` in application.yml).
#[derive(Debug, Clone, PartialEq)]
pub struct EndToEndTests {
    /// Directory with a `Dockerfile`, relative to the application.
    pub location: String,
    pub command: Option<String>,
}
