//! Reads `health-check`: a string is an HTTP path (0.37's form); a map names
//! one kind of check (`http`, `tcp`, `command`, `log`) and its timing.

use super::problem::Problem;
use super::reader::Reader;
use super::yaml::{Node, Value};
use crate::core::model::{Check, CommandLine, Probe};

const KINDS: [&str; 4] = ["http", "tcp", "command", "log"];
const KEYS: [&str; 10] = [
    "http",
    "tcp",
    "command",
    "log",
    "port",
    "interval",
    "timeout",
    "start-period",
    "start-interval",
    "retries",
];

pub fn read_probe(reader: &mut Reader, node: &Node, path: &str) -> Option<Probe> {
    if let Value::String(text) = &node.value {
        return http_path(reader, node, path, text)
            .map(|path| Probe::new(Check::Http { path, port: None }));
    }
    if !matches!(node.value, Value::Map(_)) {
        let problem = Problem::at(
            reader.site(node),
            format!(
                "`{path}` must be an HTTP path or a map, found {}",
                node.value.kind()
            ),
        )
        .label("not a health check")
        .help("write `/health`, or a map with one of `http`, `tcp`, `command`, `log`");
        reader.report(problem);
        return None;
    }
    let fields = reader.fields(node, path, &KEYS);
    let kinds: Vec<&str> = KINDS
        .into_iter()
        .filter(|k| fields.get(k).is_some())
        .collect();
    let port = fields
        .get("port")
        .and_then(|n| reader.port(n, &format!("{path}.port")))
        .map(|p| p.value);
    let check = match kinds.as_slice() {
        [] => {
            let problem = Problem::at(
                reader.site(node),
                format!("`{path}` names no kind of check"),
            )
            .label("no check")
            .help("add one of `http: /path`, `tcp: true`, `command: ...` or `log: text`");
            reader.report(problem);
            None
        }
        [kind] => read_check(
            reader,
            fields.get(kind)?,
            &format!("{path}.{kind}"),
            kind,
            port,
        ),
        [first, second, ..] => {
            let key = fields.key(second).unwrap_or(node);
            let problem = Problem::at(
                reader.site(key),
                format!("`{path}` has both `{first}` and `{second}`; a health check has one kind"),
            )
            .label("second kind of check")
            .help("keep one of them");
            reader.report(problem);
            None
        }
    };
    let mut probe = Probe::new(check?);
    if let Some(n) = fields.get("interval") {
        probe.interval = positive_duration(reader, n, &format!("{path}.interval"))?;
    }
    if let Some(n) = fields.get("timeout") {
        probe.timeout = positive_duration(reader, n, &format!("{path}.timeout"))?;
    }
    if let Some(n) = fields.get("start-period") {
        probe.start_period = reader.duration(n, &format!("{path}.start-period"))?;
    }
    if let Some(n) = fields.get("start-interval") {
        probe.start_interval = Some(positive_duration(
            reader,
            n,
            &format!("{path}.start-interval"),
        )?);
    }
    if let Some(n) = fields.get("retries") {
        probe.retries = reader.positive_integer(n, &format!("{path}.retries"))?;
    }
    Some(probe)
}

fn read_check(
    reader: &mut Reader,
    node: &Node,
    path: &str,
    kind: &str,
    port: Option<u16>,
) -> Option<Check> {
    match kind {
        "http" => {
            let text = reader.non_empty_string(node, path)?;
            http_path(reader, node, path, &text.value).map(|path| Check::Http { path, port })
        }
        "tcp" => match &node.value {
            Value::Bool(true) => Some(Check::Tcp { port }),
            _ if port.is_none() => reader.port(node, path).map(|p| Check::Tcp {
                port: Some(p.value),
            }),
            _ => {
                let problem = Problem::at(
                    reader.site(node),
                    format!("`{path}` must be `true` when `port` is given"),
                )
                .label("expected `true`");
                reader.report(problem);
                None
            }
        },
        "command" => command_line(reader, node, path).map(Check::Command),
        _ => reader
            .non_empty_string(node, path)
            .map(|text| Check::Log { text: text.value }),
    }
}

/// A command is a string (run by the container's shell) or a list (run as is).
pub fn command_line(reader: &mut Reader, node: &Node, path: &str) -> Option<CommandLine> {
    match &node.value {
        Value::Seq(_) => {
            let words: Vec<String> = reader
                .string_list(node, path)
                .into_iter()
                .map(|w| w.value)
                .collect();
            if words.is_empty() {
                let problem = Problem::at(reader.site(node), format!("`{path}` must not be empty"))
                    .label("empty command");
                reader.report(problem);
                return None;
            }
            Some(CommandLine::Exec(words))
        }
        _ => reader
            .non_empty_string(node, path)
            .map(|text| CommandLine::Shell(text.value)),
    }
}

fn http_path(reader: &mut Reader, node: &Node, path: &str, text: &str) -> Option<String> {
    if text.starts_with('/') && !text.contains(char::is_whitespace) {
        return Some(text.to_owned());
    }
    let problem = Problem::at(
        reader.site(node),
        format!("`{path}` must be an HTTP path starting with `/`, found \"{text}\""),
    )
    .label("not a path")
    .help(if text.contains("://") {
        "give only the path; exo knows the host and port"
    } else {
        "for example `/health`"
    });
    reader.report(problem);
    None
}

fn positive_duration(reader: &mut Reader, node: &Node, path: &str) -> Option<std::time::Duration> {
    let duration = reader.duration(node, path)?;
    if duration.is_zero() {
        let problem = Problem::at(
            reader.site(node),
            format!("`{path}` must be longer than zero"),
        )
        .label("zero");
        reader.report(problem);
        return None;
    }
    Some(duration)
}
