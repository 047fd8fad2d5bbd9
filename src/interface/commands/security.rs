//! `exo test --security`: the static and dynamic checks, their reports,
//! the exit code.

use super::workspace::project_named;
use super::workspace::{log_format, prepare, wait_limit, with_engine};
use super::{CommandError, Settings, Workspace};
use crate::core::compose::Mode;
use crate::core::exit::ExitStatus;
use crate::core::model::security::Severity;
use crate::interface::cli::TestArgs;
use crate::interface::output::Printer;
use crate::ops::security::{self, DynamicOptions, Scan, Selection};
use std::path::Path;
use std::time::Duration;

pub fn run(
    settings: &Settings,
    workspace: &Workspace,
    args: &TestArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let today = jiff::Zoned::now().date();
    let app = &workspace.app;
    let selection = Selection::new(app, &args.roles)?;
    let mut scan = Scan::new(app, &selection, args.roles.is_empty());
    if !args.security.dynamic_only {
        scan.add_static(app, &workspace.dir, today)?;
    }
    if !args.security.static_only {
        prepare(workspace, printer)?;
        let name = args.project_name.clone().unwrap_or_else(|| {
            crate::core::deployed::project_name_for(
                &app.name,
                crate::core::deployed::Purpose::Security,
            )
        });
        let project = project_named(workspace, Mode::Production, name);
        let options = DynamicOptions {
            wait_timeout: wait_limit(args.wait_timeout).unwrap_or(Duration::MAX),
            logs: log_format(&args.logs, printer),
        };
        let sources = security::read_sources(app, &workspace.dir)?;
        let dynamic = with_engine(settings.context(), async |engine, interrupts| {
            let dynamic = security::dynamic::scan(
                &engine,
                &project,
                &selection.plan,
                &selection.containers,
                &sources,
                &options,
                interrupts,
                printer,
            )
            .await?;
            Ok::<_, CommandError>(dynamic)
        })?;
        scan.merge(app, dynamic, today);
    }
    let fail_on = Severity::parse(&args.security.fail_on).unwrap_or(Severity::High);
    printer.security_scan(&scan, fail_on);
    if let Some(path) = &args.security.sarif {
        write(path, &security::sarif_json(&scan))?;
        printer.status("Wrote", &format!("the SARIF report to {}", path.display()));
    }
    if let Some(path) = &args.junit {
        write(path, &security::junit_xml(&scan))?;
        printer.status("Wrote", &format!("the JUnit report to {}", path.display()));
    }
    Ok(if scan.interrupted {
        ExitStatus::Interrupted
    } else if scan.broken.is_some() {
        ExitStatus::TestsNotRun
    } else if scan.fails_at(fail_on) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn write(path: &Path, text: &str) -> Result<(), CommandError> {
    std::fs::write(path, text).map_err(|source| CommandError::Write {
        path: path.to_path_buf(),
        source,
    })
}
