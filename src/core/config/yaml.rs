//! The only module that reads YAML: it turns text, through the parser's
//! events, into a tree of [`Node`]s that carry their byte span, so that every later check can point
//! into the file. Typed reading happens in [`super::reader`], on this tree, so
//! that one run can report every problem instead of stopping at the first.

use tree::TreeError;
pub use tree::{MAX_DEPTH, MAX_TEXT_BYTES, MAX_VALUES};

mod scalar;
mod tree;

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
    /// A number's or boolean's text as written (`00123`, `1.50`, `True`),
    /// for a setting that takes text: the value alone would change it.
    pub written: Option<Box<str>>,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node {
            value,
            span,
            written: None,
        }
    }

    /// The text of a scalar as a string field reads it: as written.
    pub fn text(&self) -> Option<String> {
        match &self.written {
            Some(written) => Some(written.to_string()),
            None => self.value.scalar_text(),
        }
    }
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
    /// An integer, or a number with no fraction (`3.0`): JSON Schema's
    /// `integer`, which editors check the files against, takes both.
    pub fn whole_number(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            // Within ±2^53 a float is exactly the integer it shows.
            Value::Float(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                Some(f as i64)
            }
            _ => None,
        }
    }

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
    tree::build(source).map_err(|err| syntax_error(err, source))
}

fn syntax_error(err: TreeError, source: &str) -> SyntaxError {
    let (message, mut span) = match err {
        TreeError::Scan(err) => (err.info(), scan_span(err.marker(), source)),
        TreeError::Rule { message, span } => (message, span),
    };
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
        && !message.contains("levels deep")
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
            ("levels deep", "configuration needs a few levels; if this is one value, quote it as text"),
            ("expands to more than", "an alias repeats its anchor's whole value: write the values out, or use fewer aliases of large anchors"),
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

/// Where the parser stopped, as a byte offset (its marker counts
/// characters; the byte offset is there for text read from a string).
fn scan_span(marker: &granit_parser::Marker, source: &str) -> Span {
    let offset = marker.byte_offset().unwrap_or_else(|| {
        source
            .char_indices()
            .nth(marker.index())
            .map_or(source.len(), |(i, _)| i)
    });
    Span { offset, len: 0 }
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
    fn numbers_and_booleans_keep_their_text_as_written() {
        let root = parse("a: 00123\nb: 1.50\nc: True\nd: &n 0x1F\ne: *n\nf: text\n").unwrap();
        let texts: Vec<_> = map_entries(&root)
            .iter()
            .map(|(_, value)| value.text())
            .collect();
        let expected = ["00123", "1.50", "True", "0x1F", "0x1F", "text"];
        assert_eq!(texts, expected.map(|text| Some(text.to_string())));
        assert_eq!(map_entries(&root)[2].1.value, Value::Bool(true));
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

    #[test]
    fn aliases_copy_their_anchor_and_merge_keys_fill_gaps() {
        let source = "base: &b {a: 1, b: 2}\nweb:\n  b: 9\n  <<: *b\nlist: &l [x]\ncopy: *l\n";
        let root = parse(source).unwrap();
        let entries = map_entries(&root);
        let web: Vec<_> = map_entries(&entries[1].1)
            .iter()
            .map(|(key, value)| (key.value.clone(), value.value.clone()))
            .collect();
        assert_eq!(
            web,
            [
                (Value::String("b".into()), Value::Int(9)),
                (Value::String("a".into()), Value::Int(1)),
            ]
        );
        assert_eq!(entries[3].1.value, entries[2].1.value);
        assert_eq!(&source[entries[3].1.span.offset..][..2], "*l");
    }

    #[test]
    fn tags_decide_over_the_text() {
        let root = parse("a: !!str 8080\nb: ! true\nc: !!int 0x10\nd: !custom 5\n").unwrap();
        let values: Vec<_> = map_entries(&root)
            .iter()
            .map(|(_, v)| v.value.clone())
            .collect();
        assert_eq!(
            values,
            [
                Value::String("8080".into()),
                Value::String("true".into()),
                Value::Int(16),
                Value::Int(5),
            ]
        );
        let err = parse("a: !!int ten\n").unwrap_err();
        assert!(
            err.message.contains("`ten` is not an integer"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_alias_bomb_stops_at_the_limit() {
        let mut source = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
            source.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
        }
        let err = parse(&source).unwrap_err();
        assert!(
            err.message
                .contains("expands to more than 1,000,000 values"),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().contains("alias"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let depth = 100_000;
        let flow = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let block = format!("a: {}x\n", "- ".repeat(MAX_DEPTH + 1));
        for source in [flow, block] {
            let err = parse(&source).unwrap_err();
            assert!(!err.message.is_empty());
        }
        let nested = format!(
            "a: {}1{}\n",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        let err = parse(&nested).unwrap_err();
        assert!(err.message.contains("64 levels deep"), "{}", err.message);
    }

    #[test]
    fn one_document_per_file() {
        let source = "a: 1\n---\nb: 2\n";
        let err = parse(source).unwrap_err();
        assert!(err.message.contains("multiple found"));
        assert_eq!(err.span.offset, source.find('b').unwrap());
        let err = parse("a: *nothing\n").unwrap_err();
        assert_eq!(err.message, "reference to unknown value");
        assert_eq!(err.span.offset, 3);
    }
}
