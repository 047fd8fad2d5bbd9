//! Reads `development.restart` and `development.watch`.

use super::problem::Problem;
use super::reader::{Located, Reader};
use super::yaml::{Node, Value};
use crate::core::model::{RestartPolicy, WatchAction, WatchPolicy, WatchRule};

const RESTART_KEYS: [&str; 9] = [
    "on-crash",
    "initial-delay",
    "multiplier",
    "max-delay",
    "reset-after",
    "max-crashes",
    "window",
    "on-unhealthy",
    "with-dependencies",
];

pub fn read_restart(reader: &mut Reader, node: &Node, path: &str) -> RestartPolicy {
    let mut policy = RestartPolicy::default();
    if let Value::Bool(enabled) = node.value {
        policy.on_crash = enabled;
        if !enabled {
            policy.unhealthy_after = None;
        }
        return policy;
    }
    let fields = reader.fields(node, path, &RESTART_KEYS);
    let at = |key: &str| format!("{path}.{key}");
    if let Some(n) = fields.get("on-crash") {
        policy.on_crash = reader
            .boolean(n, &at("on-crash"))
            .unwrap_or(policy.on_crash);
    }
    for (key, slot) in [
        ("initial-delay", &mut policy.initial_delay),
        ("max-delay", &mut policy.max_delay),
        ("reset-after", &mut policy.reset_after),
        ("window", &mut policy.window),
    ] {
        if let Some(n) = fields.get(key) {
            *slot = reader.duration(n, &at(key)).unwrap_or(*slot);
        }
    }
    if let Some(n) = fields.get("multiplier") {
        match reader.number(n, &at("multiplier")) {
            Some(m) if m >= 1.0 => policy.multiplier = m,
            Some(_) => reader.report(
                Problem::at(
                    reader.site(n),
                    format!("`{}` must be 1 or more", at("multiplier")),
                )
                .label("below 1")
                .help("1 keeps the delay constant; 2 doubles it after each crash"),
            ),
            None => {}
        }
    }
    if let Some(n) = fields.get("max-crashes") {
        policy.max_crashes = reader
            .positive_integer(n, &at("max-crashes"))
            .unwrap_or(policy.max_crashes);
    }
    if let Some(n) = fields.get("on-unhealthy") {
        policy.unhealthy_after = match n.value {
            Value::Bool(false) => None,
            _ => reader
                .duration(n, &at("on-unhealthy"))
                .or(policy.unhealthy_after),
        };
    }
    if let Some(n) = fields.get("with-dependencies") {
        policy.with_dependencies = reader
            .boolean(n, &at("with-dependencies"))
            .unwrap_or(policy.with_dependencies);
    }
    if policy.max_delay < policy.initial_delay {
        let site = fields
            .get("max-delay")
            .map_or_else(|| reader.site(node), |n| reader.site(n));
        reader.report(
            Problem::at(
                site,
                format!(
                    "`{}` is shorter than `{}`",
                    at("max-delay"),
                    at("initial-delay")
                ),
            )
            .label("shorter than the initial delay"),
        );
    }
    policy
}

const WATCH_KEYS: [&str; 6] = [
    "paths",
    "ignore",
    "action",
    "rules",
    "debounce",
    "poll-interval",
];

pub fn read_watch(reader: &mut Reader, node: &Node, path: &str) -> WatchPolicy {
    let mut policy = WatchPolicy::default();
    if let Value::Bool(enabled) = node.value {
        policy.enabled = enabled;
        return policy;
    }
    let fields = reader.fields(node, path, &WATCH_KEYS);
    let at = |key: &str| format!("{path}.{key}");
    if let Some(n) = fields.get("paths") {
        policy.paths = relative_paths(reader, n, &at("paths"))
            .into_iter()
            .map(|p| p.value)
            .collect();
    }
    if let Some(n) = fields.get("ignore") {
        policy.ignore = reader
            .string_list(n, &at("ignore"))
            .into_iter()
            .filter(|line| {
                // Adding the line parses its glob, which is all that can
                // fail; building the matcher would compile a regex per line.
                let mut lines = ignore::gitignore::GitignoreBuilder::new("/");
                let why = match lines.add_line(None, &line.value) {
                    Ok(_) => unclosed_class(&line.value),
                    Err(err) => Some(glob_error(&err)),
                };
                why.is_none_or(|why| !report_glob(reader, line, &at("ignore"), &why))
            })
            .map(|g| g.value)
            .collect();
    }
    if let Some(n) = fields.get("action") {
        policy.action = action(reader, n, &at("action")).unwrap_or(policy.action);
    }
    if let Some(n) = fields.get("rules") {
        policy.rules = rules(reader, n, &at("rules"));
    }
    if let Some(n) = fields.get("debounce") {
        policy.debounce = reader
            .duration(n, &at("debounce"))
            .unwrap_or(policy.debounce);
    }
    if let Some(n) = fields.get("poll-interval") {
        policy.poll_interval = reader
            .duration(n, &at("poll-interval"))
            .unwrap_or(policy.poll_interval);
    }
    policy
}

fn rules(reader: &mut Reader, node: &Node, path: &str) -> Vec<WatchRule> {
    let Value::Seq(items) = &node.value else {
        if !matches!(node.value, Value::Null) {
            reader.report(
                Problem::at(
                    reader.site(node),
                    format!(
                        "`{path}` must be a list of rules, found {}",
                        node.value.kind()
                    ),
                )
                .label("expected a list")
                .help("for example `- { paths: [Dockerfile.dev], action: rebuild }`"),
            );
        }
        return Vec::new();
    };
    let mut rules = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let fields = reader.fields(item, &item_path, &["paths", "action"]);
        let paths = fields.get("paths").map(|n| {
            let path = format!("{item_path}.paths");
            let globs = relative_paths(reader, n, &path);
            globs
                .into_iter()
                .filter(|glob| compiles(reader, glob, &path))
                .map(|glob| glob.value)
                .collect::<Vec<_>>()
        });
        let action = fields
            .get("action")
            .and_then(|n| action(reader, n, &format!("{item_path}.action")));
        match (paths, action) {
            (Some(paths), Some(action)) if !paths.is_empty() => {
                rules.push(WatchRule { paths, action })
            }
            (paths, action) => {
                if paths.is_none() || action.is_none() {
                    reader.report(
                        Problem::at(
                            reader.site(item),
                            format!("`{item_path}` needs both `paths` and `action`"),
                        )
                        .label("incomplete rule"),
                    );
                }
            }
        }
    }
    rules
}

/// Whether a rule's glob compiles as `exo run` will compile it (see
/// `watch::rules`); a problem at `node` if not.
fn compiles(reader: &mut Reader, glob: &Located<String>, path: &str) -> bool {
    let pattern = glob.value.trim_start_matches("./").trim_end_matches('/');
    match globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
    {
        Ok(_) => true,
        Err(err) => !report_glob(reader, glob, path, &err.kind().to_string()),
    }
}

/// gitignore reads an unclosed `[` as itself, which is rarely what was
/// meant (and what a rule's glob refuses): the reason, if `line` has one.
fn unclosed_class(line: &str) -> Option<String> {
    let pattern = line.strip_prefix('!').unwrap_or(line);
    let err = globset::GlobBuilder::new(pattern)
        .backslash_escape(true)
        .build()
        .err()?;
    (*err.kind() == globset::ErrorKind::UnclosedClass).then(|| err.kind().to_string())
}

/// The reason of a gitignore error, without the line it repeats.
fn glob_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Glob { err, .. } => err.clone(),
        other => other.to_string(),
    }
}

/// Reports a glob that does not compile; always true.
fn report_glob(reader: &mut Reader, item: &Located<String>, path: &str, why: &str) -> bool {
    reader.report(
        Problem::at(
            item.site.clone(),
            format!("`{path}` has a glob that does not compile: {}", item.value),
        )
        .label(why.to_owned())
        .help("check the brackets and braces: `*.log`, `src/**/*.js`, `{a,b}`, `[abc]`; write `\\[` for a literal `[`"),
    );
    true
}

fn action(reader: &mut Reader, node: &Node, path: &str) -> Option<WatchAction> {
    match reader.choice(node, path, &WatchAction::NAMES)? {
        "rebuild" => Some(WatchAction::Rebuild),
        "none" => Some(WatchAction::None),
        _ => Some(WatchAction::Restart),
    }
}

/// Paths or globs inside the service directory: no absolute paths, no `..`.
fn relative_paths(reader: &mut Reader, node: &Node, path: &str) -> Vec<Located<String>> {
    let mut paths = Vec::new();
    for item in reader.string_list(node, path) {
        if item.value.starts_with('/') || item.value.split('/').any(|part| part == "..") {
            reader.report(
                Problem::at(
                    item.site,
                    format!("`{path}` entries must stay inside the service directory"),
                )
                .label("outside the service")
                .help("write paths relative to the service's `location`"),
            );
        } else {
            paths.push(item);
        }
    }
    paths
}
