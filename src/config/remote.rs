//! Checks the shape of the `remote` sections. Deployment reads them later;
//! loading only makes sure that a typo is reported now.

use super::reader::Reader;
use super::yaml::Node;

const DEPENDENCY_KEYS: [&str; 2] = ["type", "template-config"];

pub fn check_application_remote(reader: &mut Reader, node: &Node) {
    let fields = reader.fields(node, "remote", &["dependencies", "environments"]);
    if let Some(n) = fields.get("dependencies") {
        check_dependencies(reader, n, "remote.dependencies");
    }
    if let Some(n) = fields.get("environments") {
        for (_, id, env) in reader.entries(n, "remote.environments") {
            let path = format!("remote.environments.{id}");
            let env = reader.fields(
                env,
                &path,
                &[
                    "url",
                    "region",
                    "account-id",
                    "ssl-certificate-arn",
                    "environment-variables",
                    "secrets",
                ],
            );
            for key in ["url", "region", "account-id", "ssl-certificate-arn"] {
                if let Some(v) = env.get(key) {
                    reader.string(v, &format!("{path}.{key}"));
                }
            }
            check_variables(reader, &env, &path);
        }
    }
}

pub fn check_service_remote(reader: &mut Reader, node: &Node) {
    let fields = reader.fields(
        node,
        "remote",
        &["cpu", "memory", "dependencies", "environments"],
    );
    for key in ["cpu", "memory"] {
        if let Some(v) = fields.get(key) {
            reader.string(v, &format!("remote.{key}"));
        }
    }
    if let Some(n) = fields.get("dependencies") {
        check_dependencies(reader, n, "remote.dependencies");
    }
    if let Some(n) = fields.get("environments") {
        for (_, id, env) in reader.entries(n, "remote.environments") {
            let path = format!("remote.environments.{id}");
            let env = reader.fields(env, &path, &["url", "environment-variables", "secrets"]);
            if let Some(v) = env.get("url") {
                reader.string(v, &format!("{path}.url"));
            }
            check_variables(reader, &env, &path);
        }
    }
}

fn check_variables(reader: &mut Reader, env: &super::reader::Fields, path: &str) {
    if let Some(v) = env.get("environment-variables") {
        reader.environment(v, &format!("{path}.environment-variables"));
    }
    if let Some(v) = env.get("secrets") {
        reader.secrets(v, &format!("{path}.secrets"));
    }
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
