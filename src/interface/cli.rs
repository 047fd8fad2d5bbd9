//! The command line, as clap types only; commands read it through
//! [`crate::interface::commands`].

mod deploy;
mod files;
mod security;
mod starting;
mod templates;
mod views;

pub use deploy::{DeployArgs, DeployCommand};
pub use files::{CheckArgs, GenerateArgs, GenerateTarget};
pub use security::SecurityArgs;
pub use starting::{ImportArgs, InitArgs};
pub use templates::TemplateCommand;
pub use views::{
    CompletionsArgs, GraphArgs, GraphFormat, ManArgs, SchemaArgs, StatusArgs, StatusFormat,
};

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The longest `--wait-timeout` in seconds (a week): any longer is a usage
/// error rather than a time no clock can add. `0` waits without a limit.
pub const MAX_WAIT_SECONDS: u64 = 604_800;

/// `up -d`'s and `up --wait`'s `--wait-timeout` when none is given.
pub const UP_WAIT_SECONDS: u64 = 300;

/// `exo test`'s `--wait-timeout` when none is given.
pub const TEST_WAIT_SECONDS: u64 = 120;

/// Seconds of `--wait-timeout`, within `0..=MAX_WAIT_SECONDS`.
fn wait_seconds() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(..=MAX_WAIT_SECONDS)
}

#[derive(Debug, Parser)]
#[command(
    name = "exo",
    version,
    about = "Run, test and ship applications made of many services, with Docker Compose",
    long_about = "exo reads application.yml and each service's service.yml (the format of Exosphere 0.37), \
compiles them into plain Docker Compose files under docker-compose/, and drives `docker compose` with them.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The options of every command; [`crate::interface::commands::Settings`] resolves
/// them, with the environment, before the command runs.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The application directory (also EXO_APP; default: the nearest
    /// directory upwards from the current one that holds application.yml)
    #[arg(short = 'C', long = "app", value_name = "DIR", global = true)]
    pub app: Option<PathBuf>,

    /// Do not colour the output (also when NO_COLOR is set)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// The Docker context to use (default: DOCKER_HOST, then DOCKER_CONTEXT,
    /// then the docker CLI's current context)
    #[arg(long, value_name = "NAME", global = true)]
    pub context: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the Compose files: docker-compose/run_development.yml,
    /// run_production.yml and test.yml; or the Kubernetes manifests or AWS
    /// Terraform of the remote environments
    Generate(GenerateArgs),
    /// Validate application.yml and every service.yml, and find everything
    /// that a generator or `exo deploy` would refuse in each remote
    /// environment (or only ENV), writing nothing
    Check(CheckArgs),
    /// Build and start the application in the foreground: dependencies
    /// first, each service once what it needs is ready, then its logs,
    /// restarting a service after a crash, when it stays unhealthy or when
    /// its files change, until Ctrl-C, which stops and removes every
    /// container
    Run(RunArgs),
    /// Run `docker compose` with the generated file and the project name;
    /// `up` gets exo's readiness waiting, anything else passes through
    #[command(disable_help_flag = true)]
    Compose(ComposeArgs),
    /// Run each service's test script in a container of its image, with its
    /// dependencies ready, then the application's end-to-end tests; exit 1
    /// if a test failed
    Test(TestArgs),
    /// Create application.yml for a new application, in the current
    /// directory (or -C DIR)
    Init(InitArgs),
    /// Add a service (a new one from a template, a third-party image, or an
    /// existing git repository) or a dependency (--dependency IMAGE);
    /// application.yml is edited in place, keeping its comments and layout
    Add(AddArgs),
    /// Make an application from a hand-written Compose file: application.yml
    /// beside it, and a service.yml in each build context; ports,
    /// environment, depends_on, healthcheck and command in exo's keys,
    /// what exo has no key for under `compose:`, and a line for each key
    /// that could not be carried. Overwrites nothing
    Import(ImportArgs),
    /// List, add or remove service templates
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Clone an application's repository, then every service of it that
    /// names a `repository`, in parallel; without URL, fetch the services
    /// missing from the current application
    Clone(CloneArgs),
    /// Move the images of application.yml (dependencies and docker-image
    /// services) to the newest tag of their major version, asking each
    /// image's registry
    Update(UpdateArgs),
    /// The same as `exo compose up`: build and start the application, each
    /// container once what it needs is ready (`-d --wait` returns then)
    #[command(disable_help_flag = true)]
    Up(ShortcutArgs),
    /// The same as `exo compose down`: stop and remove the application's
    /// containers and network
    Down(ShortcutArgs),
    /// The same as `exo compose ps`: list the application's containers
    Ps(ShortcutArgs),
    /// The same as `exo compose logs`: print the containers' output (`-f` to
    /// follow it)
    Logs(ShortcutArgs),
    /// Print the services, the dependencies they use and their `depends-on`
    /// order, with each one's readiness check, as a Graphviz or Mermaid graph
    Graph(GraphArgs),
    /// Write JSON Schemas of application.yml and service.yml into DIR, for
    /// editors to complete and check the files
    Schema(SchemaArgs),
    /// Write the man pages of exo and of each command (exo.1,
    /// exo-generate.1, ...) into DIR, e.g. ~/.local/share/man/man1
    Man(ManArgs),
    /// Print the shell completion script for SHELL (e.g. `exo completions
    /// bash > ~/.local/share/bash-completion/completions/exo`)
    Completions(CompletionsArgs),
    /// Show the running project: each container's state, its readiness as
    /// exo judges it (the check and its result now), health, restarts, ports
    /// and uptime; exit 0 only when every container is ready
    Status(StatusArgs),
    /// Deploy the application to a Docker Swarm environment: build and push
    /// the production images, then create or update the services in
    /// dependency order, each once what it needs runs healthy; exit 0 once
    /// every service has converged
    Deploy(DeployArgs),
    /// Print exo's version, and those of the Docker Engine and Docker
    /// Compose that exo finds (or why it finds none); exit 0 either way
    Version,
}

/// `exo up|down|ps|logs`: the Compose command's own arguments.
#[derive(Debug, Args)]
pub struct ShortcutArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Arguments of the `docker compose` command, passed on as they are
    /// (e.g. `exo logs -f web`, `exo down -v`)
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Show what would change, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Also move to a newer major version
    #[arg(long)]
    pub major: bool,
}

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The application's git repository
    #[arg(value_name = "URL")]
    pub url: Option<String>,

    /// Where to clone it (default: the repository's name)
    #[arg(value_name = "DIR", requires = "url")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["template", "image", "repo", "dependency"])))]
pub struct AddArgs {
    /// The service's role: its name in the application (letters, digits,
    /// single hyphens); with --dependency, the dependency's id
    #[arg(value_name = "ROLE")]
    pub role: String,

    /// A dependency instead of a service (a database, a cache, ...), run
    /// from this image, e.g. `redis:7`: an entry of `local.dependencies`,
    /// which the services find as `<ID>_HOST` (and more, for an image of
    /// exo's catalog)
    #[arg(long, value_name = "IMAGE", conflicts_with_all = ["location", "kind"])]
    pub dependency: Option<String>,

    /// A new service from this template (see `exo template list`)
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,

    /// A third-party service run from this image, e.g. `nginx:1.27`
    #[arg(long, value_name = "IMAGE", conflicts_with_all = ["location", "kind"])]
    pub image: Option<String>,

    /// An existing service cloned from this git repository (recorded as its
    /// `repository`, which `exo clone` fetches)
    #[arg(long, value_name = "URL", conflicts_with = "kind")]
    pub repo: Option<String>,

    /// The new service's type (with --template; default: private)
    #[arg(long = "type", value_name = "TYPE", value_enum)]
    pub kind: Option<ServiceKind>,

    /// The service's directory, relative to the application (default: ROLE)
    #[arg(long, value_name = "DIR")]
    pub location: Option<String>,

    /// A value for a placeholder of an Exosphere 0.37 template
    /// (`{{modelName}}`), over its project.json's default; repeatable
    #[arg(long, value_name = "KEY=VALUE", value_parser = key_value, requires = "template")]
    pub set: Vec<(String, String)>,
}

/// `KEY=VALUE`, split at the first `=`.
fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ServiceKind {
    /// Reachable from outside, on a host port
    Public,
    /// Reachable by the other services only
    Private,
    /// No port
    Worker,
}

/// What `exo run` and `exo compose` share.
/// A project name Compose accepts: lowercase letters, digits, `-` and `_`,
/// starting with a letter or digit.
fn compose_project_name(name: &str) -> Result<String, String> {
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(name.to_owned())
    } else {
        Err("a Compose project name is lowercase letters, digits, `-` and `_`, starting with a letter or digit".to_owned())
    }
}

#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// Use run_production.yml (Dockerfile.prod, the image's command, no mount)
    #[arg(long)]
    pub production: bool,

    /// The Compose project name (default: the application's name, lowercase
    /// letters and digits)
    #[arg(
        short = 'p',
        long = "project-name",
        value_name = "NAME",
        env = "COMPOSE_PROJECT_NAME",
        value_parser = compose_project_name
    )]
    pub project_name: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub logs: LogArgs,

    /// Give up if the application is not ready after this many seconds
    /// (default and 0: no limit; at most 604800, a week)
    #[arg(long, value_name = "SECONDS", value_parser = wait_seconds())]
    pub wait_timeout: Option<u64>,

    #[command(flatten)]
    pub build: BuildArgs,

    /// Do not restart or rebuild services when their files change
    #[arg(long)]
    pub no_watch: bool,

    /// Watch files by polling instead of native file events (network file
    /// systems, some virtual machines)
    #[arg(long, conflicts_with = "no_watch")]
    pub poll: bool,

    /// Start only these services (and what they depend on)
    #[arg(value_name = "ROLE")]
    pub roles: Vec<String>,
}

/// Compose's `--build` and `--no-build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Build the services' images before starting (the default: their
    /// sources may have changed; Compose's build cache keeps it quick)
    #[arg(long)]
    pub build: bool,

    /// Do not build: start from the images there are
    #[arg(long, conflicts_with = "build")]
    pub no_build: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Print log lines without the `role |` prefix
    #[arg(long)]
    pub no_log_prefix: bool,
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Print help
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help)]
    pub help: Option<bool>,

    /// A `docker compose` command and its arguments, e.g. `up -d --wait`,
    /// `ps`, `logs -f web`, `down`
    #[arg(
        value_name = "COMMAND",
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true
    )]
    pub args: Vec<String>,
}

/// `exo compose up`: Compose's flags that exo implements itself.
#[derive(Debug, Parser)]
#[command(
    name = "exo compose up",
    about = "Start the application with exo's readiness waiting: each container starts once what it needs is ready",
    disable_version_flag = true
)]
pub struct ComposeUpArgs {
    /// Return once every container is ready and leave them running
    #[arg(short = 'd', long)]
    pub detach: bool,

    /// Wait until every container is ready (implies --detach)
    #[arg(long)]
    pub wait: bool,

    /// Give up when the containers are not all ready after this many
    /// seconds (with -d or --wait: 300 by default; 0: no limit; at most
    /// 604800, a week)
    #[arg(long, value_name = "SECONDS", value_parser = wait_seconds())]
    pub wait_timeout: Option<u64>,

    /// With -d or --wait: stop and remove the containers when they do not
    /// all become ready (by default they are left running to be looked at)
    #[arg(long)]
    pub down_on_failure: bool,

    #[command(flatten)]
    pub build: BuildArgs,

    /// In the foreground: restart or rebuild services when their files change
    #[arg(long, conflicts_with_all = ["detach", "wait"])]
    pub watch: bool,

    /// Do not colour the output
    #[arg(long)]
    pub no_color: bool,

    #[command(flatten)]
    pub logs: LogArgs,

    /// Start only these services (and what they depend on)
    #[arg(value_name = "SERVICE")]
    pub roles: Vec<String>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The Compose project of the test containers (default: the
    /// application's name followed by `tests`, as Exosphere 0.37 had it)
    #[arg(short = 'p', long = "project-name", value_name = "NAME", value_parser = compose_project_name)]
    pub project_name: Option<String>,

    /// Run at most N tests and N image builds at once (default: two tests
    /// per CPU core, one build per core)
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Also write the results as JUnit XML to FILE (for CI)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Stop at the first test that fails
    #[arg(long)]
    pub fail_fast: bool,

    /// Instead of the tests, load the application (from its production
    /// images) with the `performance` scenarios of its files and judge the
    /// budgets; exit 1 naming a budget missed
    #[arg(long)]
    pub performance: bool,

    /// With --performance: write this run's figures to
    /// .exo/performance-baseline.json, which later runs compare with
    #[arg(long, requires = "performance")]
    pub save_baseline: bool,

    /// With --performance: also write the figures and verdicts as JSON to FILE
    #[arg(long, value_name = "FILE", requires = "performance")]
    pub json: Option<PathBuf>,

    /// With --performance: also write an HTML page with latency plots
    /// (self-contained, readable offline) to DIR/performance.html
    #[arg(long, value_name = "DIR", requires = "performance")]
    pub report: Option<PathBuf>,

    /// Give up when the dependencies (or, before the end-to-end tests, the
    /// application) are not ready after this many seconds (0: no limit; at
    /// most 604800, a week)
    #[arg(long, value_name = "SECONDS", default_value_t = TEST_WAIT_SECONDS, value_parser = wait_seconds())]
    pub wait_timeout: u64,

    #[command(flatten)]
    pub logs: LogArgs,

    #[command(flatten)]
    pub security: SecurityArgs,

    /// Test only these services (default: every service, or the one whose
    /// directory exo runs in; the end-to-end tests run only for the whole
    /// application)
    #[arg(value_name = "ROLE")]
    pub roles: Vec<String>,
}
