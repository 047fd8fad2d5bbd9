//! Where an earlier command found Compose, so that the next one need not
//! run `docker compose version` (three processes, 0.1 to 0.4 s) before it
//! starts anything. What was found is kept in the user's cache directory
//! with a fingerprint of everything the finding depended on (the `docker`
//! binary, the plugin directories' `docker-compose`, a standalone
//! `docker-compose` on PATH, the CLI's configuration); any change to those
//! and Compose is looked for again. Only a Compose that was found is kept:
//! a missing one is looked for every time, and said at once.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The file it is kept in: `$XDG_CACHE_HOME/exo/compose`, else
/// `~/.cache/exo/compose`; `None` without either.
fn cache_file() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").filter(|d| !d.is_empty())?).join(".cache"),
    };
    Some(base.join("exo").join("compose"))
}

/// The docker CLI's configuration directory.
fn docker_config() -> Option<PathBuf> {
    match std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => Some(PathBuf::from(std::env::var_os("HOME")?).join(".docker")),
    }
}

/// The size and modification time of what is at `path`, or `-`.
fn stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {} {modified}", path.display(), meta.len())
        }
        Err(_) => format!("{} -", path.display()),
    }
}

/// Everything the docker CLI finds Compose by, for `docker` at `docker`.
pub fn fingerprint(docker: &Path) -> String {
    let mut places = vec![docker.to_path_buf()];
    if let Some(config) = docker_config() {
        places.push(config.join("config.json"));
        places.push(config.join("cli-plugins/docker-compose"));
    }
    for dir in [
        "/usr/local/lib/docker/cli-plugins",
        "/usr/local/libexec/docker/cli-plugins",
        "/usr/lib/docker/cli-plugins",
        "/usr/libexec/docker/cli-plugins",
    ] {
        places.push(Path::new(dir).join("docker-compose"));
    }
    if let Ok(standalone) = which::which("docker-compose") {
        places.push(standalone);
    }
    let mut text = String::new();
    for place in places {
        let _ = writeln!(text, "{}", stamp(&place));
    }
    text
}

/// How Compose runs: the plugin (`None`) or a standalone binary at a path.
pub type Standalone = Option<PathBuf>;

/// What was found with `fingerprint`, if it was.
pub fn recall(fingerprint: &str) -> Option<(Standalone, String)> {
    parse(&std::fs::read_to_string(cache_file()?).ok()?, fingerprint)
}

/// Keeps what was found; a failure to write only costs the next command
/// its lookup.
pub fn remember(fingerprint: &str, compose: &Standalone, version: &str) {
    let Some(file) = cache_file() else {
        return;
    };
    let text = render(fingerprint, compose, version);
    let Some(dir) = file.parent() else {
        return;
    };
    // Written beside and renamed, so that a reader never sees half of it.
    let partial = dir.join(format!("compose.{}", std::process::id()));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&partial, text))
        .and_then(|()| std::fs::rename(&partial, &file));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

fn render(fingerprint: &str, compose: &Standalone, version: &str) -> String {
    let how = match compose {
        None => "plugin".to_owned(),
        Some(path) => format!("standalone {}", path.display()),
    };
    format!("{version}\n{how}\n{fingerprint}")
}

fn parse(text: &str, fingerprint: &str) -> Option<(Standalone, String)> {
    let (version, rest) = text.split_once('\n')?;
    let (how, kept) = rest.split_once('\n')?;
    if kept != fingerprint || version.is_empty() {
        return None;
    }
    let compose = match how {
        "plugin" => None,
        _ => Some(PathBuf::from(how.strip_prefix("standalone ")?)),
    };
    Some((compose, version.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_found_is_recalled_only_with_the_same_fingerprint() {
        for compose in [None, Some(PathBuf::from("/opt/bin/docker-compose"))] {
            let text = render("a 1 2\nb -\n", &compose, "2.40.3");
            assert_eq!(
                parse(&text, "a 1 2\nb -\n"),
                Some((compose.clone(), "2.40.3".to_owned()))
            );
            assert_eq!(parse(&text, "a 1 3\nb -\n"), None);
        }
        assert_eq!(parse("", ""), None);
        assert_eq!(parse("\nplugin\nx", "x"), None);
    }

    #[test]
    fn the_fingerprint_changes_with_the_docker_binary() {
        let dir = tempfile::tempdir().unwrap();
        let docker = dir.path().join("docker");
        std::fs::write(&docker, "one").unwrap();
        let before = fingerprint(&docker);
        assert_eq!(fingerprint(&docker), before);
        std::fs::write(&docker, "longer").unwrap();
        assert_ne!(fingerprint(&docker), before);
    }
}
