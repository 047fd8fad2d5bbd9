//! Reads the `remote` sections: the deployment environments of
//! application.yml and each service's deployment settings.

use indexmap::IndexMap;

use super::problem::{Problem, Site};
use super::reader::{Fields, Located, Reader};
use super::remote_values::{
    host_name_problem, is_account_id, is_certificate_arn, is_environment_name, is_namespace,
    is_placement_constraint, is_region, registry_problem,
};
use super::yaml::{Node, Value};
use crate::core::model::remote::{Environment, Remote, ServiceEnvironment, ServiceRemote, Target};

const DEPENDENCY_KEYS: [&str; 2] = ["type", "template-config"];
const ENVIRONMENT_KEYS: [&str; 11] = [
    "target",
    "wait-image",
    "registry",
    "url",
    "region",
    "account-id",
    "ssl-certificate-arn",
    "namespace",
    "environment-variables",
    "secrets",
    "secret-arns",
];
const SERVICE_KEYS: [&str; 8] = [
    "health-check",
    "hardening",
    "cpu",
    "memory",
    "replicas",
    "placement",
    "dependencies",
    "environments",
];

/// Where the remote settings of a file were written, for the checks that
/// need several files.
#[derive(Default)]
pub struct RemoteSites {
    /// application.yml: each `secret-arns` key, with its environment.
    pub secret_arns: Vec<(String, Located<String>)>,
    /// service.yml: where `remote.cpu` and `remote.memory` are written.
    pub cpu: Option<Site>,
    pub memory: Option<Site>,
    /// Each `remote.environments` key, with its `url` (service.yml).
    pub environments: Vec<(Located<String>, Option<Located<String>>)>,
}

pub fn read_application_remote(reader: &mut Reader, node: &Node) -> (Remote, RemoteSites) {
    let fields = reader.fields(node, "remote", &["dependencies", "environments"]);
    if let Some(n) = fields.get("dependencies") {
        check_dependencies(reader, n, "remote.dependencies");
    }
    let mut remote = Remote::default();
    let mut sites = RemoteSites::default();
    if let Some(n) = fields.get("environments") {
        for (key, id, env) in reader.entries(n, "remote.environments") {
            let path = format!("remote.environments.{id}");
            check_environment_name(reader, key, id, &path);
            let site = reader.site(key);
            let located = Located {
                value: id.to_owned(),
                site,
            };
            sites.environments.push((located, None));
            let environment = read_environment(reader, env, &path, &mut sites);
            remote.environments.insert(id.to_owned(), environment);
        }
    }
    (remote, sites)
}

/// A text setting that `fault` finds nothing wrong with; otherwise a
/// problem saying it is not a `what`, with `fault`'s reason as help.
fn checked(
    reader: &mut Reader,
    node: &Node,
    path: &str,
    what: &str,
    fault: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let text = reader.non_empty_string(node, path)?;
    let Some(help) = fault(&text.value) else {
        return Some(text.value);
    };
    reader.report(
        Problem::at(
            text.site,
            format!("`{path}` is not {what}: \"{}\"", text.value),
        )
        .label(format!("not {what}"))
        .help(help),
    );
    None
}

/// `url`: the host name of the public address.
fn read_url(reader: &mut Reader, node: &Node, path: &str) -> Option<String> {
    checked(reader, node, path, "a host name", |url| {
        host_name_problem(url).map(|reason| format!("{reason}, e.g. `url: shop.example.com`"))
    })
}

fn read_environment(
    reader: &mut Reader,
    node: &Node,
    path: &str,
    sites: &mut RemoteSites,
) -> Environment {
    let fields = reader.fields(node, path, &ENVIRONMENT_KEYS);
    let target = match fields.get("target") {
        Some(n) => match reader.choice(n, &format!("{path}.target"), &Target::NAMES) {
            Some("swarm") => Target::Swarm,
            Some("kubernetes") => Target::Kubernetes,
            _ => Target::Aws,
        },
        None => Target::Aws,
    };
    let mut environment = Environment::new(target);
    let at = |key: &str| format!("{path}.{key}");
    environment.url = fields
        .get("url")
        .and_then(|n| read_url(reader, n, &at("url")));
    environment.region = fields.get("region").and_then(|n| {
        checked(reader, n, &at("region"), "an AWS region", |v| {
            (!is_region(v)).then(|| "an AWS region is written like `eu-west-1`".to_owned())
        })
    });
    environment.account_id = fields.get("account-id").and_then(|n| {
        checked(reader, n, &at("account-id"), "an AWS account id", |v| {
            (!is_account_id(v)).then(|| {
                "an account id is 12 digits; quote it when it starts with 0, e.g. `account-id: \"012345678901\"`".to_owned()
            })
        })
    });
    environment.ssl_certificate_arn = fields.get("ssl-certificate-arn").and_then(|n| {
        checked(reader, n, &at("ssl-certificate-arn"), "a certificate ARN", |v| {
            (!is_certificate_arn(v)).then(|| {
                "give the ARN of an ACM certificate, e.g. `arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-...`".to_owned()
            })
        })
    });
    environment.wait_image = fields
        .get("wait-image")
        .and_then(|n| reader.image(n, &at("wait-image")))
        .map(|image| image.value);
    if let Some(n) = fields.get("namespace") {
        environment.namespace = read_namespace(reader, n, &format!("{path}.namespace"));
    }
    if let Some(n) = fields.get("registry") {
        environment.registry = read_registry(reader, n, &format!("{path}.registry"));
    }
    (environment.environment, environment.secrets) = read_variables(reader, &fields, path);
    if let Some(n) = fields.get("secret-arns") {
        environment.secret_arns = read_secret_arns(reader, n, &format!("{path}.secret-arns"));
        let name = path.rsplit('.').next().unwrap_or_default();
        for (key, secret, _) in reader.entries(n, &at("secret-arns")) {
            let site = reader.site(key);
            sites.secret_arns.push((
                name.to_owned(),
                Located {
                    value: secret.to_owned(),
                    site,
                },
            ));
        }
    }
    environment
}

/// A Kubernetes namespace: a DNS label.
fn read_namespace(reader: &mut Reader, node: &Node, path: &str) -> Option<String> {
    let text = reader.non_empty_string(node, path)?;
    if is_namespace(&text.value) {
        return Some(text.value);
    }
    reader.report(
        Problem::at(text.site, format!("`{path}` is not a Kubernetes namespace name"))
            .label("not a namespace name")
            .help("use at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, e.g. `shop-staging`"),
    );
    None
}

/// `secret-arns`: secret name to the ARN ECS reads it from.
fn read_secret_arns(reader: &mut Reader, node: &Node, path: &str) -> IndexMap<String, String> {
    let mut arns = IndexMap::new();
    for (_, name, value) in reader.entries(node, path) {
        let Some(text) = reader.non_empty_string(value, &format!("{path}.{name}")) else {
            continue;
        };
        if text.value.starts_with("arn:") {
            arns.insert(name.to_owned(), text.value);
        } else {
            reader.report(
                Problem::at(text.site, format!("`{path}.{name}` is not an ARN"))
                    .label("not an ARN")
                    .help("give the ARN of an SSM parameter or a Secrets Manager secret, e.g. `arn:aws:ssm:us-west-2:123456789012:parameter/shop/API_TOKEN`"),
            );
        }
    }
    arns
}

/// `host[:port][/path]`: what `docker push` takes before the image name.
fn read_registry(reader: &mut Reader, node: &Node, path: &str) -> Option<String> {
    let text = reader.non_empty_string(node, path)?;
    let value = text.value.trim_end_matches('/');
    if let Some(help) = registry_problem(value) {
        reader.report(
            Problem::at(
                text.site,
                format!("`{path}` is not a registry: \"{}\"", text.value),
            )
            .label("not host[:port][/path]")
            .help(format!(
                "{help}, e.g. `registry: 127.0.0.1:5000` or `registry: ghcr.io/team`"
            )),
        );
        return None;
    }
    Some(value.to_owned())
}

/// Environment names become file names (`deploy_<env>.yml`) and labels.
fn check_environment_name(reader: &mut Reader, key: &Node, id: &str, path: &str) {
    if !is_environment_name(id) {
        reader.report(
            Problem::at(
                reader.site(key),
                format!("the environment name `{path}` is invalid"),
            )
            .label("invalid environment name")
            .help("use at most 63 lowercase letters and digits separated by single hyphens, e.g. `staging`"),
        );
    }
}

pub fn read_service_remote(reader: &mut Reader, node: &Node) -> (ServiceRemote, RemoteSites) {
    let fields = reader.fields(node, "remote", &SERVICE_KEYS);
    let mut remote = ServiceRemote {
        cpu: fields
            .get("cpu")
            .and_then(|n| read_amount(reader, n, "remote.cpu")),
        memory: fields
            .get("memory")
            .and_then(|n| read_amount(reader, n, "remote.memory")),
        ..ServiceRemote::default()
    };
    if let Some(n) = fields.get("replicas") {
        remote.replicas = read_replicas(reader, n).unwrap_or(1);
    }
    if let Some(n) = fields.get("placement") {
        remote.placement = reader
            .string_list(n, "remote.placement")
            .into_iter()
            .filter(|c| placement_is_valid(reader, c))
            .map(|c| c.value)
            .collect();
    }
    let mut sites = RemoteSites {
        cpu: fields.get("cpu").map(|n| reader.site(n)),
        memory: fields.get("memory").map(|n| reader.site(n)),
        ..RemoteSites::default()
    };
    if let Some(n) = fields.get("dependencies") {
        check_dependencies(reader, n, "remote.dependencies");
    }
    if let Some(n) = fields.get("health-check") {
        remote.probe_timing = super::probe::read_timing(reader, n, "remote.health-check");
    }
    if let Some(n) = fields.get("hardening") {
        remote.hardening = super::hardening::read_hardening(reader, n);
    }
    if let Some(n) = fields.get("environments") {
        for (key, id, env) in reader.entries(n, "remote.environments") {
            let path = format!("remote.environments.{id}");
            check_environment_name(reader, key, id, &path);
            let env_fields =
                reader.fields(env, &path, &["url", "environment-variables", "secrets"]);
            let url_node = env_fields.get("url");
            let url = url_node.and_then(|v| read_url(reader, v, &format!("{path}.url")));
            let url_site = url_node.zip(url.as_ref()).map(|(n, url)| Located {
                value: url.clone(),
                site: reader.site(n),
            });
            let key_site = Located {
                value: id.to_owned(),
                site: reader.site(key),
            };
            sites.environments.push((key_site, url_site));
            let (environment, secrets) = read_variables(reader, &env_fields, &path);
            remote.environments.insert(
                id.to_owned(),
                ServiceEnvironment {
                    url,
                    environment,
                    secrets,
                },
            );
        }
    }
    (remote, sites)
}

/// Swarm reads `key == value` or `key != value`; anything else fails the
/// deployment.
fn placement_is_valid(reader: &mut Reader, constraint: &Located<String>) -> bool {
    if is_placement_constraint(&constraint.value) {
        return true;
    }
    reader.report(
        Problem::at(
            constraint.site.clone(),
            format!(
                "`remote.placement` holds \"{}\", which is not a placement constraint",
                constraint.value
            ),
        )
        .label("not `key == value`")
        .help("write `key == value` or `key != value`, e.g. `node.role == worker`"),
    );
    false
}

/// `cpu` (ECS units) and `memory` (MiB): whole numbers above 0, as 0.37
/// wrote them, quoted or not.
fn read_amount(reader: &mut Reader, node: &Node, path: &str) -> Option<u32> {
    if let Value::String(text) = &node.value {
        if let Ok(n @ 1..) = text.trim().parse::<u32>() {
            return within_int32(reader, node, path, n);
        }
        reader.report(
            Problem::at(
                reader.site(node),
                format!("`{path}` must be a whole number above 0, found \"{text}\""),
            )
            .label("not a whole number")
            .help("cpu is in units of 1/1024 core (512 is half a core), memory in MiB"),
        );
        return None;
    }
    let n = reader.positive_integer(node, path)?;
    within_int32(reader, node, path, n)
}

/// Kubernetes and ECS read counts and sizes as 32-bit integers.
fn within_int32(reader: &mut Reader, node: &Node, path: &str, n: u32) -> Option<u32> {
    if i32::try_from(n).is_ok() {
        return Some(n);
    }
    reader.report(
        Problem::at(reader.site(node), format!("`{path}` is too large: {n}"))
            .label("too large")
            .help(format!(
                "Kubernetes and ECS read it as a 32-bit integer, at most {}",
                i32::MAX
            )),
    );
    None
}

/// `replicas`: 0 or more.
fn read_replicas(reader: &mut Reader, node: &Node) -> Option<u32> {
    if node.value.whole_number() == Some(0) {
        return Some(0);
    }
    let n = reader.positive_integer(node, "remote.replicas")?;
    within_int32(reader, node, "remote.replicas", n)
}

fn read_variables(
    reader: &mut Reader,
    env: &Fields,
    path: &str,
) -> (IndexMap<String, String>, Vec<String>) {
    let variables = env
        .get("environment-variables")
        .map(|v| reader.environment(v, &format!("{path}.environment-variables")))
        .unwrap_or_default();
    let secrets = env
        .get("secrets")
        .map(|v| reader.secrets(v, &format!("{path}.secrets")))
        .unwrap_or_default();
    (variables, secrets)
}

fn check_dependencies(reader: &mut Reader, node: &Node, path: &str) {
    for (_, id, dependency) in reader.entries(node, path) {
        let path = format!("{path}.{id}");
        let fields = reader.fields(dependency, &path, &DEPENDENCY_KEYS);
        if let Some(v) = fields.get("type") {
            reader.non_empty_string(v, &format!("{path}.type"));
        }
        if let Some(v) = fields.get("template-config") {
            for (_, key, value) in reader.entries(v, &format!("{path}.template-config")) {
                reader.string(value, &format!("{path}.template-config.{key}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::model::Target;
    use std::path::Path;

    fn write(dir: &Path, app: &str, service: &str) {
        std::fs::write(dir.join("application.yml"), app).unwrap();
        std::fs::create_dir_all(dir.join("web")).unwrap();
        std::fs::write(dir.join("web/service.yml"), service).unwrap();
    }

    const SERVICE: &str = "type: public\nproduction: {port: 80}\nremote:\n  cpu: 512\n  memory: '256'\n  replicas: 3\n  placement: [node.role == worker]\n  environments:\n    staging: {url: web.example.com, secrets: [TOKEN]}\n";

    #[test]
    fn environments_and_service_settings_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let app = "name: shop\nservices:\n  web: {location: ./web}\nremote:\n  environments:\n    staging:\n      target: swarm\n      registry: 127.0.0.1:5000/\n      environment-variables: {LOG_LEVEL: info}\n      secrets: [API_TOKEN]\n    production: {region: us-west-2}\n";
        write(dir.path(), app, SERVICE);
        let app = crate::core::config::load(dir.path()).unwrap();
        let staging = &app.remote.environments["staging"];
        assert_eq!(staging.target, Target::Swarm);
        assert_eq!(staging.registry.as_deref(), Some("127.0.0.1:5000"));
        assert_eq!(staging.environment["LOG_LEVEL"], "info");
        assert_eq!(staging.secrets, ["API_TOKEN"]);
        assert_eq!(app.remote.environments["production"].target, Target::Aws);
        let web = &app.services["web"].config.remote;
        assert_eq!(
            (web.cpu, web.memory, web.replicas),
            (Some(512), Some(256), 3)
        );
        assert_eq!(web.cores(), Some(0.5));
        assert_eq!(web.placement, ["node.role == worker"]);
        assert_eq!(web.environments["staging"].secrets, ["TOKEN"]);
    }

    #[test]
    fn bad_targets_registries_and_names_are_reported_together() {
        let dir = tempfile::tempdir().unwrap();
        let app = "name: shop\nservices:\n  web: {location: ./web}\nremote:\n  environments:\n    Staging: {target: swarn, registry: 'http://r:5000'}\n";
        write(dir.path(), app, SERVICE);
        let text = format!("{:?}", crate::core::config::load(dir.path()).unwrap_err());
        for expected in [
            "did you mean `swarm`",
            "without a scheme",
            "environment name",
        ] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
    }
}
