//! Typed reading of a YAML [`Node`] tree. Every reader records what is wrong
//! in [`Problems`] and returns what it could read, so that one pass finds
//! every problem of a file.

use super::duration::{OutOfRange, compose_range, parse_duration, spelled_duration};
use super::names::{image_problem, suggest};
use super::problem::{Problem, Problems, Site, SourceFile};
use super::yaml::{Node, Value};
use std::sync::Arc;
use std::time::Duration;

/// A value together with where it was written.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub site: Site,
}

/// The file being read and the problems found so far.
pub struct Reader<'p> {
    pub file: Arc<SourceFile>,
    problems: &'p mut Problems,
}

impl<'p> Reader<'p> {
    pub fn new(file: Arc<SourceFile>, problems: &'p mut Problems) -> Self {
        Reader { file, problems }
    }

    pub fn site(&self, node: &Node) -> Site {
        Site::new(&self.file, node.span)
    }

    pub fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        let problem = Problem::at(
            self.site(node),
            format!("`{path}` must be {expected}, found {}", node.value.kind()),
        )
        .label(format!("expected {expected}"));
        self.report(problem);
    }

    /// Reads a map whose keys are fixed. Unknown keys are problems with a
    /// "did you mean" hint; keys starting with `x-` are extensions and ignored,
    /// as in Compose. `key:` with no value reads as an empty map.
    pub fn fields<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> Fields<'n> {
        let mut fields = Fields::default();
        for (key, name, value) in self.entries(node, path) {
            if known.contains(&name) {
                fields.entries.push((key, name, value));
            } else if !name.starts_with("x-")
                && let Some(meant) = self.unknown_key(key, name, path, known)
            {
                fields.misspelt.push(meant.to_owned());
            }
        }
        fields
    }

    /// Reports an unknown key; returns the known key it is likely a typo of.
    fn unknown_key<'k>(
        &mut self,
        key: &Node,
        name: &str,
        path: &str,
        known: &[&'k str],
    ) -> Option<&'k str> {
        let place = if path.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("in `{path}`")
        };
        let mut problem = Problem::at(self.site(key), format!("unknown key `{name}` {place}"))
            .label("unknown key");
        let meant = suggest(name, known);
        problem = match meant {
            Some(best) => problem.help(format!("did you mean `{best}`?")),
            None => problem.help(format!("known keys here: {}", known.join(", "))),
        };
        self.report(problem);
        meant
    }

    /// The top-level keys of a whole file. An empty file, or one that is not
    /// a map, is one problem about the file; `None` then, so that its keys
    /// are not also reported one by one.
    pub fn file_fields<'n>(
        &mut self,
        root: &'n Node,
        expected: &FileShape,
        known: &[&str],
    ) -> Option<Fields<'n>> {
        let name = self
            .file
            .name
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        match &root.value {
            Value::Map(_) => Some(self.fields(root, "", known)),
            Value::Null => {
                let problem = Problem::at(self.site(root), format!("{name} is empty"))
                    .label(expected.missing)
                    .help(expected.start);
                self.report(problem);
                None
            }
            other => {
                let problem = Problem::at(
                    self.site(root),
                    format!("{name} must be a map, found {}", other.kind()),
                )
                .label(expected.keys);
                self.report(problem);
                None
            }
        }
    }

    /// One of a fixed set of words, with a "did you mean" for near misses.
    pub fn choice(
        &mut self,
        node: &Node,
        path: &str,
        names: &[&'static str],
    ) -> Option<&'static str> {
        let text = self.string(node, path)?;
        if let Some(name) = names.iter().find(|n| **n == text.value) {
            return Some(name);
        }
        let mut problem = Problem::at(
            text.site,
            format!(
                "invalid value \"{}\" for `{path}`: must be one of {}",
                text.value,
                names.join(", ")
            ),
        )
        .label("not one of the choices");
        if let Some(best) = suggest(&text.value, names) {
            problem = problem.help(format!("did you mean `{best}`?"));
        }
        self.report(problem);
        None
    }

    /// Reads a map with free keys (roles, variable names), in file order.
    pub fn entries<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
    ) -> Vec<(&'n Node, &'n str, &'n Node)> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Map(entries) => entries
                .iter()
                .map(|(key, value)| {
                    let name = match &key.value {
                        Value::String(s) => s.as_str(),
                        _ => "",
                    };
                    (key, name, value)
                })
                .collect(),
            _ => {
                self.wrong_type(node, path, "a map");
                Vec::new()
            }
        }
    }

    /// A scalar read as text (`port: 80` and `port: "80"` are both "80").
    /// Every text of the configuration reaches Docker as a variable, an
    /// argument or a path, none of which can hold a NUL character: the
    /// engine refuses it only when the container starts. Other control
    /// characters but tab and line breaks have no place in a name, command,
    /// path or value either, and some mean something to the writers.
    pub fn string(&mut self, node: &Node, path: &str) -> Option<Located<String>> {
        let Some(value) = node.text() else {
            self.wrong_type(node, path, "a string");
            return None;
        };
        let problem = if value.contains('\0') {
            Problem::at(
                self.site(node),
                format!("`{path}` holds a NUL character, which Docker cannot pass on"),
            )
            .label("NUL character (`\\0`)")
            .help("remove the `\\0`: environment values, commands and paths end at a NUL")
        } else if let Some(c) = value.chars().find(|c| is_refused_control(*c)) {
            Problem::at(
                self.site(node),
                format!(
                    "`{path}` holds the control character U+{:04X}",
                    u32::from(c)
                ),
            )
            .label("control character")
            .help("remove it: only tabs and line breaks may be part of a value")
        } else {
            if value.contains("$$") {
                self.warn_doubled_dollar(node, path, &value);
            }
            return Some(Located {
                value,
                site: self.site(node),
            });
        };
        self.report(problem);
        None
    }

    /// Exosphere 0.37 passed values to Compose as they were, so `$$` was
    /// its literal `$`; exo escapes `$` itself, so the same `$$` now stays
    /// two dollars, which a file written for 0.37 did not mean.
    fn warn_doubled_dollar(&mut self, node: &Node, path: &str, value: &str) {
        let written = value.replace('$', "$$");
        let warning = Problem::at(
            self.site(node),
            format!(
                "`{path}` holds `$$`, which exo passes on as two dollars: it writes `{written}` into the Compose file, so the container gets `{value}`"
            ),
        )
        .label("`$$` is two dollars")
        .help("exo passes `$` on as it is written: for one literal `$`, write `$` alone (Exosphere 0.37 needed `$$`)");
        self.problems.warn(warning);
    }

    /// A string that must not be empty.
    pub fn non_empty_string(&mut self, node: &Node, path: &str) -> Option<Located<String>> {
        let text = self.string(node, path)?;
        if text.value.trim().is_empty() {
            let problem =
                Problem::at(text.site, format!("`{path}` must not be empty")).label("empty value");
            self.report(problem);
            return None;
        }
        Some(text)
    }

    /// An image reference Docker accepts, e.g. `postgres:16`.
    pub fn image(&mut self, node: &Node, path: &str) -> Option<Located<String>> {
        let image = self.non_empty_string(node, path)?;
        let Some(reason) = image_problem(&image.value) else {
            return Some(image);
        };
        let problem = Problem::at(
            image.site,
            format!("`{path}` is not an image reference Docker accepts: {reason}"),
        )
        .label("invalid image reference")
        .help("write `name:tag` or `registry/name:tag`, e.g. `postgres:16`");
        self.report(problem);
        None
    }

    /// A directory relative to the application. `:` would split the
    /// `dir:/mnt` volume of the Compose file, and control characters are
    /// no part of a directory one means to name.
    pub fn location(&mut self, node: &Node, path: &str) -> Option<Located<String>> {
        let location = self.non_empty_string(node, path)?;
        let reason = if location.value.contains(':') {
            "`:` separates the parts of a Compose volume"
        } else if location.value.chars().any(char::is_control) {
            "it holds control characters"
        } else {
            return Some(location);
        };
        let problem = Problem::at(
            location.site,
            format!("`{path}` cannot be used as a directory in a Compose file: {reason}"),
        )
        .label("unusable directory name")
        .help("rename the directory");
        self.report(problem);
        None
    }

    /// A list of strings; `key:` with nothing is an empty list.
    pub fn string_list(&mut self, node: &Node, path: &str) -> Vec<Located<String>> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.non_empty_string(item, &format!("{path}[{i}]")))
                .collect(),
            _ => {
                self.wrong_type(node, path, "a list of strings");
                Vec::new()
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::String(text)
                if matches!(
                    text.to_lowercase().as_str(),
                    "yes" | "no" | "on" | "off" | "y" | "n"
                ) =>
            {
                let meant = matches!(text.to_lowercase().as_str(), "yes" | "on" | "y");
                let problem = Problem::at(
                    self.site(node),
                    format!("`{path}` must be `true` or `false`, found the text \"{text}\""),
                )
                .label("expected `true` or `false`")
                .help(format!("YAML 1.2 reads `{text}` as text; write `{meant}`"));
                self.report(problem);
                None
            }
            _ => {
                self.wrong_type(node, path, "`true` or `false`");
                None
            }
        }
    }

    /// A TCP port, written as a number or a string of digits.
    pub fn port(&mut self, node: &Node, path: &str) -> Option<Located<u16>> {
        let parsed = match &node.value {
            Value::String(s) => port_number(s),
            value => value
                .whole_number()
                .and_then(|i| u16::try_from(i).ok())
                .filter(|p| *p > 0),
        };
        match parsed {
            Some(value) => Some(Located {
                value,
                site: self.site(node),
            }),
            None => {
                let found = match &node.value {
                    Value::Int(i) => format!("{i}"),
                    Value::String(s) => format!("\"{s}\""),
                    other => other.kind().to_owned(),
                };
                let problem = Problem::at(
                    self.site(node),
                    format!("`{path}` must be a port number from 1 to 65535, found {found}"),
                )
                .label("not a port");
                self.report(problem);
                None
            }
        }
    }

    pub fn positive_integer(&mut self, node: &Node, path: &str) -> Option<u32> {
        match node.value.whole_number() {
            Some(i) => match u32::try_from(i) {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    let (message, label) = if i > 0 {
                        (format!("`{path}` is too large: {i}"), "too large")
                    } else {
                        (
                            format!("`{path}` must be a whole number above 0, found {i}"),
                            "not above 0",
                        )
                    };
                    self.report(Problem::at(self.site(node), message).label(label));
                    None
                }
            },
            None => {
                self.wrong_type(node, path, "a whole number above 0");
                None
            }
        }
    }

    pub fn number(&mut self, node: &Node, path: &str) -> Option<f64> {
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) if f.is_finite() => Some(f),
            _ => {
                self.wrong_type(node, path, "a number");
                None
            }
        }
    }

    /// A duration such as `500ms`, `2s`, `1m30s` or `1h`.
    pub fn duration(&mut self, node: &Node, path: &str) -> Option<Duration> {
        let parsed = match &node.value {
            Value::String(s) => parse_duration(s),
            _ => None,
        };
        if parsed.is_none() {
            let mut problem = Problem::at(
                self.site(node),
                format!("`{path}` must be a duration such as `500ms`, `2s` or `1m30s`"),
            )
            .label("not a duration");
            let hint = match &node.value {
                Value::Int(i) => Some(format!("add a unit: `{i}s` or `{i}ms`")),
                Value::Float(f) => Some(format!("add a unit: `{f}s`")),
                Value::String(text) => {
                    spelled_duration(text).map(|short| format!("write `{short}`"))
                }
                _ => None,
            };
            if let Some(hint) = hint {
                problem = problem.help(hint);
            }
            self.report(problem);
            return None;
        }
        let duration = parsed?;
        let Err(reason) = compose_range(duration) else {
            return Some(duration);
        };
        let (message, label, help) = match reason {
            OutOfRange::TooLong => (
                format!("`{path}` is longer than Compose can read"),
                "too long",
                "the longest duration Compose reads is 2562047h (about 292 years)",
            ),
            OutOfRange::BelowMillisecond => (
                format!("`{path}` is under a millisecond"),
                "under 1ms",
                "Compose would read it as 0s, which Docker replaces by its default of 30s; write at least `1ms`",
            ),
            OutOfRange::FinerThanMillisecond => (
                format!("`{path}` is not a whole number of milliseconds"),
                "finer than 1ms",
                "durations are passed on in milliseconds; round it, e.g. `1500ms`",
            ),
        };
        self.report(
            Problem::at(self.site(node), message)
                .label(label)
                .help(help),
        );
        None
    }
}

/// A port written as text: its digits, 1 to 65535.
pub fn port_number(text: &str) -> Option<u16> {
    text.trim().parse::<u16>().ok().filter(|p| *p > 0)
}

/// A control character other than tab, line feed and carriage return.
fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// What a configuration file should start with, for [`Reader::file_fields`].
pub struct FileShape {
    /// Label of an empty file, e.g. "no `type`".
    pub missing: &'static str,
    /// Help for an empty file.
    pub start: &'static str,
    /// Label of a file that is not a map.
    pub keys: &'static str,
}

/// The entries of a map read with [`Reader::fields`].
#[derive(Default)]
pub struct Fields<'n> {
    entries: Vec<(&'n Node, &'n str, &'n Node)>,
    /// Known keys that an unknown key was reported as a typo of.
    misspelt: Vec<String>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(_, key, _)| *key == name)
            .map(|(_, _, value)| *value)
    }

    /// Whether a required key is missing only because it was misspelt, which
    /// was reported already.
    pub fn is_misspelt(&self, name: &str) -> bool {
        self.misspelt.iter().any(|m| m == name)
    }

    /// The key node itself, to point at the key rather than its value.
    pub fn key(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(_, key, _)| *key == name)
            .map(|(key, _, _)| *key)
    }
}
