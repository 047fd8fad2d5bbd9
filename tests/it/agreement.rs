//! Every target agrees on what must agree: the order in which containers
//! wait for each other, how a container is judged ready, its ports, and the
//! names of its variables and secrets; and every writer says what the one
//! deployed model says. Run over every fixture, every Exosphere 0.37
//! application and every test application, and (from `properties`) over
//! generated applications.

use exo::core::compose::{self, Mode};
use exo::core::deployed::{self, Container, Deployment, DeploymentError, Kind, Target};
use exo::core::model::{Application, Environment, ServiceType, Target as Engine};
use exo::core::plan::Plan;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The application with one remote environment of each target added.
fn with_environments(app: &Application) -> Application {
    let mut app = app.clone();
    for (name, engine) in [
        ("agree-swarm", Engine::Swarm),
        ("agree-kubernetes", Engine::Kubernetes),
        ("agree-aws", Engine::Aws),
    ] {
        let mut environment = Environment::new(engine);
        environment.registry = Some("registry.example.com".to_owned());
        app.remote.environments.insert(name.to_owned(), environment);
        for service in app.services.values_mut() {
            // ECS needs a public address for a public service with a port.
            if service.config.kind == ServiceType::Public {
                let own = service
                    .config
                    .remote
                    .environments
                    .entry(name.to_owned())
                    .or_default();
                own.url = Some(format!("{}.example.com", service.role.to_lowercase()));
            }
        }
    }
    app
}

fn remote(app: &Application, environment: &str) -> Result<Deployment, DeploymentError> {
    let hosts = |name: &str| format!("{name}.cluster");
    deployed::deploy(
        app,
        Target::Remote {
            environment,
            hosts: &hosts,
        },
    )
}

fn waits(container: &Container) -> Vec<&str> {
    container.waits_for.iter().map(|w| w.id.as_str()).collect()
}

fn names(deployment: &Deployment, container: &Container) -> (BTreeSet<String>, BTreeSet<String>) {
    (
        deployment.variables(container).into_keys().collect(),
        deployment.secrets(container),
    )
}

/// Checks `app`; an error says what disagrees.
pub(super) fn check(app: &Application) -> Result<(), String> {
    let app = with_environments(app);
    let local = |mode| deployed::deploy(&app, Target::Local(mode)).map_err(|e| e.to_string());
    let development = local(Mode::Development)?;
    let production = local(Mode::Production)?;
    let test = local(Mode::Test)?;
    let swarm = remote(&app, "agree-swarm").map_err(|e| e.to_string())?;
    // A name a cluster refuses is an error of its own, tested elsewhere.
    let clusters = match (remote(&app, "agree-kubernetes"), remote(&app, "agree-aws")) {
        (Ok(kubernetes), Ok(aws)) => Some((kubernetes, aws)),
        (Err(DeploymentError::BadName { .. } | DeploymentError::NameClash { .. }), _) => None,
        (kubernetes, aws) => return Err(format!("{:?} / {:?}", kubernetes.err(), aws.err())),
    };
    for container in &development.containers {
        let id = &container.id;
        let mut others = vec![("production", &production), ("swarm", &swarm)];
        if let Some((kubernetes, aws)) = &clusters {
            others.push(("kubernetes", kubernetes));
            others.push(("aws", aws));
        }
        for (target, other) in &others {
            let Some(same) = other.get(id) else {
                return Err(format!("{id} is missing on {target}"));
            };
            if waits(same) != waits(container) {
                return Err(format!(
                    "{id} waits for {:?} on {target} but {:?} in development",
                    waits(same),
                    waits(container)
                ));
            }
            if container.kind == Kind::Dependency
                && (same.readiness.check != container.readiness.check
                    || same.port != container.port)
            {
                return Err(format!(
                    "the dependency {id} is judged differently on {target}"
                ));
            }
        }
        // Test containers run tests: they wait for dependencies only.
        if let Some(tested) = test.get(id) {
            let dependencies: Vec<&str> = waits(container)
                .into_iter()
                .filter(|w| {
                    development
                        .get(w)
                        .is_some_and(|c| c.kind == Kind::Dependency)
                })
                .collect();
            if waits(tested) != dependencies {
                return Err(format!("{id} waits for {:?} in test", waits(tested)));
            }
        }
        // Every remote target judges a service by one check on one port
        // (the clusters with their production timing, see
        // `Readiness::for_cluster`).
        if let Some((kubernetes, aws)) = &clusters {
            for other in [kubernetes, aws] {
                let same = other.get(id).expect("present, checked above");
                let swarmed = swarm.get(id).expect("present, checked above");
                if same.readiness.check != swarmed.readiness.check || same.port != swarmed.port {
                    return Err(format!("{id} is judged differently on Swarm and a cluster"));
                }
            }
            let (k, a) = (kubernetes.get(id).unwrap(), aws.get(id).unwrap());
            if k.readiness != a.readiness {
                return Err(format!("{id} is probed differently on Kubernetes and ECS"));
            }
            if names(kubernetes, k) != names(aws, a) {
                return Err(format!(
                    "{id} has other variables on Kubernetes than on ECS"
                ));
            }
        }
    }
    writers_agree(&app, &development, &swarm, clusters.as_ref().map(|c| &c.0))
}

/// The Compose file, the start plan, the stack file and the Kubernetes
/// manifests each say what the model says of the start order.
fn writers_agree(
    app: &Application,
    development: &Deployment,
    swarm: &Deployment,
    kubernetes: Option<&Deployment>,
) -> Result<(), String> {
    let file = compose::compile(development);
    let plan = Plan::of(app, development, &[]).map_err(|e| e.to_string())?;
    let stack = compose::stack::compile_stack(swarm);
    for container in &development.containers {
        let id = &container.id;
        let model: Vec<String> = waits(container).into_iter().map(str::to_owned).collect();
        let compose: Vec<String> = file.services[id].depends_on.keys().cloned().collect();
        let stacked = stack.services[id].exo.after.clone();
        let planned = plan.nodes.get(id).map(|node| node.needs.clone());
        if compose != model || stacked != model || planned.is_some_and(|p| p != model) {
            return Err(format!(
                "{id}: the model waits for {model:?}, Compose for {compose:?}, the stack for {stacked:?}"
            ));
        }
    }
    if let Some(kubernetes) = kubernetes {
        let manifests =
            exo::core::kubernetes::generate(app, "agree-kubernetes").map_err(|e| e.to_string())?;
        let text = |name: &str| {
            manifests
                .files
                .iter()
                .find(|(path, _)| path.ends_with(&format!("/manifests/{name}")))
                .map(|(_, text)| text.clone())
                .unwrap_or_default()
        };
        // The entries every service that mounts them waits for first.
        let shared: Vec<String> = serde_saphyr::from_multiple::<serde_json::Value>(&text(
            exo::core::kubernetes::SHARED_FILE,
        ))
        .map_err(|e| e.to_string())?
        .iter()
        .filter(|doc| doc["metadata"]["name"] == exo::core::kubernetes::SHARED_WAITS)
        .flat_map(|doc| {
            let waits = doc["data"]["waits"].as_str().unwrap_or_default();
            waits.lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
        for container in &kubernetes.containers {
            let asked: Vec<String> = container
                .askable_waits()
                .map(|(w, port)| format!("{} {port}", w.name))
                .collect();
            let documents: Vec<serde_json::Value> =
                serde_saphyr::from_multiple(&text(&format!("{}.yaml", container.name)))
                    .map_err(|e| e.to_string())?;
            let mut found = Vec::new();
            for pod in documents
                .iter()
                .map(|doc| &doc["spec"]["template"]["spec"])
                .filter(|pod| pod.is_object())
            {
                for init in pod["initContainers"].as_array().into_iter().flatten() {
                    if init["volumeMounts"].is_array() {
                        found.extend(shared.iter().cloned());
                    }
                    let own = init["args"].as_array().into_iter().flatten();
                    found.extend(own.filter_map(|a| a.as_str().map(str::to_owned)));
                }
            }
            // Each entry: name, host (the cluster's, not the model's
            // here), port, and for an HTTP wait its path.
            let found: Vec<String> = found
                .iter()
                .map(|entry| {
                    let fields: Vec<&str> = entry.split(' ').collect();
                    format!("{} {}", fields[0], fields.get(2).unwrap_or(&""))
                })
                .collect();
            if found != asked {
                return Err(format!(
                    "{}: the manifests wait for {found:?}, the model for {asked:?}",
                    container.name
                ));
            }
        }
    }
    Ok(())
}

fn application_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = Vec::new();
    for parent in ["fixtures", "tests/apps", "tests/compat/exosphere-0.37"] {
        let Ok(entries) = std::fs::read_dir(root.join(parent)) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().join("application.yml").is_file() {
                dirs.push(entry.path());
            }
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn every_target_agrees_for_every_known_application() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in application_dirs() {
        // Some 0.37 applications are invalid on purpose (their specs test
        // the errors).
        let Ok(app) = exo::core::config::load(&dir) else {
            continue;
        };
        checked += 1;
        if let Err(message) = check(&app) {
            failures.push(format!("{}: {message}", dir.display()));
        }
    }
    assert!(checked >= 30, "only {checked} applications loaded");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
