//! `exo update [--dry-run] [--major]`.

use super::{CommandError, Workspace};
use crate::cli::{Cli, UpdateArgs};
use crate::config::APPLICATION_FILE;
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::scaffold::write_atomically;
use crate::update;

pub fn run(
    cli: &Cli,
    args: &UpdateArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(cli)?;
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
    update::check(&mut images, args.major)?;
    let rows: Vec<Vec<String>> = images
        .iter()
        .map(|image| {
            vec![
                image.owner.clone(),
                image.image.clone(),
                image.current.clone().unwrap_or_else(|| "-".into()),
                image.newest.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    printer.table(&["FOR", "IMAGE", "CURRENT", "NEWEST"], &rows);
    let count = images.iter().filter(|i| i.newest.is_some()).count();
    if count == 0 {
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
    Ok(ExitStatus::Success)
}
