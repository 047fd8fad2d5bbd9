//! The shape of application.yml and service.yml as `schemars` types: keys,
//! value types and the documentation an editor shows. They are never
//! deserialised into (the loader in `crate::core::config` reads the files, with
//! positions for its messages); they exist to generate the JSON Schemas.
//! Every map is optional and may be written empty (`local:`), as the loader
//! allows.

#![allow(dead_code)]

use super::compose::{ComposeKeys, DependencyComposeKeys};
use super::remote::{RemoteDependency, ServiceRemote};
use super::values::{
    AccountId, CertificateArn, Duration, Environment, HostName, Namespace, Region, Registry, Text,
    Texts,
};
use crate::core::config::patterns;
use schemars::JsonSchema;
use serde_json::Value;
use std::collections::BTreeMap;

/// A TCP port: a number from 1 to 65535, or a string of its digits.
#[derive(JsonSchema)]
#[serde(untagged)]
enum Port {
    Number(#[schemars(range(min = 1, max = 65535))] u32),
    Digits(#[schemars(pattern(patterns::PORT))] String),
}

/// For `#[serde(default)]`, which makes a field optional but not `null`.
impl Default for Port {
    fn default() -> Self {
        Port::Number(1)
    }
}

/// A duration longer than zero.
#[derive(JsonSchema)]
#[schemars(transparent)]
struct PositiveDuration(#[schemars(pattern(patterns::POSITIVE_DURATION))] String);

/// application.yml: an application of many services (exo, in the format of
/// Exosphere 0.37).
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ApplicationFile {
    /// The application's name: lowercase letters and digits, single hyphens.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    name: String,
    /// Informational.
    description: Option<Text>,
    /// Informational.
    version: Option<Text>,
    /// Informational.
    author: Option<Text>,
    /// Dependencies, variables and secrets for every service.
    local: Option<Local>,
    /// Deployment settings, used by `exo deploy`.
    remote: Option<ApplicationRemote>,
    /// The services, by role (letters, digits, single hyphens).
    services: Option<BTreeMap<String, Option<ServiceEntry>>>,
    /// Directories copied into each service directory by `exo run`.
    shared_directories: Texts,
    /// The application's end-to-end tests, run by `exo test`.
    tests: Option<EndToEndTests>,
    /// Security rules that do not apply to any service.
    security: Option<Security>,
    performance: Option<super::performance::ApplicationPerformance>,
}

/// `exo test --security`'s rules that do not apply here.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Security {
    /// Each suppressed rule with why, and until when.
    ignore: Option<Vec<Suppression>>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Suppression {
    /// The rule's ID (the IDs of `core::model::security::RULES`).
    #[schemars(regex(pattern = r"^EXO-S(00[1-9]|01[0-9]|02[0-3])$"))]
    rule: String,
    /// Why the rule does not apply here.
    reason: Text,
    /// The last day it holds (YYYY-MM-DD); after it, a finding again.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    until: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Local {
    /// Containers from images that the services use, by id (the container's
    /// name and `<ID>_HOST`).
    dependencies: Option<BTreeMap<String, Option<Dependency>>>,
    /// Variables for every service (here: of the application; in
    /// service.yml: of that service).
    environment_variables: Environment,
    /// Names of variables passed as `${NAME}` from exo's environment.
    secrets: Texts,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Dependency {
    /// The image, e.g. `postgres:16`; a well-known image gets the catalog's
    /// health check, port and variables.
    image: Text,
    /// Paths kept in named volumes; `true` for the catalog's data path.
    persist: Option<Persist>,
    /// Variables of the dependency's container (over the catalog's defaults).
    environment_variables: Environment,
    /// Names of variables passed to it as `${NAME}` from the environment.
    secrets: Texts,
    /// The port it listens on (the catalog's by default).
    #[serde(default)]
    port: Port,
    /// Also publish `port` on this host port.
    #[serde(default)]
    host_port: Port,
    /// When it is ready (the catalog's check by default).
    #[serde(default)]
    health_check: HealthCheck,
    /// Compose keys exo has no word for (`command` too), passed into its
    /// Compose service as written, in every local file; relative paths
    /// start from this file's directory.
    compose: Option<DependencyComposeKeys>,
}

#[derive(JsonSchema)]
#[serde(untagged)]
enum Persist {
    Catalog(bool),
    Paths(Vec<Text>),
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct ServiceEntry {
    /// A directory of the application with service.yml, Dockerfile.dev and
    /// Dockerfile.prod.
    location: Option<Text>,
    /// An image to run instead of a `location`.
    docker_image: Option<Text>,
    /// Data for the dependencies, by dependency id.
    dependency_data: Option<BTreeMap<String, Value>>,
    /// The git URL `exo clone` fetches the service from.
    repository: Option<Text>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct EndToEndTests {
    /// A directory with a Dockerfile.
    location: Text,
    /// The command run in the image built from `location`.
    command: Option<Text>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct ApplicationRemote {
    /// 0.37's remote dependency templates (`exocom`, `rds`): read and
    /// checked, not deployed.
    dependencies: Option<BTreeMap<String, Option<RemoteDependency>>>,
    /// The deployment environments, by name (lowercase letters and digits,
    /// single hyphens).
    #[schemars(extend("propertyNames" = {"pattern": patterns::ENVIRONMENT_NAME}))]
    environments: Option<BTreeMap<String, Option<ApplicationEnvironment>>>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct ApplicationEnvironment {
    /// Where it deploys: `swarm` (`exo deploy`), `kubernetes`
    /// (`exo generate kubernetes`) or `aws` (`exo generate terraform`, the default).
    #[serde(default)]
    target: Target,
    /// Where `exo deploy` pushes the production images: `host[:port][/path]`.
    #[serde(default)]
    registry: Registry,
    /// The Kubernetes namespace (default: the application's name).
    #[serde(default)]
    namespace: Namespace,
    /// Kubernetes and AWS: the image of the containers that wait for what a
    /// service needs before it starts; it needs `sh`, `nc` and `wget`
    /// (default `busybox:1.36`, from Docker Hub; name a mirror here).
    #[serde(default)]
    wait_image: Text,
    /// The application's address in this environment: a host name.
    #[serde(default)]
    url: HostName,
    /// AWS: the region.
    #[serde(default)]
    region: Region,
    /// AWS: the account id.
    #[serde(default)]
    account_id: AccountId,
    /// AWS: the certificate of the load balancer's HTTPS listener.
    #[serde(default)]
    ssl_certificate_arn: CertificateArn,
    /// Variables for every service in this environment.
    environment_variables: Environment,
    /// Names of secrets every service gets in this environment (values are
    /// never written into the generated files).
    secrets: Texts,
    /// AWS: the ARN (Secrets Manager or SSM) each secret is read from, by name.
    secret_arns: Option<BTreeMap<String, Text>>,
}

#[derive(JsonSchema, Default)]
#[schemars(rename_all = "kebab-case")]
enum Target {
    Swarm,
    Kubernetes,
    #[default]
    Aws,
}

/// service.yml: one service of an exo application.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ServiceFile {
    /// `public`, `private` or `worker`.
    r#type: ServiceType,
    /// Informational.
    description: Option<Text>,
    /// Informational.
    author: Option<Text>,
    /// Informational.
    version: Option<Text>,
    /// Data for the dependencies, by dependency id.
    dependency_data: Option<BTreeMap<String, Value>>,
    /// How the service runs in development (`exo run`) and in tests.
    development: Option<Development>,
    /// How the service runs in production (`run_production.yml` and the
    /// deployments).
    production: Option<Production>,
    /// Dependencies, variables and secrets of this service only.
    local: Option<Local>,
    /// Deployment settings, used by `exo deploy`.
    remote: Option<ServiceRemote>,
    /// Security rules that do not apply to this service.
    security: Option<Security>,
    performance: Option<super::performance::ServicePerformance>,
    /// Compose keys exo has no word for (`env_file`, `extra_hosts`,
    /// `cap_add`, `x-` keys, ...), passed into the service's definition in
    /// every local Compose file as written. Lists exo writes too (`ports`,
    /// `volumes`) are appended to exo's; relative paths start from this
    /// directory. Not for the keys exo writes itself (`image`, `build`,
    /// `command`, `environment`, `healthcheck`, `depends_on`, `restart`).
    compose: Option<ComposeKeys>,
}

/// `public`: reachable from outside on a host port; `private`: by the other
/// services only; `worker`: no port.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
enum ServiceType {
    Public,
    Private,
    Worker,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Development {
    /// The port the service listens on in its container.
    #[serde(default)]
    port: Port,
    /// Publish it on this host port (public services get 3000, 3010, ...).
    #[serde(default)]
    host_port: Port,
    /// The commands of the container.
    scripts: Option<Scripts>,
    /// When the service is ready (default: its port accepts connections,
    /// or, without a port, its container runs).
    #[serde(default)]
    health_check: HealthCheck,
    /// Services that must be ready before this one starts.
    depends_on: Texts,
    /// How `exo run` restarts the service after a crash or while unhealthy.
    restart: Option<Restart>,
    /// Which file changes restart or rebuild the service under `exo run`.
    watch: Option<Watch>,
    /// Compose keys for run_development.yml only, over `compose` (lists
    /// appended, maps merged, other values replaced).
    compose: Option<ComposeKeys>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Scripts {
    /// The container's command in development.
    run: Option<Text>,
    /// The command of `exo test`.
    test: Option<Text>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Production {
    /// The port the service listens on in production (default:
    /// development's).
    #[serde(default)]
    port: Port,
    /// Publish it on this host port.
    #[serde(default)]
    host_port: Port,
    /// An HTTP path.
    #[serde(default)]
    health_check: Text,
    /// Compose keys for run_production.yml only, over `compose` (lists
    /// appended, maps merged, other values replaced).
    compose: Option<ComposeKeys>,
}

/// An HTTP path on the service's port, or a map naming one kind of check.
#[derive(JsonSchema)]
#[serde(untagged)]
enum HealthCheck {
    Path(#[schemars(regex(pattern = r"^/\S*$"))] String),
    Check(Box<Check>),
}

/// For `#[serde(default)]`, which makes a field optional but not `null`.
impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck::Path("/".to_owned())
    }
}

/// Exactly one kind of check: `http`, `tcp`, `command` or `log`.
#[derive(JsonSchema)]
#[schemars(
    rename_all = "kebab-case",
    deny_unknown_fields,
    extend("oneOf" = [
        {"required": ["http"]},
        {"required": ["tcp"]},
        {"required": ["command"]},
        {"required": ["log"]}
    ])
)]
struct Check {
    /// GET this path answers 2xx or 3xx.
    #[schemars(regex(pattern = r"^/\S*$"))]
    http: Option<String>,
    /// A TCP connection succeeds: `true` (the port) or a port.
    tcp: Option<TcpCheck>,
    /// Exits 0 in the container: a string for `/bin/sh -c`, a list as is.
    command: Option<CommandLine>,
    /// The container prints a line containing this text.
    log: Option<Text>,
    /// Another port to check.
    port: Option<Port>,
    /// Time between checks (default 1s).
    interval: Option<PositiveDuration>,
    /// How long one check may take (default 3s).
    timeout: Option<PositiveDuration>,
    /// Failures during this time after a start do not count (default 0s).
    start_period: Option<Duration>,
    /// Time between checks during `start-period`; Docker Engine 25 and
    /// later only.
    start_interval: Option<PositiveDuration>,
    /// Failures in a row that make it unhealthy (default 3).
    #[schemars(range(min = 1))]
    retries: Option<u32>,
}

#[derive(JsonSchema)]
#[serde(untagged)]
enum TcpCheck {
    Yes(bool),
    Port(Port),
}

#[derive(JsonSchema)]
#[serde(untagged)]
enum CommandLine {
    Shell(Text),
    Exec(Vec<Text>),
}

/// `false` never restarts; a map tunes the backoff.
#[derive(JsonSchema)]
#[serde(untagged)]
enum Restart {
    Enabled(bool),
    Policy(Box<RestartPolicy>),
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct RestartPolicy {
    /// Restart after the container exits with an error or before it was
    /// ready (default true).
    on_crash: Option<bool>,
    /// The first delay before a restart (default 200ms).
    initial_delay: Option<Duration>,
    /// Each further delay is this many times longer (default 2).
    #[schemars(range(min = 1))]
    multiplier: Option<f64>,
    /// The longest delay (default 10s).
    max_delay: Option<Duration>,
    /// Running this long starts the delays over (default 30s).
    reset_after: Option<Duration>,
    /// More crashes than this within `window` and exo gives up (default 5).
    #[schemars(range(min = 1))]
    max_crashes: Option<u32>,
    /// The time over which crashes are counted (default 1m).
    window: Option<Duration>,
    /// How long unhealthy before a restart; `false` never (default 30s).
    on_unhealthy: Option<DurationOrOff>,
    /// Restart after a service of `depends-on` restarted (default false).
    with_dependencies: Option<bool>,
}

#[derive(JsonSchema)]
#[serde(untagged)]
enum DurationOrOff {
    Off(bool),
    After(Duration),
}

/// `false` does not watch; a map says what and how.
#[derive(JsonSchema)]
#[serde(untagged)]
enum Watch {
    Enabled(bool),
    Policy(Box<WatchPolicy>),
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct WatchPolicy {
    /// Globs of the files watched, in the service directory (default: all).
    paths: Texts,
    /// Globs of files not watched (also those of .gitignore and
    /// .dockerignore).
    ignore: Texts,
    /// What a change no rule matches does (default `restart`; `none`
    /// leaves it to the mount).
    action: Option<WatchAction>,
    /// Actions for some files; the first rule that matches wins.
    rules: Option<Vec<WatchRule>>,
    /// Changes with less time between them act once (default 150ms).
    debounce: Option<Duration>,
    /// How often files are polled where native events are unavailable
    /// (default 500ms).
    poll_interval: Option<Duration>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case")]
enum WatchAction {
    Restart,
    Rebuild,
    None,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct WatchRule {
    /// Globs of the files this rule is for.
    paths: Vec<Text>,
    /// `restart` the container, `rebuild` its image, or `none`: the mount
    /// carries the change into the running container.
    action: WatchAction,
}
