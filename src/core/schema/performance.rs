//! The shape of `performance:` (service.yml and application.yml) for the
//! JSON Schemas. Budgets are strings whose grammar the loader checks; the
//! patterns here catch the obvious mistakes in an editor.

#![allow(dead_code)]

use super::values::{Duration, Text};
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// Load scenarios and budgets, for `exo test --performance`.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct ServicePerformance {
    scenarios: Option<Vec<Scenario>>,
    /// The service itself while under load.
    budgets: Option<ServiceBudgets>,
    baseline: Option<Baseline>,
}

/// Journeys across services, for `exo test --performance`.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct ApplicationPerformance {
    scenarios: Option<Vec<Scenario>>,
    baseline: Option<Baseline>,
}

/// Requests sent at a constant rate (open model): each starts on schedule,
/// whatever the server does, and is timed from then.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Scenario {
    name: Text,
    request: Request,
    /// Requests per second (`50/s`) or per minute (`600/m`).
    #[schemars(regex(pattern = r"^\s*[0-9.]+/[sm]\s*$"))]
    rate: String,
    duration: Duration,
    /// Sent first, not counted.
    warm_up: Option<Duration>,
    /// A request not answered within this long is an error (default 10s).
    timeout: Option<Duration>,
    /// Most connections kept open at once (default 256).
    #[schemars(range(min = 1))]
    connections: Option<u32>,
    budgets: Option<ScenarioBudgets>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Request {
    /// GET by default.
    method: Option<Method>,
    /// Starts with `/`.
    #[schemars(regex(pattern = r"^/\S*$"))]
    path: String,
    /// A file sent as the body, relative to the file that names it.
    body_file: Option<Text>,
    headers: Option<BTreeMap<String, Option<Text>>>,
    /// The service it is sent to (default: the service of this file).
    target: Option<Text>,
}

#[derive(JsonSchema)]
#[allow(clippy::upper_case_acronyms)]
enum Method {
    GET,
    HEAD,
    POST,
    PUT,
    PATCH,
    DELETE,
    OPTIONS,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct ScenarioBudgets {
    /// `p95 < 200ms`, or a list of such.
    latency: Option<Budgets>,
    /// `rate < 1%` (non-2xx/3xx answers and transport errors) or `< 5`.
    errors: Option<Budgets>,
    /// Achieved rate: `>= 48/s`.
    throughput: Option<Budgets>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct ServiceBudgets {
    /// Each container's memory: `max < 256MiB`.
    memory: Option<Budgets>,
    /// Each container's CPU, 100% being one core: `avg < 150%`.
    cpu: Option<Budgets>,
    /// Restarts during the run: `0`.
    restarts: Option<Budgets>,
    /// Container start to ready: `< 15s`.
    ready: Option<Budgets>,
    /// The production image: `< 200MB`.
    image_size: Option<Budgets>,
}

/// One budget or several.
#[derive(JsonSchema)]
#[serde(untagged)]
enum Budgets {
    One(Text),
    Many(Vec<Text>),
}

#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
struct Baseline {
    /// A figure of `.exo/performance-baseline.json` may be this much worse: `10%`.
    #[schemars(regex(pattern = r"^\s*[0-9.]+%\s*$"))]
    max_regression: String,
}
