//! The deliberate differences: applied to 0.37's file to give the file exo
//! should have written (each step is one entry of the README's list), and
//! exo's additions, checked and then removed from exo's file.

use super::compare::show;
use super::read::{File, Service, text};
use exo::core::compose::Mode;
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

// ---------------------------------------------------------------------------
// The deliberate differences, applied to 0.37's file to give the file exo
// should have written. Each step is one entry of the README's list.

/// `users-service` → `USERS_SERVICE` (letters and digits upper-cased, every
/// other character `_`), written here independently of exo.
pub(super) fn constant_case(name: &str) -> String {
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
pub(super) fn relative_path(path: &str) -> String {
    match path.strip_prefix("${APP_PATH}") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') || rest.starts_with(':') => {
            format!("..{rest}")
        }
        _ => path.to_owned(),
    }
}

/// Whether an entry of 0.37's file is a dependency rather than a service:
/// 0.37 gave every local dependency, and only those, SERVICE_DATA.
pub(super) fn is_dependency(service: &Service) -> bool {
    service.environment.contains_key("SERVICE_DATA")
}

pub(super) fn normalise_0_37(file: &mut File, mode: Mode) {
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
pub(super) fn dependency_environment(dependency: &Service, mode: Mode) -> BTreeMap<String, Value> {
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
pub(super) fn offered_variables(
    id: &str,
    dependency: &Service,
    mode: Mode,
) -> IndexMap<String, String> {
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
pub(super) fn project_name(app: &Path, mode: Mode) -> Result<String, String> {
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
pub(super) fn image_tag(mode: Mode) -> &'static str {
    match mode {
        Mode::Development => "development",
        Mode::Production => "production",
        Mode::Test => "test",
    }
}

/// 7. The endpoint variables of the service `role`: `<ROLE>_INTERNAL_ORIGIN`
///    and `<ROLE>_EXTERNAL_ORIGIN` (public services), `<ROLE>_HOST`
///    (workers).
pub(super) fn endpoint_names(role: &str) -> [String; 3] {
    let role = constant_case(role);
    ["_INTERNAL_ORIGIN", "_EXTERNAL_ORIGIN", "_HOST"].map(|suffix| format!("{role}{suffix}"))
}

/// 7. The endpoint variables 0.37 gave across services: each service got
///    those of the OTHER services, so a variable named like the endpoint of
///    another service of the file is one.
pub(super) fn endpoints_0_37(want: &File, problems: &mut Vec<String>) -> BTreeMap<String, Value> {
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

pub(super) fn normalise_exo(
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
