//! The words of `exo import`: what each key of the Compose file became.

use crate::core::import::Note;

/// What to do once the files are written.
pub const NEXT: &str = "`exo check` checks the application, `exo generate` writes its Compose files; compare docker-compose/run_development.yml with the file you had";

/// Each carried key as a status line: `Mapped` into exo's keys, `Passed`
/// through `compose:`.
pub fn notes(notes: &[Note]) -> Vec<(&'static str, String)> {
    notes
        .iter()
        .filter_map(|note| match note {
            Note::Mapped { service, key, to } => {
                Some(("Mapped", format!("{service}: {key} -> {to}")))
            }
            Note::PassedThrough { service, keys } => Some((
                "Passed",
                format!(
                    "{service}: {} under `compose:`, as written",
                    keys.join(", ")
                ),
            )),
            Note::Dropped { .. } => None,
        })
        .collect()
}

/// Each key that was not carried, with why.
pub fn dropped(notes: &[Note]) -> Vec<String> {
    notes
        .iter()
        .filter_map(|note| match note {
            Note::Dropped { service, key, why } if service.is_empty() => {
                Some(format!("`{key}` is not carried: {why}"))
            }
            Note::Dropped { service, key, why } => {
                Some(format!("{service}: `{key}` is not carried: {why}"))
            }
            _ => None,
        })
        .collect()
}

pub fn missing_dockerfile(dockerfile: &str) -> String {
    format!(
        "{dockerfile} is not there: write the service's Dockerfile.dev and Dockerfile.prod before `exo run`"
    )
}
