//! `main.tf` and `outputs.tf`: the cluster, logs, roles and network, then
//! per workload a task definition (waiter containers first, the workload's
//! container `dependsOn` their SUCCESS), a Cloud Map name, an ECS service
//! created after those it waits for, and for public services a target
//! group behind one load balancer.

use super::hcl::{Block, Body, Expr, file, interpolate, key, raw, string};
use crate::model::{Check, CommandLine, ServiceType};
use crate::workloads::{Kind, Plan, WAIT_IMAGE, Wait, Workload};
use std::time::Duration;

fn block(kind: &str, labels: &[&str], body: Body) -> Block {
    Block {
        kind: kind.to_owned(),
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        body,
    }
}

fn object(items: Vec<(&str, Expr)>) -> Expr {
    Expr::Object(items.into_iter().map(|(k, v)| (key(k), v)).collect())
}

fn public(plan: &Plan) -> Vec<&Workload> {
    plan.workloads
        .iter()
        .filter(|w| w.kind == Kind::Service(ServiceType::Public) && w.port.is_some())
        .collect()
}

pub fn main(plan: &Plan) -> String {
    let app = &plan.application;
    let mut blocks = vec![
        block(
            "terraform",
            &[],
            Body::new()
                .attr("required_version", string(">= 1.0"))
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
                    string(format!("{app}-{}", interpolate("var.environment"))),
                )
                .attr(
                    "namespace",
                    string(format!("{}-{app}.local", interpolate("var.environment"))),
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
                        "length(var.subnet_ids) > 0 ? var.subnet_ids : data.aws_subnets.vpc[0].ids",
                    ),
                )
                .attr(
                    "secret_arns",
                    raw(
                        "distinct(flatten([for secrets in values(var.secrets) : values(secrets)]))",
                    ),
                ),
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
                    string(format!("/exo/{}", interpolate("local.name"))),
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
    for workload in &plan.workloads {
        blocks.extend(workload_blocks(plan, workload));
    }
    file(&blocks)
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
                    string(format!("{}-execution", interpolate("local.name"))),
                )
                .attr(
                    "assume_role_policy",
                    Expr::Call("jsonencode".into(), Box::new(assume)),
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
                    Expr::Call("jsonencode".into(), Box::new(read_secrets)),
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
            string(format!("{}-tasks", interpolate("local.name"))),
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
                string(format!("{}-load-balancer", interpolate("local.name"))),
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
fn load_balancer(plan: &Plan) -> Vec<Block> {
    if public(plan).is_empty() {
        return Vec::new();
    }
    vec![
        block(
            "resource",
            &["aws_lb", "public"],
            Body::new()
                .attr("name", raw("substr(local.name, 0, 32)"))
                .attr("load_balancer_type", string("application"))
                .attr("security_groups", raw("[aws_security_group.load_balancer.id]"))
                .attr("subnets", raw("local.subnet_ids")),
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
    ]
}

fn workload_blocks(plan: &Plan, workload: &Workload) -> Vec<Block> {
    let name = workload.name.as_str();
    let mut blocks = Vec::new();
    if !workload.persist.is_empty() {
        blocks.extend(file_system(name));
    }
    blocks.push(task_definition(plan, workload));
    if workload.port.is_some() {
        blocks.push(block(
            "resource",
            &["aws_service_discovery_service", name],
            Body::new().attr("name", string(name)).block(
                "dns_config",
                &[],
                Body::new()
                    .attr(
                        "namespace_id",
                        raw("aws_service_discovery_private_dns_namespace.main.id"),
                    )
                    .attr("routing_policy", string("MULTIVALUE"))
                    .block(
                        "dns_records",
                        &[],
                        Body::new()
                            .attr("ttl", Expr::Number(10))
                            .attr("type", string("A")),
                    ),
            ),
        ));
    }
    let public = workload.kind == Kind::Service(ServiceType::Public) && workload.port.is_some();
    if public {
        blocks.extend(target_group(workload));
    }
    blocks.push(service(workload, public));
    blocks
}

/// An EFS file system for a workload that persists, mounted in every subnet.
fn file_system(name: &str) -> Vec<Block> {
    vec![
        block(
            "resource",
            &["aws_efs_file_system", name],
            Body::new().attr("encrypted", raw("true")).attr(
                "tags",
                object(vec![(
                    "Name",
                    string(format!("{}-{name}", interpolate("local.name"))),
                )]),
            ),
        ),
        block(
            "resource",
            &["aws_efs_mount_target", name],
            Body::new()
                .attr("for_each", raw("toset(local.subnet_ids)"))
                .attr(
                    "file_system_id",
                    raw(format!("aws_efs_file_system.{name}.id")),
                )
                .attr("subnet_id", raw("each.value"))
                .attr("security_groups", raw("[aws_security_group.tasks.id]")),
        ),
    ]
}

fn log_configuration(name: &str) -> Expr {
    object(vec![
        ("logDriver", string("awslogs")),
        (
            "options",
            object(vec![
                ("awslogs-group", raw("aws_cloudwatch_log_group.main.name")),
                ("awslogs-region", raw("var.region")),
                ("awslogs-stream-prefix", string(name)),
            ]),
        ),
    ])
}

/// A waiter: runs until the workload it waits for answers, then exits 0.
fn waiter(wait: &Wait, name: &str) -> Expr {
    object(vec![
        ("name", string(format!("wait-for-{}", wait.name))),
        ("image", string(WAIT_IMAGE)),
        ("essential", raw("false")),
        (
            "command",
            Expr::List(vec![string("sh"), string("-c"), string(wait.script())]),
        ),
        ("logConfiguration", log_configuration(name)),
    ])
}

fn task_definition(plan: &Plan, workload: &Workload) -> Block {
    let name = workload.name.as_str();
    let image = if workload.built {
        let bare = plan
            .environment
            .registry
            .as_deref()
            .and_then(|r| workload.image.strip_prefix(&format!("{r}/")))
            .unwrap_or(&workload.image);
        string(format!(
            "{}{bare}:{}",
            interpolate("local.registry"),
            interpolate("var.image_tag")
        ))
    } else {
        string(workload.image.clone())
    };
    let mut container = vec![
        ("name", string(name)),
        ("image", image),
        ("essential", raw("true")),
    ];
    if let Some(cpu) = workload.cpu {
        container.push(("cpu", Expr::Number(i64::from(cpu))));
    }
    if let Some(memory) = workload.memory {
        container.push(("memoryReservation", Expr::Number(i64::from(memory))));
    }
    if let Some(port) = workload.port {
        container.push((
            "portMappings",
            Expr::List(vec![object(vec![
                ("containerPort", Expr::Number(i64::from(port))),
                ("protocol", string("tcp")),
            ])]),
        ));
    }
    container.push((
        "environment",
        raw(format!(
            "[for name, value in var.variables[\"{name}\"] : {{ name = name, value = value }}]"
        )),
    ));
    container.push((
        "secrets",
        raw(format!(
            "[for name, arn in var.secrets[\"{name}\"] : {{ name = name, valueFrom = arn }}]"
        )),
    ));
    if let Some(check) = health_check(workload) {
        container.push(("healthCheck", check));
    }
    if !workload.waits_for.is_empty() {
        let conditions = workload
            .waits_for
            .iter()
            .map(|wait| {
                object(vec![
                    ("containerName", string(format!("wait-for-{}", wait.name))),
                    ("condition", string("SUCCESS")),
                ])
            })
            .collect();
        container.push(("dependsOn", Expr::List(conditions)));
    }
    let volumes = volume_names(workload);
    if !volumes.is_empty() {
        let mounts = volumes
            .iter()
            .map(|(volume, path)| {
                object(vec![
                    ("sourceVolume", string(volume.clone())),
                    ("containerPath", string(path.clone())),
                ])
            })
            .collect();
        container.push(("mountPoints", Expr::List(mounts)));
    }
    container.push(("logConfiguration", log_configuration(name)));
    let mut containers: Vec<Expr> = workload.waits_for.iter().map(|w| waiter(w, name)).collect();
    containers.push(object(container));
    let (cpu, memory) = fargate_size(workload.cpu, workload.memory);
    let mut body = Body::new()
        .attr(
            "family",
            string(format!("{}-{name}", interpolate("local.name"))),
        )
        .attr("requires_compatibilities", raw("[\"FARGATE\"]"))
        .attr("network_mode", string("awsvpc"))
        .attr("cpu", Expr::Number(cpu))
        .attr("memory", Expr::Number(memory))
        .attr("execution_role_arn", raw("aws_iam_role.execution.arn"))
        .attr(
            "container_definitions",
            Expr::Call("jsonencode".into(), Box::new(Expr::List(containers))),
        );
    for (volume, _) in &volumes {
        body = body.block(
            "volume",
            &[],
            Body::new().attr("name", string(volume.clone())).block(
                "efs_volume_configuration",
                &[],
                Body::new()
                    .attr(
                        "file_system_id",
                        raw(format!("aws_efs_file_system.{name}.id")),
                    )
                    .attr("root_directory", string(format!("/{volume}")))
                    .attr("transit_encryption", string("ENABLED")),
            ),
        );
    }
    block("resource", &["aws_ecs_task_definition", name], body)
}

fn volume_names(workload: &Workload) -> Vec<(String, String)> {
    workload
        .persist
        .iter()
        .enumerate()
        .map(|(i, path)| (format!("data-{}", i + 1), path.clone()))
        .collect()
}

/// A command check as the container's health check (within ECS's
/// limits); HTTP and TCP checks are asked from outside, by waiters and
/// the load balancer, as a container may have no tool to ask itself.
fn health_check(workload: &Workload) -> Option<Expr> {
    let probe = workload.probe.as_ref()?;
    let Check::Command(command) = &probe.check else {
        return None;
    };
    let test = match command {
        CommandLine::Shell(line) => vec![string("CMD-SHELL"), string(line.clone())],
        CommandLine::Exec(words) => std::iter::once(string("CMD"))
            .chain(words.iter().map(|w| string(w.clone())))
            .collect(),
    };
    let clamp = |d: Duration, low: u64, high: u64| {
        Expr::Number(
            i64::try_from(
                d.as_millis()
                    .div_ceil(1000)
                    .clamp(u128::from(low), u128::from(high)),
            )
            .unwrap_or(0),
        )
    };
    Some(object(vec![
        ("command", Expr::List(test)),
        ("interval", clamp(probe.interval, 5, 300)),
        ("timeout", clamp(probe.timeout, 2, 60)),
        (
            "retries",
            Expr::Number(i64::from(probe.retries.clamp(1, 10))),
        ),
        ("startPeriod", clamp(probe.start_period, 0, 300)),
    ]))
}

/// The smallest Fargate task size that holds the container's CPU (ECS
/// units) and memory (MiB).
pub fn fargate_size(cpu: Option<u32>, memory: Option<u32>) -> (i64, i64) {
    const SIZES: [(i64, i64, i64, i64); 5] = [
        // cpu, smallest memory, largest memory, memory step
        (256, 512, 2048, 512),
        (512, 1024, 4096, 1024),
        (1024, 2048, 8192, 1024),
        (2048, 4096, 16384, 1024),
        (4096, 8192, 30720, 1024),
    ];
    let cpu = i64::from(cpu.unwrap_or(256));
    let memory = i64::from(memory.unwrap_or(512));
    for (size, low, high, step) in SIZES {
        if size >= cpu && high >= memory {
            let memory = if memory <= low {
                low
            } else {
                low + (memory - low + step - 1) / step * step
            };
            return (size, memory);
        }
    }
    (4096, 30720)
}

fn target_group(workload: &Workload) -> Vec<Block> {
    let name = workload.name.as_str();
    let port = i64::from(workload.port.unwrap_or_default());
    let path = match workload.probe.as_ref().map(|p| &p.check) {
        Some(Check::Http { path, .. }) => path.clone(),
        _ => "/".to_owned(),
    };
    vec![
        block(
            "resource",
            &["aws_lb_target_group", name],
            Body::new()
                .attr(
                    "name",
                    raw(format!("substr(\"${{local.name}}-{name}\", 0, 32)")),
                )
                .attr("port", Expr::Number(port))
                .attr("protocol", string("HTTP"))
                .attr("target_type", string("ip"))
                .attr("vpc_id", raw("local.vpc_id"))
                .block(
                    "health_check",
                    &[],
                    Body::new()
                        .attr("path", string(path))
                        .attr("matcher", string("200-399")),
                ),
        ),
        block(
            "resource",
            &["aws_lb_listener_rule", name],
            Body::new()
                .attr("listener_arn", raw("aws_lb_listener.public.arn"))
                .block(
                    "action",
                    &[],
                    Body::new().attr("type", string("forward")).attr(
                        "target_group_arn",
                        raw(format!("aws_lb_target_group.{name}.arn")),
                    ),
                )
                .block(
                    "condition",
                    &[],
                    Body::new().block(
                        "host_header",
                        &[],
                        Body::new().attr("values", raw(format!("[var.urls[\"{name}\"]]"))),
                    ),
                ),
        ),
    ]
}

/// The ECS service; Terraform creates it once the services it waits for
/// are steady (their tasks running and healthy).
fn service(workload: &Workload, public: bool) -> Block {
    let name = workload.name.as_str();
    let mut body = Body::new()
        .attr("name", string(name))
        .attr("cluster", raw("aws_ecs_cluster.main.id"))
        .attr(
            "task_definition",
            raw(format!("aws_ecs_task_definition.{name}.arn")),
        )
        .attr("desired_count", Expr::Number(i64::from(workload.replicas)))
        .attr("launch_type", string("FARGATE"))
        .attr("wait_for_steady_state", raw("true"))
        .block(
            "network_configuration",
            &[],
            Body::new()
                .attr("subnets", raw("local.subnet_ids"))
                .attr("security_groups", raw("[aws_security_group.tasks.id]"))
                .attr("assign_public_ip", raw("var.assign_public_ip")),
        );
    if workload.port.is_some() {
        body = body.block(
            "service_registries",
            &[],
            Body::new().attr(
                "registry_arn",
                raw(format!("aws_service_discovery_service.{name}.arn")),
            ),
        );
    }
    if public {
        body = body.block(
            "load_balancer",
            &[],
            Body::new()
                .attr(
                    "target_group_arn",
                    raw(format!("aws_lb_target_group.{name}.arn")),
                )
                .attr("container_name", string(name))
                .attr(
                    "container_port",
                    Expr::Number(i64::from(workload.port.unwrap_or_default())),
                ),
        );
    }
    let mut after: Vec<String> = workload
        .waits_for
        .iter()
        .map(|w| format!("aws_ecs_service.{}", w.name))
        .collect();
    if public {
        after.push(format!("aws_lb_listener_rule.{name}"));
    }
    if !workload.persist.is_empty() {
        after.push(format!("aws_efs_mount_target.{name}"));
    }
    if !after.is_empty() {
        body = body.attr(
            "depends_on",
            Expr::List(after.into_iter().map(raw).collect()),
        );
    }
    block("resource", &["aws_ecs_service", name], body)
}

pub fn outputs(plan: &Plan) -> String {
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
