//! `exo test --performance`: load the application and judge its budgets.

use super::workspace::project_named;
use super::workspace::{log_format, prepare, with_engine};
use super::{CommandError, Settings, Workspace};
use crate::core::compose::Mode;
use crate::core::exit::ExitStatus;
use crate::core::scorecard::{self, Conclusion};
use crate::interface::cli::TestArgs;
use crate::interface::output::Printer;
use crate::ops::performance::{self, PerformanceError, PerformanceOptions, Selection};
use std::path::Path;
use std::time::Duration;

pub fn run(
    settings: &Settings,
    args: &TestArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    let selection = Selection::new(&workspace.app, &workspace.dir, &args.roles)?;
    if selection.is_empty() {
        printer.error(
            "no `performance` scenarios or budgets to run\n  hint: add `performance.scenarios` to a service.yml (see docs/performance-testing.md)",
        );
        return Ok(ExitStatus::TestsNotRun);
    }
    prepare(&workspace, printer)?;
    let name = args.project_name.clone().unwrap_or_else(|| {
        crate::core::deployed::project_name_for(
            &workspace.app.name,
            crate::core::deployed::Purpose::Performance,
        )
    });
    let project = project_named(&workspace, Mode::Production, name);
    let options = PerformanceOptions {
        wait_timeout: Duration::from_secs(args.wait_timeout),
        save_baseline: args.save_baseline,
        logs: log_format(&args.logs, printer),
    };
    let card = with_engine(settings.context(), async |engine, interrupts| {
        let card = performance::run(
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
        Ok::<_, CommandError>(card)
    })?;
    printer.block(&crate::interface::output::performance::scorecard(
        &card,
        printer.color(),
    ));
    if let Some(path) = &args.junit {
        write(
            path,
            &scorecard::junit_xml(&card),
            "the JUnit report",
            printer,
        )?;
    }
    if let Some(path) = &args.json {
        write(path, &scorecard::json(&card), "the JSON report", printer)?;
    }
    if let Some(dir) = &args.report {
        std::fs::create_dir_all(dir).map_err(|source| CommandError::Write {
            path: dir.clone(),
            source,
        })?;
        let page = dir.join("performance.html");
        write(&page, &scorecard::html(&card), "the HTML report", printer)?;
    }
    let saved = !matches!(
        card.conclusion(),
        Conclusion::Broken | Conclusion::Incomplete | Conclusion::Interrupted
    );
    if args.save_baseline && saved {
        printer.status(
            "Saved",
            &format!("the baseline to {}", scorecard::BASELINE_FILE),
        );
    }
    Ok(match card.conclusion() {
        Conclusion::Met => ExitStatus::Success,
        Conclusion::Missed => ExitStatus::Failure,
        Conclusion::Broken | Conclusion::Incomplete => ExitStatus::TestsNotRun,
        Conclusion::Interrupted => ExitStatus::Interrupted,
    })
}

fn write(path: &Path, text: &str, what: &str, printer: &mut Printer) -> Result<(), CommandError> {
    std::fs::write(path, text).map_err(|source| CommandError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    printer.status("Wrote", &format!("{what} to {}", path.display()));
    Ok(())
}

/// Says what went wrong, with a hint where there is one.
pub fn report(err: &PerformanceError, printer: &mut Printer) {
    match err {
        PerformanceError::Docker(docker) => {
            printer.error(&format!("{docker}\n  hint: {}", docker.hint()))
        }
        _ => printer.error(&err.to_string()),
    }
}
