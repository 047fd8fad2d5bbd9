//! `main.tf` and `outputs.tf`: the cluster, logs, roles and network, then
//! per workload a task definition (see [`super::task`]), a Cloud Map name,
//! an ECS service created after those it waits for, and for public
//! services a target group behind one load balancer.

use super::hcl::{Block, Body, Expr, FileText, file, interpolation, raw, string, template, text};
use super::service::workload_blocks;
use super::shapes::{block, load_balancer_name, object};
use super::task::wait_entry;
use crate::core::deployed::{Container, Deployment, Kind, WAIT_SCRIPT};
use crate::core::model::ServiceType;

fn public(plan: &Deployment) -> Vec<&Container> {
    plan.containers
        .iter()
        .filter(|w| w.kind == Kind::Service(ServiceType::Public) && w.port.is_some())
        .collect()
}

/// `main.tf`'s text after `header`, written block by block.
pub fn main(plan: &Deployment, header: String) -> String {
    let app = &plan.application;
    let mut blocks = vec![
        block(
            "terraform",
            &[],
            Body::new()
                .attr("required_version", string(">= 1.4"))
                .block(
                    "required_providers",
                    &[],
                    Body::new().attr(
                        "aws",
                        object(vec![
                            ("source", string("hashicorp/aws")),
                            ("version", string(">= 5.0, < 7.0")),
                        ]),
                    ),
                ),
        ),
        block(
            "provider",
            &["aws"],
            Body::new().attr("region", raw("var.region")).attr(
                "allowed_account_ids",
                raw("var.account_id == null ? null : [var.account_id]"),
            ),
        ),
        block(
            "locals",
            &[],
            Body::new()
                .attr(
                    "name",
                    template(vec![text(format!("{app}-")), interpolation("var.environment")]),
                )
                .attr(
                    "namespace",
                    template(vec![
                        interpolation("var.environment"),
                        text(format!("-{app}.local")),
                    ]),
                )
                .attr(
                    "registry",
                    raw("var.registry == null ? \"\" : \"${var.registry}/\""),
                )
                .attr(
                    "vpc_id",
                    raw("coalesce(var.vpc_id, one(data.aws_vpc.default[*].id))"),
                )
                .attr(
                    "subnet_ids",
                    raw(
                        "length(var.subnet_ids) > 0 ? var.subnet_ids : one(data.aws_subnets.vpc[*].ids)",
                    ),
                )
                .attr(
                    "secret_arns",
                    raw(
                        "distinct(flatten([for secrets in concat(values(var.secrets), [var.shared_secrets]) : values(secrets)]))",
                    ),
                )
                .attr_if("shared_waits", shared_waits(plan))
                .attr_if("wait_script", wait_script(plan)),
        ),
        block(
            "data",
            &["aws_vpc", "default"],
            Body::new()
                .attr("count", raw("var.vpc_id == null ? 1 : 0"))
                .attr("default", raw("true")),
        ),
        block(
            "data",
            &["aws_subnets", "vpc"],
            Body::new()
                .attr("count", raw("length(var.subnet_ids) > 0 ? 0 : 1"))
                .block(
                    "filter",
                    &[],
                    Body::new()
                        .attr("name", string("vpc-id"))
                        .attr("values", raw("[local.vpc_id]")),
                ),
        ),
        block(
            "resource",
            &["aws_ecs_cluster", "main"],
            Body::new().attr("name", raw("local.name")),
        ),
        block(
            "resource",
            &["aws_cloudwatch_log_group", "main"],
            Body::new()
                .attr(
                    "name",
                    template(vec![text("/exo/"), interpolation("local.name")]),
                )
                .attr("retention_in_days", raw("var.log_retention_days")),
        ),
        block(
            "resource",
            &["aws_service_discovery_private_dns_namespace", "main"],
            Body::new()
                .attr("name", raw("local.namespace"))
                .attr("vpc", raw("local.vpc_id")),
        ),
    ];
    blocks.extend(roles());
    blocks.extend(security_groups(!public(plan).is_empty()));
    blocks.extend(load_balancer(plan));
    blocks.extend(application_dependencies(plan));
    let mut text = FileText::new(header);
    for block in &blocks {
        text.push(block);
    }
    // Each workload's blocks are laid out and dropped in turn.
    for workload in &plan.containers {
        for block in workload_blocks(plan, workload) {
            text.push(&block);
        }
    }
    text.finish()
}

/// The entries of what every service waits for (the application's
/// dependencies with a port), for the waiters' command; `None` when none.
fn shared_waits(plan: &Deployment) -> Option<Expr> {
    let entries: Vec<Expr> = plan
        .shared_waits
        .iter()
        .filter_map(|w| wait_entry(w))
        .collect();
    (!entries.is_empty()).then_some(Expr::List(entries))
}

/// The waiters' script (see [`WAIT_SCRIPT`]), when a workload waits.
fn wait_script(plan: &Deployment) -> Option<Expr> {
    let waits = plan
        .containers
        .iter()
        .any(|c| c.askable_waits().next().is_some());
    waits.then(|| string(WAIT_SCRIPT))
}

/// A resource steady once each of the application's dependencies (with a
/// port) is: every service is created after it (Terraform 1.4's
/// `terraform_data`, which needs no provider).
fn application_dependencies(plan: &Deployment) -> Option<Block> {
    let services: Vec<Expr> = plan
        .shared_waits
        .iter()
        .filter(|w| w.port.is_some())
        .map(|w| raw(format!("aws_ecs_service.{}", w.name)))
        .collect();
    let (_, name) = super::service::SHARED_WAITS.split_once('.')?;
    (!services.is_empty()).then(|| {
        block(
            "resource",
            &["terraform_data", name],
            Body::new().attr("depends_on", Expr::List(services)),
        )
    })
}

/// The role ECS pulls images, writes logs and reads secrets with.
fn roles() -> Vec<Block> {
    let assume = object(vec![
        ("Version", string("2012-10-17")),
        (
            "Statement",
            Expr::List(vec![object(vec![
                ("Effect", string("Allow")),
                ("Action", string("sts:AssumeRole")),
                (
                    "Principal",
                    object(vec![("Service", string("ecs-tasks.amazonaws.com"))]),
                ),
            ])]),
        ),
    ]);
    let read_secrets = object(vec![
        ("Version", string("2012-10-17")),
        (
            "Statement",
            Expr::List(vec![object(vec![
                ("Effect", string("Allow")),
                (
                    "Action",
                    Expr::List(vec![
                        string("ssm:GetParameters"),
                        string("secretsmanager:GetSecretValue"),
                    ]),
                ),
                ("Resource", raw("local.secret_arns")),
            ])]),
        ),
    ]);
    vec![
        block(
            "resource",
            &["aws_iam_role", "execution"],
            Body::new()
                .attr(
                    "name",
                    template(vec![interpolation("local.name"), text("-execution")]),
                )
                .attr(
                    "assume_role_policy",
                    Expr::Call("jsonencode".into(), vec![assume]),
                ),
        ),
        block(
            "resource",
            &["aws_iam_role_policy_attachment", "execution"],
            Body::new()
                .attr("role", raw("aws_iam_role.execution.name"))
                .attr(
                    "policy_arn",
                    string("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
                ),
        ),
        block(
            "resource",
            &["aws_iam_role_policy", "secrets"],
            Body::new()
                .attr("count", raw("length(local.secret_arns) > 0 ? 1 : 0"))
                .attr("name", string("read-secrets"))
                .attr("role", raw("aws_iam_role.execution.id"))
                .attr(
                    "policy",
                    Expr::Call("jsonencode".into(), vec![read_secrets]),
                ),
        ),
    ]
}

fn egress() -> Body {
    Body::new()
        .attr("from_port", Expr::Number(0))
        .attr("to_port", Expr::Number(0))
        .attr("protocol", string("-1"))
        .attr("cidr_blocks", raw("[\"0.0.0.0/0\"]"))
}

/// Tasks reach each other on any port; the load balancer reaches them.
fn security_groups(public: bool) -> Vec<Block> {
    let mut tasks = Body::new()
        .attr(
            "name",
            template(vec![interpolation("local.name"), text("-tasks")]),
        )
        .attr("vpc_id", raw("local.vpc_id"))
        .block(
            "ingress",
            &[],
            Body::new()
                .attr("from_port", Expr::Number(0))
                .attr("to_port", Expr::Number(0))
                .attr("protocol", string("-1"))
                .attr("self", raw("true")),
        );
    if public {
        tasks = tasks.block(
            "ingress",
            &[],
            Body::new()
                .attr("from_port", Expr::Number(0))
                .attr("to_port", Expr::Number(65535))
                .attr("protocol", string("tcp"))
                .attr(
                    "security_groups",
                    raw("[aws_security_group.load_balancer.id]"),
                ),
        );
    }
    let mut blocks = vec![block(
        "resource",
        &["aws_security_group", "tasks"],
        tasks.block("egress", &[], egress()),
    )];
    if public {
        let mut body = Body::new()
            .attr(
                "name",
                template(vec![interpolation("local.name"), text("-load-balancer")]),
            )
            .attr("vpc_id", raw("local.vpc_id"));
        for port in [80, 443] {
            body = body.block(
                "ingress",
                &[],
                Body::new()
                    .attr("from_port", Expr::Number(port))
                    .attr("to_port", Expr::Number(port))
                    .attr("protocol", string("tcp"))
                    .attr("cidr_blocks", raw("[\"0.0.0.0/0\"]")),
            );
        }
        blocks.push(block(
            "resource",
            &["aws_security_group", "load_balancer"],
            body.block("egress", &[], egress()),
        ));
    }
    blocks
}

/// One application load balancer for every public service, each on its
/// own host name; HTTPS when there is a certificate.
fn load_balancer(plan: &Deployment) -> Vec<Block> {
    if public(plan).is_empty() {
        return Vec::new();
    }
    vec![
        block(
            "resource",
            &["aws_lb", "public"],
            Body::new()
                .attr("name", load_balancer_name("local.name"))
                .attr("load_balancer_type", string("application"))
                .attr("security_groups", raw("[aws_security_group.load_balancer.id]"))
                .attr("subnets", raw("local.subnet_ids"))
                // Requests with malformed headers are refused at the edge
                // rather than passed on (request smuggling).
                .attr("drop_invalid_header_fields", raw("true")),
        ),
        block(
            "resource",
            &["aws_lb_listener", "public"],
            Body::new()
                .attr("load_balancer_arn", raw("aws_lb.public.arn"))
                .attr("port", raw("var.certificate_arn == null ? 80 : 443"))
                .attr("protocol", raw("var.certificate_arn == null ? \"HTTP\" : \"HTTPS\""))
                .attr("certificate_arn", raw("var.certificate_arn"))
                .attr(
                    "ssl_policy",
                    raw("var.certificate_arn == null ? null : \"ELBSecurityPolicy-TLS13-1-2-2021-06\""),
                )
                .block(
                    "default_action",
                    &[],
                    Body::new().attr("type", string("fixed-response")).block(
                        "fixed_response",
                        &[],
                        Body::new()
                            .attr("content_type", string("text/plain"))
                            .attr("message_body", string("not found"))
                            .attr("status_code", string("404")),
                    ),
                ),
        ),
        // With HTTPS, plain HTTP is sent there.
        block(
            "resource",
            &["aws_lb_listener", "redirect"],
            Body::new()
                .attr("count", raw("var.certificate_arn == null ? 0 : 1"))
                .attr("load_balancer_arn", raw("aws_lb.public.arn"))
                .attr("port", Expr::Number(80))
                .attr("protocol", string("HTTP"))
                .block(
                    "default_action",
                    &[],
                    Body::new().attr("type", string("redirect")).block(
                        "redirect",
                        &[],
                        Body::new()
                            .attr("port", string("443"))
                            .attr("protocol", string("HTTPS"))
                            .attr("status_code", string("HTTP_301")),
                    ),
                ),
        ),
    ]
}

pub fn outputs(plan: &Deployment) -> String {
    let mut blocks = vec![
        block(
            "output",
            &["cluster"],
            Body::new().attr("value", raw("aws_ecs_cluster.main.name")),
        ),
        block(
            "output",
            &["namespace"],
            Body::new()
                .attr(
                    "description",
                    string("Where the workloads find each other."),
                )
                .attr(
                    "value",
                    raw("aws_service_discovery_private_dns_namespace.main.name"),
                ),
        ),
    ];
    if !public(plan).is_empty() {
        blocks.push(block(
            "output",
            &["load_balancer_dns_name"],
            Body::new()
                .attr(
                    "description",
                    string(
                        "Point the public services' addresses here (a CNAME or an alias record).",
                    ),
                )
                .attr("value", raw("aws_lb.public.dns_name")),
        ));
    }
    file(&blocks)
}
