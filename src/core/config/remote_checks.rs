//! Checks of the `remote` sections that need several files: settings that
//! would otherwise be dropped without a word (a service's settings for an
//! environment application.yml does not have, a `url` no service answers
//! at) and `secret-arns` keys that name no secret.

use super::application::ApplicationFile;
use super::catalog;
use super::fargate;
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
    check_fargate_sizes(app, files, problems);
    super::cluster_names::check_cluster_names(app, files, problems);
}

/// With an AWS environment, each service's `cpu` and `memory` fit one of
/// Fargate's task sizes.
fn check_fargate_sizes(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) {
    let Some(environment) = app
        .remote
        .environments
        .iter()
        .find(|(_, e)| e.target == Target::Aws)
        .map(|(name, _)| name)
    else {
        return;
    };
    let (most_cpu, most_memory) = fargate::LARGEST;
    for file in files.values() {
        let remote = &file.config.remote;
        if fargate::task_size(remote.cpu, remote.memory).is_some() {
            continue;
        }
        let (site, message) = match (&file.remote_sites.cpu, remote.cpu) {
            (Some(site), Some(cpu)) if cpu > most_cpu => (
                site,
                format!("`remote.cpu` is {cpu} units, more than AWS Fargate's largest task has"),
            ),
            _ => match (&file.remote_sites.memory, remote.memory) {
                (Some(site), Some(memory)) => (
                    site,
                    format!(
                        "`remote.memory` is {memory} MiB, more than AWS Fargate's largest task has"
                    ),
                ),
                _ => continue,
            },
        };
        problems.push(
            Problem::at(site.clone(), message)
                .label("no Fargate task this large")
                .help(format!(
                    "the environment `{environment}` runs each service as a Fargate task, of at most {most_cpu} CPU units (16 vCPU) and {most_memory} MiB"
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
