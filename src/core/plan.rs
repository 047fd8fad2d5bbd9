//! Which containers to start, what each waits for, and how exo decides that
//! each is ready. Pure: built from the model, tested without Docker.

use crate::core::deployed::{
    self, Container, Deployment, DeploymentError, Image, Kind, Mode, ReadyCheck, Tag, Target,
};
use crate::core::lifecycle::HostPortIn;
use crate::core::model::{Application, Probe, RestartPolicy, ServiceSource, WatchPolicy};
use indexmap::IndexMap;
use std::time::Duration;

/// How exo decides that a container is ready.
#[derive(Debug, Clone, PartialEq)]
pub enum Readiness {
    /// The container runs.
    Running,
    /// The engine reports the Compose healthcheck healthy.
    Healthy,
    Tcp {
        port: u16,
    },
    Http {
        path: String,
        port: u16,
    },
    Log {
        text: String,
    },
}

impl Readiness {
    pub fn describe(&self) -> String {
        match self {
            Readiness::Running => "running".to_owned(),
            Readiness::Healthy => "healthcheck".to_owned(),
            Readiness::Tcp { port } => format!("tcp :{port}"),
            Readiness::Http { path, port } => format!("http :{port}{path}"),
            Readiness::Log { text } => format!("log \"{text}\""),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Dependency,
    Service,
}

/// One container to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// What must be ready before it starts.
    pub needs: Vec<String>,
    pub readiness: Readiness,
    /// Time per attempt of a host-side check.
    pub timeout: Duration,
    /// Time between host-side attempts while waiting.
    pub poll: Duration,
    /// Time between host-side checks once ready, and how many must fail in
    /// a row before it counts as unhealthy.
    pub interval: Duration,
    pub retries: u32,
    /// How exo restarts it after a crash, when it supervises; dependencies
    /// are left to the engine's restart policy.
    pub restart: Option<RestartPolicy>,
    /// Its files to watch in development: where they are, relative to the
    /// application, and what their changes do.
    pub watch: Option<(String, WatchPolicy)>,
    /// How exo builds its image, for services built from their location.
    pub build: Option<BuiltImage>,
}

/// A service's image as Compose builds it locally.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltImage {
    /// The build context, relative to the application.
    pub location: String,
    /// Relative to the context.
    pub dockerfile: String,
    /// The image's name after the project's: Compose tags it
    /// `<project>-<this>`, e.g. `web:development`.
    pub suffix: String,
}

/// Every container of one start, dependencies first.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub nodes: IndexMap<String, Node>,
}

/// How often host-side checks run while exo waits: often enough that a
/// dependent starts soon after its dependency is ready.
const POLL: Duration = Duration::from_millis(50);

/// How often a ready container is checked when its health check sets no
/// `interval`: each check is a line in the service's access log.
pub const GENTLE_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{role}` is not a service of this application (the services are: {known})")]
pub struct UnknownRole {
    pub role: String,
    pub known: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error(transparent)]
    UnknownRole(#[from] UnknownRole),
    #[error(transparent)]
    Deployment(#[from] DeploymentError),
}

impl Node {
    /// Where the `host-port` of this container, `name`, is set in `mode`.
    pub fn host_port_in(&self, name: &str, mode: Mode) -> HostPortIn {
        match self.kind {
            NodeKind::Dependency => HostPortIn::ApplicationYml,
            NodeKind::Service => HostPortIn::ServiceYml {
                role: name.to_owned(),
                section: match mode {
                    Mode::Production => "production",
                    Mode::Development | Mode::Test => "development",
                },
            },
        }
    }
}

impl Plan {
    /// The plan for `roles` (all services when empty), with the services they
    /// depend on and every dependency they use.
    pub fn new(app: &Application, mode: Mode, roles: &[String]) -> Result<Plan, PlanError> {
        let deployment = deployed::deploy(app, Target::Local(mode))?;
        Plan::of(app, &deployment, roles)
    }

    /// The plan of a local deployment of `app`.
    pub fn of(
        app: &Application,
        deployment: &Deployment,
        roles: &[String],
    ) -> Result<Plan, PlanError> {
        let mode = deployment.mode.unwrap_or(Mode::Development);
        let selected = select(app, mode, roles)?;
        let mut nodes = IndexMap::new();
        let used = app.dependencies.keys().chain(
            selected
                .iter()
                .flat_map(|role| app.services[role].config.dependencies.keys()),
        );
        for id in used {
            if let Some(container) = deployment.get(id).filter(|_| !nodes.contains_key(id)) {
                nodes.insert(id.clone(), node(container, &deployment.project));
            }
        }
        for role in &selected {
            if let Some(container) = deployment.get(role) {
                nodes.insert(role.clone(), node(container, &deployment.project));
            }
        }
        Ok(Plan { nodes })
    }

    /// Nodes not started yet whose needs are all in `ready`.
    pub fn startable<'a>(
        &'a self,
        started: &'a [String],
        ready: &'a [String],
    ) -> impl Iterator<Item = &'a String> + 'a {
        self.nodes.iter().filter_map(move |(name, node)| {
            let waiting = !started.contains(name) && node.needs.iter().all(|n| ready.contains(n));
            waiting.then_some(name)
        })
    }
}

/// The roles asked for and, transitively, those they depend on, in
/// application order. In test mode, services from images have no container.
fn select(app: &Application, mode: Mode, roles: &[String]) -> Result<Vec<String>, UnknownRole> {
    let available: Vec<&String> = app
        .services
        .values()
        .filter(|s| mode != Mode::Test || matches!(s.source, ServiceSource::Location(_)))
        .map(|s| &s.role)
        .collect();
    let mut wanted: Vec<String> = Vec::new();
    let mut queue: Vec<String> = if roles.is_empty() {
        available.iter().map(|r| (*r).clone()).collect()
    } else {
        roles.to_vec()
    };
    while let Some(role) = queue.pop() {
        if wanted.contains(&role) {
            continue;
        }
        if !available.contains(&&role) {
            return Err(UnknownRole {
                role,
                known: available
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        queue.extend(
            app.services[&role]
                .config
                .development
                .depends_on
                .iter()
                .cloned(),
        );
        wanted.push(role);
    }
    Ok(available
        .into_iter()
        .filter(|r| wanted.contains(r))
        .cloned()
        .collect())
}

/// A container as the runtime starts and judges it.
fn node(container: &Container, project: &str) -> Node {
    let readiness = match &container.readiness.check {
        ReadyCheck::Running => Readiness::Running,
        ReadyCheck::Command(_) => Readiness::Healthy,
        ReadyCheck::Tcp { port } => Readiness::Tcp { port: *port },
        ReadyCheck::Http { path, port } => Readiness::Http {
            path: path.clone(),
            port: *port,
        },
        ReadyCheck::Log { text } => Readiness::Log { text: text.clone() },
    };
    let timing = &container.readiness.timing;
    let declared = container.readiness.declared;
    Node {
        kind: if container.kind == Kind::Dependency {
            NodeKind::Dependency
        } else {
            NodeKind::Service
        },
        needs: container.waits_for.iter().map(|w| w.id.clone()).collect(),
        readiness,
        timeout: timing.timeout,
        poll: if declared {
            timing.interval.min(POLL)
        } else {
            POLL
        },
        interval: Some(timing.interval)
            .filter(|interval| declared && *interval != Probe::DEFAULT_INTERVAL)
            .unwrap_or(GENTLE_INTERVAL),
        retries: timing.retries,
        restart: container.restart.clone().filter(|r| r.on_crash),
        watch: container
            .watch
            .clone()
            .zip(container.location().map(str::to_owned))
            .map(|(policy, location)| (location, policy)),
        build: built_image(container, project),
    }
}

/// As the Compose file names and builds the image (local tags only).
fn built_image(container: &Container, project: &str) -> Option<BuiltImage> {
    let Image::Built(build) = &container.image else {
        return None;
    };
    let Tag::Mode(mode) = build.tag else {
        return None;
    };
    let role = build
        .name
        .strip_prefix(&format!("{project}-"))
        .unwrap_or(&build.name);
    Some(BuiltImage {
        location: build.location.clone(),
        dockerfile: build.dockerfile.to_owned(),
        suffix: format!("{role}:{}", mode.name()),
    })
}

impl crate::core::exit::Exit for PlanError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            PlanError::UnknownRole(_) => crate::core::exit::ExitStatus::Usage,
            PlanError::Deployment(err) => err.exit_status(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Check, Dependency, Development, Service, ServiceConfig, ServiceType};

    fn service(role: &str, port: Option<u16>, depends_on: &[&str]) -> Service {
        let mut config = ServiceConfig::image_only();
        config.kind = ServiceType::Private;
        config.development = Development {
            port,
            depends_on: depends_on.iter().map(|s| s.to_string()).collect(),
            ..Development::default()
        };
        Service {
            role: role.into(),
            source: ServiceSource::Location(role.into()),
            repository: None,
            dependency_data: IndexMap::new(),
            config,
        }
    }

    fn app() -> Application {
        let db = Dependency {
            image: "postgres:16".into(),
            persist: vec![],
            environment: IndexMap::new(),
            secrets: vec![],
            port: Some(5432),
            host_port: None,
            health_check: Some(Probe::new(Check::Command(
                crate::core::model::CommandLine::Shell("pg_isready".into()),
            ))),
            compose: Default::default(),
        };
        Application {
            name: "shop".into(),
            dependencies: [("db".to_string(), db)].into_iter().collect(),
            environment: IndexMap::new(),
            secrets: vec![],
            services: [
                ("web".to_string(), service("web", Some(8080), &["api"])),
                ("api".to_string(), service("api", Some(4000), &[])),
                ("worker".to_string(), service("worker", None, &[])),
            ]
            .into_iter()
            .collect(),
            shared_directories: vec![],
            tests: None,
            remote: Default::default(),
            performance: Default::default(),
            security: Vec::new(),
        }
    }

    #[test]
    fn dependencies_come_first_and_services_wait_for_what_they_need() {
        let plan = Plan::new(&app(), Mode::Development, &[]).unwrap();
        let names: Vec<&String> = plan.nodes.keys().collect();
        assert_eq!(names, ["db", "web", "api", "worker"]);
        assert_eq!(plan.nodes["db"].readiness, Readiness::Healthy);
        assert_eq!(plan.nodes["web"].needs, ["db", "api"]);
        assert_eq!(plan.nodes["api"].readiness, Readiness::Tcp { port: 4000 });
        assert_eq!(plan.nodes["worker"].readiness, Readiness::Running);
        let started: Vec<String> = vec![];
        let first: Vec<&String> = plan.startable(&started, &[]).collect();
        assert_eq!(first, ["db"]);
        let ready = vec!["db".to_string()];
        let started = vec!["db".to_string()];
        let next: Vec<&String> = plan.startable(&started, &ready).collect();
        assert_eq!(next, ["api", "worker"]);
    }

    #[test]
    fn a_role_brings_what_it_depends_on() {
        let plan = Plan::new(&app(), Mode::Development, &["web".into()]).unwrap();
        let names: Vec<&String> = plan.nodes.keys().collect();
        assert_eq!(names, ["db", "web", "api"]);
    }

    #[test]
    fn unknown_roles_are_named() {
        let Err(PlanError::UnknownRole(err)) =
            Plan::new(&app(), Mode::Development, &["wbe".into()])
        else {
            panic!("an unknown role is refused");
        };
        assert_eq!(err.role, "wbe");
        assert_eq!(err.known, "web, api, worker");
    }

    #[test]
    fn a_host_port_is_set_where_the_kind_of_container_says() {
        let plan = Plan::new(&app(), Mode::Development, &[]).unwrap();
        let dependency = plan.nodes["db"].host_port_in("db", Mode::Production);
        assert_eq!(dependency, HostPortIn::ApplicationYml);
        let service = |mode| plan.nodes["web"].host_port_in("web", mode);
        let at = |section| HostPortIn::ServiceYml {
            role: "web".into(),
            section,
        };
        assert_eq!(service(Mode::Development), at("development"));
        assert_eq!(service(Mode::Production), at("production"));
    }
}
