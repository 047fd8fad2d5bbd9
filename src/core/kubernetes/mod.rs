//! Kubernetes manifests for one remote environment, built from typed
//! objects (`k8s-openapi`): a Deployment per service (a StatefulSet with a
//! claim per persisted path for a dependency that persists), a Service per
//! port, an Ingress for a public service with a `url`, a ConfigMap of
//! variables, and secrets as references to a Secret the files never hold.
//! Pure: the same application gives the same bytes.

mod pod;
mod shared;

pub use shared::{
    CONFIG_MAP_BYTES, DEPENDENCY_VARIABLES, VARIABLES as SHARED_VARIABLES, WAITS as SHARED_WAITS,
};

use crate::core::model::{Application, ServiceType};
// Kubernetes has its own `Container` and `Deployment`: the deployed model's are
// called by what they are here, a workload and the plan of them.
use crate::core::deployed::{
    self, Container as Workload, Deployment as Plan, DeploymentError, Kind, ReadyCheck, Target,
    Warning,
};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolumeClaim, PersistentVolumeClaimSpec, PodTemplateSpec,
    Service, ServicePort, ServiceSpec, VolumeResourceRequirements,
};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a persisted path asks for; the cluster's default storage class.
pub const VOLUME_SIZE: &str = "1Gi";

/// The generated files of one environment, relative to the application.
#[derive(Debug, Clone)]
pub struct Manifests {
    pub environment: String,
    /// `kubernetes/<env>`: `kustomization.yaml` and `manifests/`.
    pub directory: String,
    /// Path relative to the application, and text; the kustomization last.
    pub files: Vec<(String, String)>,
    pub warnings: Vec<Warning>,
}

/// What [`generate_each`] made, its files handed on one by one.
#[derive(Debug, Clone)]
pub struct Outline {
    /// `kubernetes/<env>`: `kustomization.yaml` and `manifests/`.
    pub directory: String,
    /// Each file's path relative to the application, in the order made.
    pub paths: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// The file of what every service shares, relative to `manifests/`.
pub const SHARED_FILE: &str = "00-shared.yaml";

/// The namespace: the environment's `namespace`, or the application's name.
pub fn namespace(app: &Application, environment: &str) -> String {
    app.remote.environments[environment]
        .namespace
        .clone()
        .unwrap_or_else(|| app.name.clone())
}

/// The Secret that the manifests refer to and the user creates.
pub fn secret_name(app: &Application) -> String {
    format!("{}-secrets", app.name)
}

/// The manifests of the Kubernetes environment `environment`.
pub fn generate(app: &Application, environment: &str) -> Result<Manifests, DeploymentError> {
    let mut files = Vec::new();
    let outline = generate_each(app, environment, |path, text| {
        files.push((path, text));
        Ok::<(), DeploymentError>(())
    })?;
    Ok(Manifests {
        environment: environment.to_owned(),
        directory: outline.directory,
        files,
        warnings: outline.warnings,
    })
}

/// As [`generate`], handing each file (its path relative to the
/// application, and its text) to `each` as soon as it is made, so that no
/// more than one is held: the first error of `each` ends it.
pub fn generate_each<E: From<DeploymentError>>(
    app: &Application,
    environment: &str,
    mut each: impl FnMut(String, String) -> Result<(), E>,
) -> Result<Outline, E> {
    let namespace = namespace(app, environment);
    let hosts = |name: &str| format!("{name}.{namespace}.svc");
    let plan = deployed::deploy(
        app,
        Target::Remote {
            environment,
            hosts: &hosts,
        },
    )?;
    let directory = format!("kubernetes/{environment}");
    let header = header(environment);
    let mut resources = Vec::new();
    let mut write = |path: String, text: String| {
        let file = format!("{directory}/{path}");
        resources.push(path);
        each(file, text)
    };
    let namespace_object = Namespace {
        metadata: ObjectMeta {
            name: Some(namespace.clone()),
            labels: Some(part_of(&plan)),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    write(
        "manifests/00-namespace.yaml".to_owned(),
        format!("{header}{}", yaml(&namespace_object)),
    )?;
    let shared = shared::Shared::new(&plan);
    let metadata = ObjectMeta {
        namespace: Some(namespace.clone()),
        labels: Some(part_of(&plan)),
        ..ObjectMeta::default()
    };
    let maps: Vec<String> = shared.config_maps(&metadata).iter().map(yaml).collect();
    if !maps.is_empty() {
        write(
            format!("manifests/{SHARED_FILE}"),
            format!("{header}{}", maps.join("---\n")),
        )?;
    }
    let secret = secret_name(app);
    for workload in &plan.containers {
        let comments = comments(workload, &plan.warnings);
        let documents = objects(&plan, &shared, workload, &namespace, &secret);
        write(
            format!("manifests/{}.yaml", workload.name),
            format!("{header}{comments}{}", documents.join("---\n")),
        )?;
    }
    let kustomization = Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: std::mem::take(&mut resources),
    };
    let text = format!("{header}{}", yaml(&kustomization));
    let mut paths: Vec<String> = kustomization
        .resources
        .iter()
        .map(|path| format!("{directory}/{path}"))
        .collect();
    let kustomization_path = format!("{directory}/kustomization.yaml");
    each(kustomization_path.clone(), text)?;
    paths.push(kustomization_path);
    Ok(Outline {
        directory,
        paths,
        warnings: plan.warnings,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
}

fn header(environment: &str) -> String {
    format!(
        "# Generated by exo from application.yml and service.yml; do not edit.\n# Change those files and run `exo generate kubernetes {environment}` to update it.\n"
    )
}

/// What Kubernetes cannot do for this workload, said where it is read.
fn comments(workload: &Workload, warnings: &[Warning]) -> String {
    let mut text = String::new();
    if let ReadyCheck::Log { text: line } = &workload.readiness.check {
        // Quoted and escaped as Rust writes a string: no line break or
        // control character of the line ends the comment.
        text.push_str(&format!(
            "# {} is ready once it prints {line:?} in exo; Kubernetes has no probe\n# for a log line, so it counts as ready once its container runs.\n",
            workload.name,
        ));
    }
    for warning in warnings {
        if let Warning::CannotWait {
            workload: w,
            target,
        } = warning
            && *w == workload.name
        {
            text.push_str(&format!(
                "# {target} has no port, so {w} cannot wait for it (and it has no Service):\n# they start together.\n"
            ));
        }
    }
    text
}

fn yaml<T: Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).unwrap_or_else(|err| {
        // Only strings, numbers, lists and maps are serialised.
        unreachable!("serialising a Kubernetes object failed: {err}")
    })
}

fn part_of(plan: &Plan) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "app.kubernetes.io/part-of".to_owned(),
            plan.application.clone(),
        ),
        ("app.kubernetes.io/managed-by".to_owned(), "exo".to_owned()),
    ])
}

/// The labels that select a workload's pods.
fn selector(plan: &Plan, workload: &Workload) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), workload.name.clone()),
        (
            "app.kubernetes.io/part-of".to_owned(),
            plan.application.clone(),
        ),
    ])
}

fn labels(plan: &Plan, workload: &Workload) -> BTreeMap<String, String> {
    let mut labels = selector(plan, workload);
    labels.extend(part_of(plan));
    labels.insert(
        "app.kubernetes.io/component".to_owned(),
        workload.kind.component().to_owned(),
    );
    labels.insert(
        "app.kubernetes.io/instance".to_owned(),
        deployed::names::instance(&plan.application, plan.environment_name()),
    );
    labels
}

/// The YAML documents of one workload, in the order they are applied.
fn objects(
    plan: &Plan,
    shared: &shared::Shared,
    workload: &Workload,
    namespace: &str,
    secret: &str,
) -> Vec<String> {
    let metadata = ObjectMeta {
        name: Some(workload.name.clone()),
        namespace: Some(namespace.to_owned()),
        labels: Some(labels(plan, workload)),
        ..ObjectMeta::default()
    };
    let mut documents = Vec::new();
    let variables = shared.own_variables(workload);
    let (literals, env) = pod::environment(&variables, secret);
    let literals_empty = literals.is_empty();
    // A changed ConfigMap alone restarts nothing: the checksum of its data
    // (and of the shared ones the pod takes) in the pod template makes
    // `kubectl apply` roll the pods.
    let mut annotations = BTreeMap::new();
    if !literals_empty {
        let text = serde_json::to_string(&literals).unwrap_or_default();
        annotations.insert("checksum/config".to_owned(), sha256(&text));
        documents.push(yaml(&ConfigMap {
            metadata: metadata.clone(),
            data: Some(literals),
            ..ConfigMap::default()
        }));
    }
    let env_from = shared.env_from(workload, !literals_empty);
    if let Some(sum) = &shared.group(workload).checksum {
        annotations.insert("checksum/shared-config".to_owned(), sum.clone());
    }
    let environment = pod::Environment { env_from, env };
    let template = |volumes: &[(String, String)]| PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels(plan, workload)),
            annotations: (!annotations.is_empty()).then(|| annotations.clone()),
            ..ObjectMeta::default()
        }),
        spec: Some(pod::pod_spec(plan, shared, workload, &environment, volumes)),
    };
    let replicas = Some(i32::try_from(workload.replicas).unwrap_or(i32::MAX));
    let select = LabelSelector {
        match_labels: Some(selector(plan, workload)),
        ..LabelSelector::default()
    };
    if workload.persist.is_empty() {
        documents.push(yaml(&Deployment {
            metadata: metadata.clone(),
            spec: Some(DeploymentSpec {
                replicas,
                selector: select,
                template: template(&[]),
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        }));
    } else {
        let volumes = workload.cluster_volumes();
        documents.push(yaml(&StatefulSet {
            metadata: metadata.clone(),
            spec: Some(StatefulSetSpec {
                replicas,
                selector: select,
                service_name: Some(workload.name.clone()),
                template: template(&volumes),
                volume_claim_templates: Some(volumes.iter().map(|(name, _)| claim(name)).collect()),
                ..StatefulSetSpec::default()
            }),
            ..StatefulSet::default()
        }));
    }
    if let Some(port) = workload.port {
        documents.push(yaml(&Service {
            metadata: metadata.clone(),
            spec: Some(ServiceSpec {
                selector: Some(selector(plan, workload)),
                ports: Some(vec![ServicePort {
                    port: i32::from(port),
                    target_port: Some(IntOrString::Int(i32::from(port))),
                    ..ServicePort::default()
                }]),
                ..ServiceSpec::default()
            }),
            ..Service::default()
        }));
        if let (Kind::Service(ServiceType::Public), Some(url)) = (workload.kind, &workload.url) {
            documents.push(yaml(&ingress(metadata, url, port)));
        }
    }
    documents
}

/// The SHA-256 of `text`, in hexadecimal.
fn sha256(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn claim(name: &str) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(VOLUME_SIZE.to_owned()),
                )])),
                ..VolumeResourceRequirements::default()
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        ..PersistentVolumeClaim::default()
    }
}

/// A public service's `url`, routed to its Service by the cluster's
/// default ingress controller.
fn ingress(metadata: ObjectMeta, url: &str, port: u16) -> Ingress {
    let service = metadata.name.clone().unwrap_or_default();
    Ingress {
        metadata,
        spec: Some(IngressSpec {
            rules: Some(vec![IngressRule {
                host: Some(url.to_owned()),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some("/".to_owned()),
                        path_type: "Prefix".to_owned(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: service,
                                port: Some(ServiceBackendPort {
                                    number: Some(i32::from(port)),
                                    name: None,
                                }),
                            }),
                            resource: None,
                        },
                    }],
                }),
            }]),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;
