//! The lines of `exo version`.

use crate::adapters::docker::{DockerError, Versions};

/// `exo 0.4.0`, then the engine's and Compose's versions, or on their line
/// why there is none.
pub fn versions(exo: &str, versions: &Versions) -> String {
    format!(
        "exo {exo}\n{}\n{}\n",
        line("Docker Engine", &versions.engine),
        line("Docker Compose", &versions.compose)
    )
}

fn line(name: &str, version: &Result<String, DockerError>) -> String {
    match version {
        Ok(version) => format!("{name} {version}"),
        Err(err) => format!("{name}: none found ({err})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_docker_is_said_on_its_line() {
        let found = Versions {
            engine: Err(DockerError::DaemonUnreachable {
                host: Some("tcp://127.0.0.1:1".to_owned()),
                message: "connection refused".to_owned(),
            }),
            compose: Ok("2.40.3".to_owned()),
        };
        assert_eq!(
            versions("1.2.3", &found),
            "exo 1.2.3\n\
             Docker Engine: none found (cannot reach the Docker daemon at tcp://127.0.0.1:1: connection refused)\n\
             Docker Compose 2.40.3\n"
        );
    }
}
