//! How container log lines look: `role  | text`, one colour per service,
//! the role padded to the longest, as `docker compose` prints them.

use crate::adapters::docker::LogLine;

/// Colours in the order Compose uses them.
const COLORS: [&str; 6] = ["36", "33", "32", "35", "34", "31"];

pub use crate::ops::report::LogFormat;

/// Formats the lines of a fixed set of services.
#[derive(Debug, Clone)]
pub struct LogStyle {
    format: LogFormat,
    width: usize,
    names: Vec<String>,
}

impl LogStyle {
    pub fn new(names: &[String], format: LogFormat) -> Self {
        let mut sorted = names.to_vec();
        sorted.sort();
        LogStyle {
            format,
            width: names.iter().map(String::len).max().unwrap_or(0),
            names: sorted,
        }
    }

    pub fn line(&self, line: &LogLine) -> String {
        if !self.format.prefix {
            return line.text.clone();
        }
        let prefix = format!("{:width$} |", line.service, width = self.width);
        if !self.format.color {
            return format!("{prefix} {}", line.text);
        }
        let index = self
            .names
            .iter()
            .position(|n| *n == line.service)
            .unwrap_or(0);
        let color = COLORS[index % COLORS.len()];
        format!("\x1b[{color}m{prefix}\x1b[0m {}", line.text)
    }

    /// The padded name, for status lines that line up with the logs.
    pub fn name(&self, name: &str) -> String {
        format!("{name:width$}", width = self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(service: &str, text: &str) -> LogLine {
        LogLine {
            service: service.into(),
            text: text.into(),
        }
    }

    #[test]
    fn prefixes_are_padded_to_the_longest_role() {
        let style = LogStyle::new(
            &["web".into(), "worker".into()],
            LogFormat {
                prefix: true,
                color: false,
            },
        );
        assert_eq!(style.line(&line("web", "hello")), "web    | hello");
        assert_eq!(style.line(&line("worker", "tick")), "worker | tick");
    }

    #[test]
    fn no_prefix_leaves_the_line_alone() {
        let style = LogStyle::new(
            &["web".into()],
            LogFormat {
                prefix: false,
                color: true,
            },
        );
        assert_eq!(style.line(&line("web", "{\"a\":1}")), "{\"a\":1}");
    }

    #[test]
    fn colours_follow_the_sorted_names() {
        let style = LogStyle::new(
            &["web".into(), "api".into()],
            LogFormat {
                prefix: true,
                color: true,
            },
        );
        assert_eq!(style.line(&line("api", "x")), "\x1b[36mapi |\x1b[0m x");
        assert_eq!(style.line(&line("web", "x")), "\x1b[33mweb |\x1b[0m x");
    }
}
