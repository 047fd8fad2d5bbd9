//! The names exo gives objects on Kubernetes and AWS, made from the
//! application's, the environments' and the workloads' names, and the
//! limits the clusters set on them. The writers name objects with these
//! functions; the checks here refuse, where the names are written, what a
//! cluster would refuse once exo adds its prefixes and suffixes.

use super::application::ApplicationFile;
use super::problem::{Problem, Problems, Site};
use super::remote_values::is_environment_name;
use super::service::ServiceFile;
use crate::core::model::{ServiceType, Target};
use indexmap::IndexMap;
use std::collections::BTreeMap;

/// Kubernetes object names (DNS labels) and label values.
pub const LABEL: usize = 63;
/// A StatefulSet's pods carry the label `controller-revision-hash:
/// <name>-<10-character hash>` (kubernetes/kubernetes#64023).
pub const STATEFUL_SET: usize = LABEL - 11;
/// AWS load balancer and target group names.
pub const LOAD_BALANCER: usize = 32;
/// AWS IAM role names.
pub const IAM_ROLE: usize = 64;

/// The container that makes a workload wait until what it needs answers
/// (a Kubernetes init container, an ECS waiter): one per pod or task, that
/// waits for each in turn.
pub const WAITER: &str = "wait";

/// The label `app.kubernetes.io/instance`, and Terraform's `local.name`.
pub fn instance(application: &str, environment: &str) -> String {
    format!("{application}-{environment}")
}

/// The IAM role the ECS tasks run with.
pub fn execution_role(application: &str, environment: &str) -> String {
    format!("{}-execution", instance(application, environment))
}

/// A load balancer or target group name made of `name`: its first 32
/// characters without trailing hyphens, which AWS refuses. Terraform's
/// `replace(substr(name, 0, 32), "/-+$/", "")` computes the same.
pub fn load_balancer(name: &str) -> String {
    let cut: String = name.chars().take(LOAD_BALANCER).collect();
    cut.trim_end_matches('-').to_owned()
}

/// The target group of the public service `workload`.
pub fn target_group(application: &str, environment: &str, workload: &str) -> String {
    load_balancer(&format!(
        "{}-{workload}",
        instance(application, environment)
    ))
}

/// The names a role or dependency id cannot take in any cluster: too long,
/// or not starting with a letter (a Kubernetes Service name).
fn name_problem(name: &str) -> Option<&'static str> {
    if name.len() > LABEL {
        Some("it is longer than 63 characters")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it does not start with a letter")
    } else {
        None
    }
}

/// One workload as written: what it is and where its name is.
struct Named<'a> {
    /// As written.
    id: &'a str,
    kind: &'static str,
    site: &'a Site,
    /// The first id it waits for, if any (services only).
    waits: Option<&'a str>,
    /// It persists paths (dependencies only), so Kubernetes runs it as a
    /// StatefulSet.
    persists: bool,
    /// A public service with a port: it gets a target group on AWS.
    public: bool,
}

/// Every name a Kubernetes or AWS environment would refuse.
pub fn check_cluster_names(
    app: &ApplicationFile,
    files: &IndexMap<String, ServiceFile>,
    problems: &mut Problems,
) {
    let clusters: Vec<(&str, Target)> = app
        .remote
        .environments
        .iter()
        .map(|(name, e)| (name.as_str(), e.target))
        .filter(|(_, target)| *target != Target::Swarm)
        .collect();
    let Some(&(first, first_target)) = clusters.first() else {
        return;
    };
    let workloads = workloads(app, files);
    for named in workloads.values() {
        let id = named.id;
        let Some(reason) = name_problem(id) else {
            continue;
        };
        problems.push(
            Problem::at(
                named.site.clone(),
                format!("the {} `{id}` cannot be named in a cluster: {reason}", named.kind),
            )
            .label("not a cluster name")
            .help(format!(
                "the environment `{first}` (target: {}) names Kubernetes Services and Terraform resources after it, which start with a letter and have at most 63 characters; rename it",
                first_target.name()
            )),
        );
    }
    check_waiters(&workloads, problems);
    let application = app.name.as_ref().map_or("", |n| n.value.as_str());
    let environment_sites: BTreeMap<&str, &Site> = app
        .remote_sites
        .environments
        .iter()
        .map(|(key, _)| (key.value.as_str(), &key.site))
        .collect();
    let mut kubernetes = false;
    for (environment, target) in &clusters {
        // A name the loader refused already is not said twice.
        let Some(site) = environment_sites
            .get(environment)
            .filter(|_| is_environment_name(environment))
        else {
            continue;
        };
        if *target == Target::Kubernetes {
            kubernetes = true;
            check_instance(application, environment, site, problems);
        } else {
            check_aws(application, environment, site, &workloads, problems);
        }
    }
    if kubernetes {
        check_kubernetes(&workloads, problems);
    }
}

/// Each role and dependency id (lowercase, as clusters name them), first
/// where it is written.
fn workloads<'a>(
    app: &'a ApplicationFile,
    files: &'a IndexMap<String, ServiceFile>,
) -> BTreeMap<String, Named<'a>> {
    let mut workloads = BTreeMap::new();
    let shared = app.dependencies.keys().map(String::as_str).min();
    for service in &app.services {
        let role = &service.role.value;
        let file = files.get(role);
        let own = file.into_iter().flat_map(|file| {
            let dependencies = file.dependencies.keys().map(String::as_str);
            dependencies.chain(file.depends_on.iter().map(|r| r.value.as_str()))
        });
        let waits = shared.into_iter().chain(own).min();
        let public = file.is_some_and(|f| {
            let config = &f.config;
            config.kind == ServiceType::Public
                && (config.production.port.is_some() || config.development.port.is_some())
        });
        let named = Named {
            id: role,
            kind: "service",
            site: &service.role.site,
            waits,
            persists: false,
            public,
        };
        workloads.entry(role.to_ascii_lowercase()).or_insert(named);
    }
    let dependencies = app
        .dependencies
        .iter()
        .chain(files.values().flat_map(|f| &f.dependencies));
    for (id, (dependency, sites)) in dependencies {
        let named = Named {
            id,
            kind: "dependency",
            site: &sites.id,
            waits: None,
            persists: !dependency.persist.is_empty(),
            public: false,
        };
        workloads.entry(id.to_ascii_lowercase()).or_insert(named);
    }
    workloads
}

/// A service named as the container that makes it wait would share its
/// pod (or ECS task) with a container of its own name.
fn check_waiters(workloads: &BTreeMap<String, Named>, problems: &mut Problems) {
    let Some(named) = workloads.get(WAITER) else {
        return;
    };
    let Some(target) = named.waits else {
        return;
    };
    problems.push(
        Problem::at(
            named.site.clone(),
            format!(
                "the service `{}` has the name of the container that makes it wait for `{target}` in a cluster",
                named.id
            ),
        )
        .label("name taken by the waiting container")
        .help(format!(
            "on Kubernetes and AWS, exo runs `{WAITER}` before the service, in the same pod or task, until what it needs answers; rename the service"
        )),
    );
}

/// Kubernetes: the StatefulSet of each dependency that persists has a name
/// it accepts.
fn check_kubernetes(workloads: &BTreeMap<String, Named>, problems: &mut Problems) {
    for (name, named) in workloads {
        if named.persists && name.len() > STATEFUL_SET && name.len() <= LABEL {
            problems.push(
                Problem::at(
                    named.site.clone(),
                    format!(
                        "the dependency `{name}` persists, so it runs as a Kubernetes StatefulSet, whose name has at most {STATEFUL_SET} characters"
                    ),
                )
                .label("too long for a StatefulSet")
                .help("its pods carry a label of its name and an 11-character hash, and a label value has at most 63 characters; rename it"),
            );
        }
    }
}

/// The label `app.kubernetes.io/instance` of every object.
fn check_instance(application: &str, environment: &str, site: &Site, problems: &mut Problems) {
    let value = instance(application, environment);
    if value.len() <= LABEL {
        return;
    }
    problems.push(
        Problem::at(
            site.clone(),
            format!(
                "the environment `{environment}` gives the Kubernetes label value `{value}` ({} characters), and a label value has at most 63",
                value.len()
            ),
        )
        .label("too long for a Kubernetes label")
        .help("`app.kubernetes.io/instance` is the application's name and the environment's, joined by a hyphen; shorten either"),
    );
}

/// AWS: the execution role's name, and one target group per public
/// service.
fn check_aws(
    application: &str,
    environment: &str,
    site: &Site,
    workloads: &BTreeMap<String, Named>,
    problems: &mut Problems,
) {
    let role = execution_role(application, environment);
    if role.len() > IAM_ROLE {
        problems.push(
            Problem::at(
                site.clone(),
                format!(
                    "the environment `{environment}` gives the IAM role name `{role}` ({} characters), and AWS takes at most {IAM_ROLE}",
                    role.len()
                ),
            )
            .label("too long for AWS")
            .help("the role is named after the application and the environment; shorten either"),
        );
    }
    let mut groups: BTreeMap<String, &str> = BTreeMap::new();
    for (name, named) in workloads.iter().filter(|(_, n)| n.public) {
        let group = target_group(application, environment, name);
        let Some(first) = groups.insert(group.clone(), name) else {
            continue;
        };
        problems.push(
            Problem::at(
                named.site.clone(),
                format!(
                    "the services `{first}` and `{name}` get the same load balancer target group name `{group}` in `{environment}`"
                ),
            )
            .label("target group name taken")
            .help(format!(
                "a target group is named `{}-<service>`, cut to {LOAD_BALANCER} characters: make the services' names differ sooner, or shorten the application's name",
                instance(application, environment)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_balancer_names_are_cut_without_trailing_hyphens() {
        assert_eq!(load_balancer("shop-production"), "shop-production");
        let long = "shop-production-a-very-long-service-name";
        assert_eq!(load_balancer(long), "shop-production-a-very-long-serv");
        assert_eq!(
            load_balancer("shop-production-a-very-long--x"),
            "shop-production-a-very-long--x"
        );
        assert_eq!(
            load_balancer("shop-production-a-very-long-se--y"),
            "shop-production-a-very-long-se"
        );
        assert_eq!(target_group("shop", "prod", "web"), "shop-prod-web");
        assert_eq!(execution_role("shop", "prod"), "shop-prod-execution");
    }
}
