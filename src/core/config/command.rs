//! `scripts.run` and `scripts.test` become a service's Compose `command`,
//! which Compose splits into words itself and runs without a shell. Its
//! splitter stops at the first unquoted `;`, `&`, `|`, `<` or `>` and drops
//! the rest without a word, and refuses the file over an unclosed quote.
//! Both are caught here, at load time, with the part that would have run.

use super::problem::Problem;
use super::reader::Reader;
use super::yaml::Node;

/// Why Compose would not run `line` as written.
#[derive(Debug, PartialEq, Eq)]
enum CommandProblem {
    /// An unquoted shell operator: only `kept` would run.
    Operator {
        operator: String,
        kept: String,
    },
    UnclosedQuote(char),
    /// A `\` with nothing after it to escape.
    TrailingEscape,
}

/// Reads a command that Compose runs as written, or reports why not.
pub fn read_command(reader: &mut Reader, node: &Node, path: &str) -> Option<String> {
    let command = reader.non_empty_string(node, path)?;
    let Some(problem) = command_problem(&command.value) else {
        return Some(command.value);
    };
    let problem = match problem {
        CommandProblem::Operator { operator, kept } => Problem::at(
            command.site,
            format!(
                "Compose runs `{path}` without a shell: it would stop at the `{operator}` and run only `{}`",
                kept.trim_end()
            ),
        )
        .label(format!("unquoted `{operator}`"))
        .help("run it through a shell, `sh -c '…'`, or put the commands in a script"),
        CommandProblem::UnclosedQuote(quote) => Problem::at(
            command.site,
            format!("`{path}` has an unclosed `{quote}`: Compose would refuse the file"),
        )
        .label("unclosed quote")
        .help(format!("close the `{quote}`, or escape it with `\\`")),
        CommandProblem::TrailingEscape => Problem::at(
            command.site,
            format!("`{path}` ends with a `\\` that escapes nothing: Compose would refuse the file"),
        )
        .label("lone `\\`")
        .help("remove it, or write `\\\\` for a backslash"),
    };
    reader.report(problem);
    None
}

/// Scans `line` as Compose's word splitter does: `'…'` takes everything
/// literally, `"…"` and unquoted text take `\` as an escape.
fn command_problem(line: &str) -> Option<CommandProblem> {
    let mut quote = None;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ';' | '&' | '|' | '<' | '>') => {
                let rest = &line[at..];
                let end = rest
                    .find(|c| !matches!(c, ';' | '&' | '|' | '<' | '>'))
                    .unwrap_or(rest.len());
                return Some(CommandProblem::Operator {
                    operator: rest[..end].to_owned(),
                    kept: line[..at].to_owned(),
                });
            }
            (None, _) => {}
        }
    }
    match quote {
        Some(quote) => Some(CommandProblem::UnclosedQuote(quote)),
        None if escaped => Some(CommandProblem::TrailingEscape),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operator(line: &str) -> Option<(String, String)> {
        match command_problem(line)? {
            CommandProblem::Operator { operator, kept } => Some((operator, kept)),
            CommandProblem::UnclosedQuote(_) | CommandProblem::TrailingEscape => None,
        }
    }

    #[test]
    fn plain_and_quoted_commands_run_as_written() {
        for line in [
            "node server.js",
            "echo 'running tests for users service'",
            "sh -c 'npm install && npm start'",
            r#"echo "a;b" c\;d 'e|f' "g > h""#,
            r#"echo "it's""#,
            "/node_modules/.bin/cucumber-js --fail-fast",
        ] {
            assert_eq!(command_problem(line), None, "{line}");
        }
    }

    #[test]
    fn an_unquoted_operator_is_where_compose_would_stop() {
        assert_eq!(
            operator("npm install && npm start"),
            Some(("&&".to_owned(), "npm install ".to_owned()))
        );
        for (line, operator_at, kept) in [
            ("a;b", ";", "a"),
            ("serve | tee log", "|", "serve "),
            ("serve >> log", ">>", "serve "),
            ("serve 'a' < in", "<", "serve 'a' "),
        ] {
            assert_eq!(
                operator(line),
                Some((operator_at.to_owned(), kept.to_owned())),
                "{line}"
            );
        }
    }

    #[test]
    fn an_unclosed_quote_is_named() {
        assert_eq!(
            command_problem("echo 'unclosed"),
            Some(CommandProblem::UnclosedQuote('\''))
        );
        assert_eq!(
            command_problem(r#"echo "a\""#),
            Some(CommandProblem::UnclosedQuote('"'))
        );
        assert_eq!(command_problem(r"echo 'a\'"), None);
        assert_eq!(
            command_problem(r"echo a\"),
            Some(CommandProblem::TrailingEscape)
        );
        assert_eq!(command_problem(r"echo a\\"), None);
    }
}
