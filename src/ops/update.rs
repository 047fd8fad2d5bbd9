//! `exo update`: newer tags for the images that application.yml names
//! (`local.dependencies.<id>.image` and `services.<role>.docker-image`),
//! written back by editing only those tags in the text.

use crate::adapters::registry::{self, ImageRef, RegistryError};
use crate::core::config::yaml::{self, Node, Value};
use crate::ops::appfile;

/// One image of application.yml and what it can move to.
#[derive(Debug, Clone)]
pub struct ImageUpdate {
    /// `dependency db` or `service mailer`.
    pub owner: String,
    pub image: String,
    pub current: Option<String>,
    /// The newest tag to move to; `None` when the image is current, or its
    /// tag is no version.
    pub newest: Option<String>,
    /// Why it was not checked: built locally, or its registry failed.
    pub skipped: Option<Skipped>,
    node: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// The image exists in the local engine and never came from a
    /// registry: no registry can have newer tags of it.
    Local,
    /// Its registry could not be asked.
    Failed,
}

impl ImageUpdate {
    /// The image with the newest tag.
    pub fn updated(&self) -> Option<String> {
        let (current, newest) = (self.current.as_ref()?, self.newest.as_ref()?);
        let base = self.image.strip_suffix(current.as_str())?;
        Some(format!("{base}{newest}"))
    }
}

/// The images that application.yml's `text` names, in file order.
pub fn images(text: &str) -> Vec<ImageUpdate> {
    let Ok(root) = yaml::parse(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let dependencies = child(&root, "local").and_then(|local| child(local, "dependencies"));
    for (id, dependency) in entries(dependencies) {
        if let Some(node) = child(dependency, "image") {
            found.push(use_of(format!("dependency {id}"), node));
        }
    }
    for (role, service) in entries(child(&root, "services")) {
        if let Some(node) = child(service, "docker-image") {
            found.push(use_of(format!("service {role}"), node));
        }
    }
    found.into_iter().flatten().collect()
}

/// Asks each image's registry for its tags and picks the newest version
/// with the same major version (any, with `major`). Images for which
/// `built_locally` is true are skipped; a registry that fails is reported
/// and the others are still asked.
pub fn check(
    images: &mut [ImageUpdate],
    major: bool,
    built_locally: impl Fn(&str) -> bool,
) -> Vec<RegistryError> {
    let mut failures = Vec::new();
    for image in images.iter_mut() {
        let Some(current) = &image.current else {
            continue;
        };
        if ImageRef::parse(&image.image).pinned || registry::Version::parse(current).is_none() {
            continue;
        }
        if built_locally(&image.image) {
            image.skipped = Some(Skipped::Local);
            continue;
        }
        match registry::tags(&image.image) {
            Ok(tags) => image.newest = registry::newest(current, &tags, major).map(str::to_owned),
            Err(err) => {
                image.skipped = Some(Skipped::Failed);
                failures.push(err);
            }
        }
    }
    failures
}

/// `text` with every image that has a newer tag moved to it.
pub fn apply(text: &str, images: &[ImageUpdate]) -> String {
    let mut edits: Vec<&ImageUpdate> = images.iter().filter(|i| i.newest.is_some()).collect();
    // From the end, so that earlier offsets stay right.
    edits.sort_by_key(|i| std::cmp::Reverse(i.node.span.offset));
    let mut text = text.to_owned();
    for image in edits {
        if let Some(updated) = image.updated()
            && let Some(edited) =
                appfile::replace_scalar(&text, &image.node, &image.image, &updated)
        {
            text = edited;
        }
    }
    text
}

fn use_of(owner: String, node: &Node) -> Option<ImageUpdate> {
    let image = match &node.value {
        Value::String(image) => image.clone(),
        _ => return None,
    };
    Some(ImageUpdate {
        owner,
        current: ImageRef::parse(&image).tag,
        image,
        newest: None,
        skipped: None,
        node: node.clone(),
    })
}

fn child<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::String(s) if s == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn entries(node: Option<&Node>) -> Vec<(String, &Node)> {
    match node.map(|n| &n.value) {
        Some(Value::Map(entries)) => entries
            .iter()
            .filter_map(|(k, v)| Some((k.value.scalar_text()?, v)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_tags_change() {
        let text = "name: a\nlocal:\n  dependencies:\n    db:\n      image: postgres:16.1 # pinned\nservices:\n  mail:\n    docker-image: 'acme/mail:v1.2'\n  web:\n    location: ./web\n";
        let mut found = images(text);
        assert_eq!(
            found
                .iter()
                .map(|i| (i.owner.as_str(), i.image.as_str()))
                .collect::<Vec<_>>(),
            [
                ("dependency db", "postgres:16.1"),
                ("service mail", "acme/mail:v1.2")
            ]
        );
        found[0].newest = Some("16.4".into());
        found[1].newest = Some("v1.10".into());
        assert_eq!(
            apply(text, &found),
            text.replace("16.1", "16.4").replace("v1.2", "v1.10")
        );
    }
}
