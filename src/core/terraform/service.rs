//! A workload's ECS service: its task definition, a Cloud Map name when it
//! has a port, a target group and listener rule when it is public, and the
//! service itself, which Terraform creates once those it waits for are
//! steady.

use super::hcl::{Block, Body, Expr, raw, string};
use super::shapes::{block, load_balancer_name};
use super::task::{file_system, task_definition};
use crate::core::deployed::{Container, Deployment, Kind, ReadyCheck};
use crate::core::model::ServiceType;

/// The resource that is steady once every workload that every service
/// waits for (the application's dependencies) is: each service is created
/// after it, rather than after each of them.
pub const SHARED_WAITS: &str = "terraform_data.application_dependencies";

pub fn workload_blocks(plan: &Deployment, workload: &Container) -> Vec<Block> {
    let name = workload.name.as_str();
    let mut blocks = Vec::new();
    if !workload.persist.is_empty() {
        blocks.extend(file_system(workload));
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
    blocks.push(service(plan, workload, public));
    blocks
}

fn target_group(workload: &Container) -> Vec<Block> {
    let name = workload.name.as_str();
    let port = i64::from(workload.port.unwrap_or_default());
    let path = match &workload.readiness.check {
        ReadyCheck::Http { path, .. } => path.clone(),
        _ => "/".to_owned(),
    };
    vec![
        block(
            "resource",
            &["aws_lb_target_group", name],
            Body::new()
                .attr(
                    "name",
                    load_balancer_name(&format!("\"${{local.name}}-{name}\"")),
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
fn service(plan: &Deployment, workload: &Container, public: bool) -> Block {
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
    let (shared, own) = plan.own_waits(workload);
    let mut after = Vec::new();
    if shared && plan.shared_waits.iter().any(|w| w.port.is_some()) {
        after.push(SHARED_WAITS.to_owned());
    }
    after.extend(
        own.iter()
            .filter(|w| w.port.is_some())
            .map(|w| format!("aws_ecs_service.{}", w.name)),
    );
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
