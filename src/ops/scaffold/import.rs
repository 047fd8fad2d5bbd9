//! `exo import [FILE...]`: application.yml and a service.yml per built
//! service, made from Compose files and written beside the first. Nothing is
//! overwritten: if any file it would write exists, it writes none.

use super::{ScaffoldError, write_atomically};
use crate::core::config::{APPLICATION_FILE, SERVICE_FILE};
use crate::core::import::{self, ComposeText, Imported};
use std::path::{Path, PathBuf};

/// The names Compose looks for, in its order.
pub const COMPOSE_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// What was read and written, relative to the application's directory.
pub struct Import {
    /// The application's directory: the Compose file's.
    pub dir: PathBuf,
    /// The Compose files read, in order.
    pub read: Vec<PathBuf>,
    pub imported: Imported,
    pub written: Vec<String>,
    /// Dockerfiles copied to Dockerfile.dev and Dockerfile.prod: (from, to).
    pub copied: Vec<(String, String)>,
    /// Dockerfiles named by a build that are not there.
    pub missing: Vec<String>,
}

/// Compose's override files, read after the file when none is named.
pub const OVERRIDE_FILES: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Imports `files` (each later one over the ones before), or the Compose
/// file of `dir` and its override file, found as Compose finds them.
pub fn import(dir: &Path, files: &[PathBuf]) -> Result<Import, ScaffoldError> {
    let paths = if files.is_empty() {
        let first = |names: &[&str]| {
            names
                .iter()
                .map(|name| dir.join(name))
                .find(|p| p.is_file())
        };
        let base =
            first(&COMPOSE_FILES).ok_or_else(|| ScaffoldError::NoComposeFile(dir.to_path_buf()))?;
        std::iter::once(base)
            .chain(first(&OVERRIDE_FILES))
            .collect()
    } else {
        files.to_vec()
    };
    let mut texts = Vec::with_capacity(paths.len());
    for path in &paths {
        let text = std::fs::read_to_string(path).map_err(|source| ScaffoldError::Read {
            path: path.clone(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        texts.push((name, text));
    }
    let dir = paths[0]
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let folder = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let composed: Vec<ComposeText> = texts
        .iter()
        .map(|(name, text)| ComposeText { name, text })
        .collect();
    let imported = import::import(&composed, &folder)?;
    let mut files = vec![(APPLICATION_FILE.to_owned(), imported.application.clone())];
    for service in &imported.services {
        if !dir.join(&service.location).is_dir() {
            return Err(ScaffoldError::BadLocation(service.location.clone()));
        }
        files.push((
            format!("{}/{SERVICE_FILE}", service.location),
            service.text.clone(),
        ));
    }
    let taken: Vec<PathBuf> = files
        .iter()
        .filter(|(file, _)| dir.join(file).symlink_metadata().is_ok())
        .map(|(file, _)| PathBuf::from(file))
        .collect();
    if !taken.is_empty() {
        return Err(ScaffoldError::WouldOverwrite(taken));
    }
    let (copies, missing) = dockerfiles(&dir, &imported);
    for (file, text) in &files {
        write_atomically(&dir.join(file), text)?;
    }
    for (from, to) in &copies {
        std::fs::copy(dir.join(from), dir.join(to)).map_err(|source| ScaffoldError::Io {
            path: dir.join(to),
            source,
        })?;
    }
    Ok(Import {
        read: paths,
        dir,
        written: files.into_iter().map(|(file, _)| file).collect(),
        imported,
        copied: copies,
        missing,
    })
}

/// The Dockerfile.dev and Dockerfile.prod each service lacks, copied from
/// the Dockerfile its build named; the named ones that are not there.
fn dockerfiles(dir: &Path, imported: &Imported) -> (Vec<(String, String)>, Vec<String>) {
    let mut copies = Vec::new();
    let mut missing = Vec::new();
    for service in &imported.services {
        if !dir.join(&service.dockerfile).is_file() {
            missing.push(service.dockerfile.clone());
            continue;
        }
        for name in ["Dockerfile.dev", "Dockerfile.prod"] {
            let to =
                crate::core::config::normalize_location(&format!("{}/{name}", service.location));
            if to != service.dockerfile && !dir.join(&to).exists() {
                copies.push((service.dockerfile.clone(), to));
            }
        }
    }
    (copies, missing)
}
