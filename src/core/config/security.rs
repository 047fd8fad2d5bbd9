//! `security` of application.yml and service.yml: the security rules that
//! do not apply here, each with its reason and an optional last day.

use super::problem::Problem;
use super::reader::Reader;
use super::yaml::{Node, Value};
use crate::core::model::security::{RULES, Suppression, rule};

pub fn read_security(reader: &mut Reader, node: &Node) -> Vec<Suppression> {
    let fields = reader.fields(node, "security", &["ignore"]);
    let Some(list) = fields.get("ignore") else {
        return Vec::new();
    };
    let entries = match &list.value {
        Value::Null => return Vec::new(),
        Value::Seq(entries) => entries,
        _ => {
            reader.report(
                Problem::at(reader.site(list), "`security.ignore` must be a list")
                    .label("expected a list")
                    .help("write `- {rule: EXO-S004, reason: \"...\"}` entries"),
            );
            return Vec::new();
        }
    };
    entries
        .iter()
        .filter_map(|entry| read_suppression(reader, entry))
        .collect()
}

fn read_suppression(reader: &mut Reader, node: &Node) -> Option<Suppression> {
    let path = "security.ignore[]";
    let fields = reader.fields(node, path, &["rule", "reason", "until"]);
    let missing = |reader: &mut Reader, key: &str, hint: &str| {
        reader.report(
            Problem::at(
                reader.site(node),
                format!("a `{path}` entry has no `{key}`"),
            )
            .label(format!("`{key}` is missing"))
            .help(hint.to_owned()),
        );
    };
    let Some(rule_node) = fields.get("rule") else {
        missing(
            reader,
            "rule",
            "add `rule: EXO-S001` (see `exo test --security`)",
        );
        return None;
    };
    let Some(reason_node) = fields.get("reason") else {
        missing(reader, "reason", "say why the rule does not apply here");
        return None;
    };
    let id = reader.non_empty_string(rule_node, "security.ignore[].rule")?;
    if rule(&id.value).is_none() {
        let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        reader.report(
            Problem::at(id.site, format!("unknown security rule `{}`", id.value))
                .label("unknown rule")
                .help(format!("the rules are {}", known.join(", "))),
        );
        return None;
    }
    let reason = reader.non_empty_string(reason_node, "security.ignore[].reason")?;
    let until = match fields.get("until") {
        None => None,
        Some(n) => {
            let text = reader.string(n, "security.ignore[].until")?;
            match text.value.parse::<jiff::civil::Date>() {
                Ok(date) => Some(date),
                Err(_) => {
                    reader.report(
                        Problem::at(text.site, "`security.ignore[].until` must be a date")
                            .label("expected YYYY-MM-DD")
                            .help("e.g. `until: 2027-03-01`"),
                    );
                    return None;
                }
            }
        }
    };
    Some(Suppression {
        rule: id.value,
        reason: reason.value,
        until,
    })
}
