//! A workload's pod: its container with probes, variables and resources,
//! and one init container that waits for each workload it needs, in start
//! order.

use crate::core::model::CommandLine;
use crate::core::model::remote::Hardening;
// Kubernetes has its own `Container`: the deployed model's is a workload here.
use super::shared::Shared;
use crate::core::deployed::Kind;
use crate::core::deployed::{
    Container as Workload, Deployment as Plan, Image, Part, ReadyCheck, Tag, Timing, Value,
    WAIT_SCRIPT, names,
};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EnvFromSource, EnvVar, EnvVarSource, ExecAction,
    HTTPGetAction, PodSecurityContext, PodSpec, Probe as KubeProbe, ResourceRequirements,
    SeccompProfile, SecretKeySelector, SecurityContext, TCPSocketAction, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;
use std::time::Duration;

/// Where the container's variables come from: ConfigMaps (the shared
/// ones, then its own), and `env` entries.
pub struct Environment {
    pub env_from: Vec<EnvFromSource>,
    pub env: Vec<EnvVar>,
}

/// The pod of `workload`; `secret` names the Secret that holds the values
/// of its secrets, and `volumes` the claims mounted at its persisted paths.
pub fn pod_spec(
    plan: &Plan,
    shared: &Shared,
    workload: &Workload,
    environment: &Environment,
    volumes: &[(String, String)],
) -> PodSpec {
    let (_, own) = plan.own_waits(workload);
    let entries: Vec<String> = own.iter().filter_map(|wait| wait.entry()).collect();
    let waits = shared.waits_volume(plan, workload);
    let waiter = (waits.is_some() || !entries.is_empty()).then(|| Container {
        name: names::WAITER.to_owned(),
        image: Some(plan.wait_image()),
        command: Some(vec![
            "sh".into(),
            "-c".into(),
            WAIT_SCRIPT.into(),
            names::WAITER.into(),
        ]),
        args: (!entries.is_empty()).then_some(entries),
        security_context: Some(waiter_security()),
        volume_mounts: waits.as_ref().map(|(_, mount)| vec![mount.clone()]),
        ..Container::default()
    });
    PodSpec {
        // Otherwise Kubernetes adds `<SERVICE>_PORT=tcp://...` for every
        // Service, which clashes with the catalog's `<ID>_PORT`.
        enable_service_links: Some(false),
        init_containers: waiter.map(|waiter| vec![waiter]),
        containers: vec![container(workload, environment, volumes)],
        security_context: Some(PodSecurityContext {
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".to_owned(),
                ..SeccompProfile::default()
            }),
            ..PodSecurityContext::default()
        }),
        volumes: waits.map(|(volume, _)| vec![volume]),
        ..PodSpec::default()
    }
}

fn container(
    workload: &Workload,
    environment: &Environment,
    volumes: &[(String, String)],
) -> Container {
    let timing = workload.readiness.timing;
    let probe = handler(&workload.readiness.check);
    let timed = |threshold: u32| {
        probe.clone().map(|probe| KubeProbe {
            period_seconds: Some(seconds(timing.interval)),
            timeout_seconds: Some(seconds(timing.timeout)),
            failure_threshold: Some(i32::try_from(threshold).unwrap_or(i32::MAX)),
            ..probe
        })
    };
    let retries = timing.retries;
    let startup = start_allowance(&timing);
    Container {
        name: workload.name.clone(),
        image: Some(match &workload.image {
            Image::Built(build) => match &build.tag {
                Tag::Fixed(tag) => format!("{}:{tag}", build.repository()),
                Tag::Mode(mode) => format!("{}:{}", build.repository(), mode.name()),
                Tag::Variable(_) => build.repository(),
            },
            Image::Pulled(name) => name.clone(),
        }),
        ports: workload.port.map(|port| {
            vec![ContainerPort {
                container_port: i32::from(port),
                ..ContainerPort::default()
            }]
        }),
        env_from: (!environment.env_from.is_empty()).then(|| environment.env_from.clone()),
        env: (!environment.env.is_empty()).then(|| environment.env.clone()),
        startup_probe: timed(startup.saturating_add(retries)),
        readiness_probe: timed(retries),
        liveness_probe: timed(retries),
        resources: resources(workload),
        security_context: Some(security(workload.kind, &workload.hardening)),
        volume_mounts: (!volumes.is_empty()).then(|| {
            volumes
                .iter()
                .map(|(name, path)| VolumeMount {
                    name: name.clone(),
                    mount_path: path.clone(),
                    ..VolumeMount::default()
                })
                .collect()
        }),
        ..Container::default()
    }
}

/// The literal variables (for the ConfigMap), and the `env` entries:
/// secrets from the Secret, then values built from them with `$(NAME)`,
/// which Kubernetes fills in from the entries before.
pub fn environment(
    variables: &BTreeMap<String, Value>,
    secret: &str,
) -> (BTreeMap<String, String>, Vec<EnvVar>) {
    let mut literals = BTreeMap::new();
    let mut secrets = Vec::new();
    let mut templates = Vec::new();
    for (name, value) in variables {
        match value {
            Value::Literal(text) => {
                literals.insert(name.clone(), text.clone());
            }
            Value::Secret(key) => secrets.push(from_secret(name, secret, key)),
            Value::Template(parts) => templates.push(EnvVar {
                name: name.clone(),
                value: Some(template(parts)),
                ..EnvVar::default()
            }),
        }
    }
    // A template may use a secret that no variable of that name holds yet.
    let mut held: std::collections::BTreeSet<String> =
        secrets.iter().map(|s| s.name.clone()).collect();
    for key in variables.values().flat_map(Value::secret_names) {
        if held.insert(key.clone()) {
            secrets.push(from_secret(&key, secret, &key));
        }
    }
    secrets.sort_by(|a, b| a.name.cmp(&b.name));
    secrets.extend(templates);
    (literals, secrets)
}

/// The variable `name` from the key `key` of the Secret `secret`.
fn from_secret(name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret.to_owned(),
                key: key.to_owned(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

/// Kubernetes expands `$(NAME)` in `env` values and reads `$$` as `$`.
fn template(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => text.replace('$', "$$"),
            Part::Secret(name) => format!("$({name})"),
        })
        .collect()
}

/// Failures during the start period do not count, as in Compose: the
/// number of periods it lasts.
fn start_allowance(timing: &Timing) -> u32 {
    let interval = timing.interval.as_millis().max(1);
    u32::try_from(timing.start_period.as_millis().div_ceil(interval)).unwrap_or(u32::MAX)
}

/// The probe's action; `None` for a log line, which Kubernetes cannot
/// watch, and for a workload judged by running.
fn handler(check: &ReadyCheck) -> Option<KubeProbe> {
    let action = match check {
        ReadyCheck::Http { path, port } => KubeProbe {
            http_get: Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::Int(i32::from(*port)),
                ..HTTPGetAction::default()
            }),
            ..KubeProbe::default()
        },
        ReadyCheck::Tcp { port } => KubeProbe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(i32::from(*port)),
                host: None,
            }),
            ..KubeProbe::default()
        },
        ReadyCheck::Command(command) => KubeProbe {
            exec: Some(ExecAction {
                command: Some(match command {
                    CommandLine::Shell(text) => vec!["/bin/sh".into(), "-c".into(), text.clone()],
                    CommandLine::Exec(argv) => argv.clone(),
                }),
            }),
            ..KubeProbe::default()
        },
        ReadyCheck::Log { .. } | ReadyCheck::Running => return None,
    };
    Some(action)
}

/// Whole seconds, at least 1: Kubernetes counts nothing finer.
fn seconds(duration: Duration) -> i32 {
    let seconds = duration.as_millis().div_ceil(1000).max(1);
    i32::try_from(seconds).unwrap_or(i32::MAX)
}

/// Secure defaults that ordinary images keep working with: no privilege
/// escalation, every capability dropped but what they commonly need. A
/// service may bind a port below 1024; a dependency's entrypoint (as the
/// official database images do) may start as root, give its data volume
/// to its own user and step down to it. The user and a read-only root
/// are left to the image (most write somewhere) unless `remote.hardening`
/// asks for them; it also gives back capabilities and privilege
/// escalation per service.
fn security(kind: Kind, hardening: &Hardening) -> SecurityContext {
    let add: &[&str] = match kind {
        Kind::Service(_) => &["NET_BIND_SERVICE"],
        Kind::Dependency => &["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
    };
    let mut add: Vec<String> = add.iter().map(|c| (*c).to_owned()).collect();
    for capability in &hardening.add_capabilities {
        if !add.contains(capability) {
            add.push(capability.clone());
        }
    }
    SecurityContext {
        allow_privilege_escalation: Some(hardening.privilege_escalation),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            add: Some(add),
        }),
        read_only_root_filesystem: hardening.read_only_root.then_some(true),
        run_as_non_root: hardening.run_as_non_root.then_some(true),
        ..SecurityContext::default()
    }
}

/// The wait containers only connect and ask: nobody, nothing written,
/// no capability.
fn waiter_security() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            add: None,
        }),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        run_as_user: Some(65534),
        run_as_group: Some(65534),
        ..SecurityContext::default()
    }
}

/// `cpu` in ECS units as millicores; `memory` in MiB, requested and the
/// limit.
fn resources(workload: &Workload) -> Option<ResourceRequirements> {
    if workload.cpu.is_none() && workload.memory.is_none() {
        return None;
    }
    let mut requests = BTreeMap::new();
    let mut limits = BTreeMap::new();
    if let Some(cpu) = workload.cpu {
        let millicores = (u64::from(cpu) * 1000).div_ceil(1024);
        requests.insert("cpu".to_owned(), Quantity(format!("{millicores}m")));
    }
    if let Some(memory) = workload.memory {
        requests.insert("memory".to_owned(), Quantity(format!("{memory}Mi")));
        limits.insert("memory".to_owned(), Quantity(format!("{memory}Mi")));
    }
    Some(ResourceRequirements {
        requests: Some(requests),
        limits: (!limits.is_empty()).then_some(limits),
        ..ResourceRequirements::default()
    })
}
