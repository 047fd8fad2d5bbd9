//! `remote.hardening` of service.yml: how a service's container in a
//! cluster differs from exo's secure defaults.

use super::problem::Problem;
use super::reader::Reader;
use super::yaml::Node;
use crate::core::model::remote::Hardening;

pub const KEYS: [&str; 4] = [
    "add-capabilities",
    "privilege-escalation",
    "read-only-root",
    "run-as-non-root",
];

pub fn read_hardening(reader: &mut Reader, node: &Node) -> Hardening {
    let path = "remote.hardening";
    let fields = reader.fields(node, path, &KEYS);
    let flag = |reader: &mut Reader, name: &str| {
        fields
            .get(name)
            .and_then(|n| reader.boolean(n, &format!("{path}.{name}")))
            .unwrap_or(false)
    };
    let mut hardening = Hardening {
        add_capabilities: Vec::new(),
        privilege_escalation: flag(reader, "privilege-escalation"),
        read_only_root: flag(reader, "read-only-root"),
        run_as_non_root: flag(reader, "run-as-non-root"),
    };
    if let Some(list) = fields.get("add-capabilities") {
        for capability in reader.string_list(list, &format!("{path}.add-capabilities")) {
            let name = capability.value.trim();
            let name = name.strip_prefix("CAP_").unwrap_or(name);
            if is_capability(name) {
                hardening.add_capabilities.push(name.to_owned());
            } else {
                reader.report(
                    Problem::at(
                        capability.site,
                        format!("`{}` is not a Linux capability's name", capability.value),
                    )
                    .label("not a capability")
                    .help(
                        "write it as Linux names it, in capitals, e.g. `NET_ADMIN` or `SYS_PTRACE`",
                    ),
                );
            }
        }
    }
    hardening
}

/// Capitals and underscores, as `capabilities(7)` names them.
fn is_capability(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::patterns::{self, CAPABILITY};

    #[test]
    fn capabilities_are_linux_names_with_or_without_cap() {
        for good in ["NET_ADMIN", "SYS_PTRACE", "CAP_NET_RAW"] {
            let name = good.strip_prefix("CAP_").unwrap_or(good);
            assert!(is_capability(name), "{good}");
            assert!(patterns::matches(CAPABILITY, good), "{good}");
        }
        for bad in ["net_admin", "", "NET ADMIN", "1NET", "NET-ADMIN"] {
            assert!(!is_capability(bad), "{bad}");
            assert!(!patterns::matches(CAPABILITY, bad), "{bad}");
        }
    }
}
