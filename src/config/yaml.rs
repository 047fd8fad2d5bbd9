//! The only module that names the YAML crate: it turns text into a tree of
//! [`Node`]s that carry their byte span, so that every later check can point
//! into the file. Typed reading happens in [`super::reader`], on this tree, so
//! that one run can report every problem instead of stopping at the first.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, MessageFormatter, Options, Spanned, UserMessageFormatter};
use std::fmt;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

/// A YAML value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in source order; keys are always strings (see [`Key`]).
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// What a person would call this kind of value, for "expected X, found Y".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// The text of a scalar, as a string field would read it.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

/// A YAML syntax problem (including duplicate keys), with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    /// What probably caused it, when the parser's words do not say.
    pub hint: Option<String>,
}

/// Parses one YAML document. An empty document is `Value::Null`.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    let mut options = Options::default();
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    // `yes`/`no`/`on`/`off` stay strings, as YAML 1.2 and Compose read them.
    options.strict_booleans = true;
    // Comments are not read; tracking them is a tenth of the parsing time.
    options.emit_comments = false;
    match serde_saphyr::from_str_with_options::<Spanned<Tree>>(source, options) {
        Ok(tree) => Ok(into_node(tree)),
        Err(err) => Err(syntax_error(&err, source)),
    }
}

fn syntax_error(err: &serde_saphyr::Error, source: &str) -> SyntaxError {
    let message = UserMessageFormatter.format_message(err).into_owned();
    let mut span = err
        .location()
        .map(|location| span_of(&location, source))
        .unwrap_or_default();
    let mut hint = None;
    if message.contains("tab") {
        // The parser points after the tab, or at the scalar the tab follows.
        if let Some(tab) = first_tab_from_line_of(source, span.offset) {
            span = Span {
                offset: tab,
                len: 1,
            };
            hint = Some("indent with spaces: YAML does not allow tabs in indentation".to_owned());
        }
    } else if !message.contains("bracket")
        && let Some((offset, bracket)) = unclosed_flow(source, span.offset)
    {
        let (line, column) = line_column(source, offset);
        let close = if bracket == '[' { ']' } else { '}' };
        hint = Some(format!(
            "the `{bracket}` on line {line}, column {column} is still open here: is its `{close}` missing?"
        ));
    }
    if hint.is_none() {
        hint = [
            ("did not find expected key", "check the indentation of this line: the keys of one map start in the same column"),
            ("mapping values are not allowed", "check the indentation of this line, or quote a value that contains `: `"),
            ("multiple found", "a configuration file holds one YAML document: remove the `---` line above and what follows, or merge the two"),
            ("reference to unknown value", "an alias `*name` needs an anchor `&name` above it; quote the value if `*` is meant as text"),
            ("expected string scalar", "keys must be plain text, such as `web` or `port`"),
            ("duplicate mapping key", "a key appears once in a map: merge the two entries or remove one"),
        ]
        .into_iter()
        .find(|(words, _)| message.contains(words))
        .map(|(_, hint)| hint.to_owned());
    }
    SyntaxError {
        message,
        span,
        hint,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The first tab on the line of `offset` or after it.
fn first_tab_from_line_of(source: &str, offset: usize) -> Option<usize> {
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    source[line_start..].find('\t').map(|i| line_start + i)
}

/// The innermost `[` or `{` of a flow collection still open at `offset`, if
/// any: the likely cause when a syntax error comes lines after it. Skips
/// quoted text and comments; in block context a bracket only opens a
/// collection where a value starts.
fn unclosed_flow(source: &str, offset: usize) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<char> = None;
    // The last character before this one on the line, ignoring spaces.
    let mut previous: Option<char> = None;
    let mut chars = source[..offset].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            previous = None;
            if quote.is_none() {
                continue;
            }
        }
        match quote {
            Some('\'') if c == '\'' => {
                if chars.peek().is_some_and(|(_, next)| *next == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some('"') if c == '"' => quote = None,
            Some(_) => {}
            None => {
                let value_starts =
                    matches!(previous, None | Some(':' | '-' | ',' | '[' | '{' | '?'));
                match c {
                    '#' if previous.is_none() || source[..i].ends_with([' ', '\t']) => {
                        while chars.next_if(|(_, next)| *next != '\n').is_some() {}
                    }
                    '\'' | '"' if value_starts => {
                        quote = Some(c);
                    }
                    '[' | '{' if value_starts || !open.is_empty() => open.push((i, c)),
                    ']' | '}' if !open.is_empty() => {
                        open.pop();
                    }
                    _ => {}
                }
            }
        }
        if !c.is_whitespace() {
            previous = Some(c);
        }
    }
    open.last().copied()
}

fn span_of(location: &serde_saphyr::Location, source: &str) -> Span {
    let span = location.span();
    let offset = span
        .byte_offset()
        .map_or_else(|| line_column_offset(location, source), |b| b as usize);
    let len = span.byte_len().unwrap_or(0) as usize;
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    Span {
        offset,
        len: len.min(source.len() - offset),
    }
}

/// Byte offset of a 1-based line and column, for locations without byte info.
fn line_column_offset(location: &serde_saphyr::Location, source: &str) -> usize {
    let line = location.line().max(1) as usize;
    let column = location.column().max(1) as usize;
    let line_start: usize = source
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let rest = &source[line_start.min(source.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column - 1)
            .map_or(rest.len(), |(i, _)| i)
}

/// The shape serde-saphyr fills; converted to [`Node`] right away.
enum Tree {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Spanned<Tree>>),
    Map(Vec<(Spanned<Key>, Spanned<Tree>)>),
}

/// Map keys are read as text: `n:` or `1:` are keys named "n" and "1".
struct Key(String);

fn into_node(tree: Spanned<Tree>) -> Node {
    let span = location_span(&tree.referenced);
    let value = match tree.value {
        Tree::Null => Value::Null,
        Tree::Bool(b) => Value::Bool(b),
        Tree::Int(i) => Value::Int(i),
        Tree::Float(f) => Value::Float(f),
        Tree::String(s) => Value::String(s),
        Tree::Seq(items) => Value::Seq(items.into_iter().map(into_node).collect()),
        Tree::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| {
                    let key_node = Node {
                        span: location_span(&key.referenced),
                        value: Value::String(key.value.0),
                    };
                    (key_node, into_node(value))
                })
                .collect(),
        ),
    };
    Node { value, span }
}

fn location_span(location: &serde_saphyr::Location) -> Span {
    let span = location.span();
    Span {
        offset: span.byte_offset().unwrap_or(0) as usize,
        len: span.byte_len().unwrap_or(0) as usize,
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_none<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Tree, E> {
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Tree, E> {
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
        Ok(Tree::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Tree, E> {
        Ok(Tree::String(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Tree, E> {
        Ok(Tree::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Tree::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(Key(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Key, E> {
        Ok(Key(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Key, E> {
        Ok(Key(String::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_entries(node: &Node) -> &[(Node, Node)] {
        match &node.value {
            Value::Map(entries) => entries,
            other => panic!("expected a map, got {other:?}"),
        }
    }

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let source = "name: shop\nport: 8080\n";
        let root = parse(source).unwrap();
        let entries = map_entries(&root);
        let (key, value) = &entries[1];
        assert_eq!(&source[key.span.offset..][..key.span.len], "port");
        assert_eq!(value.value, Value::Int(8080));
        assert_eq!(&source[value.span.offset..][..value.span.len], "8080");
    }

    #[test]
    fn yes_and_no_are_strings() {
        let root = parse("a: yes\nn: 1\n").unwrap();
        let entries = map_entries(&root);
        assert_eq!(entries[0].1.value, Value::String("yes".into()));
        assert_eq!(entries[1].0.value, Value::String("n".into()));
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let source = "a: 1\nb: 2\na: 3\n";
        let err = parse(source).unwrap_err();
        assert_eq!(err.message, "duplicate mapping key `a` is not allowed here");
        assert_eq!(err.span.offset, 10);
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let err = parse("a: [1, 2\n").unwrap_err();
        assert!(err.message.contains("bracket"), "{}", err.message);
        assert_eq!(err.span.offset, 3);
    }

    #[test]
    fn tab_errors_point_at_the_tab() {
        let source = "name: shop\nservices:\n\tweb: {}\n";
        let err = parse(source).unwrap_err();
        assert_eq!(err.span.offset, source.find('\t').unwrap());
        assert!(err.hint.unwrap().contains("spaces"));
    }

    #[test]
    fn an_open_bracket_above_the_error_is_named() {
        let err =
            parse("name: shop\ndirs: [lib, 'a]', \"b[\" # ]\nservices:\n  web: {}\n").unwrap_err();
        let hint = err.hint.unwrap();
        assert!(hint.contains("`[` on line 2, column 7"), "{hint}");
        let err = parse("run: echo [x\nother: a: b\n").unwrap_err();
        assert!(!err.hint.unwrap_or_default().contains("still open"));
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse("").unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n").unwrap().value, Value::Null);
    }
}
