//! `exo clone [URL [DIR]]`: an application and its services' repositories.

use super::workspace::runtime;
use super::{CommandError, Settings, Workspace};
use crate::core::exit::ExitStatus;
use crate::interface::cli::CloneArgs;
use crate::interface::output::{LogFormat, Printer};
use crate::ops::clone::{self, Fetched};

pub fn run(
    settings: &Settings,
    args: &CloneArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    runtime()?.block_on(async {
        let (dir, fetched) = match &args.url {
            Some(url) => {
                let dir = args.dir.clone().unwrap_or_else(|| clone::default_dir(url));
                let fetched = clone::clone_application(url, &dir).await?;
                if fetched != Fetched::Existing {
                    printer.status("Cloned", &format!("{url} into {}", dir.display()));
                }
                (dir, fetched)
            }
            None => (Workspace::find(settings)?, Fetched::Existing),
        };
        let missing = clone::missing_services(&dir).inspect_err(|_| fetched.undo(&dir))?;
        if missing.is_empty() {
            printer.status("Complete", "every service that names a repository is there");
            return Ok(ExitStatus::Success);
        }
        let roles: Vec<String> = missing.iter().map(|s| s.role.clone()).collect();
        let format = LogFormat {
            prefix: true,
            color: false,
        };
        let progress = printer.progress(&roles, format);
        let result =
            clone::clone_services(&dir, &missing, |role, step| progress.clone_step(role, step))
                .await;
        drop(progress);
        result.inspect_err(|_| fetched.undo(&dir))?;
        let count = missing.len();
        printer.status(
            "Cloned",
            &format!(
                "{count} service{} into {}",
                if count == 1 { "" } else { "s" },
                dir.display()
            ),
        );
        Ok(ExitStatus::Success)
    })
}
