//! Loading and validating `application.yml` and every `service.yml`.
//!
//! Reading goes file by file into [`crate::core::model`] while collecting every
//! [`Problem`]; checks that need several files (roles named by `depends-on`,
//! cycles, host ports, dependency names) run at the end, so one run reports
//! everything that is wrong.

mod application;
mod budget;
pub mod catalog;
mod checks;
pub mod cluster_names;
mod command;
pub mod compose_keys;
mod dependency;
mod duration;
mod excerpt;
pub mod fargate;
mod files;
mod hardening;
mod k6;
mod names;
mod parallel;
pub mod patterns;
mod performance;
mod policy;
mod probe;
mod problem;
mod reader;
mod remote;
mod remote_checks;
mod remote_values;
mod security;
mod service;
mod variables;
pub mod yaml;

pub use duration::parse_duration;
pub use files::MAX_FILE_BYTES;
pub use names::constant_case;
pub use names::{is_application_name, is_role};
pub use probe::read_probe;
pub use problem::{Problem, ProblemDiagnostic, Problems, Site, SourceFile};
pub use reader::{Located, Reader};

use crate::core::model::{Application, Service, ServiceConfig, ServiceSource};
use application::ApplicationFile;
use checks::{check_shared_directory, check_tests_location};
use files::Read;
use indexmap::IndexMap;
use service::ServiceFile;
use std::collections::{HashMap, HashSet};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yaml::{Node, Value};

pub const APPLICATION_FILE: &str = "application.yml";
pub const SERVICE_FILE: &str = "service.yml";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{} is not an exo application: no application.yml here or in any parent directory", start.display())]
    NotFound { start: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the application's configuration has {} problem{}", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<Problem>),
}

/// Where a dependency was declared, for checks across files.
#[derive(Debug, Clone)]
pub struct DependencySites {
    pub id: Site,
    pub host_port: Option<Site>,
}

/// The nearest directory from `start` upwards that holds application.yml.
pub fn find_application_dir(start: &Path) -> Result<PathBuf, LoadError> {
    start
        .ancestors()
        .find(|dir| dir.join(APPLICATION_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| LoadError::NotFound {
            start: start.to_path_buf(),
        })
}

/// Loads the application in `dir` and every service.yml it names.
pub fn load(dir: &Path) -> Result<Application, LoadError> {
    load_with_warnings(dir).map(|loaded| loaded.application)
}

/// An application that loaded, and what in its files looks like a mistake.
pub struct Loaded {
    pub application: Application,
    pub warnings: Vec<Problem>,
}

/// As [`load`], keeping the warnings, for commands that show them.
pub fn load_with_warnings(dir: &Path) -> Result<Loaded, LoadError> {
    let mut problems = Problems::default();
    let app_file = match files::read(dir, APPLICATION_FILE)? {
        Read::Text(file, problem) => {
            problems.extend(problem);
            file
        }
        Read::Refused(problem) => return Err(LoadError::Invalid(vec![problem])),
    };
    let root = match yaml::parse(&app_file.text) {
        Ok(root) => root,
        Err(err) => {
            problems.push(syntax_problem(&app_file, err));
            return Err(LoadError::Invalid(problems.into_vec()));
        }
    };
    let app = application::read_application(
        &mut Reader::new(Arc::clone(&app_file), &mut problems),
        &root,
    );
    if let Some(name) = &app.name
        && !is_application_name(&name.value)
    {
        problems.push(
                Problem::at(
                    name.site.clone(),
                    format!(
                        "the 'name' field '{}' in application.yml is invalid: only lowercase alphanumeric characters separated by single hyphens are allowed",
                        name.value
                    ),
                )
                .label("invalid name")
                .help(format!("it must match /^[a-z0-9]+(-[a-z0-9]+)*$/, e.g. `{}`", suggest_name(&name.value))),
            );
    }
    k6::check_scripts(dir, &app.performance.scripts, &mut problems);
    let service_files = read_service_files(dir, &app, &mut problems)?;
    if let Some(location) = &app.tests_location {
        check_tests_location(dir, location, &mut problems);
    }
    for shared in &app.shared_directories {
        check_shared_directory(shared, &mut problems);
    }
    let application = assemble(app, service_files, &mut problems);
    if problems.is_empty() {
        Ok(Loaded {
            application,
            warnings: problems.warnings().to_vec(),
        })
    } else {
        Err(LoadError::Invalid(problems.into_vec()))
    }
}

/// A service of application.yml that names the git repository it comes from.
#[derive(Debug, Clone)]
pub struct ServiceRepository {
    pub role: String,
    /// Its directory, relative to the application, normalised.
    pub location: String,
    pub url: String,
}

/// The services of the application in `dir` that have a `location` and a
/// `repository`. Only application.yml is read: the services' own files
/// may not be there yet.
pub fn service_repositories(dir: &Path) -> Result<Vec<ServiceRepository>, LoadError> {
    let mut problems = Problems::default();
    let app_file = match files::read(dir, APPLICATION_FILE)? {
        Read::Text(file, None) => file,
        Read::Text(_, Some(problem)) | Read::Refused(problem) => {
            return Err(LoadError::Invalid(vec![problem]));
        }
    };
    let root = yaml::parse(&app_file.text)
        .map_err(|err| LoadError::Invalid(vec![syntax_problem(&app_file, err)]))?;
    let app = application::read_application(
        &mut Reader::new(Arc::clone(&app_file), &mut problems),
        &root,
    );
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems.into_vec()));
    }
    Ok(app
        .services
        .into_iter()
        .filter_map(|entry| {
            Some(ServiceRepository {
                location: normalize_location(&entry.location?.value),
                url: entry.repository?,
                role: entry.role.value,
            })
        })
        .collect())
}

fn syntax_problem(file: &Arc<SourceFile>, err: yaml::SyntaxError) -> Problem {
    let problem = Problem::at(
        Site::new(file, err.span),
        format!("invalid YAML in {}: {}", file.name, err.message),
    )
    .label(err.message);
    match err.hint {
        Some(hint) => problem.help(hint),
        None => problem,
    }
}

/// Reads and checks every service.yml, on every core: the files are
/// independent, and together they are most of the work of loading a large
/// application. Problems keep the order of the services.
fn read_service_files(
    dir: &Path,
    app: &ApplicationFile,
    problems: &mut Problems,
) -> Result<IndexMap<String, ServiceFile>, LoadError> {
    let wanted: Vec<(&str, &Located<String>)> = app
        .services
        .iter()
        .filter_map(|entry| match (&entry.location, &entry.image) {
            (Some(location), None) => Some((entry.role.value.as_str(), location)),
            _ => None,
        })
        .collect();
    // Threads only pay off for hundreds of files.
    let read = parallel::map_in_order(&wanted, 200, |(_, location)| {
        let mut found = Problems::default();
        (read_service_file(dir, location, &mut found), found)
    });
    let mut files = IndexMap::with_capacity(wanted.len());
    for ((role, _), (file, found)) in wanted.iter().zip(read) {
        problems.merge(found);
        if let Some(file) = file? {
            files.insert((*role).to_owned(), file);
        }
    }
    Ok(files)
}

fn read_service_file(
    dir: &Path,
    location: &Located<String>,
    problems: &mut Problems,
) -> Result<Option<ServiceFile>, LoadError> {
    let relative = normalize_location(&location.value);
    if Path::new(&location.value).is_absolute() {
        problems.push(
            Problem::at(
                location.site.clone(),
                format!(
                    "`location` must be relative to the application, found \"{}\"",
                    location.value
                ),
            )
            .label("absolute path")
            .help("write it as `./dir`"),
        );
        return Ok(None);
    }
    let name = format!("{relative}/{SERVICE_FILE}");
    // Read first, and asked why only when it is missing: a large
    // application reads thousands of files, each look at the disk counts.
    let read = match files::read(dir, &name) {
        Err(LoadError::Read { source, .. })
            if matches!(
                source.kind(),
                ErrorKind::NotFound | ErrorKind::NotADirectory
            ) =>
        {
            None
        }
        other => Some(other?),
    };
    let Some(read) = read else {
        missing_service_file(dir, &relative, &name, location, problems);
        return Ok(None);
    };
    let file = match read {
        Read::Text(file, problem) => {
            problems.extend(problem);
            file
        }
        Read::Refused(problem) => {
            problems.push(problem);
            return Ok(None);
        }
    };
    match yaml::parse(&file.text) {
        Ok(root) => {
            let service = service::read_service(&mut Reader::new(file, problems), &root, &relative);
            k6::check_scripts(&dir.join(&relative), &service.performance_scripts, problems);
            Ok(Some(service))
        }
        Err(err) => {
            problems.push(syntax_problem(&file, err));
            Ok(None)
        }
    }
}

/// Why `name` (the service.yml of `relative`) could not be found: no
/// directory, or no file in it.
fn missing_service_file(
    dir: &Path,
    relative: &str,
    name: &str,
    location: &Located<String>,
    problems: &mut Problems,
) {
    if !dir.join(relative).is_dir() {
        problems.push(
            Problem::at(
                location.site.clone(),
                format!("the directory `{relative}` does not exist"),
            )
            .label("no such directory")
            .help("create it (`exo add` does), or fix `location`"),
        );
        return;
    }
    problems.push(
        Problem::at(
            location.site.clone(),
            format!("`{relative}` has no {SERVICE_FILE}"),
        )
        .label("service.yml not found")
        .help(format!("create {name} with at least `type: worker`")),
    );
}

/// Builds the model and runs the checks that span several files; linear in
/// the number of services.
fn assemble(
    app: ApplicationFile,
    service_files: IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) -> Application {
    let roles: HashSet<&str> = app.services.iter().map(|s| s.role.value.as_str()).collect();
    checks::check_dependency_names(&app, &roles, problems);
    checks::check_variable_prefixes(&app, &service_files, problems);
    checks::check_service_dependencies(&app, &service_files, &roles, problems);
    checks::check_depends_on(&app, &service_files, &roles, problems);
    checks::check_host_ports(&app, &service_files, problems);
    remote_checks::check_remote(&app, &service_files, problems);
    let targets = service_files
        .values()
        .flat_map(|f| &f.performance_targets)
        .chain(&app.performance.targets);
    performance::check_targets(targets, &roles, problems);
    drop(roles);

    let mut configs: HashMap<String, ServiceConfig> = service_files
        .into_iter()
        .map(|(role, file)| (role, file.config))
        .collect();
    let services = app
        .services
        .iter()
        .map(|entry| {
            let source = match (&entry.location, &entry.image) {
                (Some(location), _) => ServiceSource::Location(normalize_location(&location.value)),
                (None, Some(image)) => ServiceSource::Image(image.value.clone()),
                (None, None) => ServiceSource::Location(String::new()),
            };
            let config = configs
                .remove(&entry.role.value)
                .unwrap_or_else(ServiceConfig::image_only);
            let service = Service {
                role: entry.role.value.clone(),
                source,
                repository: entry.repository.clone(),
                dependency_data: entry.dependency_data.clone(),
                config,
            };
            (entry.role.value.clone(), service)
        })
        .collect();
    Application {
        name: app.name.map(|n| n.value).unwrap_or_default(),
        dependencies: app
            .dependencies
            .into_iter()
            .map(|(id, (d, _))| (id, d))
            .collect(),
        environment: app.environment,
        secrets: app.secrets,
        services,
        shared_directories: app
            .shared_directories
            .iter()
            .map(|d| normalize_location(&d.value))
            .collect(),
        tests: app.tests,
        remote: app.remote,
        performance: app.performance.performance,
        security: app.security,
    }
}

/// A `location` as 0.37's `path.Join` cleaned it: `./web/` is `web`.
pub fn normalize_location(location: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in location.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// `dependency-data` values become JSON for `SERVICE_DATA`.
pub fn json_of(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(json_of).collect()),
        Value::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.value.scalar_text().unwrap_or_default(), json_of(v)))
                .collect(),
        ),
    }
}

/// A valid name close to an invalid one, for the hint.
pub fn suggest_name(name: &str) -> String {
    let lowered: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let parts: Vec<&str> = lowered.split('-').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        "my-app".to_owned()
    } else {
        parts.join("-")
    }
}

impl crate::core::exit::Exit for LoadError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            LoadError::NotFound { .. } | LoadError::Invalid(_) => ExitStatus::Usage,
            LoadError::Read { .. } => ExitStatus::Io,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_cleaned_like_path_join() {
        assert_eq!(normalize_location("./web"), "web");
        assert_eq!(normalize_location("./web/"), "web");
        assert_eq!(normalize_location("a/./b/../c"), "a/c");
        assert_eq!(normalize_location("../shared/svc"), "../shared/svc");
        assert_eq!(normalize_location("."), ".");
    }

    #[test]
    fn name_suggestions() {
        assert_eq!(suggest_name("invalid app"), "invalid-app");
        assert_eq!(suggest_name("My_App"), "my-app");
        assert_eq!(suggest_name("!!"), "my-app");
    }
}
