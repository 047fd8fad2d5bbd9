//! `exo add`: a new service from a template, an image or a git repository,
//! registered in application.yml by editing its text.

use super::{ScaffoldError, write_atomically};
use crate::core::config::{
    self, APPLICATION_FILE, LoadError, Problem, SERVICE_FILE, Site, SourceFile,
};
use crate::core::model::{Application, ServiceType};
use crate::ops::appfile::{self, EditError, ServiceEntry};
use crate::ops::templates::{self, Placeholders};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

pub enum AddSource {
    /// A new service from the template of this name.
    Template(String),
    /// A third-party service run from this image.
    Image(String),
    /// An existing service cloned from this git URL.
    Repository(String),
    /// Not a service: a dependency (`local.dependencies`) run from this image.
    Dependency(String),
}

pub struct AddRequest {
    pub role: String,
    /// The service's type, for a template (default: private).
    pub kind: Option<ServiceType>,
    /// The service's directory relative to the application (default: the role).
    pub location: Option<String>,
    pub source: AddSource,
    /// Values of an Exosphere 0.37 template's placeholders (`--set`).
    pub set: Vec<(String, String)>,
}

/// What `add` did.
pub struct Added {
    /// `location` as written to application.yml; none for an image.
    pub location: Option<String>,
    /// The files a template wrote, relative to the service's directory.
    pub files: Vec<PathBuf>,
}

/// Adds the service to the application in `dir` (whose configuration is
/// `app`). On any error nothing is left changed: the service's directory is
/// removed and application.yml is restored.
pub fn add(dir: &Path, app: &Application, request: &AddRequest) -> Result<Added, ScaffoldError> {
    let role = request.role.as_str();
    if !config::is_role(role) {
        return Err(ScaffoldError::BadRole(role.to_owned()));
    }
    if app.dependencies.contains_key(role) {
        return Err(ScaffoldError::Invalid(vec![
            Problem::general(format!(
                "the application already has a dependency called `{role}`"
            ))
            .help("choose another name; each container of the application needs its own"),
        ]));
    }
    if let AddSource::Dependency(image) = &request.source {
        return add_dependency(dir, app, role, image);
    }
    let location = match &request.source {
        AddSource::Image(_) => None,
        _ => Some(location(request)?),
    };
    let app_file = dir.join(APPLICATION_FILE);
    let original = std::fs::read_to_string(&app_file).map_err(ScaffoldError::io(&app_file))?;
    let mut fields = Vec::new();
    match (&request.source, &location) {
        (AddSource::Image(image), _) => fields.push(("docker-image", image.as_str())),
        (AddSource::Repository(url), Some(location)) => {
            fields.push(("location", location.as_str()));
            fields.push(("repository", url.as_str()));
        }
        (_, location) => fields.push(("location", location.as_deref().unwrap_or_default())),
    }
    let entry = ServiceEntry {
        role,
        fields,
        comments: Vec::new(),
    };
    let edited =
        appfile::add_service(&original, &entry).map_err(|err| edit_problem(&original, err))?;

    let target = location.as_deref().map(|l| dir.join(l));
    if let Some(target) = &target {
        if target.exists() {
            return Err(ScaffoldError::Exists(target.clone()));
        }
        crate::adapters::paths::inside(dir, target)?;
    }
    let files = match (&request.source, &target) {
        (AddSource::Template(name), Some(target)) => {
            let template = templates::find(dir, name)?;
            let placeholders = placeholders(&template, request, &app.name)?;
            let depth = Path::new(location.as_deref().unwrap_or_default())
                .components()
                .filter(|c| matches!(c, Component::Normal(_)))
                .count();
            super::write_schemas(dir)?;
            materialize(target, |staged| {
                let files = templates::render(&template, &placeholders, staged)?;
                add_modeline(&staged.join(SERVICE_FILE), depth)?;
                Ok(files)
            })?
        }
        (AddSource::Repository(url), Some(target)) => materialize(target, |staged| {
            crate::adapters::git::clone_blocking(url, staged, false)?;
            if staged.join(SERVICE_FILE).is_file() {
                Ok(Vec::new())
            } else {
                Err(ScaffoldError::NoServiceFile { url: url.clone() })
            }
        })?,
        _ => Vec::new(),
    };
    let undo = |err: ScaffoldError| {
        if let Some(target) = &target {
            let _ = std::fs::remove_dir_all(target);
        }
        let _ = write_atomically(&app_file, &original);
        err
    };
    write_atomically(&app_file, &edited).map_err(undo)?;
    validate(dir).map_err(undo)?;
    Ok(Added { location, files })
}

/// The template's placeholders for this service; a 0.37 template's type
/// defaults to its project.json's `serviceType`.
fn placeholders(
    template: &templates::Template,
    request: &AddRequest,
    app: &str,
) -> Result<Placeholders, ScaffoldError> {
    let kind = request.kind.map(ServiceType::name);
    let templates::Origin::Exosphere(template_dir) = &template.origin else {
        let kind = kind.unwrap_or(ServiceType::Private.name());
        return Ok(Placeholders::new(&request.role, kind, app));
    };
    let fields =
        templates::exosphere::values(template, template_dir, &request.role, kind, &request.set)?;
    let kind = fields
        .get("serviceType")
        .map_or(ServiceType::Private.name(), String::as_str)
        .to_owned();
    Ok(Placeholders::new(&request.role, &kind, app).with_fields(fields))
}

/// A dependency `id` from `image`, with comments that say what exo's catalog
/// knows of the image (so that the file explains what the services get).
fn add_dependency(
    dir: &Path,
    app: &Application,
    id: &str,
    image: &str,
) -> Result<Added, ScaffoldError> {
    if app.services.contains_key(id) {
        return Err(ScaffoldError::Invalid(vec![
            Problem::general(format!(
                "the application already has a service called `{id}`"
            ))
            .help("choose another name; each container of the application needs its own"),
        ]));
    }
    let app_file = dir.join(APPLICATION_FILE);
    let original = std::fs::read_to_string(&app_file).map_err(ScaffoldError::io(&app_file))?;
    let entry = ServiceEntry {
        role: id,
        fields: vec![("image", image)],
        comments: catalog_comments(id, image),
    };
    let edited =
        appfile::add_dependency(&original, &entry).map_err(|err| edit_problem(&original, err))?;
    write_atomically(&app_file, &edited)?;
    validate(dir).inspect_err(|_| {
        let _ = write_atomically(&app_file, &original);
    })?;
    Ok(Added {
        location: None,
        files: Vec::new(),
    })
}

/// What the catalog gives the dependency `id` of `image`, as comment lines.
fn catalog_comments(id: &str, image: &str) -> Vec<String> {
    let prefix = crate::core::config::constant_case(id);
    let Some(entry) = crate::catalog::lookup(image) else {
        return vec![
            "not in exo's catalog: add `port:` and `health-check:` so that services".to_owned(),
            format!("wait until it is ready; services get {prefix}_HOST"),
        ];
    };
    let mut variables = vec![format!("{prefix}_HOST")];
    variables.extend(entry.offers.keys().map(|name| format!("{prefix}_{name}")));
    let mut comments = vec![
        format!(
            "exo's catalog ({}): port {}, its health check and default environment;",
            entry.name, entry.port
        ),
        format!("services get {}", variables.join(", ")),
    ];
    if let Some(path) = &entry.persist {
        comments.push(format!(
            "add `persist: true` to keep {path} in a named volume"
        ));
    }
    comments
}

/// Loads the edited application; its problems are the add's.
fn validate(dir: &Path) -> Result<(), ScaffoldError> {
    match config::load(dir) {
        Ok(_) => Ok(()),
        Err(LoadError::Invalid(problems)) => Err(ScaffoldError::Invalid(problems)),
        Err(LoadError::Read { path, source }) => Err(ScaffoldError::Io { path, source }),
        Err(LoadError::NotFound { start }) => Err(ScaffoldError::Io {
            path: start,
            source: std::io::ErrorKind::NotFound.into(),
        }),
    }
}

/// The location to write: `--location` (relative to the application,
/// inside it) or the role, as `./dir`.
fn location(request: &AddRequest) -> Result<String, ScaffoldError> {
    let given = request.location.as_deref().unwrap_or(&request.role);
    let normalized = config::normalize_location(given);
    let inside = Path::new(&normalized)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if Path::new(given).is_absolute() || !inside || normalized == "." {
        return Err(ScaffoldError::BadLocation(given.to_owned()));
    }
    Ok(format!("./{normalized}"))
}

/// Starts the template's service.yml with the modeline that points editors
/// at the application's schema, `depth` directories up, unless it has one.
fn add_modeline(service_yml: &Path, depth: usize) -> Result<(), ScaffoldError> {
    let Ok(text) = std::fs::read_to_string(service_yml) else {
        return Ok(());
    };
    if text.contains("yaml-language-server:") {
        return Ok(());
    }
    let dir = format!(
        "{}{}",
        "../".repeat(depth),
        crate::core::schema::APPLICATION_DIR
    );
    let modeline = crate::core::schema::modeline(&dir, crate::core::schema::SERVICE_SCHEMA);
    std::fs::write(service_yml, format!("{modeline}{text}")).map_err(ScaffoldError::io(service_yml))
}

/// Fills a staging directory next to `target` with `fill`, then moves it to
/// `target` in one rename; on failure nothing is left.
fn materialize(
    target: &Path,
    fill: impl FnOnce(&Path) -> Result<Vec<PathBuf>, ScaffoldError>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let missing_parent = parent
        .ancestors()
        .take_while(|p| !p.exists())
        .last()
        .map(Path::to_path_buf);
    std::fs::create_dir_all(parent).map_err(ScaffoldError::io(parent))?;
    let result = (|| {
        let staging = tempfile::Builder::new()
            .prefix(".exo-add-")
            .tempdir_in(parent)
            .map_err(ScaffoldError::io(parent))?;
        let staged = staging.path().join("service");
        let files = fill(&staged)?;
        std::fs::rename(&staged, target).map_err(ScaffoldError::io(target))?;
        Ok(files)
    })();
    if result.is_err()
        && let Some(created) = missing_parent
    {
        let _ = std::fs::remove_dir_all(created);
    }
    result
}

/// An edit that could not be made, as a problem of application.yml.
fn edit_problem(text: &str, err: EditError) -> ScaffoldError {
    let file = Arc::new(SourceFile {
        name: APPLICATION_FILE.to_owned(),
        text: text.to_owned(),
        dir: None,
    });
    let problem = match &err {
        EditError::Duplicate { role, span, .. } => {
            Problem::at(Site::new(&file, *span), err.to_string())
                .label("already here")
                .help(format!("choose another role, or remove `{role}` first"))
        }
        EditError::Flow { span, .. } => Problem::at(Site::new(&file, *span), err.to_string())
            .label("flow style")
            .help("exo adds lines to a block map and keeps the rest as written"),
        EditError::Syntax(_) | EditError::NotAMap => {
            Problem::general(err.to_string()).help("run `exo check` to see where")
        }
    };
    ScaffoldError::Invalid(vec![problem])
}
