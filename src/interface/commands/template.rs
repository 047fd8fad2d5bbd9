//! `exo template list | add NAME GIT_URL [--ref REF] | update NAME | remove NAME`.

use super::{CommandError, Settings, Workspace};
use crate::core::config::LoadError;
use crate::core::exit::ExitStatus;
use crate::interface::cli::TemplateCommand;
use crate::interface::output::{Printer, templates as words};
use crate::ops::templates::{self, Origin};
use std::path::PathBuf;

pub fn run(
    settings: &Settings,
    command: &TemplateCommand,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    match command {
        TemplateCommand::List => {
            // Outside an application the built-in templates are still listed.
            let (dir, list) = match Workspace::find(settings) {
                Ok(dir) => {
                    let list = templates::list(&dir)?;
                    (dir, list)
                }
                Err(CommandError::Load(LoadError::NotFound { .. })) if settings.app.is_none() => {
                    (PathBuf::new(), templates::built_in())
                }
                Err(err) => return Err(err),
            };
            let rows: Vec<Vec<String>> = list
                .into_iter()
                .map(|t| {
                    let origin = match t.origin {
                        Origin::BuiltIn => "built-in".to_owned(),
                        Origin::Application(path) | Origin::Exosphere(path) => path
                            .strip_prefix(&dir)
                            .unwrap_or(&path)
                            .display()
                            .to_string(),
                    };
                    vec![t.name, origin, t.description]
                })
                .collect();
            printer.table(&["NAME", "FROM", "DESCRIPTION"], &rows);
        }
        TemplateCommand::Add {
            name,
            url,
            reference,
        } => {
            let dir = Workspace::find(settings)?;
            let fetched = templates::add(&dir, name, url, reference.as_deref())?;
            printer.status("Added", &words::added(name, &fetched, &dir));
        }
        TemplateCommand::Update { name, reference } => {
            let dir = Workspace::find(settings)?;
            let fetched = templates::update(&dir, name, reference.as_deref())?;
            printer.status("Updated", &words::updated(name, &fetched));
        }
        TemplateCommand::Remove { name } => {
            let dir = Workspace::find(settings)?;
            let path = templates::remove(&dir, name)?;
            let shown = path
                .strip_prefix(&dir)
                .unwrap_or(&path)
                .display()
                .to_string();
            printer.status("Removed", &format!("the template {name} ({shown})"));
        }
    }
    Ok(ExitStatus::Success)
}
