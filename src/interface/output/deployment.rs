//! The words about generated deployment files: what a target cannot
//! express, and how to fix a configuration it cannot deploy.

use crate::core::deployed::{DeploymentError, Warning};

/// A warning for `target` ("Kubernetes", "ECS").
pub fn warning(target: &str, warning: &Warning) -> String {
    match warning {
        Warning::LogCheck { workload, text } => format!(
            "{workload} is ready once it prints \"{text}\", which {target} cannot check: it counts as ready once its container runs (give it an http, tcp or command health check)"
        ),
        Warning::CannotWait {
            workload,
            target: other,
        } => format!(
            "{workload} waits for {other}, which has no port, so {target} cannot wait for it and nothing can reach it: they start together (give {other} a `port`)"
        ),
        Warning::SecretInValue { workload, variable } => format!(
            "{workload}'s {variable} is built from a secret, which {target} cannot assemble: it is left out (set it as a secret of its own)"
        ),
        Warning::Unpullable { workload, image } => format!(
            "{workload}'s image {image} is built by exo and the environment has no `registry`: {target} cannot pull it (set `registry` in its remote environment and push the image there)"
        ),
        Warning::LocalOnly { image, users } => format!(
            "{image} (used by {}) exists on this machine but came from no registry: {target} cannot pull it (push it to a registry and name it there, e.g. in `image:` or the environment's `wait-image`)",
            users.join(", ")
        ),
        Warning::ComposeOnly { workload, keys } => format!(
            "{workload}'s `compose` keys ({}) are for the local Compose files only: {target} does not get them (express them in exo's own keys, or add them to the generated files yourself)",
            keys.join(", ")
        ),
        Warning::PlainHttp { environment } => format!(
            "the environment `{environment}` has no `ssl-certificate-arn`: its load balancer listens on plain HTTP (port 80) and the public services' external origins are http:// (give it an ACM certificate's ARN for HTTPS)"
        ),
    }
}

/// What to do about an environment or application that cannot be
/// generated.
pub fn plan_error(err: &DeploymentError) -> String {
    let hint = match err {
        DeploymentError::NoEnvironment { target } => format!(
            "add one to application.yml:\n    remote:\n      environments:\n        production:\n          target: {target}"
        ),
        DeploymentError::UnknownEnvironment { known, .. } if known.is_empty() => {
            "application.yml has no `remote.environments`".to_owned()
        }
        DeploymentError::UnknownEnvironment { known, .. } => {
            format!("the environments are: {}", known.join(", "))
        }
        DeploymentError::WrongTarget { actual, .. } => match *actual {
            "aws" => "generate it with `exo generate terraform`, or change its `target`".to_owned(),
            "kubernetes" => {
                "generate it with `exo generate kubernetes`, or change its `target`".to_owned()
            }
            _ => "deploy it with `exo deploy`, or change its `target`".to_owned(),
        },
        DeploymentError::Cycle(_) => "remove one of these `depends-on` entries".to_owned(),
        DeploymentError::BadName { .. } | DeploymentError::NameClash { .. } => {
            "rename the service or dependency: clusters name things in lowercase letters, digits and hyphens, starting with a letter".to_owned()
        }
        DeploymentError::MissingSecretArn { name, environment } => format!(
            "add `secret-arns: {{{name}: arn:...}}` to `remote.environments.{environment}`, or its `region` and `account-id` (the secret is then the SSM parameter /<application>/{environment}/{name})"
        ),
        DeploymentError::MissingUrl { role, environment } => format!(
            "add `remote.environments.{environment}.url` to the service.yml of {role}: the load balancer routes by host name"
        ),
    };
    format!("{err}\n  hint: {hint}")
}
