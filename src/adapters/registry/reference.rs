//! Image references as Docker reads them: `[registry/]repository[:tag][@digest]`.

/// Docker Hub's API host; `docker.io` in a reference means it.
const DOCKER_HUB: &str = "registry-1.docker.io";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry's host (and port), e.g. `registry-1.docker.io`, `localhost:5000`.
    pub registry: String,
    /// The repository in the registry, e.g. `library/postgres`.
    pub repository: String,
    pub tag: Option<String>,
    /// Whether the reference names an image by digest (it then never changes).
    pub pinned: bool,
}

impl ImageRef {
    pub fn parse(image: &str) -> ImageRef {
        let (name, pinned) = match image.split_once('@') {
            Some((name, _)) => (name, true),
            None => (image, false),
        };
        let (path, tag) = match name.rsplit_once(':') {
            Some((path, tag)) if !tag.contains('/') => (path, Some(tag.to_owned())),
            _ => (name, None),
        };
        let (registry, repository) = match path.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_owned(), rest.to_owned())
            }
            _ => (DOCKER_HUB.to_owned(), path.to_owned()),
        };
        let registry = if registry == "docker.io" || registry == "index.docker.io" {
            DOCKER_HUB.to_owned()
        } else {
            registry
        };
        let repository = if registry == DOCKER_HUB && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        ImageRef {
            registry,
            repository,
            tag,
            pinned,
        }
    }

    /// A registry on this machine, spoken to over plain HTTP (as Docker
    /// allows for loopback registries).
    pub fn is_loopback(&self) -> bool {
        let host = match self.registry.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => self.registry.as_str(),
        };
        matches!(host, "localhost" | "127.0.0.1" | "[::1]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_like_docker() {
        let official = ImageRef::parse("postgres:16.2");
        assert_eq!(official.registry, DOCKER_HUB);
        assert_eq!(official.repository, "library/postgres");
        assert_eq!(official.tag.as_deref(), Some("16.2"));
        let user = ImageRef::parse("bitnami/kafka:3");
        assert_eq!(user.repository, "bitnami/kafka");
        let local = ImageRef::parse("localhost:5000/team/app:1.0");
        assert_eq!(
            (local.registry.as_str(), local.repository.as_str()),
            ("localhost:5000", "team/app")
        );
        assert!(local.is_loopback());
        let untagged = ImageRef::parse("ghcr.io/acme/tool");
        assert_eq!(
            (untagged.registry.as_str(), untagged.tag.as_deref()),
            ("ghcr.io", None)
        );
        assert!(!untagged.is_loopback());
        assert!(ImageRef::parse("redis:7@sha256:abc").pinned);
        assert_eq!(
            ImageRef::parse("docker.io/redis").repository,
            "library/redis"
        );
    }
}
