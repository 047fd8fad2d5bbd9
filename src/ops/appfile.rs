//! Edits of application.yml as text: a new service entry, a new image tag.
//! Everything outside the edited lines stays byte for byte (comments, blank
//! lines, order, quoting, line endings), which a parse-and-rewrite would lose,
//! as Exosphere 0.37's `exo add` did. The YAML tree is used only to find
//! where to edit.

use crate::core::config::yaml::{self, Node, Span, Value};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("application.yml is not valid YAML: {0}")]
    Syntax(String),
    #[error("application.yml is not a map of keys")]
    NotAMap,
    /// The name is taken; `span` is its key in the text.
    #[error("the {what} `{role}` already exists in application.yml")]
    Duplicate {
        what: &'static str,
        role: String,
        span: Span,
    },
    /// A map on the way is written `{...}`; `span` is where it starts.
    #[error(
        "{} in application.yml is written in flow style (`{{...}}`); write it as an indented block so that exo can add to it",
        name.as_ref().map_or("the whole document".to_owned(), |n| format!("`{n}`"))
    )]
    Flow { name: Option<String>, span: Span },
}

/// One entry of a map: its key, its fields in order, and comment lines
/// written above it (without the `# `).
pub struct ServiceEntry<'a> {
    pub role: &'a str,
    pub fields: Vec<(&'a str, &'a str)>,
    pub comments: Vec<String>,
}

/// `text` with `entry` appended to the `services` map (created at the end of
/// the file if there is none).
pub fn add_service(text: &str, entry: &ServiceEntry) -> Result<String, EditError> {
    add_entry(text, &["services"], "service", entry)
}

/// `text` with `entry` appended to `local.dependencies` (each level created
/// where it is missing).
pub fn add_dependency(text: &str, entry: &ServiceEntry) -> Result<String, EditError> {
    add_entry(text, &["local", "dependencies"], "dependency", entry)
}

fn add_entry(
    text: &str,
    path: &[&str],
    what: &'static str,
    entry: &ServiceEntry,
) -> Result<String, EditError> {
    let root = yaml::parse(text).map_err(|e| EditError::Syntax(e.message))?;
    let entries = match &root.value {
        Value::Map(entries) => entries.as_slice(),
        Value::Null => &[],
        _ => return Err(EditError::NotAMap),
    };
    // `{name: a, services: {...}}`: nothing can be appended after it.
    if let Some((first, _)) = entries.first()
        && let Some(brace) = text[..first.span.offset].trim_end().strip_suffix('{')
    {
        return Err(EditError::Flow {
            name: None,
            span: Span {
                offset: brace.len(),
                len: 1,
            },
        });
    }
    let edit = Edit {
        text,
        newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        what,
        entry,
    };
    edit.insert(entries, None, path)
}

/// One entry to add to `text`.
struct Edit<'t> {
    text: &'t str,
    newline: &'static str,
    what: &'static str,
    entry: &'t ServiceEntry<'t>,
}

impl Edit<'_> {
    /// Adds the rest of `path`, then the entry, into the map of `entries`,
    /// whose key is `parent` (`None`: the file's top level).
    fn insert(
        &self,
        entries: &[(Node, Node)],
        parent: Option<&Node>,
        path: &[&str],
    ) -> Result<String, EditError> {
        let text = self.text;
        let Some((key, value)) = entries.iter().find(|(k, _)| is_key(k, path[0])) else {
            let Some(parent) = parent else {
                let mut out = text.to_owned();
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push_str(self.newline);
                }
                if !out.trim().is_empty() && !out.ends_with(&format!("{0}{0}", self.newline)) {
                    out.push_str(self.newline);
                }
                out.push_str(&self.lines(path, ""));
                return Ok(out);
            };
            return self.append(parent, entries, path);
        };
        let key_indent = key.span.offset - line_start(text, key.span.offset);
        let after_key = line_end(text, key.span.offset);
        let rest_of_line = &text[key.span.offset + key.span.len..after_key];
        let inline = rest_of_line
            .trim_start_matches(':')
            .split(" #")
            .next()
            .unwrap_or("")
            .trim();
        match &value.value {
            Value::Map(children) if !children.is_empty() => {
                if path.len() > 1 {
                    return self.insert(children, Some(key), &path[1..]);
                }
                if let Some((existing, _)) =
                    children.iter().find(|(k, _)| is_key(k, self.entry.role))
                {
                    return Err(EditError::Duplicate {
                        what: self.what,
                        role: self.entry.role.to_owned(),
                        span: existing.span,
                    });
                }
                self.append(key, children, &[])
            }
            Value::Null | Value::Map(_)
                if matches!(inline, "" | "{}" | "~" | "null" | "Null" | "NULL") =>
            {
                // Drop the empty value written after the key, keep a comment.
                let value_at = text[..after_key]
                    .rfind(inline)
                    .filter(|_| !inline.is_empty());
                let mut out = String::with_capacity(text.len() + 64);
                match value_at {
                    Some(at) => {
                        out.push_str(text[..at].trim_end_matches(' '));
                        let after = &text[at + inline.len()..after_key];
                        if !after.trim().is_empty() {
                            out.push(' ');
                            out.push_str(after.trim_start());
                        }
                    }
                    None => out.push_str(&text[..after_key]),
                }
                let tail = &text[after_key..];
                let (eol, tail) = match tail.strip_prefix("\r\n") {
                    Some(t) => ("\r\n", t),
                    None => match tail.strip_prefix('\n') {
                        Some(t) => ("\n", t),
                        None => (self.newline, tail),
                    },
                };
                out.push_str(eol);
                out.push_str(&self.lines(&path[1..], &" ".repeat(key_indent + 2)));
                out.push_str(tail);
                Ok(out)
            }
            _ => Err(EditError::Flow {
                name: Some(path[0].to_owned()),
                span: value.span,
            }),
        }
    }

    /// Adds `path` and the entry after the last of `children`, the entries
    /// of the block map under `key`, in their indentation.
    fn append(
        &self,
        key: &Node,
        children: &[(Node, Node)],
        path: &[&str],
    ) -> Result<String, EditError> {
        let text = self.text;
        let key_line = line_start(text, key.span.offset);
        let first = &children[0].0;
        let name = match &key.value {
            Value::String(name) => name.clone(),
            _ => String::new(),
        };
        if line_start(text, first.span.offset) == key_line {
            let brace = text[..first.span.offset].trim_end().len().saturating_sub(1);
            return Err(EditError::Flow {
                name: Some(name),
                span: Span {
                    offset: brace,
                    len: 1,
                },
            });
        }
        let indent = " ".repeat(first.span.offset - line_start(text, first.span.offset));
        let end = block_end(
            text,
            line_end(text, key.span.offset),
            key.span.offset - key_line,
        );
        let mut out = String::with_capacity(text.len() + 64);
        out.push_str(&text[..end]);
        if !out.ends_with('\n') {
            out.push_str(self.newline);
        }
        out.push_str(&self.lines(path, &indent));
        out.push_str(&text[end..]);
        Ok(out)
    }

    /// The keys of `path`, each under the one before, then the entry, from
    /// `indent` on.
    fn lines(&self, path: &[&str], indent: &str) -> String {
        let newline = self.newline;
        let mut out = String::new();
        let mut indent = indent.to_owned();
        for key in path {
            out.push_str(&format!("{indent}{key}:{newline}"));
            indent.push_str("  ");
        }
        let entry = self.entry;
        for comment in &entry.comments {
            out.push_str(&format!("{indent}# {comment}{newline}"));
        }
        out.push_str(&format!("{indent}{}:{newline}", entry.role));
        for (key, value) in &entry.fields {
            out.push_str(&format!("{indent}  {key}: {}{newline}", scalar(value)));
        }
        out
    }
}

/// `text` with the scalar `value` (as parsed, at `node`) replaced by `new`,
/// keeping its quotes.
pub fn replace_scalar(text: &str, node: &Node, old: &str, new: &str) -> Option<String> {
    let start = line_start(text, node.span.offset);
    let end = line_end(text, node.span.offset);
    let at = start + text[start..end].find(old)?;
    Some(format!("{}{new}{}", &text[..at], &text[at + old.len()..]))
}

/// A value as plain YAML when every YAML reader reads it back as the same
/// string, else double-quoted (JSON's quoting is valid YAML). Numbers in
/// any notation (`0x10`, `0o17`, `1_000`, `1:30`), booleans and nulls of
/// YAML 1.1 as well as 1.2 (`TRUE`, `yes`, `~`) are quoted.
pub fn scalar(value: &str) -> String {
    let path = value.starts_with("./") || value.starts_with("../");
    let plain = (path || value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/'))
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/@:+-~=".contains(c))
        && !value.contains(": ")
        && !value.ends_with(':')
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
        && matches!(
            crate::core::config::yaml::parse(value).map(|node| node.value),
            Ok(Value::String(text)) if text == value
        );
    if plain {
        value.to_owned()
    } else {
        serde_json::Value::String(value.to_owned()).to_string()
    }
}

fn is_key(node: &Node, name: &str) -> bool {
    matches!(&node.value, Value::String(s) if s == name)
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i)
        .min(text.len())
}

/// The offset just after the last line of content (not blank, not only a
/// comment) of the block that starts after `from` and holds the lines
/// indented deeper than `indent`.
fn block_end(text: &str, from: usize, indent: usize) -> usize {
    let mut end = line_end(text, from);
    let mut at = end;
    while at < text.len() {
        let start = at + 1;
        if start > text.len() {
            break;
        }
        let stop = line_end(text, start);
        let line = text[start..stop].trim_end_matches('\r');
        let content = line.trim_start();
        let depth = line.len() - content.len();
        if !content.is_empty() && !content.starts_with('#') {
            if depth <= indent {
                break;
            }
            end = stop;
        }
        at = stop;
    }
    // Past the line's own line break, so that the entry starts a line.
    if text[end..].starts_with("\r\n") {
        end + 2
    } else if text[end..].starts_with('\n') {
        end + 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests;
