//! `exo import [FILE...]`: an application from hand-written Compose files.

use super::{CommandError, Settings};
use crate::core::exit::ExitStatus;
use crate::interface::cli::ImportArgs;
use crate::interface::output::{Printer, import as words};
use crate::ops::scaffold;
use std::path::PathBuf;

pub fn run(
    settings: &Settings,
    args: &ImportArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let dir = match &settings.app {
        Some(dir) => dir.clone(),
        None => PathBuf::from("."),
    };
    let files: Vec<PathBuf> = args
        .files
        .iter()
        .map(|file| match &settings.app {
            Some(dir) if file.is_relative() => dir.join(file),
            _ => file.clone(),
        })
        .collect();
    let done = scaffold::import(&dir, &files)?;
    let shown = |file: &str| match done.dir.as_os_str() == "." {
        true => file.to_owned(),
        false => done.dir.join(file).display().to_string(),
    };
    for file in &done.read {
        let file = file.strip_prefix(&done.dir).unwrap_or(file);
        printer.status("Read", &file.display().to_string());
    }
    for file in &done.written {
        printer.status("Wrote", &shown(file));
    }
    for (from, to) in &done.copied {
        printer.status("Copied", &format!("{} to {}", shown(from), shown(to)));
    }
    for (label, line) in words::notes(&done.imported.notes) {
        printer.status(label, &line);
    }
    for line in words::dropped(&done.imported.notes) {
        printer.warn(&line);
    }
    for dockerfile in &done.missing {
        printer.warn(&words::missing_dockerfile(dockerfile));
    }
    printer.status("Next", words::NEXT);
    Ok(ExitStatus::Success)
}
