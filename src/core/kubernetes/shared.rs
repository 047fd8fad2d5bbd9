//! What the workloads of an environment share, written once: the
//! variables of the endpoints and of the application's dependencies in
//! ConfigMaps that each service's container takes with `envFrom` (and the
//! services' data most dependencies have, in one each of those takes), and
//! the waits for the application's dependencies in a ConfigMap that each
//! service's init container reads as a file. Without them every pod would
//! repeat them, and the manifests would grow as services times
//! dependencies.

use crate::core::deployed::{
    Container as Workload, Deployment as Plan, Kind, Value, WAITS_DIRECTORY, WAITS_FILE_NAME,
};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapEnvSource, ConfigMapVolumeSource, EnvFromSource, KeyToPath, Volume,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The services' shared variables' first ConfigMap; more are `-2`, `-3`,
/// ... The dot keeps it apart from the workloads' own ConfigMaps, which are
/// named as the workloads, DNS labels without one.
pub const VARIABLES: &str = "exo.shared-variables";
/// The dependencies' shared variables' first ConfigMap.
pub const DEPENDENCY_VARIABLES: &str = "exo.dependency-variables";
/// The ConfigMap of the shared waits.
pub const WAITS: &str = "exo.shared-waits";
/// The pod volume of the shared waits.
const WAITS_VOLUME: &str = "waits";
/// Kubernetes refuses a ConfigMap whose keys and values pass 1 MiB; the
/// shared variables are cut into ConfigMaps under this many bytes.
pub const CONFIG_MAP_BYTES: usize = 1_000_000;

/// Variables shared by one kind of workload.
pub(super) struct Group<'a> {
    /// Each ConfigMap of the shared literal variables: name and data.
    pub maps: Vec<(String, BTreeMap<String, String>)>,
    /// The shared values that a ConfigMap cannot hold (secrets and values
    /// built from them): each workload sets them in `env`, but for a name
    /// it sets itself.
    pub others: BTreeMap<&'a str, &'a Value>,
    /// The SHA-256 of the shared variables.
    pub checksum: Option<String>,
}

impl<'a> Group<'a> {
    /// The variables of `sources` (a later one wins), in ConfigMaps named
    /// from `base`.
    fn new(sources: &[&'a BTreeMap<String, Value>], base: &str) -> Group<'a> {
        let mut all: BTreeMap<&str, &Value> = BTreeMap::new();
        for variables in sources {
            all.extend(variables.iter().map(|(name, value)| (name.as_str(), value)));
        }
        let mut literals = Vec::new();
        let mut others = BTreeMap::new();
        for (name, value) in all {
            match value {
                Value::Literal(text) => literals.push((name, text.as_str())),
                _ => {
                    others.insert(name, value);
                }
            }
        }
        let maps = split(&literals, CONFIG_MAP_BYTES, base);
        let checksum = (!maps.is_empty()).then(|| {
            let data: Vec<&BTreeMap<String, String>> = maps.iter().map(|(_, d)| d).collect();
            super::sha256(&serde_json::to_string(&data).unwrap_or_default())
        });
        Group {
            maps,
            others,
            checksum,
        }
    }
}

pub(super) struct Shared<'a> {
    /// What every service gets: the endpoints', the application's and its
    /// dependencies' variables.
    pub services: Group<'a>,
    /// What every dependency gets (the services' data most have).
    pub dependencies: Group<'a>,
    /// The entries of the shared waits, one a line (askable ones only).
    pub waits: Option<String>,
}

impl<'a> Shared<'a> {
    pub fn new(plan: &'a Plan) -> Shared<'a> {
        let services = Group::new(
            &[
                &plan.dependency_variables,
                &plan.application_variables,
                &plan.endpoints,
            ],
            VARIABLES,
        );
        let dependencies = Group::new(&[&plan.shared_by_dependencies], DEPENDENCY_VARIABLES);
        let mut waits = String::new();
        for entry in plan.shared_waits.iter().filter_map(|w| w.entry()) {
            waits.push_str(&entry);
            waits.push('\n');
        }
        Shared {
            services,
            dependencies,
            waits: (!waits.is_empty()).then_some(waits),
        }
    }

    /// The group of what `workload` shares.
    pub fn group(&self, workload: &Workload) -> &Group<'a> {
        match workload.kind {
            Kind::Dependency => &self.dependencies,
            Kind::Service(_) => &self.services,
        }
    }

    /// The ConfigMaps, in the order they are written.
    pub fn config_maps(&self, metadata: &ObjectMeta) -> Vec<ConfigMap> {
        let named = |name: &str| ObjectMeta {
            name: Some(name.to_owned()),
            ..metadata.clone()
        };
        let mut maps: Vec<ConfigMap> = self
            .services
            .maps
            .iter()
            .chain(&self.dependencies.maps)
            .map(|(name, data)| ConfigMap {
                metadata: named(name),
                data: Some(data.clone()),
                ..ConfigMap::default()
            })
            .collect();
        if let Some(waits) = &self.waits {
            maps.push(ConfigMap {
                metadata: named(WAITS),
                data: Some(BTreeMap::from([(
                    WAITS_FILE_NAME.to_owned(),
                    waits.clone(),
                )])),
                ..ConfigMap::default()
            });
        }
        maps
    }

    /// The variables a workload sets itself: its own, and the shared values
    /// a ConfigMap cannot hold, but for the names it sets itself.
    pub fn own_variables(&self, workload: &Workload) -> BTreeMap<String, Value> {
        let mut variables = workload.variables.clone();
        for (name, value) in &self.group(workload).others {
            if !variables.contains_key(*name) {
                variables.insert((*name).to_owned(), (*value).clone());
            }
        }
        variables
    }

    /// The `envFrom` of a workload's container: the shared ConfigMaps, then
    /// its own (`own`), whose values win.
    pub fn env_from(&self, workload: &Workload, own: bool) -> Vec<EnvFromSource> {
        let shared = self.group(workload).maps.iter().map(|(name, _)| name);
        shared
            .chain(own.then_some(&workload.name))
            .map(|name| EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource {
                    name: name.clone(),
                    optional: None,
                }),
                ..EnvFromSource::default()
            })
            .collect()
    }

    /// The volume of the shared waits, and where the init container
    /// mounts it, for a workload that waits for them.
    pub fn waits_volume(&self, plan: &Plan, workload: &Workload) -> Option<(Volume, VolumeMount)> {
        self.waits.as_ref()?;
        let (shared, _) = plan.own_waits(workload);
        if !shared {
            return None;
        }
        let volume = Volume {
            name: WAITS_VOLUME.to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: WAITS.to_owned(),
                items: Some(vec![KeyToPath {
                    key: WAITS_FILE_NAME.to_owned(),
                    path: WAITS_FILE_NAME.to_owned(),
                    mode: None,
                }]),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        };
        let mount = VolumeMount {
            name: WAITS_VOLUME.to_owned(),
            mount_path: WAITS_DIRECTORY.to_owned(),
            read_only: Some(true),
            ..VolumeMount::default()
        };
        Some((volume, mount))
    }
}

/// The variables in ConfigMaps of at most `limit` bytes of keys and values
/// each (a variable larger than that alone in one): `base`, `base-2`, ...
fn split(
    literals: &[(&str, &str)],
    limit: usize,
    base: &str,
) -> Vec<(String, BTreeMap<String, String>)> {
    let map_name = |index: usize| match index {
        0 => base.to_owned(),
        _ => format!("{base}-{}", index + 1),
    };
    let mut maps: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut size = 0;
    for (name, text) in literals {
        let bytes = name.len() + text.len();
        if maps.is_empty() || (size + bytes > limit && size > 0) {
            maps.push((map_name(maps.len()), BTreeMap::new()));
            size = 0;
        }
        size += bytes;
        if let Some((_, data)) = maps.last_mut() {
            data.insert((*name).to_owned(), (*text).to_owned());
        }
    }
    maps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_shared_variables_are_cut_into_config_maps_under_the_limit() {
        let literals = [
            ("A", "1234"),
            ("B", "1234"),
            ("C", "123456789012"),
            ("D", "1"),
        ];
        let maps = split(&literals, 10, VARIABLES);
        let names: Vec<&str> = maps.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                VARIABLES,
                "exo.shared-variables-2",
                "exo.shared-variables-3"
            ]
        );
        let keys: Vec<Vec<&str>> = maps
            .iter()
            .map(|(_, data)| data.keys().map(String::as_str).collect())
            .collect();
        assert_eq!(keys, [vec!["A", "B"], vec!["C"], vec!["D"]]);
        assert!(split(&[], 10, VARIABLES).is_empty());
    }
}
