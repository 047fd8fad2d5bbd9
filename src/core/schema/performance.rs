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

/// One load and its budgets: requests sent by exo's generator at a
/// constant rate (open model: each starts on schedule, whatever the server
/// does, and is timed from then), or the user's k6 script with
/// `runner: k6`.
#[derive(JsonSchema)]
#[schemars(
    rename_all = "kebab-case",
    deny_unknown_fields,
    extend(
        "if" = {"required": ["runner"], "properties": {"runner": {"const": "k6"}}},
        "then" = {
            "required": ["script"],
            "not": {"anyOf": [
                {"required": ["request"]},
                {"required": ["rate"]},
                {"required": ["duration"]},
                {"required": ["warm-up"]},
                {"required": ["timeout"]},
                {"required": ["connections"]}
            ]}
        },
        "else" = {"required": ["request", "rate", "duration"], "not": {"required": ["script"]}}
    )
)]
struct Scenario {
    name: Text,
    /// What sends the requests: `exo` (the default: exo's generator, with
    /// `request`, `rate` and `duration`) or `k6` (the `script`, with k6 on
    /// PATH; the other load keys do not apply).
    runner: Option<Runner>,
    /// With `runner: k6`: the k6 script, relative to the directory of this
    /// file. It gets each service's URL as `<ROLE>_URL`.
    script: Option<Text>,
    /// Required without `runner: k6`.
    request: Option<Request>,
    /// Requests per second (`50/s`) or per minute (`600/m`); required
    /// without `runner: k6`.
    #[schemars(regex(pattern = r"^\s*[0-9.]+/[sm]\s*$"))]
    rate: Option<String>,
    /// Required without `runner: k6`.
    duration: Option<Duration>,
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
#[schemars(rename_all = "kebab-case")]
enum Runner {
    Exo,
    K6,
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
