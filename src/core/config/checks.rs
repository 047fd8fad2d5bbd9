//! Checks that need several files: names shared between services and
//! dependencies, `depends-on` targets and cycles, and host ports. Each is
//! linear in the size of the application.

use super::application::ApplicationFile;
use super::names::{constant_case, suggest};
use super::normalize_location;
use super::problem::{Problem, Problems, Site};
use super::reader::Located;
use super::service::ServiceFile;
use crate::core::graph;
use crate::core::model::Dependency;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A dependency must not be named like a service, in application.yml.
pub fn check_dependency_names(
    app: &ApplicationFile,
    roles: &HashSet<&str>,
    problems: &mut Problems,
) {
    for (id, (_, sites)) in &app.dependencies {
        if roles.contains(id.as_str()) {
            problems.push(same_name_as_service(id, &sites.id));
        }
    }
}

fn same_name_as_service(id: &str, site: &Site) -> Problem {
    Problem::at(
        site.clone(),
        format!("the dependency `{id}` has the same name as the service `{id}`"),
    )
    .label("name taken by a service")
    .help("rename the dependency; each container of the application needs its own name")
}

/// Two names that differ but give the same variable prefix (`api` and
/// `API`, `my-db` and `my-DB`) would set each other's `_HOST`, `_URL` and
/// `_ORIGIN` variables.
pub fn check_variable_prefixes(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) {
    let services = app
        .services
        .iter()
        .map(|s| ("service", s.role.value.as_str(), &s.role.site));
    let dependencies = app
        .dependencies
        .iter()
        .chain(files.values().flat_map(|f| &f.dependencies))
        .map(|(id, (_, sites))| ("dependency", id.as_str(), &sites.id));
    let mut first: HashMap<String, (&str, &str)> = HashMap::new();
    for (kind, name, site) in services.chain(dependencies) {
        let prefix = constant_case(name);
        match first.get(&prefix) {
            Some((first_kind, first_name)) if *first_name != name => problems.push(
                Problem::at(
                    site.clone(),
                    format!(
                        "the {kind} `{name}` and the {first_kind} `{first_name}` would both set the variables `{prefix}_*`"
                    ),
                )
                .label("same variable names")
                .help(format!(
                    "rename one of them: names that differ only in case, or in `-` and `_`, give the same variable names (`{prefix}_HOST`, ...)"
                )),
            ),
            Some(_) => {}
            None => {
                first.insert(prefix, (kind, name));
            }
        }
    }
}

/// A dependency id used by a service must not be a role, and two services
/// that declare the same id must mean the same container.
pub fn check_service_dependencies(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    roles: &HashSet<&str>,
    problems: &mut Problems,
) {
    let mut seen: IndexMap<&str, (&str, &Dependency)> = IndexMap::new();
    for (role, file) in files {
        for (id, (dependency, sites)) in &file.dependencies {
            if roles.contains(id.as_str()) {
                problems.push(same_name_as_service(id, &sites.id));
            } else if app.dependencies.contains_key(id) {
                continue;
            } else if let Some((first_role, first)) = seen.get(id.as_str()) {
                if *first != dependency {
                    problems.push(
                        Problem::at(
                            sites.id.clone(),
                            format!("the dependency `{id}` is declared differently by `{first_role}` and `{role}`"),
                        )
                        .label("second, different declaration")
                        .help("make both declarations the same, or move it to `local.dependencies` of application.yml"),
                    );
                }
            } else {
                seen.insert(id, (role, dependency));
            }
        }
    }
}

pub fn check_depends_on(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    roles: &HashSet<&str>,
    problems: &mut Problems,
) {
    let mut edges = graph::Edges::new();
    for (role, file) in files {
        let mut targets = Vec::new();
        for target in &file.depends_on {
            let name = target.value.as_str();
            if name == role {
                problems.push(
                    Problem::at(
                        target.site.clone(),
                        format!("the service `{role}` depends on itself"),
                    )
                    .label("names this service")
                    .help("remove it from `development.depends-on`"),
                );
            } else if targets.contains(&target.value) {
                problems.push(
                    Problem::at(target.site.clone(), format!("`{name}` is listed twice"))
                        .label("repeated")
                        .help("remove one of them"),
                );
            } else if roles.contains(name) {
                targets.push(target.value.clone());
            } else {
                let is_dependency = app.dependencies.contains_key(name)
                    || files.values().any(|f| f.dependencies.contains_key(name));
                let problem = Problem::at(
                    target.site.clone(),
                    format!("`development.depends-on` names `{name}`, which is not a service of this application"),
                )
                .label("unknown service");
                let problem = if is_dependency {
                    problem.help(format!("`{name}` is a local dependency; dependencies always start, and become ready, before services"))
                } else {
                    // A service cannot depend on itself: never suggest it.
                    let mut others: Vec<&str> =
                        roles.iter().copied().filter(|r| r != role).collect();
                    others.sort_unstable();
                    match suggest(name, &others) {
                        Some(best) => problem.help(format!("did you mean `{best}`?")),
                        None if others.is_empty() => {
                            problem.help("this application has no other service")
                        }
                        None => {
                            problem.help(format!("the other services are: {}", others.join(", ")))
                        }
                    }
                };
                problems.push(problem);
            }
        }
        edges.insert(role.clone(), targets);
    }
    if let Some(cycle) = graph::find_cycle(&edges) {
        let first = &files[&cycle[0]];
        let site = first
            .depends_on
            .iter()
            .find(|d| d.value == cycle[1])
            .map(|d| d.site.clone());
        let message = format!(
            "the services depend on each other in a cycle: {}",
            cycle.join(" -> ")
        );
        let problem = match site {
            Some(site) => Problem::at(site, message).label("the cycle starts here"),
            None => Problem::general(message),
        };
        problems.push(problem.help("remove one of these `depends-on` entries to break the cycle"));
    }
}

/// Two containers cannot publish the same host port, in either mode.
pub fn check_host_ports(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) {
    let service_dependencies = files.values().flat_map(|f| &f.dependencies);
    let mut dependencies: Vec<PortClaim> = Vec::new();
    let mut seen = HashSet::new();
    for (id, (dependency, sites)) in app.dependencies.iter().chain(service_dependencies) {
        let name = format!("dependency `{id}`");
        if let (Some(port), Some(site)) = (dependency.host_port, &sites.host_port)
            && seen.insert(id.as_str())
        {
            dependencies.push(PortClaim {
                name,
                port,
                site: site.clone(),
            });
        }
    }
    type HostPort = fn(&ServiceFile) -> &Option<Located<u16>>;
    let modes: [(&str, HostPort); 2] = [
        ("", |f| &f.development_host_port),
        (" in production", |f| &f.production_host_port),
    ];
    for (index, (mode, host_port)) in modes.into_iter().enumerate() {
        let mut claims = dependencies.clone();
        // Dependencies are the same in both modes: report their clashes once.
        let first_new = if index == 0 { 0 } else { claims.len() };
        for (role, file) in files {
            if let Some(port) = host_port(file) {
                claims.push(PortClaim {
                    name: format!("service `{role}`"),
                    port: port.value,
                    site: port.site.clone(),
                });
            }
        }
        let mut first_claim: HashMap<u16, usize> = HashMap::new();
        for (i, claim) in claims.iter().enumerate() {
            let first = *first_claim.entry(claim.port).or_insert(i);
            if i >= first_new && first != i {
                let first = &claims[first];
                problems.push(
                    Problem::at(
                        claim.site.clone(),
                        format!(
                            "host port {} is published by both {} and {}{mode}",
                            claim.port, first.name, claim.name
                        ),
                    )
                    .label("port already taken")
                    .help("give each container its own `host-port`"),
                );
            }
        }
    }
}

#[derive(Clone)]
struct PortClaim {
    name: String,
    port: u16,
    site: Site,
}
/// `tests.location` is a directory of the application with a Dockerfile, as
/// `exo test` builds the suite's image from it.
pub(super) fn check_tests_location(
    dir: &Path,
    location: &Located<String>,
    problems: &mut Problems,
) {
    let relative = normalize_location(&location.value);
    let (message, label, help) = if Path::new(&location.value).is_absolute() {
        (
            format!(
                "`tests.location` must be relative to the application, found \"{}\"",
                location.value
            ),
            "absolute path",
            "write it as `./dir`".to_owned(),
        )
    } else if !dir.join(&relative).is_dir() {
        (
            format!("the directory `{relative}` of `tests.location` does not exist"),
            "no such directory",
            "create it with the end-to-end tests and their Dockerfile, or fix `tests.location`"
                .to_owned(),
        )
    } else if !dir.join(&relative).join("Dockerfile").is_file() {
        (
            format!("`{relative}` has no Dockerfile"),
            "Dockerfile not found",
            format!("`exo test` builds the end-to-end suite's image from {relative}/Dockerfile"),
        )
    } else {
        return;
    };
    problems.push(
        Problem::at(location.site.clone(), message)
            .label(label)
            .help(help),
    );
}

/// A shared directory is a directory inside the application: it is copied
/// into every service before they are built. (Whether it exists is checked
/// when it is copied, as 0.37 did: `exo check` and `generate` need it not.)
pub(super) fn check_shared_directory(shared: &Located<String>, problems: &mut Problems) {
    let relative = normalize_location(&shared.value);
    if Path::new(&shared.value).is_absolute() || relative == "." || relative.starts_with("..") {
        problems.push(
            Problem::at(
                shared.site.clone(),
                format!(
                    "the shared directory \"{}\" must be a directory inside the application",
                    shared.value
                ),
            )
            .label("not inside the application")
            .help("list directories of the application, e.g. `shared-directories: [shared]`; each is copied into every service's directory"),
        );
    }
}
