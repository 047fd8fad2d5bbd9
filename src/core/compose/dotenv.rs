//! The `.env` file Compose reads beside the Compose file, for the
//! variables of its interpolation. Only the plain forms are read here; a
//! file with anything Compose would expand or unescape (`$`, `\`, a value
//! over several lines) is `None`, and exo leaves that project to Compose.

use std::collections::BTreeMap;

/// The variables of `text`; `None` when a line is not in a plain form.
pub fn parse_dotenv(text: &str) -> Option<BTreeMap<String, String>> {
    let mut variables = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (name, value) = line.split_once('=')?;
        let name = name.trim();
        let mut chars = name.chars();
        let first = chars.next()?;
        let named = (first.is_ascii_alphabetic() || first == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !named {
            return None;
        }
        variables.insert(name.to_owned(), value_of(value.trim())?);
    }
    Some(variables)
}

/// An unquoted value (up to a ` #` comment) or one in single or double
/// quotes, without anything to expand.
fn value_of(text: &str) -> Option<String> {
    if text.contains(['$', '\\']) {
        return None;
    }
    for quote in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(quote) {
            let (value, after) = inner.split_once(quote)?;
            let after = after.trim_start();
            return (after.is_empty() || after.starts_with('#')).then(|| value.to_owned());
        }
    }
    let value = match text.find(" #").or_else(|| text.find("\t#")) {
        Some(at) => &text[..at],
        None => text,
    };
    Some(value.trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_are_read_as_compose_reads_them() {
        let text = "# a comment\n\nA=1\nexport B = two words \nC='x # y' # note\nD=\"q\"\nE=v # note\nF=\nG.H-I=ok\n";
        let read = parse_dotenv(text).expect("plain");
        let expected = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "x # y"),
            ("D", "q"),
            ("E", "v"),
            ("F", ""),
            ("G.H-I", "ok"),
        ];
        let expected: BTreeMap<String, String> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn what_compose_would_expand_or_unescape_is_not_read() {
        for text in [
            "A=$HOME",
            "A=\"${B}\"",
            "A=\"a\\nb\"",
            "A=\"open",
            "A='x' trailing",
            "no equals sign",
            "1A=x",
            "=x",
        ] {
            assert_eq!(parse_dotenv(text), None, "{text}");
        }
    }
}
