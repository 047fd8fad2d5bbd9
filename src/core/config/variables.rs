//! Variables and secrets: names checked as Compose and the shell read them.

use super::names::{is_environment_name, is_variable_name};
use super::problem::Problem;
use super::reader::Reader;
use super::yaml::{Node, Value};
use indexmap::IndexMap;

impl Reader<'_> {
    /// Environment variables: names to text values (`KEY:` alone is empty).
    pub fn environment(&mut self, node: &Node, path: &str) -> IndexMap<String, String> {
        let mut variables = IndexMap::new();
        for (key, name, value) in self.entries(node, path) {
            if !is_environment_name(name) {
                let problem = Problem::at(
                    self.site(key),
                    format!("`{name}` in `{path}` is not a valid environment variable name"),
                )
                .label("invalid name")
                .help("use letters, digits, `_`, `.` and `-`, starting with a letter or `_`");
                self.report(problem);
                continue;
            }
            let text = match &value.value {
                Value::Null => Some(String::new()),
                _ => self
                    .string(value, &format!("{path}.{name}"))
                    .map(|s| s.value),
            };
            if let Some(text) = text {
                variables.insert(name.to_owned(), text);
            }
        }
        variables
    }

    /// Names of secrets: each must be a valid variable name.
    pub fn secrets(&mut self, node: &Node, path: &str) -> Vec<String> {
        let mut names = Vec::new();
        for name in self.string_list(node, path) {
            if is_variable_name(&name.value) {
                names.push(name.value);
            } else {
                let problem = Problem::at(
                    name.site,
                    format!(
                        "secret `{}` in `{path}` is not a valid variable name",
                        name.value
                    ),
                )
                .label("invalid name")
                .help("secrets are passed as `${NAME}`; use letters, digits and `_`");
                self.report(problem);
            }
        }
        names
    }
}
