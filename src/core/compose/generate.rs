//! Writes one local mode's deployment as a Compose file.

use super::document::{
    Build, ComposeFile, ComposeService, DependsOn, DependsOnMap, Environment, FileMetadata,
    ServiceMetadata, Waits, share,
};
use super::passthrough::{self, Declared};
use super::{literal, metadata, values};
use crate::core::config::catalog;
use crate::core::deployed::{Container, Deployment, Image, Kind, Mode, ReadyCheck, Tag, Wait};
use indexmap::IndexMap;
use serde_saphyr::RcAnchor;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The Compose file of a local deployment (`deployed::Target::Local`),
/// written beside the others in `docker-compose/`.
pub fn compile(deployment: &Deployment) -> ComposeFile {
    compile_at(deployment, "..")
}

/// As [`compile`], for a file that names the application's directory
/// `root`: the relative paths of `compose:` keys start there.
pub fn compile_at(deployment: &Deployment, root: &str) -> ComposeFile {
    let mode = deployment.mode.unwrap_or(Mode::Production);
    let text = |variables: &BTreeMap<String, crate::core::deployed::Value>| {
        values::texts(variables, &deployment.required_secrets)
    };
    let anchor = |variables: BTreeMap<String, String>| {
        (!variables.is_empty()).then(|| RcAnchor(Rc::new(variables)))
    };
    let endpoints = anchor(text(&deployment.endpoints));
    let application = anchor(text(&deployment.application_variables));
    let dependencies = anchor(text(&deployment.dependency_variables));
    let dependency_data = anchor(text(&deployment.shared_by_dependencies));
    let waits: Option<Waits> = (!deployment.shared_waits.is_empty()).then(|| {
        let shared = conditions(deployment, deployment.shared_waits.iter().map(|w| &**w));
        RcAnchor(Rc::new(shared))
    });
    let mut services = BTreeMap::new();
    let mut declared = Declared::default();
    for container in &deployment.containers {
        for (name, _) in container.named_volumes() {
            declared.volumes.insert(name, None);
        }
        let mut compose = entry(deployment, container, mode, waits.as_ref());
        passthrough::apply(&mut compose, &container.compose, root, &mut declared);
        let shared = match container.kind {
            Kind::Dependency => vec![&dependency_data],
            Kind::Service(_) => vec![&endpoints, &application, &dependencies],
        };
        compose.environment = Environment {
            shared: shared.into_iter().flatten().map(share).collect(),
            variables: text(&container.variables),
        };
        services.insert(container.id.clone(), compose);
    }
    ComposeFile {
        name: deployment.project.clone(),
        endpoints,
        application,
        dependencies,
        dependency_data,
        waits,
        services,
        volumes: declared.volumes,
        networks: declared.networks,
        exo: FileMetadata {
            application: deployment.application.clone(),
            mode: mode.name(),
        },
    }
}

/// The image a service built from its `location` is tagged with:
/// `<project>-<role>:<mode>`, where the project is the one Compose runs
/// (`-p`, `COMPOSE_PROJECT_NAME`, else the file's `name:`) as in Compose's
/// own default image names, so that two projects of one application never
/// overwrite each other's images. Compose sets `COMPOSE_PROJECT_NAME` for
/// interpolation; the default is for Compose versions that do not.
fn image(deployment: &Deployment, image: &Image) -> (String, Option<Build>) {
    match image {
        Image::Pulled(name) => (name.clone(), None),
        Image::Built(build) => {
            let role = build
                .name
                .strip_prefix(&format!("{}-", deployment.project))
                .unwrap_or(&build.name);
            let tag = match &build.tag {
                Tag::Mode(mode) => mode.name().to_owned(),
                Tag::Variable(variable) => format!("${{{variable}:-latest}}"),
                Tag::Fixed(tag) => (*tag).to_owned(),
            };
            // A `$` in a path is a `$`, not a variable of the host.
            let context = if build.location == "." {
                "..".to_owned()
            } else {
                literal(&format!("../{}", build.location))
            };
            let name = format!(
                "${{COMPOSE_PROJECT_NAME:-{}}}-{role}:{tag}",
                deployment.project
            );
            let build = Build {
                context,
                dockerfile: build.dockerfile.to_owned(),
            };
            (name, Some(build))
        }
    }
}

fn entry(
    deployment: &Deployment,
    container: &Container,
    mode: Mode,
    waits: Option<&Waits>,
) -> ComposeService {
    let (image, build) = image(deployment, &container.image);
    let mount = build
        .as_ref()
        .filter(|_| mode == Mode::Development)
        .map(|b| format!("{}:/mnt", b.context));
    let mut volumes: Vec<serde_json::Value> = container
        .named_volumes()
        .into_iter()
        .map(|(name, path)| format!("{name}:{path}").into())
        .collect();
    volumes.extend(mount.map(Into::into));
    let dependency = container.kind == Kind::Dependency;
    ComposeService {
        image: Some(image),
        build,
        command: container.command.as_deref().map(literal),
        ports: match (container.host_port, container.port) {
            (Some(host), Some(port)) => vec![format!("{host}:{port}").into()],
            _ => Vec::new(),
        },
        volumes,
        environment: Environment::default(),
        depends_on: depends_on(deployment, container, waits),
        healthcheck: metadata::healthcheck(&container.readiness),
        // An init as PID 1 forwards signals, so that a stop takes no 10 s.
        init: (!dependency && mode != Mode::Production).then_some(true),
        restart: match (&container.restart, mode) {
            _ if dependency => Some("on-failure"),
            (_, Mode::Test) => None,
            (Some(restart), Mode::Development) if !restart.on_crash => Some("no"),
            _ => Some("on-failure"),
        },
        compose: IndexMap::new(),
        exo: ServiceMetadata {
            kind: if dependency { "dependency" } else { "service" },
            service_type: match container.kind {
                Kind::Service(kind) => Some(kind.name()),
                Kind::Dependency => None,
            },
            catalog: match &container.image {
                Image::Pulled(name) if dependency => catalog::lookup(name).map(|e| e.name.clone()),
                _ => None,
            },
            depends_on: container.depends_on.clone(),
            readiness: metadata::readiness(&container.readiness),
            restart: container.restart.as_ref().map(metadata::restart),
            watch: container.watch.as_ref().and_then(metadata::watch),
        },
    }
}

/// What the container waits for: the shared waits, when it has them, then
/// its own.
fn depends_on(
    deployment: &Deployment,
    container: &Container,
    waits: Option<&Waits>,
) -> DependsOnMap {
    let (shared, own) = deployment.own_waits(container);
    DependsOnMap {
        shared: waits.filter(|_| shared).map(share),
        own: conditions(deployment, own.iter().map(|w| &**w)),
    }
}

/// Each wait's condition: a Compose healthcheck makes it `service_healthy`.
fn conditions<'a>(
    deployment: &Deployment,
    waits: impl Iterator<Item = &'a Wait>,
) -> IndexMap<String, DependsOn> {
    waits
        .map(|wait| {
            let healthy = deployment
                .get(&wait.id)
                .is_some_and(|target| matches!(target.readiness.check, ReadyCheck::Command(_)));
            let condition = if healthy {
                "service_healthy"
            } else {
                "service_started"
            };
            (wait.id.clone(), DependsOn { condition })
        })
        .collect()
}
