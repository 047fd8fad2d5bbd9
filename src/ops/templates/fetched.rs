//! Templates fetched from git into `.exosphere/templates/<name>/`: their
//! files without the repository's `.git`, so that they travel with the
//! application (a plain `git clone` of it has them, and `git add` records
//! files, not an embedded repository), and where each came from in
//! `.exosphere/template-sources.yml`, so that `exo template update` can
//! fetch it again.

use super::{APPLICATION_TEMPLATES, Origin, TemplateError, check_name, find};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where the application records its templates' sources, relative to it.
pub const SOURCES: &str = ".exosphere/template-sources.yml";

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub url: String,
    /// The branch, tag or commit asked for; none for the default branch.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The commit its files are from.
    pub commit: String,
}

/// A template fetched: where it is, where it came from, and the commit it
/// had before (an update).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub dir: PathBuf,
    pub source: Source,
    pub previous: Option<String>,
}

/// Fetches the template `name` from the git repository `url` at
/// `reference` (default: the default branch); a repository without a
/// service.yml at its top is refused and nothing is left.
pub fn add(
    app_dir: &Path,
    name: &str,
    url: &str,
    reference: Option<&str>,
) -> Result<Fetched, TemplateError> {
    check_name(name)?;
    let target = app_dir.join(APPLICATION_TEMPLATES).join(name);
    if target.exists() {
        return Err(TemplateError::Exists(name.to_owned()));
    }
    crate::adapters::paths::inside(app_dir, &target)?;
    let mut sources = read_sources(app_dir)?;
    let (staging, source) = fetch(app_dir, name, url, reference)?;
    install(app_dir, name, &staging, &mut sources, source, None)
}

/// Fetches the template `name` again from where it came from, at
/// `reference` (default: the one it was added with), and replaces its files.
pub fn update(
    app_dir: &Path,
    name: &str,
    reference: Option<&str>,
) -> Result<Fetched, TemplateError> {
    let mut sources = read_sources(app_dir)?;
    let Some(recorded) = sources.get(name).cloned() else {
        find(app_dir, name)?;
        return Err(TemplateError::NoSource(name.to_owned()));
    };
    let target = app_dir.join(APPLICATION_TEMPLATES).join(name);
    crate::adapters::paths::inside(app_dir, &target)?;
    let reference = reference.or(recorded.reference.as_deref());
    let (staging, source) = fetch(app_dir, name, &recorded.url, reference)?;
    // The old files move aside first, into the staging directory that
    // goes away with them.
    if target.exists() {
        let old = staging.path().join(".old");
        std::fs::rename(&target, &old).map_err(TemplateError::io(&target))?;
    }
    install(
        app_dir,
        name,
        &staging,
        &mut sources,
        source,
        Some(recorded.commit),
    )
}

/// Moves the staged template into place and records its source.
fn install(
    app_dir: &Path,
    name: &str,
    staging: &tempfile::TempDir,
    sources: &mut IndexMap<String, Source>,
    source: Source,
    previous: Option<String>,
) -> Result<Fetched, TemplateError> {
    let target = app_dir.join(APPLICATION_TEMPLATES).join(name);
    std::fs::rename(staging.path().join(name), &target).map_err(TemplateError::io(&target))?;
    sources.insert(name.to_owned(), source.clone());
    write_sources(app_dir, sources)?;
    Ok(Fetched {
        dir: target,
        source,
        previous,
    })
}

/// Removes the application's template `name`, and its recorded source.
pub fn remove(app_dir: &Path, name: &str) -> Result<PathBuf, TemplateError> {
    let template = find(app_dir, name)?;
    match template.origin {
        Origin::BuiltIn => Err(TemplateError::BuiltIn(name.to_owned())),
        Origin::Application(dir) | Origin::Exosphere(dir) => {
            crate::adapters::paths::inside(app_dir, &dir)?;
            std::fs::remove_dir_all(&dir).map_err(TemplateError::io(&dir))?;
            let mut sources = read_sources(app_dir)?;
            if sources.shift_remove(name).is_some() {
                write_sources(app_dir, &sources)?;
            }
            Ok(dir)
        }
    }
}

/// Clones `url` at `reference` into a staging directory beside the
/// templates, as `<staging>/<name>` without its `.git`.
fn fetch(
    app_dir: &Path,
    name: &str,
    url: &str,
    reference: Option<&str>,
) -> Result<(tempfile::TempDir, Source), TemplateError> {
    let parent = app_dir.join(APPLICATION_TEMPLATES);
    std::fs::create_dir_all(&parent).map_err(TemplateError::io(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".exo-template-")
        .tempdir_in(&parent)
        .map_err(TemplateError::io(&parent))?;
    let staged = staging.path().join(name);
    let commit = crate::adapters::git::blocking(
        url,
        crate::adapters::git::clone_at(url, &staged, reference),
    )?;
    if !staged.join("service.yml").is_file() {
        return Err(TemplateError::NoServiceFile(name.to_owned()));
    }
    let git = staged.join(".git");
    std::fs::remove_dir_all(&git).map_err(TemplateError::io(&git))?;
    let source = Source {
        url: url.to_owned(),
        reference: reference.map(str::to_owned),
        commit,
    };
    Ok((staging, source))
}

fn read_sources(app_dir: &Path) -> Result<IndexMap<String, Source>, TemplateError> {
    let path = app_dir.join(SOURCES);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_saphyr::from_str::<Option<IndexMap<String, Source>>>(&text)
            .map(Option::unwrap_or_default)
            .map_err(|err| TemplateError::Sources {
                path,
                message: err.to_string(),
            }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(IndexMap::new()),
        Err(err) => Err(TemplateError::io(&path)(err)),
    }
}

fn write_sources(app_dir: &Path, sources: &IndexMap<String, Source>) -> Result<(), TemplateError> {
    let path = app_dir.join(SOURCES);
    if sources.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                Err(TemplateError::io(&path)(err))
            }
            _ => Ok(()),
        };
    }
    let yaml = serde_saphyr::to_string(sources).unwrap_or_else(|err| {
        // Strings in maps only.
        unreachable!("serialising the template sources failed: {err}")
    });
    let text = format!(
        "# Where `exo template add` fetched each template from; `exo template update NAME` fetches it again.\n{yaml}"
    );
    std::fs::write(&path, text).map_err(TemplateError::io(&path))
}
