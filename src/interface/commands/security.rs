//! `exo test --security`: the static checks, their reports, the exit code.

use super::{CommandError, Workspace};
use crate::core::exit::ExitStatus;
use crate::core::model::security::Severity;
use crate::interface::cli::TestArgs;
use crate::interface::output::Printer;
use crate::ops::security;
use std::path::Path;

pub fn run(
    workspace: &Workspace,
    args: &TestArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let today = jiff::Zoned::now().date();
    let scan = security::scan(&workspace.app, &workspace.dir, today)?;
    let fail_on = Severity::parse(&args.security.fail_on).unwrap_or(Severity::High);
    printer.security_scan(&scan, fail_on, !args.security.static_only);
    if let Some(path) = &args.security.sarif {
        write(path, &security::sarif_json(&scan))?;
        printer.status("Wrote", &format!("the SARIF report to {}", path.display()));
    }
    if let Some(path) = &args.junit {
        write(path, &security::junit_xml(&scan))?;
        printer.status("Wrote", &format!("the JUnit report to {}", path.display()));
    }
    Ok(if scan.fails_at(fail_on) {
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
