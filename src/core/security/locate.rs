//! Where a finding is: a key path in a YAML file, or a line of a Dockerfile.

use crate::core::config::yaml::{self, Node, Value};

/// A place in a file, 1-based, with its line as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub snippet: String,
}

impl Location {
    /// The `offset`th byte of `text`.
    pub fn at(file: &str, text: &str, offset: usize) -> Location {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[start..].chars().count() + 1;
        let snippet = text[start..].lines().next().unwrap_or_default().trim_end();
        Location {
            file: file.to_owned(),
            line,
            column,
            snippet: snippet.to_owned(),
        }
    }

    /// The start of line `line` (1-based) of `text`.
    pub fn line(file: &str, text: &str, line: usize) -> Location {
        let snippet = text.lines().nth(line - 1).unwrap_or_default();
        let column = snippet.len() - snippet.trim_start().len() + 1;
        Location {
            file: file.to_owned(),
            line,
            column,
            snippet: snippet.trim_end().to_owned(),
        }
    }
}

/// One YAML file: its name, the role whose service.yml it is (none for
/// application.yml), its text and tree.
#[derive(Debug)]
pub struct YamlFile {
    pub name: String,
    pub role: Option<String>,
    pub text: String,
    root: Option<Node>,
}

impl YamlFile {
    pub fn new(name: &str, role: Option<&str>, text: String) -> YamlFile {
        YamlFile {
            name: name.to_owned(),
            role: role.map(str::to_owned),
            root: yaml::parse(&text).ok(),
            text,
        }
    }

    pub fn root(&self) -> Option<&Node> {
        self.root.as_ref()
    }

    /// The value at a key path, e.g. `["local", "dependencies", "db"]`.
    pub fn find(&self, path: &[&str]) -> Option<&Node> {
        let mut node = self.root.as_ref()?;
        for key in path {
            node = entry(node, key)?.1;
        }
        Some(node)
    }

    /// Where the value at `path` is written; if it is not, the key of its
    /// nearest written parent (the file's start when none is).
    pub fn locate(&self, path: &[&str]) -> Option<Location> {
        let root = self.root.as_ref()?;
        if let Some(node) = self.find(path) {
            return Some(self.location(node));
        }
        let mut node = root;
        let mut at = root;
        for key in path {
            let Some((key_node, value)) = entry(node, key) else {
                break;
            };
            at = key_node;
            node = value;
        }
        Some(self.location(at))
    }

    pub fn location(&self, node: &Node) -> Location {
        Location::at(&self.name, &self.text, node.span.offset)
    }
}

/// The key and value of `key` in a map.
fn entry<'n>(node: &'n Node, key: &str) -> Option<(&'n Node, &'n Node)> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::String(s) if s == key))
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}
