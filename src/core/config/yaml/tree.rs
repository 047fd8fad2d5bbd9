//! Builds the tree of [`Node`]s straight from the YAML parser's events, with
//! one loop and an explicit stack: no recursion a deep file could overflow,
//! and limits on depth and on what aliases may copy.

use super::scalar::{self, resolve};
use super::{Node, Span, Value};
use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, Span as EventSpan, Tag};
use std::collections::{HashMap, HashSet};

/// The deepest nesting of maps and lists: configuration needs a handful.
pub const MAX_DEPTH: usize = 64;
/// The most values one file may hold, each use of an alias counted anew:
/// what keeps an alias bomb from filling the memory.
pub const MAX_VALUES: usize = 1_000_000;
/// The most bytes of text one file may hold, aliases counted likewise.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// Why a file's events do not make a tree: the parser's own error, or one of
/// this builder's rules.
#[derive(Debug)]
pub enum TreeError {
    Scan(granit_parser::ScanError),
    Rule { message: String, span: Span },
}

impl TreeError {
    fn rule(message: impl Into<String>, span: Span) -> Self {
        TreeError::Rule {
            message: message.into(),
            span,
        }
    }
}

struct Entry {
    key: Node,
    value: Node,
    /// A `<<` key: its value's entries are merged into the map.
    merge: bool,
}

enum Collection {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        /// The key read, waiting for its value.
        key: Option<(Node, bool)>,
    },
}

struct Frame {
    collection: Collection,
    span: Span,
    anchor: usize,
}

/// A value an anchor named, with what copying it costs.
struct Anchored {
    node: Node,
    values: usize,
    bytes: usize,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    root: Option<Node>,
    values: usize,
    bytes: usize,
}

/// Reads the one document of `source`; an empty file is `Value::Null`.
pub fn build(source: &str) -> Result<Node, TreeError> {
    let mut builder = Builder::default();
    let mut documents = 0;
    let mut parser = Parser::new_from_str(source);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(scan_error)?;
        let span = span_of(&span);
        match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    // Point at the second document's content, past its `---`.
                    let at = match parser.next_event() {
                        Some(Ok((_, next))) => span_of(&next),
                        _ => span,
                    };
                    return Err(TreeError::rule(
                        "only single YAML document expected but multiple found",
                        Span { len: 0, ..at },
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                builder.scalar(text.into_owned(), style, anchor, tag.as_deref(), span)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                builder.open(Collection::Seq(Vec::new()), anchor, span)?
            }
            Event::MappingStart(_, anchor, _) => builder.open(
                Collection::Map {
                    entries: Vec::new(),
                    key: None,
                },
                anchor,
                span,
            )?,
            Event::SequenceEnd | Event::MappingEnd => builder.close()?,
            Event::Alias(id) => builder.alias(id, span)?,
            _ => {}
        }
    }
    Ok(builder
        .root
        .unwrap_or(Node::new(Value::Null, Span::default())))
}

/// The parser's error; an alias to no anchor is named in the words people
/// search for.
fn scan_error(err: granit_parser::ScanError) -> TreeError {
    let span = Span {
        offset: err.marker().byte_offset().unwrap_or_default(),
        len: 0,
    };
    match err.kind() {
        ErrorKind::RecursionLimitExceeded => TreeError::rule(too_deep(), span),
        _ if err.info().contains("unknown anchor") => {
            TreeError::rule("reference to unknown value", span)
        }
        _ => TreeError::Scan(err),
    }
}

fn too_deep() -> String {
    format!("the file nests maps and lists more than {MAX_DEPTH} levels deep")
}

fn span_of(span: &EventSpan) -> Span {
    let range = span.byte_range().unwrap_or(0..0);
    Span {
        offset: range.start,
        len: range.len(),
    }
}

impl Builder {
    fn count(&mut self, values: usize, bytes: usize, span: Span) -> Result<(), TreeError> {
        self.values += values;
        self.bytes += bytes;
        if self.values > MAX_VALUES || self.bytes > MAX_TEXT_BYTES {
            return Err(TreeError::rule(
                format!(
                    "the file expands to more than {} values or {} MiB of text (an alias counts its anchor's value each time)",
                    "1,000,000",
                    MAX_TEXT_BYTES / (1024 * 1024)
                ),
                span,
            ));
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        text: String,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), TreeError> {
        self.count(1, text.len(), span)?;
        if self.awaits_key() {
            // Keys are text as written: `1:` and `true:` are keys "1" and "true".
            let merge = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
            let text = if style == ScalarStyle::Plain && scalar::is_null(&text) {
                String::new()
            } else {
                text
            };
            let node = Node::new(Value::String(text), span);
            if anchor != 0 {
                self.remember(anchor, &node);
            }
            if let Some(Frame {
                collection: Collection::Map { key, .. },
                ..
            }) = self.stack.last_mut()
            {
                *key = Some((node, merge));
            }
            return Ok(());
        }
        let written = scalar::may_be_typed(&text, tag).then(|| text.clone().into_boxed_str());
        let value = resolve(text, style, tag).map_err(|message| TreeError::rule(message, span))?;
        let written =
            written.filter(|_| matches!(value, Value::Int(_) | Value::Float(_) | Value::Bool(_)));
        let node = Node {
            value,
            span,
            written,
        };
        if anchor != 0 {
            self.remember(anchor, &node);
        }
        self.add(node)
    }

    /// The next value is a key of the innermost map.
    fn awaits_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                collection: Collection::Map { key: None, .. },
                ..
            })
        )
    }

    fn open(&mut self, collection: Collection, anchor: usize, span: Span) -> Result<(), TreeError> {
        if self.awaits_key() {
            return Err(TreeError::rule("expected string scalar", span));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(TreeError::rule(too_deep(), span));
        }
        self.count(1, 0, span)?;
        self.stack.push(Frame {
            collection,
            span,
            anchor,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), TreeError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.collection {
            Collection::Seq(items) => Value::Seq(items),
            Collection::Map { entries, .. } => Value::Map(merged(entries)?),
        };
        let node = Node::new(value, frame.span);
        if frame.anchor != 0 {
            self.remember(frame.anchor, &node);
        }
        self.add(node)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), TreeError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(TreeError::rule("reference to unknown value", span));
        };
        let (values, bytes) = (anchored.values, anchored.bytes);
        let mut node = anchored.node.clone();
        self.count(values, bytes, span)?;
        node.span = span;
        if self.awaits_key() {
            let text = match node.value {
                Value::Null => String::new(),
                ref value => value
                    .scalar_text()
                    .ok_or_else(|| TreeError::rule("expected string scalar", span))?,
            };
            node.value = Value::String(text);
        }
        self.add(node)
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        let (values, bytes) = size(node);
        self.anchors.insert(
            anchor,
            Anchored {
                node: node.clone(),
                values,
                bytes,
            },
        );
    }

    /// Puts a finished node where it belongs: a list's item, a map's key or
    /// value, or the document.
    fn add(&mut self, node: Node) -> Result<(), TreeError> {
        match self.stack.last_mut().map(|frame| &mut frame.collection) {
            None => self.root = Some(node),
            Some(Collection::Seq(items)) => items.push(node),
            Some(Collection::Map { entries, key }) => match key.take() {
                Some((key, merge)) => entries.push(Entry {
                    key,
                    value: node,
                    merge,
                }),
                None => *key = Some((node, false)),
            },
        }
        Ok(())
    }
}

/// How many values and bytes of text a node holds.
fn size(node: &Node) -> (usize, usize) {
    let mut values = 0;
    let mut bytes = 0;
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        values += 1;
        match &node.value {
            Value::String(text) => bytes += text.len(),
            Value::Seq(items) => pending.extend(items),
            Value::Map(entries) => {
                for (key, value) in entries {
                    pending.push(key);
                    pending.push(value);
                }
            }
            _ => {}
        }
    }
    (values, bytes)
}

/// The entries of a map, its `<<` merges done: the keys written in the map
/// first, then the merged ones it lacks; of merged maps, the first that has a
/// key wins. A key written twice is an error at its second place.
fn merged(entries: Vec<Entry>) -> Result<Vec<(Node, Node)>, TreeError> {
    check_duplicates(&entries)?;
    if !entries.iter().any(|entry| entry.merge) {
        return Ok(entries
            .into_iter()
            .map(|entry| (entry.key, entry.value))
            .collect());
    }
    let mut seen: HashSet<String> = entries
        .iter()
        .filter(|entry| !entry.merge)
        .filter_map(|entry| key_text(&entry.key).map(str::to_owned))
        .collect();
    let (merges, written): (Vec<Entry>, Vec<Entry>) =
        entries.into_iter().partition(|entry| entry.merge);
    let mut out: Vec<(Node, Node)> = written
        .into_iter()
        .map(|entry| (entry.key, entry.value))
        .collect();
    for entry in merges {
        let sources = match entry.value.value {
            Value::Map(map) => vec![map],
            Value::Seq(items) => items
                .into_iter()
                .map(|item| match item.value {
                    Value::Map(map) => Ok(map),
                    _ => Err(merge_error(item.span)),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(merge_error(entry.value.span)),
        };
        for (key, value) in sources.into_iter().flatten() {
            if key_text(&key).is_some_and(|text| seen.insert(text.to_owned())) {
                out.push((key, value));
            }
        }
    }
    Ok(out)
}

fn key_text(key: &Node) -> Option<&str> {
    match &key.value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

fn merge_error(span: Span) -> TreeError {
    TreeError::rule("a merge key `<<` takes a map or a list of maps", span)
}

/// A key written twice in one map is an error at its second place. Small
/// maps, most of them, are compared pairwise: cheaper than hashing.
fn check_duplicates(entries: &[Entry]) -> Result<(), TreeError> {
    let mut written = entries.iter().filter(|entry| !entry.merge);
    let duplicate = if entries.len() <= 16 {
        written
            .enumerate()
            .find(|(i, entry)| {
                entries
                    .iter()
                    .filter(|other| !other.merge)
                    .take(*i)
                    .any(|other| other.key.value == entry.key.value)
            })
            .map(|(_, entry)| entry)
    } else {
        let mut keys = HashSet::with_capacity(entries.len());
        written.find(|entry| key_text(&entry.key).is_some_and(|text| !keys.insert(text)))
    };
    match duplicate.and_then(|entry| Some((key_text(&entry.key)?, entry.key.span))) {
        Some((text, span)) => Err(TreeError::rule(
            format!("duplicate mapping key `{text}` is not allowed here"),
            span,
        )),
        None => Ok(()),
    }
}
