//! The variables Compose fills a project's file with: the process's own,
//! then those of the `.env` file beside the Compose file (the shell wins,
//! as in Compose).

use crate::core::compose::parse_dotenv;
use std::collections::BTreeMap;
use std::path::Path;

/// Compose's variables for one file.
#[derive(Debug, Clone, Default)]
pub struct ComposeVariables {
    dotenv: BTreeMap<String, String>,
}

impl ComposeVariables {
    /// The variables for the Compose file at `file`; `None` when Compose
    /// would read them from somewhere exo does not (`COMPOSE_ENV_FILES`,
    /// a `.env` with values to expand or unescape).
    pub fn read(file: &Path) -> Option<ComposeVariables> {
        if std::env::var_os("COMPOSE_ENV_FILES").is_some() {
            return None;
        }
        let path = file.parent()?.join(".env");
        let dotenv = match std::fs::read_to_string(&path) {
            Ok(text) => parse_dotenv(&text)?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(_) => return None,
        };
        Some(ComposeVariables { dotenv })
    }

    /// The value of `name`: the process's, else the `.env` file's.
    pub fn get(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| self.dotenv.get(name).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_env_file_beside_the_compose_file_fills_what_the_process_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("run_development.yml");
        assert!(
            ComposeVariables::read(&file)
                .unwrap()
                .get("EXO_DOTENV_A")
                .is_none()
        );
        std::fs::write(
            dir.path().join(".env"),
            "EXO_DOTENV_A=from-file\nPATH=not-this\n",
        )
        .unwrap();
        let variables = ComposeVariables::read(&file).unwrap();
        assert_eq!(variables.get("EXO_DOTENV_A").as_deref(), Some("from-file"));
        assert_ne!(variables.get("PATH").as_deref(), Some("not-this"));
        std::fs::write(dir.path().join(".env"), "A=${B}\n").unwrap();
        assert!(ComposeVariables::read(&file).is_none());
    }
}
