//! `exo graph [--format dot|mermaid]`: what starts after what, and when each
//! container counts as ready.

use super::{CommandError, Settings, Workspace};
use crate::core::compose::Mode;
use crate::core::diagram;
use crate::core::exit::ExitStatus;
use crate::core::plan::Plan;
use crate::interface::cli::{GraphArgs, GraphFormat};
use crate::interface::output::Printer;

pub fn run(
    settings: &Settings,
    args: &GraphArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    let mode = if args.production {
        Mode::Production
    } else {
        Mode::Development
    };
    let plan = Plan::new(&workspace.app, mode, &[])?;
    let text = match args.format {
        GraphFormat::Dot => diagram::dot(&workspace.app, &plan),
        GraphFormat::Mermaid => diagram::mermaid(&workspace.app, &plan),
    };
    printer.out(&text);
    Ok(ExitStatus::Success)
}
