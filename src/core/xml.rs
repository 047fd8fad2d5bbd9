//! XML 1.0 escaping, for the JUnit files and the HTML report exo writes.

pub fn attribute(value: &str) -> String {
    escape(value, true)
}

pub fn text(value: &str) -> String {
    escape(value, false)
}

/// XML 1.0 escaping. Characters XML 1.0 cannot hold at all (control
/// characters such as the ESC of colour codes) become U+FFFD; in attributes,
/// line breaks and tabs are written as references so that they survive
/// attribute normalisation.
fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn allowed(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_and_drops_what_xml_cannot_hold() {
        assert_eq!(escape("a<b>&'c'\t", false), "a&lt;b&gt;&amp;'c'\t");
        assert_eq!(escape("\"x\"\ny", true), "&quot;x&quot;&#10;y");
        assert_eq!(escape("\x1b[0m\u{0}", false), "\u{FFFD}[0m\u{FFFD}");
        assert_eq!(escape("caf\u{e9} \u{1F600}", false), "caf\u{e9} \u{1F600}");
    }
}
