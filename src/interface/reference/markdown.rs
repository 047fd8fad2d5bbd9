//! Small helpers shared by the generated Markdown pages.

/// The first lines of every generated page.
pub const GENERATED_NOTICE: &str = "<!-- Generated from the code by `EXO_BLESS=1 cargo test --test it reference`; do not edit. -->";

/// `text` as Markdown prose: `<` and `>` outside code spans are escaped, so
/// that `<ID>_HOST` is shown rather than taken for an HTML tag.
pub fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angle_brackets_are_escaped_outside_code() {
        assert_eq!(
            prose("`<ID>_HOST` and <ID>_URL"),
            "`<ID>_HOST` and &lt;ID&gt;_URL"
        );
    }
}
