//! `compose:`, the escape hatch: Compose keys exo has no word for, passed
//! into a service's generated definition as written. Checked here, when
//! loading, against the service keys of the Compose Specification (name and
//! kind of value); `docker compose config` judges the rest.

use super::json_of;
use super::names::suggest;
use super::problem::Problem;
use super::reader::Reader;
use super::yaml::{Node, Value};
use crate::core::model::ComposeKeys;

/// The kind of value a Compose service key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    /// A number, or text with a unit (`2g`, `1.5`).
    Amount,
    Flag,
    List,
    Map,
    /// A list, or a map (`labels`, `extra_hosts`, `sysctls`).
    ListOrMap,
    /// One text or a list (`env_file`, `dns`).
    TextOrList,
}

impl Shape {
    fn accepts(self, value: &Value) -> bool {
        let text = matches!(value, Value::String(_));
        let amount = matches!(value, Value::Int(_) | Value::Float(_)) || text;
        match self {
            Shape::Text => text || amount,
            Shape::Amount => amount,
            Shape::Flag => matches!(value, Value::Bool(_)),
            Shape::List => matches!(value, Value::Seq(_)),
            Shape::Map => matches!(value, Value::Map(_)),
            Shape::ListOrMap => matches!(value, Value::Seq(_) | Value::Map(_)),
            Shape::TextOrList => text || matches!(value, Value::Seq(_)),
        }
    }

    /// As in "must be {description}".
    pub fn description(self) -> &'static str {
        match self {
            Shape::Text => "a string",
            Shape::Amount => "a number or a string",
            Shape::Flag => "`true` or `false`",
            Shape::List => "a list",
            Shape::Map => "a map",
            Shape::ListOrMap => "a list or a map",
            Shape::TextOrList => "a string or a list",
        }
    }
}

/// The service keys of the Compose Specification that `compose:` passes
/// on, with the kind of value each takes.
pub const SERVICE_KEYS: &[(&str, Shape)] = &[
    ("annotations", Shape::ListOrMap),
    ("attach", Shape::Flag),
    ("blkio_config", Shape::Map),
    ("cap_add", Shape::List),
    ("cap_drop", Shape::List),
    ("cgroup", Shape::Text),
    ("cgroup_parent", Shape::Text),
    ("command", Shape::TextOrList),
    ("configs", Shape::List),
    ("cpu_count", Shape::Amount),
    ("cpu_percent", Shape::Amount),
    ("cpu_period", Shape::Amount),
    ("cpu_quota", Shape::Amount),
    ("cpu_rt_period", Shape::Amount),
    ("cpu_rt_runtime", Shape::Amount),
    ("cpu_shares", Shape::Amount),
    ("cpus", Shape::Amount),
    ("cpuset", Shape::Text),
    ("credential_spec", Shape::Map),
    ("deploy", Shape::Map),
    ("develop", Shape::Map),
    ("device_cgroup_rules", Shape::List),
    ("devices", Shape::List),
    ("dns", Shape::TextOrList),
    ("dns_opt", Shape::List),
    ("dns_search", Shape::TextOrList),
    ("domainname", Shape::Text),
    ("entrypoint", Shape::TextOrList),
    ("env_file", Shape::TextOrList),
    ("expose", Shape::List),
    ("external_links", Shape::List),
    ("extra_hosts", Shape::ListOrMap),
    ("gpus", Shape::TextOrList),
    ("group_add", Shape::List),
    ("hostname", Shape::Text),
    ("init", Shape::Flag),
    ("ipc", Shape::Text),
    ("isolation", Shape::Text),
    ("label_file", Shape::TextOrList),
    ("labels", Shape::ListOrMap),
    ("links", Shape::List),
    ("logging", Shape::Map),
    ("mac_address", Shape::Text),
    ("mem_limit", Shape::Amount),
    ("mem_reservation", Shape::Amount),
    ("mem_swappiness", Shape::Amount),
    ("memswap_limit", Shape::Amount),
    ("network_mode", Shape::Text),
    ("networks", Shape::ListOrMap),
    ("oom_kill_disable", Shape::Flag),
    ("oom_score_adj", Shape::Amount),
    ("pid", Shape::Text),
    ("pids_limit", Shape::Amount),
    ("platform", Shape::Text),
    ("ports", Shape::List),
    ("post_start", Shape::List),
    ("pre_stop", Shape::List),
    ("privileged", Shape::Flag),
    ("profiles", Shape::List),
    ("pull_policy", Shape::Text),
    ("read_only", Shape::Flag),
    ("runtime", Shape::Text),
    ("scale", Shape::Amount),
    ("secrets", Shape::List),
    ("security_opt", Shape::List),
    ("shm_size", Shape::Amount),
    ("stdin_open", Shape::Flag),
    ("stop_grace_period", Shape::Text),
    ("stop_signal", Shape::Text),
    ("storage_opt", Shape::Map),
    ("sysctls", Shape::ListOrMap),
    ("tmpfs", Shape::TextOrList),
    ("tty", Shape::Flag),
    ("ulimits", Shape::Map),
    ("user", Shape::Text),
    ("userns_mode", Shape::Text),
    ("uts", Shape::Text),
    ("volumes", Shape::List),
    ("volumes_from", Shape::List),
    ("working_dir", Shape::Text),
];

/// Compose keys exo writes itself, with what to write instead: letting
/// `compose:` replace them would undo what exo guarantees (images per
/// mode and project, readiness, start order, variables, restarts).
pub const OWNED_KEYS: &[(&str, &str)] = &[
    (
        "image",
        "write `docker-image` in application.yml (a dependency's `image`)",
    ),
    (
        "build",
        "write `location` in application.yml; exo builds Dockerfile.dev and Dockerfile.prod there",
    ),
    (
        "command",
        "write `development.scripts.run` (and `scripts.test` for `exo test`)",
    ),
    (
        "environment",
        "write `local.environment-variables` (and `local.secrets` for values from the environment); `env_file` passes through",
    ),
    (
        "healthcheck",
        "write `development.health-check` (a dependency's `health-check`)",
    ),
    (
        "depends_on",
        "write `development.depends-on`; services wait for their dependencies already",
    ),
    (
        "restart",
        "write `development.restart`: exo restarts services itself under `exo run`",
    ),
    (
        "container_name",
        "leave it out: exo runs the tests' project beside the application's, and one name cannot serve both",
    ),
    (
        "extends",
        "write the keys themselves: the generated file lives in another directory than yours",
    ),
    (
        "x-exo",
        "use another `x-` name: `x-exo` holds exo's own settings",
    ),
];

/// Whose `compose:` it is: exo writes no command for a dependency, so a
/// dependency may give one (`redis-server --appendonly yes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Service,
    Dependency,
}

impl Owner {
    /// The keys exo writes for this owner, with what to write instead.
    pub fn owned_keys(self) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        OWNED_KEYS
            .iter()
            .filter(move |(key, _)| !(self == Owner::Dependency && *key == "command"))
    }
}

/// Reads `compose:` at `path`. `base` is the directory relative paths in
/// it start from (the service's, or `.` for application.yml).
pub fn read_compose(
    reader: &mut Reader,
    node: &Node,
    path: &str,
    base: &str,
    owner: Owner,
) -> ComposeKeys {
    let mut keys = ComposeKeys {
        base: base.to_owned(),
        keys: indexmap::IndexMap::new(),
    };
    let known: Vec<&str> = SERVICE_KEYS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !owner.owned_keys().any(|(owned, _)| owned == name))
        .collect();
    for (key, name, value) in reader.entries(node, path) {
        let at = format!("{path}.{name}");
        if let Some((_, instead)) = owner.owned_keys().find(|(owned, _)| *owned == name) {
            reader.report(
                Problem::at(
                    reader.site(key),
                    format!("`{at}` is written by exo and cannot be replaced"),
                )
                .label("exo writes this key")
                .help(*instead),
            );
            continue;
        }
        if !name.starts_with("x-") {
            let Some((_, shape)) = SERVICE_KEYS.iter().find(|(known, _)| *known == name) else {
                let mut problem = Problem::at(
                    reader.site(key),
                    format!("`{name}` is not a key of a Compose service, in `{path}`"),
                )
                .label("unknown Compose key");
                problem = match suggest(name, &known) {
                    Some(meant) => problem.help(format!("did you mean `{meant}`?")),
                    None => problem.help(
                        "`compose` takes the keys of a service of the Compose Specification, and `x-` keys",
                    ),
                };
                reader.report(problem);
                continue;
            };
            if !shape.accepts(&value.value) {
                reader.report(
                    Problem::at(
                        reader.site(value),
                        format!(
                            "`{at}` must be {}, found {}",
                            shape.description(),
                            value.value.kind()
                        ),
                    )
                    .label(format!("expected {}", shape.description())),
                );
                continue;
            }
        }
        if matches!(name, "env_file" | "label_file") {
            check_files(reader, value, &at);
        }
        keys.keys.insert(name.to_owned(), json_of(value));
    }
    keys
}

/// Each file an `env_file` or `label_file` names must exist (Compose
/// refuses to start otherwise), unless it says `required: false`; a path
/// is from the directory of the file that names it.
fn check_files(reader: &mut Reader, value: &Node, at: &str) {
    let Some(dir) = reader.file.dir.clone() else {
        return;
    };
    let items = match &value.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![value],
    };
    for item in items {
        let (path_node, required) = match &item.value {
            Value::Map(entries) => {
                let get = |name: &str| {
                    entries
                        .iter()
                        .find(|(key, _)| key.value == Value::String(name.to_owned()))
                        .map(|(_, value)| value)
                };
                let required = get("required").is_none_or(|r| r.value != Value::Bool(false));
                (get("path"), required)
            }
            _ => (Some(item), true),
        };
        let Some(path) = path_node.and_then(Node::text) else {
            continue;
        };
        if !required || path.starts_with(['~', '$']) || dir.join(&path).exists() {
            continue;
        }
        let site = reader.site(path_node.unwrap_or(item));
        reader.report(
            Problem::at(site, format!("`{at}` names `{path}`, which does not exist"))
                .label("no such file")
                .help("paths start from this file's directory; create the file, or write `{path: ..., required: false}`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::problem::{Problems, SourceFile};
    use crate::core::config::yaml::parse;
    use std::sync::Arc;

    fn read(text: &str) -> (ComposeKeys, Vec<String>) {
        let file = Arc::new(SourceFile {
            name: "web/service.yml".to_owned(),
            text: text.to_owned(),
            dir: None,
        });
        let root = parse(text).unwrap();
        let mut problems = Problems::default();
        let keys = read_compose(
            &mut Reader::new(file, &mut problems),
            &root,
            "compose",
            "web",
            Owner::Service,
        );
        let messages = problems
            .into_vec()
            .iter()
            .map(|p| format!("{} / {}", p.headline(), p.help.clone().unwrap_or_default()))
            .collect();
        (keys, messages)
    }

    #[test]
    fn known_and_extension_keys_pass_in_order() {
        let (keys, problems) =
            read("shm_size: 1g\ncap_add: [NET_ADMIN]\nx-team: {owner: payments}\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(keys.base, "web");
        let names: Vec<&str> = keys.keys.keys().map(String::as_str).collect();
        assert_eq!(names, ["shm_size", "cap_add", "x-team"]);
        assert_eq!(keys.keys["x-team"]["owner"], "payments");
    }

    #[test]
    fn owned_unknown_and_misshapen_keys_are_errors_with_a_place() {
        let (keys, problems) = read("image: nginx\ncap_ad: [X]\nprofiles: debug\nbogus: 1\n");
        assert!(keys.keys.is_empty());
        assert_eq!(
            problems,
            [
                "web/service.yml:1:1: `compose.image` is written by exo and cannot be replaced / write `docker-image` in application.yml (a dependency's `image`)",
                "web/service.yml:2:1: `cap_ad` is not a key of a Compose service, in `compose` / did you mean `cap_add`?",
                "web/service.yml:3:11: `compose.profiles` must be a list, found a string / ",
                "web/service.yml:4:1: `bogus` is not a key of a Compose service, in `compose` / `compose` takes the keys of a service of the Compose Specification, and `x-` keys",
            ]
        );
    }
}
