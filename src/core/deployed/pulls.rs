//! The images a cluster pulls as they are named: the dependencies' images
//! and the wait image. Whether a registry can serve them is known only to an
//! engine that has them, so the command asks; this lists what to ask about.

use super::{DeploymentError, Image, SAME_NAME, Target, Warning, deploy};
use crate::core::model::Application;
use std::collections::{BTreeMap, BTreeSet};

/// Each image that the environment's files name but exo does not build,
/// with the workloads that use it (in start order).
pub fn images_to_pull(
    app: &Application,
    environment: &str,
) -> Result<BTreeMap<String, Vec<String>>, DeploymentError> {
    // Hosts change addresses, not images: any naming will do.
    let deployment = deploy(
        app,
        Target::Remote {
            environment,
            hosts: &SAME_NAME,
        },
    )?;
    let mut images: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let wait_image = deployment.wait_image();
    for container in &deployment.containers {
        if let Image::Pulled(image) = &container.image {
            images
                .entry(image.clone())
                .or_default()
                .push(container.name.clone());
        }
        if !container.waits_for.is_empty() {
            images
                .entry(wait_image.clone())
                .or_default()
                .push(format!("{}'s wait containers", container.name));
        }
    }
    Ok(images)
}

/// A warning for each image of the `environments` that `only_here` says
/// exists on this machine without having come from a registry (built here,
/// or tagged here): no cluster can pull it.
pub fn local_only_images(
    app: &Application,
    environments: &[String],
    only_here: impl Fn(&str) -> bool,
) -> Result<Vec<Warning>, DeploymentError> {
    let mut images: BTreeMap<String, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for environment in environments {
        for (image, users) in images_to_pull(app, environment)? {
            let (known, seen) = images.entry(image).or_default();
            for user in users {
                if seen.insert(user.clone()) {
                    known.push(user);
                }
            }
        }
    }
    Ok(images
        .into_iter()
        .filter(|(image, _)| only_here(image))
        .map(|(image, (users, _))| Warning::LocalOnly { image, users })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config;

    fn app(environment: &str) -> Application {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("application.yml"),
            format!(
                "name: shop\nlocal:\n  dependencies:\n    cache:\n      image: exo-base/redis:1\n      port: 6379\nremote:\n  environments:\n    staging:\n      target: kubernetes\n      registry: reg.example.com/shop\n{environment}services:\n  web:\n    location: ./web\n"
            ),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("web")).unwrap();
        std::fs::write(
            dir.path().join("web/service.yml"),
            "type: worker\ndevelopment:\n  port: 80\n",
        )
        .unwrap();
        config::load(dir.path()).unwrap()
    }

    #[test]
    fn dependencies_and_the_wait_image_with_their_users() {
        let images = images_to_pull(&app(""), "staging").unwrap();
        let listed: Vec<(&str, Vec<&str>)> = images
            .iter()
            .map(|(image, users)| (image.as_str(), users.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            listed,
            [
                ("busybox:1.36", vec!["web's wait containers"]),
                ("exo-base/redis:1", vec!["cache"]),
            ]
        );
    }

    #[test]
    fn the_environments_wait_image_replaces_the_default() {
        let images = images_to_pull(
            &app("      wait-image: mirror.example.com/busybox:1.36\n"),
            "staging",
        )
        .unwrap();
        assert!(images.contains_key("mirror.example.com/busybox:1.36"));
        assert!(!images.contains_key("busybox:1.36"));
    }

    #[test]
    fn only_the_images_found_only_here_are_warned_about() {
        let warnings = local_only_images(&app(""), &["staging".to_owned()], |image| {
            image.starts_with("exo-base/")
        })
        .unwrap();
        assert_eq!(
            warnings,
            [Warning::LocalOnly {
                image: "exo-base/redis:1".to_owned(),
                users: vec!["cache".to_owned()],
            }]
        );
    }
}
