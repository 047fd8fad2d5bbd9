//! Checks of the `remote` sections that need several files: settings that
//! would otherwise be dropped without a word (a service's settings for an
//! environment application.yml does not have, a `url` no service answers
//! at) and `secret-arns` keys that name no secret.

use super::application::ApplicationFile;
use super::catalog;
use super::names::suggest;
use super::problem::{Problem, Problems};
use super::reader::Located;
use super::service::ServiceFile;
use crate::core::model::{ServiceType, Target};
use indexmap::IndexMap;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

pub fn check_remote(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) {
    let environments: Vec<&str> = app.remote.environments.keys().map(String::as_str).collect();
    let mut urls: HashMap<(&str, &str), &str> = HashMap::new();
    for (role, file) in files {
        for (environment, url) in &file.remote_sites.environments {
            // Without any environment in application.yml the service's
            // settings are for a deployment described elsewhere (0.37's
            // fixtures have them): nothing is generated, nothing dropped.
            if !environments.is_empty() && !environments.contains(&environment.value.as_str()) {
                problems.push(unknown_environment(environment, &environments));
            }
            if let Some(url) = url {
                if let Some(problem) = url_without_address(file, &environment.value, url) {
                    problems.push(problem);
                } else {
                    match urls.entry((&environment.value, &url.value)) {
                        Entry::Vacant(entry) => {
                            entry.insert(role);
                        }
                        Entry::Occupied(first) => {
                            let environment = &environment.value;
                            problems.push(same_url(url, environment, first.get(), role));
                        }
                    }
                }
            }
        }
    }
    check_secret_arns(app, files, problems);
    check_cluster_names(app, files, problems);
}

/// With a Kubernetes or AWS environment, each role and dependency id names
/// a Kubernetes Service (a DNS-1035 label) and Terraform resources: it
/// starts with a letter and has at most 63 characters. Compose alone
/// takes more, so an application without such environments may keep them.
fn check_cluster_names(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) {
    let Some((environment, target)) = app
        .remote
        .environments
        .iter()
        .map(|(name, e)| (name, e.target))
        .find(|(_, target)| *target != Target::Swarm)
    else {
        return;
    };
    let mut names: Vec<(&str, Located<String>)> = app
        .services
        .iter()
        .map(|s| ("service", s.role.clone()))
        .collect();
    let mut seen = BTreeSet::new();
    for (id, (_, sites)) in app
        .dependencies
        .iter()
        .chain(files.values().flat_map(|f| &f.dependencies))
    {
        if seen.insert(id.as_str()) {
            let site = sites.id.clone();
            let id = id.clone();
            names.push(("dependency", Located { value: id, site }));
        }
    }
    for (kind, name) in names {
        let reason = if name.value.len() > 63 {
            "it is longer than 63 characters"
        } else if !name.value.starts_with(|c: char| c.is_ascii_alphabetic()) {
            "it does not start with a letter"
        } else {
            continue;
        };
        problems.push(
            Problem::at(
                name.site.clone(),
                format!(
                    "the {kind} `{}` cannot be named in a cluster: {reason}",
                    name.value
                ),
            )
            .label("not a cluster name")
            .help(format!(
                "the environment `{environment}` (target: {}) names Kubernetes Services and Terraform resources after it, which start with a letter and have at most 63 characters; rename it",
                target.name()
            )),
        );
    }
}

fn same_url(url: &Located<String>, environment: &str, first: &str, role: &str) -> Problem {
    Problem::at(
        url.site.clone(),
        format!(
            "`{}` is the URL of both `{first}` and `{role}` in `{environment}`",
            url.value
        ),
    )
    .label("URL taken")
    .help("give each public service its own host name")
}

fn unknown_environment(environment: &Located<String>, known: &[&str]) -> Problem {
    let name = &environment.value;
    let problem = Problem::at(
        environment.site.clone(),
        format!("`remote.environments.{name}` names an environment application.yml does not have"),
    )
    .label("unknown environment");
    match suggest(name, known) {
        Some(best) => problem.help(format!("did you mean `{best}`?")),
        None => problem.help(format!(
            "the environments of application.yml are: {}",
            known.join(", ")
        )),
    }
}

/// A URL leads to a public service's port; on any other service it would
/// be dropped.
fn url_without_address(
    file: &ServiceFile,
    environment: &str,
    url: &Located<String>,
) -> Option<Problem> {
    let path = format!("remote.environments.{environment}.url");
    let config = &file.config;
    let (message, help) = if config.kind != ServiceType::Public {
        (
            format!(
                "`{path}` is set on a {} service, which has no public address",
                config.kind.name()
            ),
            "only `type: public` services are reached at a URL: remove it, or make the service public",
        )
    } else if config.production.port.is_none() && config.development.port.is_none() {
        (
            format!("`{path}` is set on a service without a port"),
            "add `production.port` (or `development.port`): the port the URL leads to",
        )
    } else {
        return None;
    };
    Some(
        Problem::at(url.site.clone(), message)
            .label("no address to give")
            .help(help),
    )
}

/// Each `secret-arns` key names a secret the environment's containers get.
fn check_secret_arns(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) {
    if app.remote_sites.secret_arns.is_empty() {
        return;
    }
    let dependencies = app
        .dependencies
        .values()
        .chain(files.values().flat_map(|f| f.dependencies.values()))
        .map(|(dependency, _)| dependency);
    let mut declared: BTreeSet<&str> = app.secrets.iter().map(String::as_str).collect();
    for dependency in dependencies {
        declared.extend(dependency.secrets.iter().map(String::as_str));
        if let Some(entry) = catalog::lookup(&dependency.image) {
            let credentials = entry.defaults(true).into_iter();
            declared.extend(
                credentials
                    .filter(|(_, d)| matches!(d, catalog::Default::Required))
                    .map(|(name, _)| name),
            );
        }
    }
    for file in files.values() {
        declared.extend(file.config.secrets.iter().map(String::as_str));
    }
    for (environment, name) in &app.remote_sites.secret_arns {
        let own = app
            .remote
            .environments
            .get(environment)
            .into_iter()
            .flat_map(|e| e.secrets.iter());
        let services = files
            .values()
            .filter_map(|f| f.config.remote.environments.get(environment))
            .flat_map(|e| e.secrets.iter());
        let mut known = declared.clone();
        known.extend(own.chain(services).map(String::as_str));
        if known.contains(name.value.as_str()) {
            continue;
        }
        let known: Vec<&str> = known.into_iter().collect();
        let problem = Problem::at(
            name.site.clone(),
            format!(
                "`remote.environments.{environment}.secret-arns` names `{}`, which is no secret of the application",
                name.value
            ),
        )
        .label("no such secret");
        problems.push(match suggest(&name.value, &known) {
            Some(best) => problem.help(format!("did you mean `{best}`?")),
            None => problem.help(format!(
                "declare it in `remote.environments.{environment}.secrets`, or remove it"
            )),
        });
    }
}
