//! The names of workloads in a cluster: DNS labels, one per role and
//! dependency id.

pub use crate::core::config::cluster_names::{LOAD_BALANCER, instance, waiter};

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
