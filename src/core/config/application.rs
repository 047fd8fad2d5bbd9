//! Reads application.yml.

use super::dependency::read_dependencies;
use super::names::is_role;
use super::problem::Problem;
use super::reader::{FileShape, Located, Reader};
use super::yaml::Node;
use super::{DependencySites, json_of};
use crate::core::model::{Dependency, EndToEndTests};
use indexmap::IndexMap;

const KEYS: [&str; 11] = [
    "name",
    "description",
    "version",
    "author",
    "local",
    "remote",
    "services",
    "shared-directories",
    "tests",
    "security",
    "performance",
];
const LOCAL_KEYS: [&str; 3] = ["dependencies", "environment-variables", "secrets"];
const SERVICE_KEYS: [&str; 4] = ["location", "docker-image", "dependency-data", "repository"];

/// application.yml as written, before service.yml files are read.
pub struct ApplicationFile {
    pub name: Option<Located<String>>,
    pub dependencies: IndexMap<String, (Dependency, DependencySites)>,
    pub environment: IndexMap<String, String>,
    pub secrets: Vec<String>,
    pub services: Vec<ServiceEntry>,
    pub shared_directories: Vec<Located<String>>,
    pub tests: Option<EndToEndTests>,
    pub remote: crate::core::model::Remote,
    pub remote_sites: super::remote::RemoteSites,
    /// `tests.location` as written, for the checks on disk.
    pub tests_location: Option<Located<String>>,
    pub security: Vec<crate::core::model::security::Suppression>,
    pub performance: super::performance::PerformanceFile,
}

/// One entry of `services`.
pub struct ServiceEntry {
    pub role: Located<String>,
    pub location: Option<Located<String>>,
    pub image: Option<Located<String>>,
    pub repository: Option<String>,
    pub dependency_data: IndexMap<String, serde_json::Value>,
}

pub fn read_application(reader: &mut Reader, root: &Node) -> ApplicationFile {
    let shape = FileShape {
        missing: "no `name` and no `services`",
        start: "start with `name: my-app` and a `services` map",
        keys: "expected keys such as `name` and `services`",
    };
    let parsed = reader.file_fields(root, &shape, &KEYS);
    let is_map = parsed.is_some();
    let fields = parsed.unwrap_or_default();
    let name = match fields.get("name") {
        Some(node) => reader.non_empty_string(node, "name"),
        None if !is_map || fields.is_misspelt("name") => None,
        None => {
            reader.report(
                Problem::at(reader.site(root), "application.yml has no `name`")
                    .label("`name` is missing")
                    .help("add `name: my-app` (lowercase letters and digits, separated by single hyphens)"),
            );
            None
        }
    };
    for key in ["description", "version", "author"] {
        if let Some(node) = fields.get(key) {
            reader.string(node, key);
        }
    }
    let mut file = ApplicationFile {
        name,
        dependencies: IndexMap::new(),
        environment: IndexMap::new(),
        secrets: Vec::new(),
        services: Vec::new(),
        shared_directories: Vec::new(),
        tests: None,
        remote: crate::core::model::Remote::default(),
        remote_sites: super::remote::RemoteSites::default(),
        tests_location: None,
        security: Vec::new(),
        performance: Default::default(),
    };
    if let Some(local) = fields.get("local") {
        let local = reader.fields(local, "local", &LOCAL_KEYS);
        if let Some(node) = local.get("dependencies") {
            file.dependencies = read_dependencies(reader, node, "local.dependencies", ".");
        }
        if let Some(node) = local.get("environment-variables") {
            file.environment = reader.environment(node, "local.environment-variables");
        }
        if let Some(node) = local.get("secrets") {
            file.secrets = reader.secrets(node, "local.secrets");
        }
    }
    if let Some(node) = fields.get("security") {
        file.security = super::security::read_security(reader, node);
    }
    if let Some(remote) = fields.get("remote") {
        (file.remote, file.remote_sites) = super::remote::read_application_remote(reader, remote);
    }
    if let Some(node) = fields.get("performance") {
        file.performance = super::performance::read_performance(
            reader,
            node,
            super::performance::Owner::Application,
        );
    }
    if let Some(services) = fields.get("services") {
        file.services = read_services(reader, services);
    }
    if let Some(node) = fields.get("shared-directories") {
        file.shared_directories = match &node.value {
            super::yaml::Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| reader.location(item, &format!("shared-directories[{i}]")))
                .collect(),
            _ => reader.string_list(node, "shared-directories"),
        };
    }
    if let Some(node) = fields.get("tests")
        && let Some((tests, location)) =
            read_tests(reader, fields.key("tests").unwrap_or(node), node)
    {
        file.tests = Some(tests);
        file.tests_location = Some(location);
    }
    file
}

fn read_services(reader: &mut Reader, node: &Node) -> Vec<ServiceEntry> {
    let mut services = Vec::new();
    for (key, role, value) in reader.entries(node, "services") {
        let path = format!("services.{role}");
        let role = Located {
            value: role.to_owned(),
            site: reader.site(key),
        };
        if !is_role(&role.value) {
            reader.report(
                Problem::at(
                    role.site.clone(),
                    format!(
                        "the service key `{path}` is invalid: only alphanumeric characters separated by single hyphens are allowed"
                    ),
                )
                .label("invalid role")
                .help("a role must match /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/, e.g. `users-service`"),
            );
        }
        let fields = reader.fields(value, &path, &SERVICE_KEYS);
        let location = fields
            .get("location")
            .and_then(|n| reader.location(n, &format!("{path}.location")));
        let image = fields
            .get("docker-image")
            .and_then(|n| reader.image(n, &format!("{path}.docker-image")));
        let repository = fields
            .get("repository")
            .and_then(|n| reader.non_empty_string(n, &format!("{path}.repository")))
            .map(|r| r.value);
        let dependency_data = fields
            .get("dependency-data")
            .map(|n| read_dependency_data(reader, n, &format!("{path}.dependency-data")))
            .unwrap_or_default();
        match (&location, &image) {
            (Some(_), Some(_)) => {
                let key = fields.key("docker-image").unwrap_or(value);
                reader.report(
                    Problem::at(
                        reader.site(key),
                        format!("`{path}` has both `location` and `docker-image`"),
                    )
                    .label("second source")
                    .help(
                        "a service is built from its `location` or runs a `docker-image`, not both",
                    ),
                );
            }
            (None, None)
                if fields.get("location").is_none()
                    && fields.get("docker-image").is_none()
                    && !fields.is_misspelt("location")
                    && !fields.is_misspelt("docker-image") =>
            {
                reader.report(
                    Problem::at(role.site.clone(), format!("no location or docker image for service `{}`", role.value))
                        .label("needs `location` or `docker-image`")
                        .help("add `location: ./dir` (a directory with service.yml) or `docker-image: repo/image:tag`"),
                );
            }
            _ => {}
        }
        services.push(ServiceEntry {
            role,
            location,
            image,
            repository,
            dependency_data,
        });
    }
    services
}

/// `dependency-data`: a map from dependency id to any YAML value.
pub fn read_dependency_data(
    reader: &mut Reader,
    node: &Node,
    path: &str,
) -> IndexMap<String, serde_json::Value> {
    reader
        .entries(node, path)
        .into_iter()
        .map(|(_, id, value)| (id.to_owned(), json_of(value)))
        .collect()
}

/// `key` is the `tests` key, where a missing `location` is reported.
fn read_tests(
    reader: &mut Reader,
    key: &Node,
    node: &Node,
) -> Option<(EndToEndTests, Located<String>)> {
    let fields = reader.fields(node, "tests", &["location", "command"]);
    let command = fields
        .get("command")
        .and_then(|n| reader.non_empty_string(n, "tests.command"))
        .map(|c| c.value);
    match fields.get("location") {
        Some(n) => reader.location(n, "tests.location").map(|location| {
            let tests = EndToEndTests {
                location: super::normalize_location(&location.value),
                command,
            };
            (tests, location)
        }),
        None if fields.is_misspelt("location") => None,
        None => {
            reader.report(
                Problem::at(reader.site(key), "`tests` has no `location`")
                    .label("`location` is missing")
                    .help("point `location` at a directory with the end-to-end tests and a Dockerfile"),
            );
            None
        }
    }
}
