//! The words of `exo template add` and `exo template update`.

use crate::ops::templates::Fetched;
use std::path::Path;

/// A commit as people read it: its first 12 digits.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

pub fn added(name: &str, fetched: &Fetched, app_dir: &Path) -> String {
    let shown = fetched.dir.strip_prefix(app_dir).unwrap_or(&fetched.dir);
    let at = match &fetched.source.reference {
        Some(reference) => format!("{reference} ({})", short(&fetched.source.commit)),
        None => short(&fetched.source.commit).to_owned(),
    };
    format!(
        "the template {name} from {} at {at} as {}",
        fetched.source.url,
        shown.display()
    )
}

pub fn updated(name: &str, fetched: &Fetched) -> String {
    let now = short(&fetched.source.commit);
    match fetched.previous.as_deref() {
        Some(before) if before == fetched.source.commit => {
            format!("the template {name}: already at {now}")
        }
        Some(before) => format!("the template {name} from {} to {now}", short(before)),
        None => format!("the template {name} to {now}"),
    }
}
