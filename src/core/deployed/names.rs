//! The names exo gives: Compose projects and volumes (0.37's rules), and
//! workloads in a cluster (DNS labels, one per role and dependency id).

pub use crate::core::config::cluster_names::{LOAD_BALANCER, WAITER, instance};

use super::DeploymentError;
use super::build::all_dependencies;
use crate::core::model::Application;
use std::collections::BTreeMap;

/// Each role and dependency id's name in a cluster: lowercase, a DNS label.
pub fn names(app: &Application) -> Result<BTreeMap<String, String>, DeploymentError> {
    let ids = all_dependencies(app)
        .into_keys()
        .chain(app.services.keys().cloned());
    let mut names = BTreeMap::new();
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for id in ids {
        let name = id.to_ascii_lowercase();
        let reason = if name.len() > 63 {
            Some("it is longer than 63 characters")
        } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            Some("it must start with a letter")
        } else if name
            .chars()
            .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        {
            Some("only letters, digits and hyphens are allowed")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(DeploymentError::BadName { id, reason });
        }
        if let Some(first) = owners.insert(name.clone(), id.clone()) {
            return Err(DeploymentError::NameClash {
                first,
                second: id,
                name,
            });
        }
        names.insert(id, name);
    }
    Ok(names)
}

/// 0.37's volume name: `mongo` and `/data/db` give `mongo__data_db`.
pub fn volume_name(id: &str, path: &str) -> String {
    let text = format!("{id}_{path}");
    let mut name = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            name.push('_');
        }
        previous_lower = c.is_ascii_lowercase();
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    name
}

/// What a Compose project of the application runs; its name says it, so
/// that each can run beside the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The application (`exo run`, `exo up`, the stack's base name).
    Application,
    /// The services' tests (`exo test`): `<app>tests`, as 0.37 named it.
    Tests,
    /// A performance run (`exo test --performance`): `<app>perf`.
    Performance,
    /// The dynamic security checks (`exo test --security`): `<app>sec`.
    Security,
}

/// The default project name of `application` for `purpose`.
pub fn project_name_for(application: &str, purpose: Purpose) -> String {
    let suffix = match purpose {
        Purpose::Application => "",
        Purpose::Tests => "tests",
        Purpose::Performance => "perf",
        Purpose::Security => "sec",
    };
    project_name(&format!("{application}{suffix}"))
}

/// Compose project name: 0.37's rule, lowercase letters and digits only.
pub fn project_name(application: &str) -> String {
    application
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
