//! Compatibility with Exosphere 0.37, against the corpus in
//! `tests/compat/exosphere-0.37/`: every valid application loads, generates
//! the three Compose files, and they are equivalent to what 0.37 generated on
//! what a user relies on (services, images, builds, commands, ports, volumes,
//! environment, depends_on, restart). The deliberate differences are applied
//! to 0.37's files as the numbered normalisation steps below; anything else
//! is reported, all apps at once, naming app, file, service and field.

use crate::common::{compat_dir, exo, temp_copy};
use exo::compose::Mode;
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The corpus's applications, sorted, split into (valid, invalid): an invalid
/// one has `expected/error.txt` instead of Compose files.
fn corpus() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut apps: Vec<PathBuf> = std::fs::read_dir(compat_dir())
        .expect("read the corpus directory")
        .map(|entry| entry.expect("read a corpus entry").path())
        .filter(|path| path.is_dir())
        .collect();
    apps.sort();
    let (invalid, valid): (Vec<_>, Vec<_>) = apps
        .into_iter()
        .partition(|app| app.join("expected/error.txt").is_file());
    (valid, invalid)
}

fn app_name(app: &Path) -> String {
    app.file_name()
        .expect("an app directory has a name")
        .to_string_lossy()
        .into_owned()
}

/// `docker-compose/test.yml` → `test.yml`, the name under `expected/`.
fn base_name(mode: Mode) -> &'static str {
    mode.file_name().rsplit('/').next().expect("a file name")
}

/// exo's three files for `app`, generated in-process.
fn generate(app: &Path) -> Result<Vec<(Mode, String)>, String> {
    let model = exo::config::load(app).map_err(|err| load_error_text(&err))?;
    Ok(Mode::ALL
        .iter()
        .map(|&mode| {
            (
                mode,
                exo::compose::render(&exo::compose::compile(&model, mode)),
            )
        })
        .collect())
}

/// Everything a user sees of a load error: the summary, and each problem's
/// message, label and help.
fn load_error_text(err: &exo::config::LoadError) -> String {
    let mut text = err.to_string();
    if let exo::config::LoadError::Invalid(problems) = err {
        for problem in problems {
            let _ = write!(text, "\n  {}", problem.headline());
            for extra in [&problem.label, &problem.help].into_iter().flatten() {
                let _ = write!(text, "\n    {extra}");
            }
        }
    }
    text
}

// ---------------------------------------------------------------------------
// Reading a Compose file down to what a user relies on.

/// One Compose file, reduced.
#[derive(Debug, Default)]
struct File {
    /// exo's top-level `name`, the Compose project (checked by step 5).
    name: Option<String>,
    services: BTreeMap<String, Service>,
    /// Top-level named volumes. 0.37 wrote `volumes: {}` when there were none,
    /// exo leaves the key out: both read as no volumes.
    volumes: BTreeSet<String>,
    /// exo's top-level `x-service-endpoints` map (checked by step 7); its
    /// values as environment values.
    endpoints: Option<BTreeMap<String, Value>>,
}

/// One service entry, reduced. Lists whose order Compose ignores are sorted.
#[derive(Debug, Default, Clone)]
struct Service {
    image: Option<String>,
    build_context: Option<String>,
    dockerfile: Option<String>,
    command: Option<String>,
    ports: Vec<String>,
    volumes: Vec<String>,
    /// `SERVICE_DATA` is parsed JSON; every other value is its text.
    environment: BTreeMap<String, Value>,
    /// As written: 0.37's list may name an id twice.
    depends_on: Vec<String>,
    restart: Option<String>,
    /// exo's `init` (checked by step 6, then not compared).
    init: Option<Value>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Exosphere,
    Exo,
}

impl Side {
    fn label(self) -> &'static str {
        match self {
            Side::Exosphere => "0.37",
            Side::Exo => "exo",
        }
    }

    /// Top-level keys that are read but not compared.
    fn ignored_top_level(self) -> &'static [&'static str] {
        match self {
            // 0.37's `version: "3"`; exo does not write the obsolete key.
            Side::Exosphere => &["version"],
            // Deliberate addition: exo's `x-exo`. (The Compose project `name`
            // and `x-service-endpoints` are read for steps 5 and 7.)
            Side::Exo => &["x-exo"],
        }
    }

    /// Per-service keys that are read but not compared.
    fn ignored_service_keys(self) -> &'static [&'static str] {
        match self {
            Side::Exosphere => &[],
            // Deliberate additions: the Compose healthcheck and exo's `x-exo`.
            // (`init` is read for step 6.)
            Side::Exo => &["healthcheck", "x-exo"],
        }
    }
}

/// Reads a file of either side. Keys that are neither compared nor
/// deliberately ignored are problems, so nothing goes unnoticed.
fn read_compose(text: &str, side: Side, problems: &mut Vec<String>) -> Option<File> {
    let root: Value = match serde_saphyr::from_str(text) {
        Ok(root) => root,
        Err(err) => {
            problems.push(format!("{} file is not YAML: {err}", side.label()));
            return None;
        }
    };
    let Some(root) = root.as_object() else {
        problems.push(format!("{} file is not a mapping", side.label()));
        return None;
    };
    let mut file = File::default();
    for (key, value) in root {
        match key.as_str() {
            "services" => {
                for (name, entry) in value.as_object().into_iter().flatten() {
                    file.services
                        .insert(name.clone(), read_service(name, entry, side, problems));
                }
            }
            "volumes" => {
                file.volumes = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.clone())
                    .collect()
            }
            "name" if side == Side::Exo => file.name = Some(self::text(value)),
            "x-service-endpoints" if side == Side::Exo => {
                file.endpoints = Some(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, value)| (name.clone(), environment_value(name, value)))
                        .collect(),
                )
            }
            other if side.ignored_top_level().contains(&other) => {}
            other => problems.push(format!(
                "{} has top-level key `{other}`, which this test does not know",
                side.label()
            )),
        }
    }
    Some(file)
}

fn read_service(name: &str, entry: &Value, side: Side, problems: &mut Vec<String>) -> Service {
    let mut service = Service::default();
    let who = format!("{} service `{name}`", side.label());
    for (key, value) in entry.as_object().into_iter().flatten() {
        match key.as_str() {
            "image" => service.image = Some(text(value)),
            "build" => {
                service.build_context = value.get("context").map(text);
                service.dockerfile = value.get("dockerfile").map(text);
            }
            "command" => service.command = Some(text(value)),
            "ports" => service.ports = sorted_texts(value),
            "volumes" => service.volumes = sorted_texts(value),
            "environment" => {
                for (name, value) in value.as_object().into_iter().flatten() {
                    service
                        .environment
                        .insert(name.clone(), environment_value(name, value));
                }
            }
            "depends_on" => {
                service.depends_on = match value {
                    // 0.37: a list of ids.
                    Value::Array(ids) => ids.iter().map(text).collect(),
                    // exo: the long form `{id: {condition: ...}}`; the
                    // conditions are a deliberate addition and not compared.
                    Value::Object(map) => map.keys().cloned().collect(),
                    other => vec![format!("<unreadable depends_on {other}>")],
                }
            }
            "restart" => service.restart = Some(text(value)),
            "init" if side == Side::Exo => service.init = Some(value.clone()),
            other if side.ignored_service_keys().contains(&other) => {}
            other => problems.push(format!(
                "{who} has key `{other}`, which this test does not compare"
            )),
        }
    }
    service
}

/// A scalar as Compose reads it: text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn sorted_texts(value: &Value) -> Vec<String> {
    let mut texts: Vec<String> = value.as_array().into_iter().flatten().map(text).collect();
    texts.sort();
    texts
}

/// `SERVICE_DATA` is compared as parsed JSON: 0.37 folded long single-quoted
/// scalars at 80 columns and exo writes a double-quoted string; reading the
/// YAML properly gives the JSON text, and the JSON value is what matters.
fn environment_value(name: &str, value: &Value) -> Value {
    let text = text(value);
    if name == "SERVICE_DATA"
        && let Ok(json) = serde_json::from_str::<Value>(&text)
    {
        return json;
    }
    Value::String(text)
}

// ---------------------------------------------------------------------------
// The deliberate differences, applied to 0.37's file to give the file exo
// should have written. Each step is one entry of the README's list.

/// `users-service` → `USERS_SERVICE` (letters and digits upper-cased, every
/// other character `_`), written here independently of exo.
fn constant_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// 1. Paths are relative to the compose file (in `docker-compose/`): 0.37's
///    `${APP_PATH}/x` is `../x`, `${APP_PATH}` alone is `..`.
fn relative_path(path: &str) -> String {
    match path.strip_prefix("${APP_PATH}") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') || rest.starts_with(':') => {
            format!("..{rest}")
        }
        _ => path.to_owned(),
    }
}

/// Whether an entry of 0.37's file is a dependency rather than a service:
/// 0.37 gave every local dependency, and only those, SERVICE_DATA.
fn is_dependency(service: &Service) -> bool {
    service.environment.contains_key("SERVICE_DATA")
}

fn normalise_0_37(file: &mut File, mode: Mode) {
    let dependencies: BTreeMap<String, Service> = file
        .services
        .iter()
        .filter(|(_, s)| is_dependency(s))
        .map(|(id, s)| (id.clone(), s.clone()))
        .collect();

    for (name, service) in &mut file.services {
        // 1. Paths relative to the compose file: build contexts and the
        //    `${APP_PATH}/x:/mnt` mounts.
        service.build_context = service.build_context.as_deref().map(relative_path);
        service.volumes = service.volumes.iter().map(|v| relative_path(v)).collect();
        service.volumes.sort();

        // 2. Dependency host variables are valid shell names: 0.37's
        //    `MY-DB_HOST` (only upper-cased) is `MY_DB_HOST`.
        for id in &service.depends_on {
            let old = format!("{}_HOST", id.to_uppercase());
            let new = format!("{}_HOST", constant_case(id));
            if old != new
                && let Some(value) = service.environment.remove(&old)
            {
                service.environment.insert(new, value);
            }
        }

        // 3. depends_on is de-duplicated: 0.37 listed an id twice when the
        //    application and the service both declared it.
        service.depends_on.sort();
        service.depends_on.dedup();

        // 4a. A dependency whose image is in exo's catalog gets the
        //     catalog's default environment (e.g. POSTGRES_PASSWORD) where
        //     its configuration sets no such variable; in production a
        //     password is a secret that must be set.
        if let Some(dependency) = dependencies.get(name) {
            service.environment = dependency_environment(dependency, mode);
        }

        // 4b. ... and offers `<ID>_PORT` / `<ID>_URL`-style variables to the
        //     services that use it, unless the service sets them itself.
        for id in &service.depends_on {
            let Some(dependency) = dependencies.get(id) else {
                continue;
            };
            for (key, value) in offered_variables(id, dependency, mode) {
                service
                    .environment
                    .entry(key)
                    .or_insert(Value::String(value));
            }
        }
    }
}

/// 4a: the dependency's 0.37 environment plus the catalog's defaults.
fn dependency_environment(dependency: &Service, mode: Mode) -> BTreeMap<String, Value> {
    let mut environment = dependency.environment.clone();
    if let Some(entry) = dependency.image.as_deref().and_then(exo::catalog::lookup) {
        for (key, value) in entry.defaults(mode == Mode::Production) {
            let value = match value {
                exo::catalog::Default::Text(text) => text.to_owned(),
                exo::catalog::Default::Required => {
                    format!("${{{key}:?set {key}: run_production.yml has no default password}}")
                }
            };
            environment
                .entry(key.to_owned())
                .or_insert_with(|| Value::String(value));
        }
    }
    environment
}

/// 4b: what the catalog entry of the dependency's image offers, with the
/// catalog's port and the dependency's environment (its 0.37 variables plus
/// the catalog defaults; `SERVICE_DATA` is exo's and 0.37's, not the user's).
fn offered_variables(id: &str, dependency: &Service, mode: Mode) -> IndexMap<String, String> {
    let Some(entry) = dependency.image.as_deref().and_then(exo::catalog::lookup) else {
        return IndexMap::new();
    };
    let environment: IndexMap<String, String> = dependency_environment(dependency, mode)
        .into_iter()
        .filter(|(key, _)| key != "SERVICE_DATA")
        .map(|(key, value)| (key, text(&value)))
        .collect();
    entry.offered_variables(id, entry.port, &environment, mode == Mode::Production)
}

// ---------------------------------------------------------------------------
// The deliberate additions to exo's file, checked against 0.37's normalised
// file and then removed from exo's, so that the comparison sees what 0.37
// wrote. Each step accepts exactly the value described and reports any other.

/// 5. 0.37's Compose project: the application's name lower-cased without
///    its non-alphanumerics, with `tests` appended for test.yml. Read from
///    `application.yml` independently of exo.
fn project_name(app: &Path, mode: Mode) -> Result<String, String> {
    let path = app.join("application.yml");
    let text = std::fs::read_to_string(&path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let root: Value = serde_saphyr::from_str(&text)
        .map_err(|err| format!("{} is not YAML: {err}", path.display()))?;
    let name = root
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{} has no name", path.display()))?;
    let mut project: String = name
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if mode == Mode::Test {
        project.push_str("tests");
    }
    Ok(project)
}

/// 5. The tag of a built image: the mode of its file.
fn image_tag(mode: Mode) -> &'static str {
    match mode {
        Mode::Development => "development",
        Mode::Production => "production",
        Mode::Test => "test",
    }
}

/// 7. The endpoint variables of the service `role`: `<ROLE>_INTERNAL_ORIGIN`
///    and `<ROLE>_EXTERNAL_ORIGIN` (public services), `<ROLE>_HOST`
///    (workers).
fn endpoint_names(role: &str) -> [String; 3] {
    let role = constant_case(role);
    ["_INTERNAL_ORIGIN", "_EXTERNAL_ORIGIN", "_HOST"].map(|suffix| format!("{role}{suffix}"))
}

/// 7. The endpoint variables 0.37 gave across services: each service got
///    those of the OTHER services, so a variable named like the endpoint of
///    another service of the file is one.
fn endpoints_0_37(want: &File, problems: &mut Vec<String>) -> BTreeMap<String, Value> {
    let services: Vec<(&String, &Service)> = want
        .services
        .iter()
        .filter(|(_, s)| !is_dependency(s))
        .collect();
    let mut union: BTreeMap<String, Value> = BTreeMap::new();
    for (holder, service) in &services {
        for (role, _) in services.iter().filter(|(role, _)| role != holder) {
            for name in endpoint_names(role) {
                let Some(value) = service.environment.get(&name) else {
                    continue;
                };
                match union.get(&name) {
                    None => {
                        union.insert(name, value.clone());
                    }
                    Some(known) if known == value => {}
                    Some(known) => problems.push(format!(
                        "0.37 gave `{name}` two values: {known:?} and {value:?}"
                    )),
                }
            }
        }
    }
    union
}

fn normalise_exo(
    got: &mut File,
    want: &File,
    mode: Mode,
    project: &str,
    problems: &mut Vec<String>,
) {
    // 5. The Compose project is 0.37's project name (the images below are
    //    named after it).
    if got.name.as_deref() != Some(project) {
        problems.push(format!(
            "top-level name: exo {}, 0.37's project {project:?}",
            show(&got.name)
        ));
    }

    // 7. The top-level `x-service-endpoints` map, when present, holds the
    //    endpoint variables 0.37 gave across services, with their values.
    //    Besides: when the file has a single service, 0.37 had nobody to give
    //    its endpoints to, yet the service now receives them itself (below),
    //    so the map holds them; only that service's own endpoint names are
    //    accepted there (their values have nothing in 0.37 to be checked
    //    against; the service's own copies must equal them, below).
    let union = endpoints_0_37(want, problems);
    let services: Vec<&String> = want
        .services
        .iter()
        .filter(|(_, s)| !is_dependency(s))
        .map(|(role, _)| role)
        .collect();
    let sole_service_endpoint = |name: &str| match services.as_slice() {
        [role] => endpoint_names(role).iter().any(|own| own == name),
        _ => false,
    };
    if let Some(endpoints) = &got.endpoints {
        let names: BTreeSet<&String> = union.keys().chain(endpoints.keys()).collect();
        for name in names {
            match (union.get(name), endpoints.get(name)) {
                (Some(want), Some(got)) if want == got => {}
                (None, Some(_)) if sole_service_endpoint(name) => {}
                (want, got) => problems.push(format!(
                    "x-service-endpoints.{name}: 0.37 gave {}, exo {}",
                    show(&want),
                    show(&got)
                )),
            }
        }
    }

    for (role, service) in &mut got.services {
        // A service 0.37 does not have is reported by the comparison.
        let Some(counterpart) = want.services.get(role) else {
            continue;
        };

        // 5. A service built from a `location` (0.37: a build and no image)
        //    is named `<project>-<role>:<mode>`, the project being the one
        //    Compose runs (`${COMPOSE_PROJECT_NAME}`, by default 0.37's
        //    project name), as Compose's own default image names follow it:
        //    development and production share a Compose project, and
        //    unnamed, both builds would tag the same image. A `docker-image`
        //    service keeps its image, compared as before.
        if counterpart.build_context.is_some() && counterpart.image.is_none() {
            let expected = format!(
                "${{COMPOSE_PROJECT_NAME:-{project}}}-{}:{}",
                role.to_lowercase(),
                image_tag(mode)
            );
            let image = service.image.take();
            if image.as_deref() != Some(expected.as_str()) {
                problems.push(format!(
                    "service `{role}`: image: exo {}, step 5 wants {expected:?}",
                    show(&image)
                ));
            }
        }

        // 6. Services, not dependencies, run with `init: true` in
        //    run_development.yml and test.yml, so that stopping a container
        //    whose PID 1 ignores SIGTERM takes no 10 s. Not compared, as 0.37
        //    had none; absent elsewhere.
        if let Some(init) = service.init.take() {
            let allowed = mode != Mode::Production && !is_dependency(counterpart);
            if !allowed || init != Value::Bool(true) {
                problems.push(format!(
                    "service `{role}`: init: exo {init}, step 6 wants {}",
                    if allowed {
                        "true"
                    } else {
                        "<absent> (production or dependency)"
                    }
                ));
            }
        }

        // 7. Endpoint variables are merged into every service's environment
        //    from `x-service-endpoints`, so a service now also receives its
        //    own (0.37: only the other services'). Such a variable is an
        //    allowed extra when the map holds it, with the same value; a
        //    `<ROLE>_HOST` the map does not hold is a dependency's host and
        //    compared as before.
        for name in endpoint_names(role) {
            if counterpart.environment.contains_key(&name) {
                continue;
            }
            let (Some(value), Some(declared)) = (
                service.environment.get(&name),
                got.endpoints.as_ref().and_then(|map| map.get(&name)),
            ) else {
                continue;
            };
            if value != declared {
                problems.push(format!(
                    "service `{role}`: environment.{name}: exo {value:?}, x-service-endpoints {declared:?}"
                ));
            }
            service.environment.remove(&name);
        }
    }
}

// ---------------------------------------------------------------------------
// Comparing.

fn show<T: std::fmt::Debug>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "<absent>".to_owned(), |v| format!("{v:?}"))
}

fn compare(want: &File, got: &File, mismatches: &mut Vec<String>) {
    let names: BTreeSet<&String> = want.services.keys().chain(got.services.keys()).collect();
    for name in names {
        let (want, got) = match (want.services.get(name), got.services.get(name)) {
            (Some(want), Some(got)) => (want, got),
            (Some(_), None) => {
                mismatches.push(format!("service `{name}`: 0.37 has it, exo does not"));
                continue;
            }
            (None, Some(_)) => {
                mismatches.push(format!("service `{name}`: exo has it, 0.37 does not"));
                continue;
            }
            (None, None) => unreachable!(),
        };
        let mut field = |field: &str, want: String, got: String| {
            if want != got {
                mismatches.push(format!("service `{name}`: {field}: 0.37 {want}, exo {got}"));
            }
        };
        field("image", show(&want.image), show(&got.image));
        field(
            "build.context",
            show(&want.build_context),
            show(&got.build_context),
        );
        field(
            "build.dockerfile",
            show(&want.dockerfile),
            show(&got.dockerfile),
        );
        field("command", show(&want.command), show(&got.command));
        field(
            "ports",
            format!("{:?}", want.ports),
            format!("{:?}", got.ports),
        );
        field(
            "volumes",
            format!("{:?}", want.volumes),
            format!("{:?}", got.volumes),
        );
        field(
            "depends_on",
            format!("{:?}", want.depends_on),
            format!("{:?}", got.depends_on),
        );
        field("restart", show(&want.restart), show(&got.restart));
        let keys: BTreeSet<&String> = want
            .environment
            .keys()
            .chain(got.environment.keys())
            .collect();
        for key in keys {
            field(
                &format!("environment.{key}"),
                show(&want.environment.get(key)),
                show(&got.environment.get(key)),
            );
        }
    }
    if want.volumes != got.volumes {
        mismatches.push(format!(
            "top-level volumes: 0.37 {:?}, exo {:?}",
            want.volumes, got.volumes
        ));
    }
}

/// Every problem of one valid application, each prefixed with `app/file`.
fn check_application(app: &Path) -> Vec<String> {
    check_edited_application(app, |_, text| text)
}

/// As `check_application`, with exo's text of each file (named as under
/// `expected/`) passed through `edit` first.
fn check_edited_application(app: &Path, edit: impl Fn(&str, String) -> String) -> Vec<String> {
    let name = app_name(app);
    let files = match generate(app) {
        Ok(files) => files,
        Err(err) => return vec![format!("{name}: does not load:\n{err}")],
    };
    let mut mismatches = Vec::new();
    for (mode, text) in files {
        let file = base_name(mode);
        let text = edit(file, text);
        let expected_path = app.join("expected").join(file);
        let mut problems = Vec::new();
        let expected = match std::fs::read_to_string(&expected_path) {
            Ok(expected) => read_compose(&expected, Side::Exosphere, &mut problems),
            Err(err) => {
                problems.push(format!("cannot read {}: {err}", expected_path.display()));
                None
            }
        };
        let generated = read_compose(&text, Side::Exo, &mut problems);
        if let (Some(mut expected), Some(mut generated)) = (expected, generated) {
            normalise_0_37(&mut expected, mode);
            match project_name(app, mode) {
                Ok(project) => {
                    normalise_exo(&mut generated, &expected, mode, &project, &mut problems)
                }
                Err(err) => problems.push(err),
            }
            compare(&expected, &generated, &mut problems);
        }
        mismatches.extend(problems.into_iter().map(|p| format!("{name}/{file}: {p}")));
    }
    mismatches
}

#[test]
fn the_corpus_is_complete() {
    let (valid, invalid) = corpus();
    assert_eq!(valid.len(), 28, "valid applications: {valid:?}");
    let invalid: Vec<String> = invalid.iter().map(|app| app_name(app)).collect();
    assert_eq!(invalid, ["invalid-app-name", "invalid-app-service"]);
    for app in &valid {
        for mode in Mode::ALL {
            let path = app.join("expected").join(base_name(mode));
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
}

#[test]
fn generated_files_are_equivalent_to_0_37() {
    let (valid, _) = corpus();
    let mismatches: Vec<String> = valid
        .iter()
        .flat_map(|app| check_application(app))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} difference(s) from Exosphere 0.37 that are not deliberate:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The pieces of 0.37's message that must reappear in exo's: every
/// single-quoted name (`'invalid app'`, `'services.invalid-service!'`), the
/// word "invalid" and the regular expression.
fn essence(error: &str) -> Vec<String> {
    let mut pieces: Vec<String> = error
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    pieces.push("invalid".to_owned());
    let regex = error
        .split("regex: ")
        .nth(1)
        .expect("error.txt names the regex")
        .trim();
    pieces.push(regex.to_owned());
    pieces
}

#[test]
fn invalid_applications_are_rejected_like_0_37() {
    let (_, invalid) = corpus();
    let mut mismatches = Vec::new();
    for app in &invalid {
        let name = app_name(app);
        let error =
            std::fs::read_to_string(app.join("expected/error.txt")).expect("read error.txt");
        let pieces = essence(&error);

        match exo::config::load(app) {
            Ok(_) => mismatches.push(format!(
                "{name}: loads, but 0.37 rejected it with: {}",
                error.trim()
            )),
            Err(err) => {
                let text = load_error_text(&err);
                for piece in pieces.iter().filter(|piece| !text.contains(piece.as_str())) {
                    mismatches.push(format!("{name}: load error lacks `{piece}`:\n{text}"));
                }
            }
        }

        // The command line says the same, and writes nothing.
        let copy = temp_copy(app);
        let output = exo()
            .arg("-C")
            .arg(copy.path())
            .arg("generate")
            .output()
            .expect("run exo");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.success() {
            mismatches.push(format!("{name}: `exo generate` succeeds"));
        }
        for piece in pieces
            .iter()
            .filter(|piece| !stderr.contains(piece.as_str()))
        {
            mismatches.push(format!(
                "{name}: `exo generate` error lacks `{piece}`:\n{stderr}"
            ));
        }
        if copy.path().join("docker-compose").exists() {
            mismatches.push(format!(
                "{name}: `exo generate` wrote docker-compose/ although it failed"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The generated files' bytes, in `Mode::ALL` order.
fn generated_bytes(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let output = exo()
        .arg("-C")
        .arg(dir)
        .arg("generate")
        .output()
        .expect("run exo");
    if !output.status.success() {
        return Err(format!(
            "`exo generate` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Mode::ALL
        .iter()
        .map(|mode| {
            let path = dir.join(mode.file_name());
            std::fs::read(&path)
                .map(|bytes| (mode.file_name().to_owned(), bytes))
                .map_err(|err| format!("cannot read {}: {err}", path.display()))
        })
        .collect()
}

#[test]
fn generation_is_deterministic() {
    let (valid, _) = corpus();
    let mut mismatches = Vec::new();
    for app in &valid {
        let name = app_name(app);
        let (first_copy, second_copy) = (temp_copy(app), temp_copy(app));
        let runs = [
            ("first copy, first run", generated_bytes(first_copy.path())),
            ("first copy, second run", generated_bytes(first_copy.path())),
            ("second copy", generated_bytes(second_copy.path())),
        ];
        let in_process: Vec<(String, Vec<u8>)> = match generate(app) {
            Ok(files) => files
                .into_iter()
                .map(|(mode, text)| (mode.file_name().to_owned(), text.into_bytes()))
                .collect(),
            Err(err) => {
                mismatches.push(format!("{name}: does not load: {err}"));
                continue;
            }
        };
        for (label, run) in runs {
            match run {
                Ok(files) if files == in_process => {}
                Ok(files) => {
                    for ((file, got), (_, want)) in files.iter().zip(&in_process) {
                        if got != want {
                            mismatches.push(format!(
                                "{name}/{file}: {label} differs from the in-process output of the corpus directory"
                            ));
                        }
                    }
                }
                Err(err) => mismatches.push(format!("{name}: {label}: {err}")),
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The comparison is not vacuous: each change to `space-tweet`'s
/// run_development.yml, 0.37's (in a copy of the app) or exo's (as generated),
/// is reported, naming the service and field.
#[test]
fn the_comparison_catches_differences() {
    use Side::{Exo, Exosphere};
    let app = compat_dir().join("space-tweet");
    let mutations: [(Side, &str, &str, &str); 18] = [
        (
            Exosphere,
            "command: lsc app",
            "command: lsc app2",
            "`space-tweet-web-service`: command",
        ),
        (
            Exosphere,
            "- 3000:3000",
            "- 3001:3000",
            "`space-tweet-web-service`: ports",
        ),
        (
            Exosphere,
            "context: ${APP_PATH}/web-server",
            "context: ${APP_PATH}/web",
            "`space-tweet-web-service`: build.context",
        ),
        (
            Exosphere,
            "- ${APP_PATH}/web-server:/mnt",
            "- ${APP_PATH}/web-server:/app",
            "`space-tweet-web-service`: volumes",
        ),
        (
            Exosphere,
            "image: mongo:3.4.0",
            "image: mongo:3.6",
            "`mongo`: image",
        ),
        // Not a catalog default: an extra variable on exo's side is reported.
        (
            Exosphere,
            "      DB_NAME: test-db\n",
            "",
            "`mongo`: environment.DB_NAME: 0.37 <absent>",
        ),
        (
            Exosphere,
            "      ROLE: storage-service\n",
            "      ROLE: storage-service\n      EXTRA: x\n",
            "`storage-service`: environment.EXTRA",
        ),
        (
            Exosphere,
            "'{\"space-tweet-web-service\":{},\"storage-service\":{}}'",
            "'{\"storage-service\":{}}'",
            "`mongo`: environment.SERVICE_DATA",
        ),
        (
            Exosphere,
            "    - mongo\n",
            "",
            "`space-tweet-web-service`: depends_on",
        ),
        (
            Exosphere,
            "  mongo__data_db: null",
            "  mongo_data: null",
            "top-level volumes",
        ),
        (
            Exosphere,
            "    image: mongo:3.4.0\n",
            "    image: mongo:3.4.0\n    container_name: x\n",
            "key `container_name`",
        ),
        (
            Exosphere,
            "  storage-service:\n",
            "  storage:\n",
            "service `storage`: 0.37 has it, exo does not",
        ),
        // Exo's deliberate additions accept only the expected values.
        (
            Exo,
            "image: ${COMPOSE_PROJECT_NAME:-spacetweet}-storage-service:development",
            "image: ${COMPOSE_PROJECT_NAME:-spacetweet}-storage:development",
            "`storage-service`: image",
        ),
        (
            Exo,
            "name: spacetweet\n",
            "name: space-tweet\n",
            "top-level name",
        ),
        (
            Exo,
            "init: true",
            "init: false",
            "`space-tweet-web-service`: init",
        ),
        (
            Exo,
            "    image: mongo:3.4.0\n",
            "    image: mongo:3.4.0\n    init: true\n",
            "`mongo`: init",
        ),
        (
            Exo,
            "  SPACE_TWEET_WEB_SERVICE_EXTERNAL_ORIGIN: http://localhost:3000\n",
            "  SPACE_TWEET_WEB_SERVICE_EXTERNAL_ORIGIN: http://localhost:3001\n",
            "x-service-endpoints.SPACE_TWEET_WEB_SERVICE_EXTERNAL_ORIGIN",
        ),
        // A service's own endpoint variable overridden after the merge.
        (
            Exo,
            "      ROLE: space-tweet-web-service\n",
            "      ROLE: space-tweet-web-service\n      SPACE_TWEET_WEB_SERVICE_INTERNAL_ORIGIN: http://web:3000\n",
            "`space-tweet-web-service`: environment.SPACE_TWEET_WEB_SERVICE_INTERNAL_ORIGIN",
        ),
    ];
    let mut missed = Vec::new();
    for (side, from, to, wanted) in mutations {
        let copy = temp_copy(&app);
        let mutate = |text: String| {
            assert!(
                text.contains(from),
                "space-tweet's run_development.yml ({}) has no `{from}`",
                side.label()
            );
            text.replacen(from, to, 1)
        };
        let mismatches = match side {
            Exosphere => {
                let path = copy.path().join("expected/run_development.yml");
                let text = std::fs::read_to_string(&path).expect("read the copy");
                std::fs::write(&path, mutate(text)).expect("write the copy");
                check_application(copy.path())
            }
            Exo => check_edited_application(copy.path(), |file, text| {
                if file == "run_development.yml" {
                    mutate(text)
                } else {
                    text
                }
            }),
        };
        if !mismatches
            .iter()
            .any(|m| m.contains("run_development.yml") && m.contains(wanted))
        {
            missed.push(format!(
                "{}: `{from}` → `{to}`: wanted `{wanted}`, got {mismatches:#?}",
                side.label()
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}
