//! `exo test`: the services' tests and the application's end-to-end tests.

use super::workspace::project_named;
use super::workspace::{log_format, prepare, wait_limit, with_engine};
use super::{CommandError, Settings, Workspace};
use crate::core::compose::Mode;
use crate::core::exit::ExitStatus;
use crate::core::model::{Application, ServiceSource};
use crate::interface::cli::TestArgs;
use crate::interface::output::Printer;
use crate::ops::testing::{self, Conclusion, Selection, TestOptions};
use std::path::Path;

/// Tests run at once per CPU core when `--jobs` is not given: a test's
/// container spends much of its time waiting (on its start, its
/// dependencies, the network), so one per core leaves the cores idle.
/// Image builds, which keep a core busy, run one per core.
const TESTS_PER_CORE: usize = 2;

pub fn run(
    settings: &Settings,
    args: &TestArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    if args.performance {
        return super::performance::run(settings, args, printer);
    }
    let workspace = Workspace::load(settings)?;
    if args.security.security {
        return super::security::run(settings, &workspace, args, printer);
    }
    let roles = if args.roles.is_empty() && settings.app.is_none() {
        service_here(&workspace.app, &workspace.dir)
            .into_iter()
            .collect()
    } else {
        args.roles.clone()
    };
    let selection = Selection::new(&workspace.app, &roles)?;
    prepare(&workspace, printer)?;
    let name = args.project_name.clone().unwrap_or_else(|| {
        crate::core::deployed::project_name_for(
            &workspace.app.name,
            crate::core::deployed::Purpose::Tests,
        )
    });
    let project = project_named(&workspace, Mode::Test, name);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let options = TestOptions {
        jobs: args.jobs.unwrap_or(TESTS_PER_CORE * cores),
        build_jobs: args.jobs.unwrap_or(cores),
        fail_fast: args.fail_fast,
        wait_timeout: wait_limit(args.wait_timeout),
        logs: log_format(&args.logs, printer),
    };
    let report = with_engine(settings.context(), async |engine, interrupts| {
        let report = testing::run(
            &engine,
            &project,
            &workspace.app,
            &workspace.dir,
            &selection,
            &options,
            interrupts,
            printer,
        )
        .await?;
        Ok::<_, CommandError>(report)
    })?;
    printer.block(&testing::summary(&report, printer.color()));
    if let Some(path) = &args.junit {
        std::fs::write(path, testing::junit_xml(&report)).map_err(|source| {
            CommandError::Write {
                path: path.clone(),
                source,
            }
        })?;
        printer.status("Wrote", &format!("the JUnit report to {}", path.display()));
    }
    Ok(match report.conclusion() {
        Conclusion::Passed => ExitStatus::Success,
        Conclusion::Failed => ExitStatus::Failure,
        Conclusion::Broken => ExitStatus::TestsNotRun,
        Conclusion::Interrupted => ExitStatus::Interrupted,
    })
}

/// The service whose directory exo runs in, as 0.37 had it: there, `exo
/// test` tests that service alone.
fn service_here(app: &Application, app_dir: &Path) -> Option<String> {
    let here = std::env::current_dir().ok()?.canonicalize().ok()?;
    app.services
        .values()
        .find_map(|service| match &service.source {
            ServiceSource::Location(location) => {
                let dir = app_dir.join(location).canonicalize().ok()?;
                (dir == here).then(|| service.role.clone())
            }
            ServiceSource::Image(_) => None,
        })
}
