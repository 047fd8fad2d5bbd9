//! The Compose file of an end-to-end run, made when `exo test` needs it and
//! never written beside the generated ones: the development file's
//! application, built from the same Dockerfiles, plus the application's
//! end-to-end suite as one more service that runs against it.

use super::document::{Build, ComposeFile, ComposeService, Environment, ServiceMetadata, share};
use super::{Mode, compile_at, literal, metadata};
use crate::core::deployed::{self, DeploymentError, Readiness, Target};
use crate::core::model::{Application, ServiceSource};
use std::path::Path;

/// The suite's Compose service. Roles cannot contain `_`, so no service of
/// the application has this name.
pub const END_TO_END_SERVICE: &str = "end_to_end";

/// The file for `app` (in `app_dir`) under Compose project `project`, or
/// `None` when the application has no `tests`. It differs from
/// run_development.yml so that it can run beside the application: no port is
/// published on the host, no directory is mounted (the images' own copies
/// are tested, as in test.yml), images are tagged for `project`, and build
/// contexts and the paths of `compose:` keys are absolute, since the file
/// lives elsewhere.
pub fn end_to_end(
    app: &Application,
    app_dir: &Path,
    project: &str,
) -> Result<Option<ComposeFile>, DeploymentError> {
    let Some(tests) = app.tests.as_ref() else {
        return Ok(None);
    };
    let root = literal(&app_dir.display().to_string());
    let mut file = compile_at(
        &deployed::deploy(app, Target::Local(Mode::Development))?,
        &root,
    );
    file.name = project.to_owned();
    file.exo.mode = "end-to-end";
    for service in file.services.values_mut() {
        service.ports.clear();
    }
    for service in app.services.values() {
        let ServiceSource::Location(location) = &service.source else {
            continue;
        };
        let Some(entry) = file.services.get_mut(&service.role) else {
            continue;
        };
        // The service directory's mount; `compose:` volumes stay.
        entry
            .volumes
            .retain(|volume| !volume.as_str().is_some_and(|v| v.ends_with(":/mnt")));
        entry.image = Some(format!("{project}-{}:e2e", service.role.to_lowercase()));
        entry.build = Some(Build {
            context: literal(&app_dir.join(location).display().to_string()),
            dockerfile: Mode::Development.dockerfile().to_owned(),
        });
    }
    let suite = ComposeService {
        image: Some(format!("{project}-end-to-end:e2e")),
        build: Some(Build {
            context: literal(&app_dir.join(&tests.location).display().to_string()),
            dockerfile: "Dockerfile".to_owned(),
        }),
        command: tests.command.as_deref().map(literal),
        environment: Environment {
            shared: [&file.endpoints, &file.application]
                .into_iter()
                .flatten()
                .map(share)
                .collect(),
            variables: Default::default(),
        },
        init: Some(true),
        exo: ServiceMetadata {
            kind: "end-to-end",
            readiness: metadata::readiness(&Readiness::running()),
            ..ServiceMetadata::default()
        },
        ..ComposeService::default()
    };
    file.services.insert(END_TO_END_SERVICE.to_owned(), suite);
    Ok(Some(file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::compose::render;

    #[test]
    fn the_application_runs_beside_its_suite() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/features");
        let app = crate::core::config::load(&dir).expect("tests/apps/features loads");
        let file = end_to_end(&app, Path::new("/app"), "featurestests")
            .unwrap()
            .expect("it has tests");
        let text = render(&file);
        insta::assert_snapshot!(text);
    }
}
