//! `exo test`: every service's test script in a container of its image,
//! with the dependencies it needs started once, shared, and ready first;
//! then the application's end-to-end suite against the whole application,
//! once every service is ready. Dependencies, readiness and failure reports
//! come from [`crate::ops::up`]; what is pure (the schedule, the report, the JUnit
//! file) is in the submodules.

mod images;
mod junit;
mod report;
mod runner;
mod schedule;
mod summary;

pub use junit::{attribute as xml_attribute, junit_xml, text as xml_text};
pub use report::{Conclusion, END_TO_END, Kind, Report, TestCase, Verdict};
pub use schedule::Schedule;
pub use summary::summary;

use crate::adapters::compose_env::ComposeVariables;
use crate::adapters::docker::{DockerError, Down, Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::core::compose;
use crate::core::lifecycle::TestNotice;
use crate::core::model::{Application, ServiceSource};
use crate::core::plan::UnknownRole;
use crate::ops::report::{LogFormat, Reporter};
use indexmap::IndexMap;
use runner::{Run, not_started};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Build output lines shown when an image does not build (all of them go to
/// the JUnit file).
pub(crate) const BUILD_LINES_SHOWN: usize = 15;

pub struct TestOptions {
    /// Tests that run at once.
    pub jobs: usize,
    /// Test images that build at once.
    pub build_jobs: usize,
    /// Stop at the first failure.
    pub fail_fast: bool,
    /// How long dependencies, and the application before its end-to-end
    /// suite, may take to become ready (`None`: no limit).
    pub wait_timeout: Option<Duration>,
    pub logs: LogFormat,
}

impl From<crate::core::plan::PlanError> for TestError {
    fn from(err: crate::core::plan::PlanError) -> Self {
        match err {
            crate::core::plan::PlanError::UnknownRole(unknown) => TestError::UnknownRole(unknown),
            crate::core::plan::PlanError::Deployment(err) => TestError::Deployment(err),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TestError {
    #[error(transparent)]
    Docker(#[from] DockerError),
    #[error(transparent)]
    UnknownRole(#[from] UnknownRole),
    #[error(transparent)]
    Deployment(#[from] crate::core::deployed::DeploymentError),
    #[error(transparent)]
    OneOff(#[from] compose::OneOffError),
    #[error("cannot write the end-to-end Compose file {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What one run tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Roles whose test script runs, in application order.
    pub tested: Vec<String>,
    /// Roles that are listed but not tested, and why.
    pub skipped: Vec<(String, String)>,
    /// Whether the end-to-end suite runs: only for the whole application.
    pub end_to_end: bool,
}

impl Selection {
    /// `roles` (every service when empty), each tested if it is built from
    /// a directory and has a `scripts.test`.
    pub fn new(app: &Application, roles: &[String]) -> Result<Selection, UnknownRole> {
        if let Some(role) = roles.iter().find(|r| !app.services.contains_key(*r)) {
            return Err(UnknownRole {
                role: role.clone(),
                known: app
                    .services
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let mut selection = Selection {
            tested: Vec::new(),
            skipped: Vec::new(),
            end_to_end: roles.is_empty() && app.tests.is_some(),
        };
        for (role, service) in &app.services {
            if !roles.is_empty() && !roles.contains(role) {
                continue;
            }
            match (&service.source, &service.config.development.test) {
                (ServiceSource::Image(_), _) => selection
                    .skipped
                    .push((role.clone(), "runs from an image".to_owned())),
                (ServiceSource::Location(_), None) => selection
                    .skipped
                    .push((role.clone(), "no test script".to_owned())),
                (ServiceSource::Location(_), Some(_)) => selection.tested.push(role.clone()),
            }
        }
        Ok(selection)
    }
}

/// Runs the tests of `selection`, then removes every container, network and
/// volume of `project` (test.yml's), whatever happened.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    engine: &Arc<dyn Engine>,
    project: &Project,
    app: &Application,
    app_dir: &Path,
    selection: &Selection,
    options: &TestOptions,
    interrupts: &mut Interrupts,
    printer: &mut dyn Reporter,
) -> Result<Report, TestError> {
    let began = Instant::now();
    let mut run = Run {
        engine,
        options,
        cases: IndexMap::new(),
        interrupted: false,
    };
    for role in &selection.tested {
        run.cases.insert(
            role.clone(),
            TestCase::new(role, Kind::Service, not_started()),
        );
    }
    for (role, reason) in &selection.skipped {
        let skipped = Verdict::Skipped {
            reason: reason.clone(),
        };
        run.cases
            .insert(role.clone(), TestCase::new(role, Kind::Service, skipped));
    }
    if selection.end_to_end {
        run.cases.insert(
            END_TO_END.to_owned(),
            TestCase::new(END_TO_END, Kind::EndToEnd, not_started()),
        );
    }
    let mut last_project = project.clone();
    let mut end_to_end_dir = None;
    let outcome = async {
        if !selection.tested.is_empty() {
            run.services(project, app, &selection.tested, interrupts, printer)
                .await?;
        }
        let stopped = run.interrupted || (options.fail_fast && run.any_failed());
        let file = compose::end_to_end(app, app_dir, &project.name)?
            .filter(|_| selection.end_to_end && !stopped);
        if selection.end_to_end && stopped {
            let reason = if run.interrupted {
                "interrupted"
            } else {
                "stopped by --fail-fast"
            };
            let skipped = Verdict::Skipped {
                reason: reason.into(),
            };
            run.set_all(&[END_TO_END.to_owned()], &skipped);
        }
        if let Some(file) = file {
            let dir = tempfile::tempdir().map_err(|source| TestError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
            let path = write_end_to_end_file(&file, dir.path())?;
            let variables = ComposeVariables::read(&path).unwrap_or_default();
            let lookup = |name: &str| variables.get(name);
            let suite = compose::one_off(
                &file,
                compose::END_TO_END_SERVICE,
                &project.name,
                &path,
                &lookup,
            )?;
            let containers = compose::service_containers(&file, &project.name, &path, &lookup);
            end_to_end_dir = Some(dir);
            last_project = Project {
                file: path,
                name: project.name.clone(),
                app_dir: project.app_dir.clone(),
                containers: Arc::new(containers),
            };
            run.end_to_end(&last_project, app, suite, interrupts, printer)
                .await?;
        }
        Ok::<(), TestError>(())
    }
    .await;
    let cleaned = remove_everything(engine.as_ref(), &last_project, printer).await;
    drop(end_to_end_dir);
    outcome?;
    cleaned?;
    Ok(Report {
        application: app.name.clone(),
        cases: run.cases.into_values().collect(),
        interrupted: run.interrupted,
        duration: began.elapsed(),
    })
}

/// Writes the end-to-end Compose file into `dir`.
fn write_end_to_end_file(
    file: &compose::ComposeFile,
    dir: &Path,
) -> Result<std::path::PathBuf, TestError> {
    let path = dir.join("end-to-end.yml");
    std::fs::write(&path, compose::render(file)).map_err(|source| TestError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// `docker compose down --volumes --remove-orphans --timeout 0`: test
/// containers hold nothing worth a graceful stop.
async fn remove_everything(
    engine: &dyn Engine,
    project: &Project,
    printer: &mut dyn Reporter,
) -> Result<(), TestError> {
    printer.test_notice(&TestNotice::Removing {
        project: project.name.clone(),
    });
    let down = Down {
        volumes: true,
        at_once: true,
    };
    engine.down(project, down).await?;
    Ok(())
}

#[cfg(test)]
mod runs_tests;
impl crate::core::exit::Exit for TestError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            TestError::Docker(err) => err.exit_status(),
            TestError::UnknownRole(_) => ExitStatus::Usage,
            TestError::Deployment(err) => err.exit_status(),
            TestError::OneOff(err) => err.exit_status(),
            TestError::Write { .. } => ExitStatus::Io,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features() -> Application {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/features");
        crate::core::config::load(&dir).expect("tests/apps/features loads")
    }

    #[test]
    fn every_service_is_tested_or_listed_with_the_reason() {
        let selection = Selection::new(&features(), &[]).unwrap();
        assert_eq!(selection.tested, ["web"]);
        assert_eq!(
            selection.skipped,
            [
                ("api".to_owned(), "no test script".to_owned()),
                ("worker".to_owned(), "no test script".to_owned()),
                ("mailer".to_owned(), "runs from an image".to_owned()),
            ]
        );
        assert!(selection.end_to_end);
    }

    #[test]
    fn roles_narrow_the_selection_and_leave_out_the_end_to_end_suite() {
        let selection = Selection::new(&features(), &["web".into()]).unwrap();
        assert_eq!(selection.tested, ["web"]);
        assert!(selection.skipped.is_empty());
        assert!(!selection.end_to_end);
        let unknown = Selection::new(&features(), &["wbe".into()]).unwrap_err();
        assert_eq!(unknown.role, "wbe");
        assert_eq!(unknown.known, "web, api, worker, mailer");
    }
}
