//! Service templates: the built-in ones (`service-templates/`, embedded in
//! the binary) and the application's own in `.exosphere/templates/<name>/`
//! (Exosphere 0.22's place), which win over a built-in of the same name,
//! and 0.37's in `.exosphere/service_templates/<name>/` (see [`exosphere`]).
//! A template is a directory with the service's files; placeholders in file
//! names and text are replaced (see [`Placeholders`]).

pub mod exosphere;
mod fetched;
mod placeholders;

pub use fetched::{Fetched, Source, add, remove, update};
pub use placeholders::Placeholders;

use include_dir::{Dir, DirEntry, include_dir};
use std::path::{Component, Path, PathBuf};

static BUILT_IN: Dir = include_dir!("$CARGO_MANIFEST_DIR/service-templates");

/// Where an application keeps its own templates, relative to it.
pub const APPLICATION_TEMPLATES: &str = ".exosphere/templates";

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("there is no template `{name}`; the templates are: {known}")]
    Unknown { name: String, known: String },
    #[error("the template `{template}` would write `{path}`, outside the service's directory")]
    Escapes { template: String, path: String },
    #[error(
        "the template `{template}` holds a symbolic link, `{path}`; templates hold files and directories only"
    )]
    Symlink { template: String, path: String },
    #[error("the template `{0}` has no service.yml at its top")]
    NoServiceFile(String),
    #[error(
        "the template `{0}` has a project.json, but not one directory in `template/` (boilr's `template/{{{{serviceRole}}}}/`)"
    )]
    NotBoilr(String),
    #[error("the project.json of the template `{template}` cannot be read: {message}")]
    ProjectJson { template: String, message: String },
    #[error(
        "the template `{template}` uses `{{{{{placeholder}}}}}` (in {file}), which has no value: project.json gives it no default"
    )]
    NoValue {
        template: String,
        placeholder: String,
        file: String,
    },
    #[error("`{0}` is not a valid template name: use letters, digits and single hyphens")]
    BadName(String),
    #[error("the application already has a template `{0}`")]
    Exists(String),
    #[error("`{0}` is built into exo and cannot be removed")]
    BuiltIn(String),
    #[error(
        "the template `{0}` was not added by `exo template add`: exo does not know where it comes from"
    )]
    NoSource(String),
    #[error("{} cannot be read: {message}", path.display())]
    Sources { path: PathBuf, message: String },
    #[error(transparent)]
    Outside(#[from] crate::adapters::paths::PathError),
    #[error(transparent)]
    Git(#[from] crate::adapters::git::GitError),
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl TemplateError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TemplateError + '_ {
        move |source| TemplateError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    /// In the application, at this directory.
    Application(PathBuf),
    /// An Exosphere 0.37 template (boilr's layout), at this directory.
    Exosphere(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub origin: Origin,
    /// The `description` of its service.yml.
    pub description: String,
}

/// One file of a template, its path relative to the template.
struct TemplateFile {
    path: PathBuf,
    contents: Vec<u8>,
    executable: bool,
}

/// Every template, by name: the application's, its 0.37 ones, then the
/// built-in ones; the first of a name wins.
pub fn list(app_dir: &Path) -> Result<Vec<Template>, TemplateError> {
    let mut templates = application_templates(app_dir)?;
    for template in exosphere::list(app_dir)?.into_iter().chain(built_in()) {
        if !templates.iter().any(|own| own.name == template.name) {
            templates.push(template);
        }
    }
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(templates)
}

/// The templates built into exo, by name.
pub fn built_in() -> Vec<Template> {
    BUILT_IN
        .dirs()
        .filter_map(|dir| {
            let name = dir.path().to_str()?.to_owned();
            let service = dir.get_file(dir.path().join("service.yml"))?;
            Some(Template {
                description: description(service.contents()),
                name,
                origin: Origin::BuiltIn,
            })
        })
        .collect()
}

/// The template called `name`.
pub fn find(app_dir: &Path, name: &str) -> Result<Template, TemplateError> {
    let templates = list(app_dir)?;
    match templates.iter().find(|t| t.name == name) {
        Some(template) => Ok(template.clone()),
        None => Err(TemplateError::Unknown {
            name: name.to_owned(),
            known: templates
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Writes the template's files into `target`, a directory that must not
/// exist yet, with the placeholders replaced; returns the paths written,
/// relative to `target`. Every path is checked before anything is written,
/// so a template that would escape `target` writes nothing.
pub fn render(
    template: &Template,
    placeholders: &Placeholders,
    target: &Path,
) -> Result<Vec<PathBuf>, TemplateError> {
    let files = files(template)?;
    let mut planned = Vec::with_capacity(files.len());
    for file in files {
        let no_value = |placeholder: String| TemplateError::NoValue {
            template: template.name.clone(),
            placeholder,
            file: file.path.display().to_string(),
        };
        let relative = placeholders
            .fill(&file.path.to_string_lossy())
            .map_err(no_value)?;
        let path = PathBuf::from(&relative);
        if relative.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(TemplateError::Escapes {
                template: template.name.clone(),
                path: relative,
            });
        }
        let contents = match String::from_utf8(file.contents) {
            Ok(text) => placeholders.fill(&text).map_err(no_value)?.into_bytes(),
            Err(binary) => binary.into_bytes(),
        };
        planned.push((path, contents, file.executable));
    }
    std::fs::create_dir(target).map_err(TemplateError::io(target))?;
    for (path, contents, executable) in &planned {
        let full = target.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(TemplateError::io(parent))?;
        }
        write_new(&full, contents, *executable)?;
    }
    Ok(planned.into_iter().map(|(path, _, _)| path).collect())
}

/// Creates `path` (never through an existing file or link) with `contents`.
fn write_new(path: &Path, contents: &[u8], executable: bool) -> Result<(), TemplateError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(if executable { 0o755 } else { 0o644 })
        .open(path)
        .map_err(TemplateError::io(path))?;
    file.write_all(contents).map_err(TemplateError::io(path))
}

/// Checks that `name` can name a template directory.
pub(crate) fn check_name(name: &str) -> Result<(), TemplateError> {
    if crate::core::config::is_role(name) {
        Ok(())
    } else {
        Err(TemplateError::BadName(name.to_owned()))
    }
}

/// The entries of `dir`, none if it does not exist.
fn entries(dir: &Path) -> Result<Vec<std::fs::DirEntry>, TemplateError> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .collect::<Result<_, _>>()
            .map_err(TemplateError::io(dir)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(err) => Err(TemplateError::io(dir)(err)),
    }
}

fn application_templates(app_dir: &Path) -> Result<Vec<Template>, TemplateError> {
    let dir = app_dir.join(APPLICATION_TEMPLATES);
    let mut templates = Vec::new();
    for entry in entries(&dir)? {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if !path.is_dir() || name.starts_with('.') {
            continue;
        }
        // A template is read and copied: one that leads outside the
        // application (a link, or a linked templates directory) is refused.
        crate::adapters::paths::inside(app_dir, &path)?;
        let service = std::fs::read(path.join("service.yml")).unwrap_or_default();
        templates.push(Template {
            name,
            description: description(&service),
            origin: Origin::Application(path),
        });
    }
    Ok(templates)
}

fn files(template: &Template) -> Result<Vec<TemplateFile>, TemplateError> {
    let mut files = Vec::new();
    match &template.origin {
        Origin::BuiltIn => {
            let dir = BUILT_IN
                .get_dir(&template.name)
                .ok_or_else(|| TemplateError::NoServiceFile(template.name.clone()))?;
            embedded_files(dir, Path::new(&template.name), &mut files);
        }
        Origin::Application(dir) => disk_files(template, dir, dir, &mut files)?,
        Origin::Exosphere(dir) => {
            let root = exosphere::root(&template.name, dir)?;
            disk_files(template, &root, &root, &mut files)?;
        }
    }
    if !files.iter().any(|f| f.path == Path::new("service.yml")) {
        return Err(TemplateError::NoServiceFile(template.name.clone()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn embedded_files(dir: &Dir, root: &Path, files: &mut Vec<TemplateFile>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(sub) => embedded_files(sub, root, files),
            DirEntry::File(file) => files.push(TemplateFile {
                path: file
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(file.path())
                    .to_path_buf(),
                contents: file.contents().to_vec(),
                // Embedded files have no mode: a script says what it is.
                executable: file.contents().starts_with(b"#!"),
            }),
        }
    }
}

fn disk_files(
    template: &Template,
    root: &Path,
    dir: &Path,
    files: &mut Vec<TemplateFile>,
) -> Result<(), TemplateError> {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).map_err(TemplateError::io(dir))? {
        let entry = entry.map_err(TemplateError::io(dir))?;
        let path = entry.path();
        let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        // A template fetched with `exo template add` keeps its clone's history.
        if relative == Path::new(".git") {
            continue;
        }
        let meta = std::fs::symlink_metadata(&path).map_err(TemplateError::io(&path))?;
        if meta.file_type().is_symlink() {
            return Err(TemplateError::Symlink {
                template: template.name.clone(),
                path: relative.display().to_string(),
            });
        } else if meta.is_dir() {
            disk_files(template, root, &path, files)?;
        } else {
            files.push(TemplateFile {
                contents: std::fs::read(&path).map_err(TemplateError::io(&path))?,
                executable: meta.permissions().mode() & 0o111 != 0,
                path: relative,
            });
        }
    }
    Ok(())
}

/// The `description:` line of a service.yml, if it has one.
pub(crate) fn description(service_yml: &[u8]) -> String {
    let text = String::from_utf8_lossy(service_yml);
    let Ok(root) = crate::core::config::yaml::parse(&text) else {
        return String::new();
    };
    match &root.value {
        crate::core::config::yaml::Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.value.scalar_text().as_deref() == Some("description"))
            .and_then(|(_, v)| v.value.scalar_text())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

impl crate::core::exit::Exit for TemplateError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            TemplateError::Unknown { .. }
            | TemplateError::BadName(_)
            | TemplateError::Exists(_)
            | TemplateError::BuiltIn(_)
            | TemplateError::NoSource(_)
            | TemplateError::Sources { .. } => ExitStatus::Usage,
            TemplateError::Io { .. } => ExitStatus::Io,
            TemplateError::Outside(err) => err.exit_status(),
            TemplateError::Escapes { .. }
            | TemplateError::Symlink { .. }
            | TemplateError::NoServiceFile(_)
            | TemplateError::NotBoilr(_)
            | TemplateError::ProjectJson { .. }
            | TemplateError::Git(_) => ExitStatus::Failure,
            TemplateError::NoValue { .. } => ExitStatus::Usage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders() -> Placeholders {
        Placeholders::new("users-api", "private", "shop")
    }

    #[test]
    fn built_in_templates_are_listed_with_their_description() {
        let none = tempfile::tempdir().unwrap();
        let names: Vec<String> = list(none.path())
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["busybox", "go", "node", "python", "rust"]);
        let busybox = find(none.path(), "busybox").unwrap();
        assert!(busybox.description.contains("busybox httpd"));
    }

    #[test]
    fn render_replaces_placeholders_and_marks_scripts_executable() {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("svc");
        let template = find(temp.path(), "busybox").unwrap();
        let written = render(&template, &placeholders(), &target).unwrap();
        assert!(written.contains(&PathBuf::from("www/index.html")));
        let service = std::fs::read_to_string(target.join("service.yml")).unwrap();
        assert!(service.starts_with("# users-api: a private service of shop."));
        assert!(service.contains("type: private\n"));
        let mode = std::fs::metadata(target.join("test.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
    }

    #[test]
    fn an_application_template_cannot_escape_or_link_out() {
        let app = tempfile::tempdir().unwrap();
        let own = app.path().join(APPLICATION_TEMPLATES).join("evil");
        std::fs::create_dir_all(own.join("__role__")).unwrap();
        std::fs::write(own.join("service.yml"), "type: __type__\n").unwrap();
        std::fs::write(own.join("__role__/x"), "x").unwrap();
        let template = find(app.path(), "evil").unwrap();
        let escaping = Placeholders::new("..", "worker", "shop");
        let err = render(&template, &escaping, &app.path().join("out")).unwrap_err();
        assert!(matches!(err, TemplateError::Escapes { .. }), "{err}");
        assert!(!app.path().join("out").exists());
        std::os::unix::fs::symlink("/etc/passwd", own.join("link")).unwrap();
        let err = render(&template, &placeholders(), &app.path().join("out")).unwrap_err();
        assert!(matches!(err, TemplateError::Symlink { .. }), "{err}");
        assert!(!app.path().join("out").exists());
    }
}
