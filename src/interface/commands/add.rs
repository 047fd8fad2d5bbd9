//! `exo add ROLE --template NAME | --image IMAGE | --repo URL`, and
//! `exo add ID --dependency IMAGE`.

use super::{CommandError, Settings, Workspace};
use crate::core::exit::ExitStatus;
use crate::core::model::ServiceType;
use crate::interface::cli::{AddArgs, ServiceKind};
use crate::interface::output::Printer;
use crate::ops::scaffold::{self, AddRequest, AddSource};

pub fn run(
    settings: &Settings,
    args: &AddArgs,
    printer: &mut Printer,
) -> Result<ExitStatus, CommandError> {
    let workspace = Workspace::load(settings)?;
    if let Some(image) = &args.dependency {
        let request = AddRequest {
            role: args.role.clone(),
            kind: None,
            location: None,
            source: AddSource::Dependency(image.clone()),
            set: Vec::new(),
        };
        scaffold::add(&workspace.dir, &workspace.app, &request)?;
        let known = match crate::catalog::lookup(image) {
            Some(entry) => format!(" (exo's catalog: {})", entry.name),
            None => String::new(),
        };
        printer.status(
            "Added",
            &format!(
                "the dependency {} from the image {image}{known} to application.yml",
                args.role
            ),
        );
        return Ok(ExitStatus::Success);
    }
    let (source, from) = match (&args.template, &args.image, &args.repo) {
        (Some(name), _, _) => (
            AddSource::Template(name.clone()),
            format!("template {name}"),
        ),
        (_, Some(image), _) => (AddSource::Image(image.clone()), format!("image {image}")),
        (_, _, Some(url)) => (
            AddSource::Repository(url.clone()),
            format!("repository {url}"),
        ),
        // clap requires one of the three.
        (None, None, None) => return Ok(ExitStatus::Usage),
    };
    let request = AddRequest {
        role: args.role.clone(),
        kind: args.kind.map(|kind| match kind {
            ServiceKind::Public => ServiceType::Public,
            ServiceKind::Private => ServiceType::Private,
            ServiceKind::Worker => ServiceType::Worker,
        }),
        location: args.location.clone(),
        source,
        set: args.set.clone(),
    };
    let added = scaffold::add(&workspace.dir, &workspace.app, &request)?;
    if let Some(location) = &added.location {
        let location = location.trim_start_matches("./");
        for file in &added.files {
            printer.status("Created", &format!("{location}/{}", file.display()));
        }
    }
    let place = added
        .location
        .map(|l| format!(" at {l}"))
        .unwrap_or_default();
    printer.status(
        "Added",
        &format!(
            "the service {} from the {from}{place} to application.yml",
            args.role
        ),
    );
    Ok(ExitStatus::Success)
}
