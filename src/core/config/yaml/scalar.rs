//! What a scalar's text means: YAML 1.2's core schema, with only `true` and
//! `false` as booleans (so `yes`, `no`, `on` and `off` stay text, as Compose
//! reads them). Quoted and block scalars are always text.

use super::Value;
use granit_parser::{ScalarStyle, Tag};

/// The value of a scalar, or why it has none: its explicit tag asks for a
/// kind the text is not (`!!int abc`), or it is a number no setting can
/// take (`.inf`, `.nan`, `1e999`).
pub fn resolve(text: String, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let not = |kind: &str| format!("`{text}` is not {kind}, as its tag says");
    match tag.map(core_type) {
        Some(Some("str") | None) if is_text_tag(tag) => Ok(Value::String(text)),
        Some(Some("null")) => Ok(Value::Null),
        Some(Some("bool")) => Ok(Value::Bool(boolean(&text).ok_or_else(|| not("a boolean"))?)),
        Some(Some("int")) => integer(&text).ok_or_else(|| not("an integer")),
        Some(Some("float")) => match float(&text).or_else(|| integer(&text).and_then(as_float)) {
            Some(f) => finite(f, &text),
            None => Err(not("a number")),
        },
        _ if style != ScalarStyle::Plain => Ok(Value::String(text)),
        _ => plain(text),
    }
}

/// Whether a scalar may read as a number or a boolean, whose text is then
/// kept as written (a cheap test, so that most text is not copied).
pub fn may_be_typed(text: &str, tag: Option<&Tag>) -> bool {
    tag.is_some()
        || text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        || boolean(text).is_some()
}

/// Whether a plain scalar reads as no value: such a key is the empty text.
pub fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn plain(text: String) -> Result<Value, String> {
    if is_null(&text) {
        return Ok(Value::Null);
    }
    if let Some(b) = boolean(&text) {
        return Ok(Value::Bool(b));
    }
    if let Some(number) = integer(&text) {
        return Ok(number);
    }
    match float(&text) {
        Some(f) => finite(f, &text),
        None => Ok(Value::String(text)),
    }
}

/// No setting takes an infinite number or NaN: `.inf`, `.nan` and `1e999`
/// are errors rather than values that fail later.
fn finite(f: f64, text: &str) -> Result<Value, String> {
    if f.is_finite() {
        Ok(Value::Float(f))
    } else {
        Err(format!(
            "`{text}` is not a finite number; quote it if it is meant as text"
        ))
    }
}

/// The core-schema type a tag names (`!!int` is `int`), if any.
fn core_type(tag: &Tag) -> Option<&str> {
    tag.core_suffix()
}

/// `!!str` or the non-specific `!`: the text as written.
fn is_text_tag(tag: Option<&Tag>) -> bool {
    tag.is_some_and(|tag| {
        tag.core_suffix() == Some("str") || (tag.handle().is_empty() && tag.suffix() == "!")
    })
}

fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A decimal, `0x`, `0o` or `0b` integer. A decimal beyond 64 bits is a
/// float, as a number field would read it anyway; `0127` is no integer (YAML
/// 1.2 has no leading-zero octal) and reads as the float 127.
fn integer(text: &str) -> Option<Value> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(digits) = unsigned.strip_prefix("0x") {
        (16, digits)
    } else if let Some(digits) = unsigned.strip_prefix("0o") {
        (8, digits)
    } else if let Some(digits) = unsigned.strip_prefix("0b") {
        (2, digits)
    } else {
        (10, unsigned)
    };
    // Underscores group digits, as YAML 1.1 allowed: `1_000`.
    let digits: std::borrow::Cow<str> = if digits.contains('_') {
        digits.replace('_', "").into()
    } else {
        digits.into()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix == 10 && digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    let magnitude = u128::from_str_radix(&digits, radix).ok()?;
    if radix != 10 && magnitude > u128::from(u64::MAX) {
        return None;
    }
    let value = if negative {
        0i128.checked_sub_unsigned(magnitude)?
    } else {
        i128::try_from(magnitude).ok()?
    };
    Some(match i64::try_from(value) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::Float(value as f64),
    })
}

fn as_float(value: Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f),
        _ => None,
    }
}

/// YAML 1.2's float forms: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`,
/// `[-+]?.inf` and `.nan` (a signed `.nan` is text).
fn float(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == text.len() => return Some(f64::NAN),
        _ => {}
    }
    let bytes = unsigned.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(0);
    let mut at = whole;
    let mut fraction = 0;
    if bytes.get(at) == Some(&b'.') {
        fraction = digits(at + 1);
        at += 1 + fraction;
    }
    if whole == 0 && fraction == 0 {
        return None;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return None;
        }
        at += exponent;
    }
    if at != bytes.len() {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Value {
        resolve(text.to_owned(), ScalarStyle::Plain, None).unwrap()
    }

    fn refused(text: &str) -> String {
        resolve(text.to_owned(), ScalarStyle::Plain, None).unwrap_err()
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        assert_eq!(read("~"), Value::Null);
        assert_eq!(read(""), Value::Null);
        assert_eq!(read("True"), Value::Bool(true));
        assert_eq!(read("yes"), Value::String("yes".into()));
        assert_eq!(read("off"), Value::String("off".into()));
        assert_eq!(read("8080"), Value::Int(8080));
        assert_eq!(read("-12"), Value::Int(-12));
        assert_eq!(read("+7"), Value::Int(7));
        assert_eq!(read("0x10"), Value::Int(16));
        assert_eq!(read("0o17"), Value::Int(15));
        assert_eq!(read("0X10"), Value::String("0X10".into()));
        assert_eq!(read("0127"), Value::Float(127.0));
        assert_eq!(read("1.5"), Value::Float(1.5));
        assert_eq!(read(".5"), Value::Float(0.5));
        assert_eq!(read("1e3"), Value::Float(1000.0));
        assert_eq!(read("1e"), Value::String("1e".into()));
        assert_eq!(read("1_000"), Value::Int(1000));
        assert_eq!(
            read("0xFFFFFFFFFFFFFFFFFF"),
            Value::String("0xFFFFFFFFFFFFFFFFFF".into())
        );
        assert!(refused("-.inf").contains("not a finite number"));
        assert!(refused(".nan").contains("`.nan`"));
        assert!(refused("1e999").contains("`1e999`"));
        assert_eq!(read("-.nan"), Value::String("-.nan".into()));
        assert_eq!(read("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(read("99999999999999999999"), Value::Float(1e20));
        assert_eq!(read("nginx:1.27"), Value::String("nginx:1.27".into()));
    }

    #[test]
    fn quoted_scalars_are_text() {
        let value = resolve("8080".into(), ScalarStyle::DoubleQuoted, None).unwrap();
        assert_eq!(value, Value::String("8080".into()));
        let value = resolve("null".into(), ScalarStyle::SingleQuoted, None).unwrap();
        assert_eq!(value, Value::String("null".into()));
    }
}
