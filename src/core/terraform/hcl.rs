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
    /// `name(argument)`.
    Call(String, Box<Expr>),
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
        quote(&[text(name)])
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
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_block(&mut out, block, 0);
    }
    out
}

/// Top-level attributes alone, as in a `.tfvars` file.
pub fn attributes(body: &Body) -> String {
    let mut out = String::new();
    write_body(&mut out, body, 0);
    out
}

fn write_block(out: &mut String, block: &Block, indent: usize) {
    out.push_str(&" ".repeat(indent));
    out.push_str(&block.kind);
    for label in &block.labels {
        out.push(' ');
        out.push_str(&quote(&[text(label.as_str())]));
    }
    if block.body.0.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    write_body(out, &block.body, indent + 2);
    out.push_str(&" ".repeat(indent));
    out.push_str("}\n");
}

/// The body's items; the attribute lines of one run share an `=` column.
fn write_body(out: &mut String, body: &Body, indent: usize) {
    let mut pairs: Vec<(String, &Expr)> = Vec::new();
    for item in &body.0 {
        match item {
            Item::Attribute(name, value) => pairs.push((name.clone(), value)),
            Item::Block(block) => {
                flush(out, &mut pairs, indent);
                write_block(out, block, indent);
            }
            Item::Blank => {
                flush(out, &mut pairs, indent);
                out.push('\n');
            }
        }
    }
    flush(out, &mut pairs, indent);
}

fn flush(out: &mut String, pairs: &mut Vec<(String, &Expr)>, indent: usize) {
    write_assignments(out, pairs, indent);
    pairs.clear();
}

/// `name = value` lines (attributes or object items), aligned in runs of
/// one-line values.
fn write_assignments(out: &mut String, items: &[(String, &Expr)], indent: usize) {
    let rendered: Vec<(String, String)> = items
        .iter()
        .map(|(name, value)| (name.clone(), expression(value, indent)))
        .collect();
    let mut start = 0;
    while start < rendered.len() {
        let mut end = start;
        while end < rendered.len() && !rendered[end].1.contains('\n') {
            end += 1;
        }
        let width = rendered[start..end]
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        for (name, value) in &rendered[start..end] {
            out.push_str(&format!("{}{name:width$} = {value}\n", " ".repeat(indent)));
        }
        if end < rendered.len() {
            let (name, value) = &rendered[end];
            out.push_str(&format!("{}{name} = {value}\n", " ".repeat(indent)));
            end += 1;
        }
        start = end;
    }
}

/// The expression's text; lines after the first are indented for a value
/// at `indent`.
fn expression(expr: &Expr, indent: usize) -> String {
    match expr {
        Expr::Raw(text) => text.clone(),
        Expr::Str(pieces) => quote(pieces),
        Expr::Number(n) => n.to_string(),
        Expr::List(items) if items.is_empty() => "[]".to_owned(),
        Expr::List(items) => {
            let inner = " ".repeat(indent + 2);
            let mut text = "[\n".to_owned();
            for item in items {
                text.push_str(&format!("{inner}{},\n", expression(item, indent + 2)));
            }
            text.push_str(&format!("{}]", " ".repeat(indent)));
            text
        }
        Expr::Object(items) if items.is_empty() => "{}".to_owned(),
        Expr::Object(items) => {
            let mut text = "{\n".to_owned();
            let refs: Vec<(String, &Expr)> = items.iter().map(|(k, v)| (k.clone(), v)).collect();
            write_assignments(&mut text, &refs, indent + 2);
            text.push_str(&format!("{}}}", " ".repeat(indent)));
            text
        }
        Expr::Call(name, argument) => format!("{name}({})", expression(argument, indent)),
    }
}

/// A quoted string: the text pieces escaped so that they read back as
/// the same characters, whatever they hold, and the interpolations.
fn quote(pieces: &[Piece]) -> String {
    let mut out = String::from("\"");
    let mut pending = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => pending.push_str(text),
            Piece::Interpolation(expression) => {
                escape(&mut out, &pending, true);
                pending.clear();
                out.push_str(&format!("${{{expression}}}"));
            }
        }
    }
    escape(&mut out, &pending, false);
    out.push('"');
    out
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
