//! `exo generate [--check]`: write the Compose files, or compare them.

use super::files::write_inside;
use super::{CommandError, Settings, Workspace, deployment_files};
use crate::core::compose::{self, Mode};
use crate::core::deployed::Warning;
use crate::core::exit::ExitStatus;
use crate::core::model::{Application, Target};
use crate::interface::cli::{GenerateArgs, GenerateTarget};
use crate::interface::output::{Printer, deployment};
use std::path::Path;

pub fn run(
    settings: &Settings,
    args: &GenerateArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    if let (Some(GenerateTarget::DockerCompose), Some(environment)) =
        (args.target, &args.environment)
    {
        printer.error(&format!(
            "the Compose files have no environment: `{environment}` goes with `exo generate kubernetes` or `exo generate terraform`"
        ));
        return Ok(ExitStatus::Usage);
    }
    let workspace = Workspace::load(settings)?;
    printer.warnings(&workspace.warnings);
    if args.check {
        let deployment = deployment_files::check(&workspace, printer)?;
        return Ok(check(
            &workspace.dir,
            &render_all(&workspace)?,
            deployment,
            printer,
        ));
    }
    let kind = match args.target {
        Some(GenerateTarget::Kubernetes) => Some(deployment_files::Kind::Kubernetes),
        Some(GenerateTarget::Terraform) => Some(deployment_files::Kind::Terraform),
        Some(GenerateTarget::DockerCompose) | None => None,
    };
    if let Some(kind) = kind {
        return deployment_files::run(
            &workspace,
            kind,
            args.environment.as_deref(),
            settings.context(),
            printer,
        );
    }
    for (file, changed) in write_all(&workspace)? {
        printer.status(if changed { "Wrote" } else { "Unchanged" }, &file);
    }
    for warning in stack_warnings(&workspace.app)? {
        printer.warn(&deployment::warning("the Swarm stack file", &warning));
    }
    Ok(ExitStatus::Success)
}

/// What the stack files of the Swarm environments cannot carry.
fn stack_warnings(app: &Application) -> Result<Vec<Warning>, CommandError> {
    let mut warnings = Vec::new();
    for (env, settings) in &app.remote.environments {
        if settings.target == Target::Swarm {
            warnings.extend(compose::stack::swarm(app, env)?.warnings);
        }
    }
    Ok(warnings)
}

/// Each file's name and text: the three Compose files, then the stack file
/// of every Swarm environment.
fn render_all(workspace: &Workspace) -> Result<Vec<(String, String)>, CommandError> {
    let mut files = Vec::new();
    for mode in Mode::ALL {
        let file = compose::local(&workspace.app, mode)?;
        files.push((mode.file_name().to_owned(), compose::render(&file)));
    }
    files.extend(compose::stack::render_stacks(&workspace.app)?);
    Ok(files)
}

/// Writes the Compose files whose content changed; returns each file's name
/// and whether it was written. Commands that use the files call this first,
/// so that they never run a stale file.
pub fn write_all(workspace: &Workspace) -> Result<Vec<(String, bool)>, CommandError> {
    let mut written = Vec::new();
    for (name, text) in render_all(workspace)? {
        let changed = write_inside(&workspace.dir, &name, &text)?;
        written.push((name, changed));
    }
    Ok(written)
}

/// Names every file that is missing or differs from what would be written.
/// `deployment` files were found stale already (and named).
fn check(
    dir: &Path,
    files: &[(String, String)],
    deployment: usize,
    printer: &mut Printer,
) -> ExitStatus {
    let mut stale = 0;
    for (name, text) in files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(current) if current == *text => {}
            Ok(current) => {
                stale += 1;
                printer.error(&format!(
                    "'{name}' is out of date; what `exo generate` would change:"
                ));
                printer.diff(&unified_diff(name, &current, text));
            }
            Err(_) => {
                stale += 1;
                printer.error(&format!("'{name}' does not exist"));
            }
        }
    }
    if stale > 0 {
        printer.error("run `exo generate` to update the Compose files");
    }
    if stale + deployment == 0 {
        printer.status(
            "Checked",
            &format!("{} Compose files: all up to date", files.len()),
        );
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

/// The change from `current` to `wanted`, as `diff -u` shows it.
fn unified_diff(file: &str, current: &str, wanted: &str) -> String {
    similar::TextDiff::from_lines(current, wanted)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{file} (on disk)"), &format!("{file} (generated)"))
        .to_string()
}
