//! `exo update [--dry-run] [--major]`.

use super::{CommandError, Settings, Workspace};
use crate::core::config::APPLICATION_FILE;
use crate::core::exit::ExitStatus;
use crate::interface::cli::UpdateArgs;
use crate::interface::output::Printer;
use crate::ops::scaffold::write_atomically;
use crate::ops::update::{self, Skipped};

pub fn run(
    settings: &Settings,
    args: &UpdateArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    let path = workspace.dir.join(APPLICATION_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| CommandError::Write {
        path: path.clone(),
        source,
    })?;
    let mut images = update::images(&text);
    if images.is_empty() {
        printer.status("Current", "application.yml names no image");
        return Ok(ExitStatus::Success);
    }
    let failures = update::check(&mut images, args.major, |image| {
        crate::adapters::docker::built_locally(image, settings.context())
    });
    let rows: Vec<Vec<String>> = images
        .iter()
        .map(|image| {
            let newest = match image.skipped {
                Some(Skipped::Local) => "- (built locally)".to_owned(),
                Some(Skipped::Failed) => "? (registry error)".to_owned(),
                None => image.newest.clone().unwrap_or_else(|| "-".into()),
            };
            vec![
                image.owner.clone(),
                image.image.clone(),
                image.current.clone().unwrap_or_else(|| "-".into()),
                newest,
            ]
        })
        .collect();
    printer.table(&["FOR", "IMAGE", "CURRENT", "NEWEST"], &rows);
    for failure in &failures {
        printer.error(&failure.to_string());
    }
    let status = if failures.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    };
    let count = images.iter().filter(|i| i.newest.is_some()).count();
    if count == 0 && !failures.is_empty() {
        printer.error("application.yml was not changed");
    } else if count == 0 {
        printer.status("Current", "every image is on its newest version");
    } else if args.dry_run {
        printer.status(
            "Would update",
            &format!("{count} image(s); run without --dry-run to write application.yml"),
        );
    } else {
        let updated = update::apply(&text, &images);
        write_atomically(&path, &updated)?;
        printer.status("Updated", &format!("{count} image(s) in application.yml"));
    }
    Ok(status)
}
