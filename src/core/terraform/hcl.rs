//! A small writer of Terraform's language that lays text out as
//! `terraform fmt` does: two-space indents, and the `=` of consecutive
//! one-line attributes aligned (a multi-line value stands alone).

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Written as is: `var.region`, `true`, `aws_lb.public.arn`.
    Raw(String),
    /// A quoted string: its text pieces always escaped (no byte of them
    /// can start a template), its interpolations written as `${...}`.
    Str(Vec<Piece>),
    Number(i64),
    List(Vec<Expr>),
    /// Keys written as given (quote them where needed with [`key`]).
    Object(Vec<(String, Expr)>),
    /// `name(argument, ...)`.
    Call(String, Vec<Expr>),
    /// A list on one line: `[a, b]`.
    Row(Vec<Expr>),
}

/// A part of an [`Expr::Str`]. Interpolations are typed, never marked
/// inside text, so that no user text can become one.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// `${expression}`; the expression is exo's own, never user text.
    Interpolation(&'static str),
}

pub fn raw(text: impl Into<String>) -> Expr {
    Expr::Raw(text.into())
}

/// A string of literal text.
pub fn string(text: impl Into<String>) -> Expr {
    Expr::Str(vec![Piece::Text(text.into())])
}

/// A string of text and interpolations.
pub fn template(pieces: Vec<Piece>) -> Expr {
    Expr::Str(pieces)
}

pub fn text(text: impl Into<String>) -> Piece {
    Piece::Text(text.into())
}

/// `${expression}` inside a string.
pub fn interpolation(expression: &'static str) -> Piece {
    Piece::Interpolation(expression)
}

/// An object key: bare when it is an identifier, quoted otherwise.
pub fn key(name: &str) -> String {
    let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if identifier {
        name.to_owned()
    } else {
        let mut quoted = String::new();
        quote(&mut quoted, &[text(name)]);
        quoted
    }
}

/// A body: attributes, nested blocks and blank lines, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body(pub Vec<Item>);

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attribute(String, Expr),
    Block(Block),
    Blank,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
}

impl Body {
    pub fn new() -> Self {
        Body(Vec::new())
    }

    pub fn attr(mut self, name: &str, value: Expr) -> Self {
        self.0.push(Item::Attribute(name.to_owned(), value));
        self
    }

    pub fn attr_if(self, name: &str, value: Option<Expr>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    pub fn block(mut self, kind: &str, labels: &[&str], body: Body) -> Self {
        self.0.push(Item::Block(Block {
            kind: kind.to_owned(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            body,
        }));
        self
    }

    pub fn blank(mut self) -> Self {
        self.0.push(Item::Blank);
        self
    }
}

/// A file of top-level blocks, separated by blank lines.
pub fn file(blocks: &[Block]) -> String {
    let mut text = FileText::new(String::new());
    for block in blocks {
        text.push(block);
    }
    text.finish()
}

/// A file written block by block, so that the blocks need not all be
/// held: each is laid out and appended as it comes.
pub struct FileText {
    out: String,
    first: bool,
}

impl FileText {
    /// A file whose text starts with `start` (a header).
    pub fn new(start: String) -> FileText {
        FileText {
            out: start,
            first: true,
        }
    }

    pub fn push(&mut self, block: &Block) {
        if !self.first {
            self.out.push('\n');
        }
        self.first = false;
        write_block(&mut self.out, block, 0);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Top-level attributes alone, as in a `.tfvars` file.
pub fn attributes(body: &Body) -> String {
    let mut out = String::new();
    write_body(&mut out, body, 0);
    out
}

fn indent_to(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn write_block(out: &mut String, block: &Block, indent: usize) {
    indent_to(out, indent);
    out.push_str(&block.kind);
    for label in &block.labels {
        out.push(' ');
        quote(out, &[text(label.as_str())]);
    }
    if block.body.0.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    write_body(out, &block.body, indent + 2);
    indent_to(out, indent);
    out.push_str("}\n");
}

/// The body's items; the attribute lines of one run share an `=` column.
fn write_body(out: &mut String, body: &Body, indent: usize) {
    let mut pairs: Vec<(&str, &Expr)> = Vec::new();
    for item in &body.0 {
        match item {
            Item::Attribute(name, value) => pairs.push((name, value)),
            Item::Block(block) => {
                write_assignments(out, &pairs, indent);
                pairs.clear();
                write_block(out, block, indent);
            }
            Item::Blank => {
                write_assignments(out, &pairs, indent);
                pairs.clear();
                out.push('\n');
            }
        }
    }
    write_assignments(out, &pairs, indent);
}

/// `name = value` lines (attributes or object items), aligned in runs of
/// one-line values.
fn write_assignments(out: &mut String, items: &[(&str, &Expr)], indent: usize) {
    let mut start = 0;
    while start < items.len() {
        let mut end = start;
        while end < items.len() && !multiline(items[end].1) {
            end += 1;
        }
        let width = items[start..end]
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        for (name, value) in &items[start..end] {
            indent_to(out, indent);
            out.push_str(name);
            indent_to(out, width - name.chars().count());
            out.push_str(" = ");
            expression(out, value, indent);
            out.push('\n');
        }
        if let Some((name, value)) = items.get(end) {
            indent_to(out, indent);
            out.push_str(name);
            out.push_str(" = ");
            expression(out, value, indent);
            out.push('\n');
            end += 1;
        }
        start = end;
    }
}

/// Whether the expression's text takes more than one line.
fn multiline(expr: &Expr) -> bool {
    match expr {
        Expr::Raw(text) => text.contains('\n'),
        Expr::Str(_) | Expr::Number(_) => false,
        Expr::List(items) => !items.is_empty(),
        Expr::Object(items) => !items.is_empty(),
        Expr::Call(_, items) | Expr::Row(items) => items.iter().any(multiline),
    }
}

/// The expression's text; lines after the first are indented for a value
/// at `indent`.
fn expression(out: &mut String, expr: &Expr, indent: usize) {
    match expr {
        Expr::Raw(text) => out.push_str(text),
        Expr::Str(pieces) => quote(out, pieces),
        Expr::Number(n) => out.push_str(&n.to_string()),
        Expr::List(items) if items.is_empty() => out.push_str("[]"),
        Expr::List(items) => {
            out.push_str("[\n");
            for item in items {
                indent_to(out, indent + 2);
                expression(out, item, indent + 2);
                out.push_str(",\n");
            }
            indent_to(out, indent);
            out.push(']');
        }
        Expr::Object(items) if items.is_empty() => out.push_str("{}"),
        Expr::Object(items) => {
            out.push_str("{\n");
            let refs: Vec<(&str, &Expr)> = items.iter().map(|(k, v)| (k.as_str(), v)).collect();
            write_assignments(out, &refs, indent + 2);
            indent_to(out, indent);
            out.push('}');
        }
        Expr::Call(name, arguments) => {
            out.push_str(name);
            out.push('(');
            inline(out, arguments, indent);
            out.push(')');
        }
        Expr::Row(items) => {
            out.push('[');
            inline(out, items, indent);
            out.push(']');
        }
    }
}

/// Expressions separated by `, `.
fn inline(out: &mut String, items: &[Expr], indent: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        expression(out, item, indent);
    }
}

/// A quoted string: the text pieces escaped so that they read back as
/// the same characters, whatever they hold, and the interpolations.
fn quote(out: &mut String, pieces: &[Piece]) {
    out.push('"');
    let mut pending = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => pending.push_str(text),
            Piece::Interpolation(expression) => {
                escape(out, &pending, true);
                pending.clear();
                out.push_str("${");
                out.push_str(expression);
                out.push('}');
            }
        }
    }
    escape(out, &pending, false);
    out.push('"');
}

/// Literal text inside a quoted string: `${` and `%{` doubled, quotes,
/// backslashes and control characters as escapes. A `$` or `%` that ends
/// the text before an interpolation is written `\u0024` or `\u0025`, as
/// doubling it would make the interpolation literal.
fn escape(out: &mut String, text: &str, before_interpolation: bool) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' => match chars.peek() {
                Some('{') => {
                    out.push(c);
                    out.push(c);
                }
                None if before_interpolation => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                _ => out.push(c),
            },
            _ if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quoted string's text.
    fn quote(pieces: &[Piece]) -> String {
        let mut quoted = String::new();
        super::quote(&mut quoted, pieces);
        quoted
    }

    #[test]
    fn runs_of_one_line_attributes_align() {
        let body = Body::new()
            .attr("a", Expr::Number(1))
            .attr(
                "long_name",
                Expr::Object(vec![
                    ("b".into(), Expr::Number(2)),
                    ("ccc".into(), Expr::Number(3)),
                ]),
            )
            .attr("q", Expr::Number(1))
            .attr("depends_on", raw("[aws_y.z]"));
        let text = file(&[Block {
            kind: "resource".into(),
            labels: vec!["aws_x".into(), "y".into()],
            body,
        }]);
        assert_eq!(
            text,
            "resource \"aws_x\" \"y\" {\n  a = 1\n  long_name = {\n    b   = 2\n    ccc = 3\n  }\n  q          = 1\n  depends_on = [aws_y.z]\n}\n"
        );
    }

    #[test]
    fn strings_escape_templates_and_keep_typed_interpolations() {
        let pieces = [text("a ${b} %{c} \"d\" "), interpolation("var.x")];
        assert_eq!(quote(&pieces), r#""a $${b} %%{c} \"d\" ${var.x}""#);
        assert_eq!(key("web"), "web");
        assert_eq!(key("2fa"), "\"2fa\"");
    }

    #[test]
    fn no_text_becomes_an_interpolation() {
        let marked = "\u{2}file(\"/etc/passwd\")\u{2}";
        assert_eq!(
            quote(&[text(marked)]),
            r#""\u0002file(\"/etc/passwd\")\u0002""#
        );
        assert_eq!(quote(&[text("$${x}")]), r#""$$${x}""#);
        assert_eq!(quote(&[text("a\u{7f}\u{2028}")]), r#""a\u007F\u2028""#);
        let before = [text("a$"), interpolation("var.x"), text("%")];
        assert_eq!(quote(&before), r#""a\u0024${var.x}%""#);
        let split = [text("$"), text("{x}")];
        assert_eq!(quote(&split), r#""$${x}""#);
    }

    /// The interpolations and directives `quoted` opens (a `${` or `%{`
    /// after anything but its own doubled character), by position; a panic
    /// if a quote or a control character is not escaped.
    fn live_templates(quoted: &str) -> Vec<usize> {
        let inner: Vec<char> = quoted[1..quoted.len() - 1].chars().collect();
        let mut live = Vec::new();
        let mut i = 0;
        while i < inner.len() {
            let c = inner[i];
            assert!(c != '"' && !c.is_control(), "unescaped {c:?} in {quoted}");
            if c == '\\' {
                i += 2;
                continue;
            }
            let opens = matches!(c, '$' | '%') && inner.get(i + 1) == Some(&'{');
            if opens && (i == 0 || inner[i - 1] != c) {
                live.push(i);
            }
            i += 1;
        }
        live
    }

    fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let tricky = prop_oneof![
            Just('$'),
            Just('%'),
            Just('{'),
            Just('}'),
            Just('\\'),
            Just('"'),
            Just('\u{2}'),
            Just('\n'),
            any::<char>(),
        ];
        proptest::collection::vec(tricky, 0..40).prop_map(|chars| chars.into_iter().collect())
    }

    proptest::proptest! {
        #[test]
        fn no_text_opens_a_template(before in hostile_text(), after in hostile_text()) {
            let alone = quote(&[text(before.clone())]);
            proptest::prop_assert!(alone.starts_with('"') && alone.ends_with('"') && alone.len() >= 2);
            proptest::prop_assert_eq!(live_templates(&alone), Vec::<usize>::new());
            let around = quote(&[text(before), interpolation("var.x"), text(after)]);
            let live = live_templates(&around);
            proptest::prop_assert_eq!(live.len(), 1);
            let inner = &around[1..around.len() - 1];
            let at: usize = inner.chars().take(live[0]).map(char::len_utf8).sum();
            let opened = &inner[at..];
            proptest::prop_assert!(opened.starts_with("${var.x}"), "{}", opened);
        }
    }
}
