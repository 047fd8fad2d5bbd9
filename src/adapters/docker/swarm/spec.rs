//! A [`ServiceDefinition`] as the Engine API's `ServiceSpec`, made as
//! `docker stack deploy` makes it (the stack label, the network alias, host
//! ports, dnsrr), plus exo's fingerprint on the service and its containers.

use super::{FINGERPRINT_LABEL, STACK_LABEL, ServiceDefinition};
use bollard::models::{
    EndpointPortConfig, EndpointPortConfigProtocolEnum, EndpointPortConfigPublishModeEnum,
    EndpointSpec, EndpointSpecModeEnum, HealthConfig, Limit, Mount, MountType, MountVolumeOptions,
    NetworkAttachmentConfig, ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated,
    ServiceSpecRollbackConfig, ServiceSpecRollbackConfigOrderEnum, ServiceSpecUpdateConfig,
    ServiceSpecUpdateConfigFailureActionEnum, ServiceSpecUpdateConfigOrderEnum, TaskSpec,
    TaskSpecContainerSpec, TaskSpecPlacement, TaskSpecResources, TaskSpecRestartPolicy,
    TaskSpecRestartPolicyConditionEnum,
};
use std::collections::HashMap;
use std::time::Duration;

pub fn service_spec(definition: &ServiceDefinition, fingerprint: &str) -> ServiceSpec {
    let labels = HashMap::from([
        (STACK_LABEL.to_owned(), definition.stack.clone()),
        (FINGERPRINT_LABEL.to_owned(), fingerprint.to_owned()),
    ]);
    let start_first = definition.update_order == "start-first";
    ServiceSpec {
        name: Some(definition.name.clone()),
        labels: Some(labels.clone()),
        task_template: Some(TaskSpec {
            container_spec: Some(container(definition, labels)),
            resources: resources(definition),
            restart_policy: Some(TaskSpecRestartPolicy {
                condition: Some(TaskSpecRestartPolicyConditionEnum::ON_FAILURE),
                delay: Some(nanos(definition.restart_delay)),
                ..Default::default()
            }),
            placement: (!definition.constraints.is_empty()).then(|| TaskSpecPlacement {
                constraints: Some(definition.constraints.clone()),
                ..Default::default()
            }),
            networks: Some(vec![NetworkAttachmentConfig {
                target: Some(definition.network.clone()),
                aliases: Some(vec![definition.alias.clone()]),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        mode: Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated {
                replicas: Some(definition.replicas as i64),
            }),
            ..Default::default()
        }),
        update_config: Some(ServiceSpecUpdateConfig {
            parallelism: Some(1),
            failure_action: Some(ServiceSpecUpdateConfigFailureActionEnum::ROLLBACK),
            monitor: Some(nanos(definition.monitor)),
            order: Some(if start_first {
                ServiceSpecUpdateConfigOrderEnum::START_FIRST
            } else {
                ServiceSpecUpdateConfigOrderEnum::STOP_FIRST
            }),
            ..Default::default()
        }),
        rollback_config: Some(ServiceSpecRollbackConfig {
            parallelism: Some(1),
            monitor: Some(nanos(definition.monitor)),
            order: Some(if start_first {
                ServiceSpecRollbackConfigOrderEnum::START_FIRST
            } else {
                ServiceSpecRollbackConfigOrderEnum::STOP_FIRST
            }),
            ..Default::default()
        }),
        endpoint_spec: Some(EndpointSpec {
            mode: Some(EndpointSpecModeEnum::DNSRR),
            ports: Some(
                definition
                    .ports
                    .iter()
                    .map(|(target, published)| EndpointPortConfig {
                        protocol: Some(EndpointPortConfigProtocolEnum::TCP),
                        target_port: Some(i64::from(*target)),
                        published_port: Some(i64::from(*published)),
                        publish_mode: Some(EndpointPortConfigPublishModeEnum::HOST),
                        ..Default::default()
                    })
                    .collect(),
            ),
        }),
        ..Default::default()
    }
}

fn container(
    definition: &ServiceDefinition,
    labels: HashMap<String, String>,
) -> TaskSpecContainerSpec {
    let stack_label = HashMap::from([(STACK_LABEL.to_owned(), definition.stack.clone())]);
    TaskSpecContainerSpec {
        image: Some(definition.image.clone()),
        labels: Some(labels),
        env: Some(definition.environment.clone()),
        health_check: definition.healthcheck.as_ref().map(|health| HealthConfig {
            test: Some(health.test.clone()),
            interval: Some(nanos(health.interval)),
            timeout: Some(nanos(health.timeout)),
            retries: Some(i64::from(health.retries)),
            start_period: Some(nanos(health.start_period)),
            ..Default::default()
        }),
        mounts: Some(
            definition
                .volumes
                .iter()
                .map(|(volume, path)| Mount {
                    target: Some(path.clone()),
                    source: Some(format!("{}_{volume}", definition.stack)),
                    typ: Some(MountType::VOLUME),
                    volume_options: Some(MountVolumeOptions {
                        labels: Some(stack_label.clone()),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    }
}

fn resources(definition: &ServiceDefinition) -> Option<TaskSpecResources> {
    if definition.nano_cpus.is_none() && definition.memory_bytes.is_none() {
        return None;
    }
    Some(TaskSpecResources {
        limits: Some(Limit {
            nano_cpus: definition.nano_cpus,
            memory_bytes: definition.memory_bytes,
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn nanos(duration: Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}
