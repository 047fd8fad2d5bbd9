//! What a diagnostic shows of a file: the lines of the problem and one on
//! each side, each cut to [`MAX_LINE_CHARS`] around the problem, with
//! control characters shown as visible symbols (`␛` for ESC). So a file
//! with terminal escapes cannot drive the terminal, and a 50 MB line shows
//! as one short line.

use super::yaml::Span;

/// The most characters shown of one line.
pub const MAX_LINE_CHARS: usize = 160;
/// A problem spanning more lines is shown on its first line only.
const MAX_SPAN_LINES: usize = 12;
/// The most characters of a message, a label or a hint.
const MAX_TEXT_CHARS: usize = 400;

/// A few lines of a file, ready to show.
#[derive(Debug)]
pub struct Excerpt {
    pub text: String,
    /// 0-based line of the file where `text` starts.
    pub first_line: usize,
    /// The problem's place in `text`.
    pub span: Span,
}

impl Excerpt {
    pub fn new(source: &str, span: Span) -> Self {
        let offset = floor_char(source, span.offset.min(source.len()));
        let end = floor_char(source, offset + span.len.min(source.len() - offset));
        let first = previous_line_start(source, line_start(source, offset));
        let mut last = line_end(source, end.max(offset));
        if source[offset..last].matches('\n').count() >= MAX_SPAN_LINES {
            last = line_end(source, offset);
        }
        let last = next_line_end(source, last);
        let mut excerpt = Excerpt {
            text: String::new(),
            first_line: source[..first].matches('\n').count(),
            span: Span::default(),
        };
        let (mut span_start, mut span_end) = (None, None);
        let mut line_begin = first;
        while line_begin <= last {
            let line_stop = line_end(source, line_begin).min(last);
            let line = &source[line_begin..line_stop];
            // The window of the problem's line is around the problem.
            let anchor = if (line_begin..=line_stop).contains(&offset) {
                source[line_begin..offset].chars().count()
            } else {
                0
            };
            let skip = anchor.saturating_sub(MAX_LINE_CHARS / 3);
            if skip > 0 {
                excerpt.text.push('…');
            }
            let mut shown = 0;
            for (index, (at, c)) in line.char_indices().enumerate() {
                let absolute = line_begin + at;
                if absolute == offset {
                    span_start = Some(excerpt.text.len());
                }
                if absolute == end && span_start.is_some() {
                    span_end = Some(excerpt.text.len());
                }
                if index < skip {
                    continue;
                }
                if shown == MAX_LINE_CHARS {
                    excerpt.text.push('…');
                    break;
                }
                let crlf = c == '\r' && source[absolute..].starts_with("\r\n");
                excerpt.text.push(if crlf { c } else { visible(c) });
                shown += 1;
            }
            if line_begin + line.len() == offset {
                span_start = Some(excerpt.text.len());
            }
            if span_start.is_some() && span_end.is_none() && line_begin + line.len() >= end {
                span_end = Some(excerpt.text.len());
            }
            if line_stop >= last {
                break;
            }
            excerpt.text.push('\n');
            line_begin = line_stop + 1;
        }
        let start = span_start.unwrap_or(excerpt.text.len());
        let stop = span_end.unwrap_or(excerpt.text.len()).max(start);
        excerpt.span = Span {
            offset: start,
            len: stop - start,
        };
        excerpt
    }
}

/// A character as shown: control characters (and the bidirectional
/// overrides that can hide text) become visible symbols.
fn visible(c: char) -> char {
    match c {
        '\t' | '\n' => c,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        _ => c,
    }
}

/// A message, label or hint as shown: control characters escaped (`\u{1b}`)
/// and at most [`MAX_TEXT_CHARS`] characters.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MAX_TEXT_CHARS {
            out.push('…');
            break;
        }
        if c != '\n' && visible(c) != c {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset of the end of the line holding `at` (its `\n`, or the end).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

fn previous_line_start(text: &str, start: usize) -> usize {
    if start == 0 {
        0
    } else {
        line_start(text, start - 1)
    }
}

fn next_line_end(text: &str, end: usize) -> usize {
    if end >= text.len() {
        end
    } else {
        line_end(text, end + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(source: &str, needle: &str) -> Excerpt {
        let offset = source.find(needle).unwrap();
        Excerpt::new(
            source,
            Span {
                offset,
                len: needle.len(),
            },
        )
    }

    fn marked(excerpt: &Excerpt) -> &str {
        &excerpt.text[excerpt.span.offset..excerpt.span.offset + excerpt.span.len]
    }

    #[test]
    fn short_files_show_the_line_and_its_neighbours_unchanged() {
        let source = "a: 1\nb: 2\nc: 3\nd: 4\n";
        let excerpt = at(source, "c: 3");
        assert_eq!(excerpt.text, "b: 2\nc: 3\nd: 4");
        assert_eq!(excerpt.first_line, 1);
        assert_eq!(marked(&excerpt), "c: 3");
    }

    #[test]
    fn control_characters_are_made_visible() {
        let source = "name: \u{1b}[31mred\u{7}\nx: 1\n";
        let excerpt = at(source, "red");
        assert!(excerpt.text.starts_with("name: \u{241b}[31mred\u{2407}\n"));
        assert_eq!(marked(&excerpt), "red");
        assert_eq!(shown("a\u{1b}b"), "a\\u{1b}b");
    }

    #[test]
    fn long_lines_are_cut_around_the_problem() {
        let source = format!("name: {}BAD{}\n", "x".repeat(2_000_000), "y".repeat(1000));
        let excerpt = at(&source, "BAD");
        let line = excerpt.text.trim_end_matches('\n');
        assert!(line.chars().count() <= MAX_LINE_CHARS + 2, "{}", line.len());
        assert_eq!(marked(&excerpt), "BAD");
        assert!(line.starts_with('…') && line.ends_with('…'));
        assert_eq!(
            shown(&"z".repeat(10_000)).chars().count(),
            MAX_TEXT_CHARS + 1
        );
    }

    #[test]
    fn windows_line_endings_are_kept() {
        let source = "a: 1\r\nb: 2\r\n";
        let excerpt = at(source, "b: 2");
        assert_eq!(excerpt.text, "a: 1\r\nb: 2\r\n");
        assert_eq!(marked(&excerpt), "b: 2");
    }
}
