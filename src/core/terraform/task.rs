//! A workload's task definition: a waiter container first, then the
//! workload's container, which `dependsOn` its SUCCESS (ECS's `HEALTHY`
//! only reaches containers of the same task); its health check, logs,
//! Fargate size and EFS volumes.

use super::hcl::{Block, Body, Expr, interpolation, raw, string, template, text};
use super::shapes::{block, object};
use crate::core::config::fargate;
use crate::core::deployed::{Container, Deployment, Image, Kind, ReadyCheck, Wait, names};
use crate::core::model::CommandLine;
use std::time::Duration;

/// An EFS file system for a workload that persists, mounted in every
/// subnet, with an access point (which creates its directory) per volume.
pub fn file_system(workload: &Container) -> Vec<Block> {
    let name = workload.name.as_str();
    let mut blocks = vec![
        block(
            "resource",
            &["aws_efs_file_system", name],
            Body::new().attr("encrypted", raw("true")).attr(
                "tags",
                object(vec![(
                    "Name",
                    template(vec![interpolation("local.name"), text(format!("-{name}"))]),
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
    ];
    for (volume, _) in workload.cluster_volumes() {
        blocks.push(block(
            "resource",
            &["aws_efs_access_point", &format!("{name}-{volume}")],
            Body::new()
                .attr(
                    "file_system_id",
                    raw(format!("aws_efs_file_system.{name}.id")),
                )
                .block(
                    "root_directory",
                    &[],
                    Body::new()
                        .attr("path", string(format!("/{volume}")))
                        .block(
                            "creation_info",
                            &[],
                            Body::new()
                                .attr("owner_uid", Expr::Number(0))
                                .attr("owner_gid", Expr::Number(0))
                                .attr("permissions", string("0755")),
                        ),
                ),
        ));
    }
    blocks
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

/// Docker's default capabilities but those ordinary images do without
/// (raw sockets, device files, chroot, audit, file capabilities): Fargate
/// can only drop capabilities, not give back the ones a database's
/// entrypoint needs (CHOWN, SETUID, ...) after `ALL` is dropped, as the
/// Kubernetes manifests do. A read-only root is the service's choice
/// (`remote.hardening`); the user is the image's.
fn linux_parameters() -> Expr {
    let dropped = [
        "NET_RAW",
        "MKNOD",
        "SYS_CHROOT",
        "AUDIT_WRITE",
        "SETFCAP",
        "SETPCAP",
    ];
    object(vec![(
        "capabilities",
        object(vec![(
            "drop",
            Expr::List(dropped.into_iter().map(string).collect()),
        )]),
    )])
}

/// The local of main.tf that lists the waits every service shares.
pub const SHARED_WAITS: &str = "local.shared_waits";
/// The local of main.tf that holds the waiters' script.
pub const WAIT_SCRIPT_LOCAL: &str = "local.wait_script";

/// The waiter: runs until each workload it waits for answers, in turn,
/// then exits 0. `shared` says whether it waits for the shared ones first.
fn waiter(shared: bool, own: Vec<Expr>, name: &str) -> Expr {
    let start = Expr::Row(vec![
        string("sh"),
        string("-c"),
        raw(WAIT_SCRIPT_LOCAL),
        string(names::WAITER),
    ]);
    let mut lists = vec![start];
    if shared {
        lists.push(raw(SHARED_WAITS));
    }
    if !own.is_empty() {
        lists.push(Expr::Row(own));
    }
    let command = match lists.len() {
        1 => lists.remove(0),
        _ => Expr::Call("concat".into(), lists),
    };
    object(vec![
        ("name", string(names::WAITER)),
        ("image", raw("var.wait_image")),
        ("essential", raw("false")),
        ("command", command),
        ("user", string("65534")),
        ("readonlyRootFilesystem", raw("true")),
        ("logConfiguration", log_configuration(name)),
    ])
}

/// A wait's entry for the waiter's script, reaching the container at its
/// name in the environment's Cloud Map namespace; `None` without a port.
pub fn wait_entry(wait: &Wait) -> Option<Expr> {
    let (before, after) = wait.entry_around_host()?;
    Some(template(vec![
        text(format!("{before}{}.", wait.name)),
        interpolation("local.namespace"),
        text(after),
    ]))
}

/// A workload's variables: the shared ones of its kind, then its own,
/// which win (the values leave out a name it sets as a secret, and a
/// service's secrets a name it sets as a value).
fn variables(workload: &Container) -> (Expr, Expr) {
    let name = workload.name.as_str();
    let shared = match workload.kind {
        Kind::Dependency => "var.dependency_variables",
        Kind::Service(_) => "var.shared_variables",
    };
    let values = raw(format!(
        "[for name, value in merge({shared}, var.variables[\"{name}\"]) : {{ name = name, value = value }} if !contains(keys(var.secrets[\"{name}\"]), name)]"
    ));
    let secrets = match workload.kind {
        Kind::Dependency => raw(format!(
            "[for name, arn in var.secrets[\"{name}\"] : {{ name = name, valueFrom = arn }}]"
        )),
        Kind::Service(_) => raw(format!(
            "[for name, arn in merge(var.shared_secrets, var.secrets[\"{name}\"]) : {{ name = name, valueFrom = arn }} if !contains(keys(var.variables[\"{name}\"]), name)]"
        )),
    };
    (values, secrets)
}

pub fn task_definition(plan: &Deployment, workload: &Container) -> Block {
    let name = workload.name.as_str();
    let image = match &workload.image {
        Image::Built(build) => template(vec![
            interpolation("local.registry"),
            text(format!("{}:", build.name)),
            interpolation("var.image_tag"),
        ]),
        Image::Pulled(name) => string(name.clone()),
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
    let (environment, secrets) = variables(workload);
    container.push(("environment", environment));
    container.push(("secrets", secrets));
    if let Some(check) = health_check(workload) {
        container.push(("healthCheck", check));
    }
    let (shared, own) = plan.own_waits(workload);
    let shared = shared && plan.shared_waits.iter().any(|w| w.port.is_some());
    let own: Vec<Expr> = own.iter().filter_map(|wait| wait_entry(wait)).collect();
    let waits = shared || !own.is_empty();
    if waits {
        let condition = object(vec![
            ("containerName", string(names::WAITER)),
            ("condition", string("SUCCESS")),
        ]);
        container.push(("dependsOn", Expr::List(vec![condition])));
    }
    let volumes = workload.cluster_volumes();
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
    container.push(("linuxParameters", linux_parameters()));
    // `remote.hardening`: of its keys, ECS has this one.
    if workload.hardening.read_only_root {
        container.push(("readonlyRootFilesystem", raw("true")));
    }
    container.push(("logConfiguration", log_configuration(name)));
    let mut containers = Vec::new();
    if waits {
        containers.push(waiter(shared, own, name));
    }
    containers.push(object(container));
    // `exo check` refused what no size runs; the largest is the bound.
    let (cpu, memory) =
        fargate::task_size(workload.cpu, workload.memory).unwrap_or(fargate::LARGEST);
    let mut body = Body::new()
        .attr(
            "family",
            template(vec![interpolation("local.name"), text(format!("-{name}"))]),
        )
        .attr("requires_compatibilities", raw("[\"FARGATE\"]"))
        .attr("network_mode", string("awsvpc"))
        .attr("cpu", Expr::Number(i64::from(cpu)))
        .attr("memory", Expr::Number(i64::from(memory)))
        .attr("execution_role_arn", raw("aws_iam_role.execution.arn"))
        .attr(
            "container_definitions",
            Expr::Call("jsonencode".into(), vec![Expr::List(containers)]),
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
                    .attr("transit_encryption", string("ENABLED"))
                    .block(
                        "authorization_config",
                        &[],
                        Body::new()
                            .attr(
                                "access_point_id",
                                raw(format!("aws_efs_access_point.{name}-{volume}.id")),
                            )
                            .attr("iam", string("DISABLED")),
                    ),
            ),
        );
    }
    block("resource", &["aws_ecs_task_definition", name], body)
}

/// A command check as the container's health check (within ECS's
/// limits); HTTP and TCP checks are asked from outside, by waiters and
/// the load balancer, as a container may have no tool to ask itself.
fn health_check(workload: &Container) -> Option<Expr> {
    let ReadyCheck::Command(command) = &workload.readiness.check else {
        return None;
    };
    let probe = &workload.readiness.timing;
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
