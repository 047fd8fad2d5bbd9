//! `exo generate kubernetes [ENV]` and `exo generate terraform [ENV]`:
//! write the deployment files of the remote environments, and compare them
//! for `exo generate --check` once they exist.

use super::files::{remove_inside, write_inside};
use super::{CommandError, Workspace};
use crate::adapters::docker::built_locally;
use crate::core::deployed::{self, Warning};
use crate::core::exit::ExitStatus;
use crate::core::kubernetes;
use crate::core::model::{Application, Target};
use crate::core::terraform;
use crate::interface::output::{Printer, deployment};
use std::collections::HashSet;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Kubernetes,
    Terraform,
}

impl Kind {
    fn target(self) -> Target {
        match self {
            Kind::Kubernetes => Target::Kubernetes,
            Kind::Terraform => Target::Aws,
        }
    }

    fn engine(self) -> &'static str {
        match self {
            Kind::Kubernetes => "Kubernetes",
            Kind::Terraform => "ECS",
        }
    }

    fn command(self) -> &'static str {
        match self {
            Kind::Kubernetes => "exo generate kubernetes",
            Kind::Terraform => "exo generate terraform",
        }
    }
}

/// What a run made besides its files, which it hands on one by one: the
/// files of an earlier run that no longer belong
/// (kubernetes/<env>/manifests/*.yaml), and the warnings, each once.
pub struct Outline {
    pub obsolete: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Generates the files of `kind` for `environment` (or all of its
/// environments), handing each (relative to the application, and its text)
/// to `each` as soon as it is made, so that they are never all held.
pub fn generate(
    app: &Application,
    dir: &Path,
    kind: Kind,
    environment: Option<&str>,
    mut each: impl FnMut(String, String) -> Result<(), CommandError>,
) -> Result<Outline, CommandError> {
    let environments = deployed::environments(app, kind.target(), environment)?;
    match kind {
        Kind::Kubernetes => {
            let mut outline = Outline {
                obsolete: Vec::new(),
                warnings: Vec::new(),
            };
            let mut known = HashSet::new();
            for environment in &environments {
                let manifests = kubernetes::generate_each(app, environment, &mut each)?;
                let manifest_dir = format!("{}/manifests", manifests.directory);
                outline
                    .obsolete
                    .extend(obsolete(dir, &manifest_dir, &manifests.paths));
                for warning in manifests.warnings {
                    if known.insert(warning.clone()) {
                        outline.warnings.push(warning);
                    }
                }
            }
            Ok(outline)
        }
        Kind::Terraform => Ok(Outline {
            obsolete: Vec::new(),
            warnings: terraform::generate_each(app, &environments, each)?,
        }),
    }
}

/// The `.yaml` files in `manifest_dir` that this run does not write
/// (`written`); none when the directory leads outside the application
/// (writing there is refused).
fn obsolete(dir: &Path, manifest_dir: &str, written: &[String]) -> Vec<String> {
    let Ok(real) = crate::adapters::paths::inside(dir, &dir.join(manifest_dir)) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(real) else {
        return Vec::new();
    };
    let written: HashSet<&str> = written.iter().map(String::as_str).collect();
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".yaml"))
        .map(|name| format!("{manifest_dir}/{name}"))
        .filter(|path| !written.contains(path.as_str()))
        .collect();
    names.sort();
    names
}

/// `exo generate kubernetes|terraform [ENV]`; the engine of `context` is
/// asked which named images it has from no registry.
pub fn run(
    workspace: &Workspace,
    kind: Kind,
    environment: Option<&str>,
    context: Option<&str>,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    // Each file is written as soon as it is made; what was written is said
    // after the warnings, as before.
    let mut written = Vec::new();
    let generated = generate(
        &workspace.app,
        &workspace.dir,
        kind,
        environment,
        |file, text| {
            let changed = write_inside(&workspace.dir, &file, &text)?;
            written.push((file, changed));
            Ok(())
        },
    )?;
    let environments = deployed::environments(&workspace.app, kind.target(), environment)?;
    let local_only = deployed::local_only_images(&workspace.app, &environments, |image| {
        built_locally(image, context)
    })?;
    for warning in generated.warnings.iter().chain(&local_only) {
        printer.warn(&deployment::warning(kind.engine(), warning));
    }
    for (file, changed) in &written {
        printer.status(if *changed { "Wrote" } else { "Unchanged" }, file);
    }
    for file in &generated.obsolete {
        remove_inside(&workspace.dir, file)?;
        printer.status("Removed", file);
    }
    Ok(ExitStatus::Success)
}

/// For `exo generate --check`: compares the deployment files that exist
/// (an environment's `kubernetes/<env>/`, `terraform/main.tf` and each
/// `terraform/<env>.tfvars`) and names each one that is stale; returns how
/// many are.
pub fn check(workspace: &Workspace, printer: &mut Printer) -> Result<usize, CommandError> {
    let app = &workspace.app;
    let dir = &workspace.dir;
    // Each run that made files: (kind, environment or all, command).
    let mut runs: Vec<(Kind, Option<String>)> = Vec::new();
    if let Ok(names) = deployed::environments(app, Target::Kubernetes, None) {
        runs.extend(
            names
                .into_iter()
                .filter(|name| dir.join(format!("kubernetes/{name}")).is_dir())
                .map(|name| (Kind::Kubernetes, Some(name))),
        );
    }
    let terraform_main = dir.join(terraform::DIRECTORY).join("main.tf");
    if deployed::environments(app, Target::Aws, None).is_ok() && terraform_main.is_file() {
        runs.push((Kind::Terraform, None));
    }
    let mut stale = 0;
    for (kind, name) in runs {
        let command = match &name {
            Some(name) => format!("{} {name}", kind.command()),
            None => kind.command().to_owned(),
        };
        let generated = generate(app, dir, kind, name.as_deref(), |file, text| {
            let message = match std::fs::read_to_string(dir.join(&file)) {
                Ok(current) if current == text => return Ok(()),
                Ok(_) => format!("'{file}' is out of date"),
                // A variables file appears once its environment is generated.
                Err(_) if file.ends_with(".tfvars") => return Ok(()),
                Err(_) => format!("'{file}' does not exist"),
            };
            stale += 1;
            printer.error(&format!("{message}; run `{command}`"));
            Ok(())
        })?;
        for file in &generated.obsolete {
            stale += 1;
            printer.error(&format!("'{file}' is no longer generated; run `{command}`"));
        }
    }
    Ok(stale)
}
