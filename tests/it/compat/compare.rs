//! Comparing the normalised files, and checking one application.

use super::normalise::{normalise_0_37, normalise_exo, project_name};
use super::read::{File, Side, read_compose};
use super::{app_name, base_name, generate};
use std::collections::BTreeSet;
use std::path::Path;

// ---------------------------------------------------------------------------
// Comparing.

pub(super) fn show<T: std::fmt::Debug>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "<absent>".to_owned(), |v| format!("{v:?}"))
}

pub(super) fn compare(want: &File, got: &File, mismatches: &mut Vec<String>) {
    let names: BTreeSet<&String> = want.services.keys().chain(got.services.keys()).collect();
    for name in names {
        let (want, got) = match (want.services.get(name), got.services.get(name)) {
            (Some(want), Some(got)) => (want, got),
            (Some(_), None) => {
                mismatches.push(format!("service `{name}`: 0.37 has it, exo does not"));
                continue;
            }
            (None, Some(_)) => {
                mismatches.push(format!("service `{name}`: exo has it, 0.37 does not"));
                continue;
            }
            (None, None) => unreachable!(),
        };
        let mut field = |field: &str, want: String, got: String| {
            if want != got {
                mismatches.push(format!("service `{name}`: {field}: 0.37 {want}, exo {got}"));
            }
        };
        field("image", show(&want.image), show(&got.image));
        field(
            "build.context",
            show(&want.build_context),
            show(&got.build_context),
        );
        field(
            "build.dockerfile",
            show(&want.dockerfile),
            show(&got.dockerfile),
        );
        field("command", show(&want.command), show(&got.command));
        field(
            "ports",
            format!("{:?}", want.ports),
            format!("{:?}", got.ports),
        );
        field(
            "volumes",
            format!("{:?}", want.volumes),
            format!("{:?}", got.volumes),
        );
        field(
            "depends_on",
            format!("{:?}", want.depends_on),
            format!("{:?}", got.depends_on),
        );
        field("restart", show(&want.restart), show(&got.restart));
        let keys: BTreeSet<&String> = want
            .environment
            .keys()
            .chain(got.environment.keys())
            .collect();
        for key in keys {
            field(
                &format!("environment.{key}"),
                show(&want.environment.get(key)),
                show(&got.environment.get(key)),
            );
        }
    }
    if want.volumes != got.volumes {
        mismatches.push(format!(
            "top-level volumes: 0.37 {:?}, exo {:?}",
            want.volumes, got.volumes
        ));
    }
}

/// Every problem of one valid application, each prefixed with `app/file`.
pub(super) fn check_application(app: &Path) -> Vec<String> {
    check_edited_application(app, |_, text| text)
}

/// As `check_application`, with exo's text of each file (named as under
/// `expected/`) passed through `edit` first.
pub(super) fn check_edited_application(
    app: &Path,
    edit: impl Fn(&str, String) -> String,
) -> Vec<String> {
    let name = app_name(app);
    let files = match generate(app) {
        Ok(files) => files,
        Err(err) => return vec![format!("{name}: does not load:\n{err}")],
    };
    let mut mismatches = Vec::new();
    for (mode, text) in files {
        let file = base_name(mode);
        let text = edit(file, text);
        let expected_path = app.join("expected").join(file);
        let mut problems = Vec::new();
        let expected = match std::fs::read_to_string(&expected_path) {
            Ok(expected) => read_compose(&expected, Side::Exosphere, &mut problems),
            Err(err) => {
                problems.push(format!("cannot read {}: {err}", expected_path.display()));
                None
            }
        };
        let generated = read_compose(&text, Side::Exo, &mut problems);
        if let (Some(mut expected), Some(mut generated)) = (expected, generated) {
            normalise_0_37(&mut expected, mode);
            match project_name(app, mode) {
                Ok(project) => {
                    normalise_exo(&mut generated, &expected, mode, &project, &mut problems)
                }
                Err(err) => problems.push(err),
            }
            compare(&expected, &generated, &mut problems);
        }
        mismatches.extend(problems.into_iter().map(|p| format!("{name}/{file}: {p}")));
    }
    mismatches
}
