//! `variables.tf`, the same for every environment, and `<env>.tfvars`:
//! what differs between environments, secrets as ARNs only.

use super::hcl::{Body, Expr, attributes, file, key, raw, string};
use crate::core::deployed::{Deployment, DeploymentError, Kind, Value, Warning};
use crate::core::model::Application;

struct Declaration {
    name: &'static str,
    kind: &'static str,
    description: &'static str,
    default: Option<&'static str>,
}

const DECLARATIONS: [Declaration; 17] = [
    Declaration {
        name: "environment",
        kind: "string",
        description: "The environment's name in application.yml, e.g. production.",
        default: None,
    },
    Declaration {
        name: "region",
        kind: "string",
        description: "The AWS region.",
        default: None,
    },
    Declaration {
        name: "account_id",
        kind: "string",
        description: "The AWS account that may be changed; null: any.",
        default: Some("null"),
    },
    Declaration {
        name: "registry",
        kind: "string",
        description: "Where the images built from the services' directories are, e.g. an ECR registry; null: Docker Hub.",
        default: Some("null"),
    },
    Declaration {
        name: "image_tag",
        kind: "string",
        description: "The tag of the images built from the services' directories.",
        default: Some("\"production\""),
    },
    Declaration {
        name: "wait_image",
        kind: "string",
        description: "The image of the containers that wait for what a service needs (sh, nc and wget).",
        default: Some("\"busybox:1.36\""),
    },
    Declaration {
        name: "certificate_arn",
        kind: "string",
        description: "An ACM certificate for the public services' addresses; null: plain HTTP on port 80.",
        default: Some("null"),
    },
    Declaration {
        name: "vpc_id",
        kind: "string",
        description: "The VPC; null: the account's default VPC.",
        default: Some("null"),
    },
    Declaration {
        name: "subnet_ids",
        kind: "list(string)",
        description: "The subnets of the tasks and the load balancer; empty: every subnet of the VPC.",
        default: Some("[]"),
    },
    Declaration {
        name: "assign_public_ip",
        kind: "bool",
        description: "Whether tasks get a public address (needed to pull images in subnets without a NAT gateway).",
        default: Some("true"),
    },
    Declaration {
        name: "log_retention_days",
        kind: "number",
        description: "How long CloudWatch keeps the containers' logs.",
        default: Some("30"),
    },
    Declaration {
        name: "urls",
        kind: "map(string)",
        description: "The address of each public service, by workload.",
        default: Some("{}"),
    },
    Declaration {
        name: "shared_variables",
        kind: "map(string)",
        description: "The environment variables every service gets (where the services answer, the application's dependencies'); a service's own win.",
        default: Some("{}"),
    },
    Declaration {
        name: "shared_secrets",
        kind: "map(string)",
        description: "The secrets every service gets: variable name to ARN; a service's own win.",
        default: Some("{}"),
    },
    Declaration {
        name: "dependency_variables",
        kind: "map(string)",
        description: "The environment variables every dependency gets (the services' data most have); a dependency's own win.",
        default: Some("{}"),
    },
    Declaration {
        name: "variables",
        kind: "map(map(string))",
        description: "The environment variables of each workload, besides the shared ones.",
        default: None,
    },
    Declaration {
        name: "secrets",
        kind: "map(map(string))",
        description: "The secrets of each workload: variable name to the ARN of an SSM parameter or Secrets Manager secret.",
        default: None,
    },
];

pub fn declarations() -> String {
    let blocks: Vec<_> = DECLARATIONS
        .iter()
        .map(|d| super::hcl::Block {
            kind: "variable".to_owned(),
            labels: vec![d.name.to_owned()],
            body: Body::new()
                .attr("description", string(d.description))
                .attr("type", raw(d.kind))
                .attr_if("default", d.default.map(raw)),
        })
        .collect();
    file(&blocks)
}

/// `<env>.tfvars`. A variable built from a secret (a URL with a password)
/// cannot be assembled by ECS: it is left out, with a warning.
pub fn values(
    app: &Application,
    plan: &Deployment,
) -> Result<(String, Vec<Warning>), DeploymentError> {
    let environment = plan.settings();
    let text = |value: &Option<String>| match value {
        Some(v) => string(v.clone()),
        None => raw("null"),
    };
    let mut warnings = Vec::new();
    let mut variables = Vec::new();
    let mut secrets = Vec::new();
    let mut urls = Vec::new();
    // What every service shares: where the services answer, the
    // application's variables and its dependencies'.
    let mut shared = plan.dependency_variables.clone();
    shared.extend(plan.application_variables.clone());
    shared.extend(plan.endpoints.clone());
    let mut shared_literals = Vec::new();
    let mut shared_secrets = Vec::new();
    let mut shared_templates = Vec::new();
    for (name, value) in &shared {
        match value {
            Value::Literal(v) => shared_literals.push((key(name), string(v.clone()))),
            Value::Secret(s) => shared_secrets.push((key(name), string(arn(app, plan, s)?))),
            Value::Template(_) => shared_templates.push(name),
        }
    }
    for workload in &plan.containers {
        let mut literal = Vec::new();
        let mut secret = Vec::new();
        let mut own = workload.variables.clone();
        if workload.kind == Kind::Dependency {
            // A ConfigMap-like map of values only: a shared secret is each
            // dependency's own.
            for (name, value) in &plan.shared_by_dependencies {
                if !matches!(value, Value::Literal(_)) && !own.contains_key(name) {
                    own.insert(name.clone(), value.clone());
                }
            }
        }
        for (name, value) in &own {
            match value {
                Value::Literal(v) => literal.push((key(name), string(v.clone()))),
                Value::Secret(s) => secret.push((key(name), string(arn(app, plan, s)?))),
                Value::Template(_) => warnings.push(Warning::SecretInValue {
                    workload: workload.name.clone(),
                    variable: name.clone(),
                }),
            }
        }
        if workload.kind != Kind::Dependency {
            warnings.extend(
                shared_templates
                    .iter()
                    .filter(|name| !own.contains_key(**name))
                    .map(|name| Warning::SecretInValue {
                        workload: workload.name.clone(),
                        variable: (*name).clone(),
                    }),
            );
        }
        variables.push((key(&workload.name), Expr::Object(literal)));
        secrets.push((key(&workload.name), Expr::Object(secret)));
        if let Some(url) = &workload.url {
            urls.push((key(&workload.name), string(url.clone())));
        }
    }
    let dependency_literals: Vec<(String, Expr)> = plan
        .shared_by_dependencies
        .iter()
        .filter_map(|(name, value)| match value {
            Value::Literal(v) => Some((key(name), string(v.clone()))),
            _ => None,
        })
        .collect();
    let body = Body::new()
        .attr("environment", string(plan.environment_name().to_owned()))
        .attr("region", text(&environment.region))
        .attr("account_id", text(&environment.account_id))
        .attr("registry", text(&environment.registry))
        .attr("certificate_arn", text(&environment.ssl_certificate_arn))
        .attr("wait_image", string(plan.wait_image()))
        .blank()
        .attr("urls", Expr::Object(urls))
        .blank()
        .attr("shared_variables", Expr::Object(shared_literals))
        .blank()
        .attr("shared_secrets", Expr::Object(shared_secrets))
        .blank()
        .attr("dependency_variables", Expr::Object(dependency_literals))
        .blank()
        .attr("variables", Expr::Object(variables))
        .blank()
        .attr("secrets", Expr::Object(secrets));
    Ok((attributes(&body), warnings))
}

/// The secret's ARN: the environment's `secret-arns`, else the SSM
/// parameter `/<application>/<env>/<NAME>` of its region and account.
fn arn(app: &Application, plan: &Deployment, name: &str) -> Result<String, DeploymentError> {
    let environment = plan.settings();
    if let Some(arn) = environment.secret_arns.get(name) {
        return Ok(arn.clone());
    }
    match (&environment.region, &environment.account_id) {
        (Some(region), Some(account)) => Ok(format!(
            "arn:aws:ssm:{region}:{account}:parameter/{}/{}/{name}",
            app.name,
            plan.environment_name()
        )),
        _ => Err(DeploymentError::MissingSecretArn {
            name: name.to_owned(),
            environment: plan.environment_name().to_owned(),
        }),
    }
}
