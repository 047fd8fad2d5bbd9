//! Reads `performance:` of service.yml and application.yml: scenarios,
//! their requests and budgets, the service's own budgets and the baseline
//! policy. Budgets are parsed here, so that a mistake points at its place
//! inside the value.

use super::budget::{BudgetError, parse_budget, parse_percent, parse_rate};
use super::k6::{OPEN_LOAD_KEYS, read_k6_script, refuse_script};
use super::problem::{Problem, Site};
use super::reader::{Located, Reader};
use super::yaml::{Node, Span, Value};
use crate::core::model::performance::{
    BaselinePolicy, Figure, NamedBudget, OpenLoad, Performance, Request, Runner, Scenario,
};
use indexmap::IndexMap;
use std::time::Duration;

const KEYS: [&str; 3] = ["scenarios", "budgets", "baseline"];
/// With the keys of exo's generator ([`OPEN_LOAD_KEYS`]).
const SCENARIO_KEYS: [&str; 4] = ["name", "runner", "script", "budgets"];
const REQUEST_KEYS: [&str; 5] = ["method", "path", "body-file", "headers", "target"];
const RUNNERS: [&str; 2] = ["exo", "k6"];
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Which file `performance:` is in: service.yml may hold budgets on the
/// service itself; application.yml's journeys must name their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Service,
    Application,
}

/// `performance:` as read, with the targets written, for the check that
/// they name services, and the k6 scripts, for the check that they exist.
#[derive(Debug, Default)]
pub struct PerformanceFile {
    pub performance: Performance,
    pub targets: Vec<Located<String>>,
    pub scripts: Vec<Located<String>>,
}

pub fn read_performance(reader: &mut Reader, node: &Node, owner: Owner) -> PerformanceFile {
    let keys: &[&str] = match owner {
        Owner::Service => &KEYS,
        Owner::Application => &["scenarios", "baseline"],
    };
    let fields = reader.fields(node, "performance", keys);
    let mut file = PerformanceFile::default();
    if let Some(list) = fields.get("scenarios") {
        read_scenarios(reader, list, owner, &mut file);
    }
    if let Some(budgets) = fields.get("budgets") {
        file.performance.budgets =
            read_budgets(reader, budgets, "performance.budgets", &Figure::SERVICE);
    }
    if let Some(baseline) = fields.get("baseline") {
        let baseline = reader.fields(baseline, "performance.baseline", &["max-regression"]);
        if let Some(n) = baseline.get("max-regression") {
            let path = "performance.baseline.max-regression";
            file.performance.baseline = reader
                .string(n, path)
                .and_then(|text| match parse_percent(&text.value) {
                    Some(share) => Some(share),
                    None => {
                        reader.report(
                            Problem::at(text.site, format!("`{path}` must be a percentage"))
                                .label("not a percentage")
                                .help("write e.g. `10%`"),
                        );
                        None
                    }
                })
                .map(|max_regression| BaselinePolicy { max_regression });
        }
    }
    file
}

fn read_scenarios(reader: &mut Reader, node: &Node, owner: Owner, file: &mut PerformanceFile) {
    let Value::Seq(items) = &node.value else {
        if node.value != Value::Null {
            reader.report(
                Problem::at(reader.site(node), "`performance.scenarios` must be a list")
                    .label("expected a list of scenarios"),
            );
        }
        return;
    };
    let keys: Vec<&str> = SCENARIO_KEYS
        .iter()
        .chain(&OPEN_LOAD_KEYS)
        .copied()
        .collect();
    let mut names: IndexMap<String, Site> = IndexMap::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("performance.scenarios[{i}]");
        let fields = reader.fields(item, &path, &keys);
        let name = required(reader, item, &fields, "name", &path)
            .and_then(|n| reader.non_empty_string(n, &format!("{path}.name")));
        if let Some(name) = &name {
            if let Some(first) = names.get(&name.value) {
                let (line, _) = first.line_column();
                reader.report(
                    Problem::at(
                        name.site.clone(),
                        format!("two scenarios are named `{}`", name.value),
                    )
                    .label("second scenario of this name")
                    .help(format!("the first is on line {line}; rename one")),
                );
            } else {
                names.insert(name.value.clone(), name.site.clone());
            }
        }
        let runner = match fields.get("runner") {
            Some(n) => reader.choice(n, &format!("{path}.runner"), &RUNNERS),
            None => Some("exo"),
        };
        let runner = match runner {
            Some("k6") => read_k6_script(reader, item, &fields, &path).map(|script| {
                file.scripts.push(script.clone());
                Runner::K6 {
                    script: script.value,
                }
            }),
            Some(_) => {
                refuse_script(reader, &fields, &path);
                read_open_load(reader, item, &fields, &path, owner, file)
                    .map(|load| Runner::Exo(Box::new(load)))
            }
            None => None,
        };
        let budgets = fields
            .get("budgets")
            .map(|n| read_budgets(reader, n, &format!("{path}.budgets"), &Figure::SCENARIO));
        if let (Some(name), Some(runner)) = (name, runner) {
            file.performance.scenarios.push(Scenario {
                name: name.value,
                runner,
                budgets: budgets.unwrap_or_default(),
            });
        }
    }
}

/// The load of exo's own generator: `request`, `rate`, `duration` and
/// their options.
fn read_open_load(
    reader: &mut Reader,
    item: &Node,
    fields: &super::reader::Fields,
    path: &str,
    owner: Owner,
    file: &mut PerformanceFile,
) -> Option<OpenLoad> {
    let request = required(reader, item, fields, "request", path)
        .and_then(|n| read_request(reader, n, &format!("{path}.request"), owner, file));
    let rate = required(reader, item, fields, "rate", path)
        .and_then(|n| read_rate(reader, n, &format!("{path}.rate")));
    let duration = required(reader, item, fields, "duration", path)
        .and_then(|n| reader.duration(n, &format!("{path}.duration")));
    let optional_duration = |reader: &mut Reader, key: &str| {
        fields
            .get(key)
            .and_then(|n| reader.duration(n, &format!("{path}.{key}")))
    };
    let warm_up = optional_duration(reader, "warm-up");
    let timeout = optional_duration(reader, "timeout");
    let connections = fields
        .get("connections")
        .and_then(|n| reader.positive_integer(n, &format!("{path}.connections")));
    Some(OpenLoad {
        request: request?,
        rate: rate?,
        duration: duration?,
        warm_up: warm_up.unwrap_or(Duration::ZERO),
        timeout: timeout.unwrap_or(OpenLoad::DEFAULT_TIMEOUT),
        connections: connections.unwrap_or(OpenLoad::DEFAULT_CONNECTIONS),
    })
}

/// The value of a key that must be there; reports it missing otherwise.
fn required<'n>(
    reader: &mut Reader,
    node: &Node,
    fields: &super::reader::Fields<'n>,
    key: &str,
    path: &str,
) -> Option<&'n Node> {
    let value = fields.get(key);
    if value.is_none() && !fields.is_misspelt(key) && matches!(node.value, Value::Map(_)) {
        reader.report(
            Problem::at(reader.site(node), format!("`{path}` has no `{key}`"))
                .label(format!("`{key}` is missing")),
        );
    }
    value
}

fn read_request(
    reader: &mut Reader,
    node: &Node,
    path: &str,
    owner: Owner,
    file: &mut PerformanceFile,
) -> Option<Request> {
    let fields = reader.fields(node, path, &REQUEST_KEYS);
    let method = match fields.get("method") {
        Some(n) => reader.choice(n, &format!("{path}.method"), &METHODS)?,
        None => "GET",
    };
    let target = fields
        .get("target")
        .and_then(|n| reader.non_empty_string(n, &format!("{path}.target")));
    if owner == Owner::Application && target.is_none() && !fields.is_misspelt("target") {
        required(reader, node, &fields, "target", path);
    }
    let url_path = required(reader, node, &fields, "path", path)
        .and_then(|n| reader.non_empty_string(n, &format!("{path}.path")))?;
    if !url_path.value.starts_with('/') || url_path.value.chars().any(char::is_whitespace) {
        reader.report(
            Problem::at(
                url_path.site,
                format!("`{path}.path` must be a path starting with `/`"),
            )
            .label("not a path")
            .help("write e.g. `/api/checkout?items=2`"),
        );
        return None;
    }
    let body_file = fields
        .get("body-file")
        .and_then(|n| reader.location(n, &format!("{path}.body-file")));
    let headers = fields
        .get("headers")
        .map(|n| reader.environment(n, &format!("{path}.headers")))
        .unwrap_or_default();
    if let Some(target) = &target {
        file.targets.push(target.clone());
    }
    Some(Request {
        method: method.to_owned(),
        path: url_path.value,
        body_file: body_file.map(|b| b.value),
        headers,
        target: target.map(|t| t.value),
    })
}

fn read_rate(reader: &mut Reader, node: &Node, path: &str) -> Option<f64> {
    let text = reader.string(node, path)?;
    let rate = parse_rate(&text.value);
    if rate.is_none() {
        reader.report(
            Problem::at(
                text.site,
                format!("`{path}` must be a rate such as `50/s` or `600/m`"),
            )
            .label("not a rate"),
        );
    }
    rate
}

fn read_budgets(
    reader: &mut Reader,
    node: &Node,
    path: &str,
    figures: &[Figure],
) -> Vec<NamedBudget> {
    let keys: Vec<&str> = figures.iter().map(|f| f.key()).collect();
    let fields = reader.fields(node, path, &keys);
    let mut budgets = Vec::new();
    for figure in figures {
        let Some(value) = fields.get(figure.key()) else {
            continue;
        };
        let key_path = format!("{path}.{}", figure.key());
        let items: Vec<&Node> = match &value.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![value],
        };
        for item in items {
            let Some(text) = reader.string(item, &key_path) else {
                continue;
            };
            match parse_budget(&text.value, *figure) {
                Ok(budget) => budgets.push(NamedBudget {
                    figure: *figure,
                    budget,
                }),
                Err(err) => report_budget(reader, item, &text, &key_path, err),
            }
        }
    }
    budgets
}

/// Points at the part of the budget that is wrong when the value is written
/// as is (not quoted or escaped), at the whole value otherwise.
fn report_budget(
    reader: &mut Reader,
    node: &Node,
    text: &Located<String>,
    path: &str,
    err: BudgetError,
) {
    let span = node.span;
    let written = reader.file.text.get(span.offset..span.offset + span.len);
    let site = if written == Some(text.value.as_str()) {
        let inner = Span {
            offset: span.offset + err.offset,
            len: err.len,
        };
        Site::new(&reader.file, inner)
    } else {
        text.site.clone()
    };
    reader.report(
        Problem::at(site, format!("invalid budget in `{path}`: {}", err.message))
            .label(err.message)
            .help(err.help),
    );
}

/// Each `request.target` names a service of the application.
pub fn check_targets<'a>(
    targets: impl Iterator<Item = &'a Located<String>>,
    roles: &std::collections::HashSet<&str>,
    problems: &mut super::problem::Problems,
) {
    let mut known: Vec<&str> = roles.iter().copied().collect();
    known.sort_unstable();
    for target in targets {
        if roles.contains(target.value.as_str()) {
            continue;
        }
        let mut problem = Problem::at(
            target.site.clone(),
            format!(
                "`request.target` names `{}`, which is not a service",
                target.value
            ),
        )
        .label("unknown service");
        problem = match super::names::suggest(&target.value, &known) {
            Some(best) => problem.help(format!("did you mean `{best}`?")),
            None => problem.help(format!("the services are: {}", known.join(", "))),
        };
        problems.push(problem);
    }
}

#[cfg(test)]
mod tests {
    use crate::core::model::performance::{Figure, OpenLoad, Runner, Scenario, Statistic};
    use std::time::Duration;

    fn open(scenario: &Scenario) -> &OpenLoad {
        match &scenario.runner {
            Runner::Exo(load) => load,
            Runner::K6 { .. } => panic!("{scenario:?} is a k6 scenario"),
        }
    }

    #[test]
    fn scenarios_budgets_and_journeys_load_into_the_model() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("application.yml"),
            "name: shop\nservices:\n  web:\n    location: ./web\n  api:\n    location: ./api\n\
             performance:\n  scenarios:\n    - name: browse\n      request: {path: /, target: api}\n\
             \x20     rate: 600/m\n      duration: 5s\n  baseline: {max-regression: 5%}\n",
        )
        .unwrap();
        for (role, extra) in [("web", ""), ("api", "")] {
            std::fs::create_dir(dir.path().join(role)).unwrap();
            let text = format!(
                "type: private\nperformance:\n  scenarios:\n    - name: home\n      request:\n\
                 \x20       method: POST\n        path: /api\n        headers: {{x-a: b}}\n\
                 \x20     rate: 50/s\n      duration: 30s\n      warm-up: 5s\n      budgets:\n\
                 \x20       latency: [p95 < 200ms, max < 1s]\n        errors: 0\n\
                 \x20 budgets:\n    memory: max < 256MiB\n    restarts: 0\n{extra}"
            );
            std::fs::write(dir.path().join(role).join("service.yml"), text).unwrap();
        }
        let app = crate::core::config::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        let web = &app.services["web"].config.performance;
        let home = open(&web.scenarios[0]);
        assert_eq!((home.rate, home.duration), (50.0, Duration::from_secs(30)));
        assert_eq!(home.warm_up, Duration::from_secs(5));
        assert_eq!(home.request.method, "POST");
        assert_eq!(home.request.headers["x-a"], "b");
        assert_eq!(home.request.target, None);
        let budgets = &web.scenarios[0].budgets;
        let names: Vec<String> = budgets.iter().map(|b| b.name()).collect();
        assert_eq!(names, ["latency p95", "latency max", "errors"]);
        assert_eq!(budgets[2].budget.statistic, Statistic::Count);
        assert_eq!(web.budgets[0].figure, Figure::Memory);
        let journey = open(&app.performance.scenarios[0]);
        assert_eq!(journey.request.target.as_deref(), Some("api"));
        assert!((journey.rate - 10.0).abs() < 1e-9);
        assert_eq!(app.performance.baseline.unwrap().max_regression, 0.05);
    }
}
