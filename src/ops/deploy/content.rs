//! Image tags by content: the hash of every file a build would send
//! (`.dockerignore` read as Docker reads it) and the Dockerfile's name, so an unchanged
//! service keeps its tag and a changed one always gets a new one.

use sha2::{Digest, Sha256};
use std::path::Path;

/// How many hex digits of the hash make the tag.
const TAG_LENGTH: usize = 12;

/// `sha-` and the first digits of the content's hash, e.g. `sha-3f2a9c0d1b7e`.
pub fn content_tag(context: &Path, dockerfile: &str) -> std::io::Result<String> {
    let mut hash = Sha256::new();
    hash.update(dockerfile.as_bytes());
    hash_context(&mut hash, context)?;
    let digest = format!("{:x}", hash.finalize());
    Ok(format!("sha-{}", &digest[..TAG_LENGTH]))
}

/// Feeds `hash` every file a build of `context` would send, in a fixed
/// order: its path, whether it is executable, and its bytes.
pub fn hash_context(hash: &mut Sha256, context: &Path) -> std::io::Result<()> {
    let ignore = std::sync::Arc::new(DockerIgnore::read(context)?);
    let (pruning, root) = (ignore.clone(), context.to_path_buf());
    let mut files = Vec::new();
    let walk = ignore::WalkBuilder::new(context)
        .standard_filters(false)
        .filter_entry(move |entry| {
            let relative = entry.path().strip_prefix(&root).unwrap_or(entry.path());
            let directory = entry.file_type().is_some_and(|t| t.is_dir());
            entry.file_name() != ".git" && !(directory && pruning.prunes(relative))
        })
        .build();
    for entry in walk {
        let entry = entry.map_err(std::io::Error::other)?;
        let relative = entry.path().strip_prefix(context).unwrap_or(entry.path());
        if entry.file_type().is_some_and(|t| t.is_file()) && !ignore.excludes(relative) {
            files.push(entry.into_path());
        }
    }
    files.sort();
    for file in files {
        let relative = file.strip_prefix(context).unwrap_or(&file);
        hash.update([0]);
        hash.update(relative.to_string_lossy().as_bytes());
        hash.update([0, u8::from(executable(&file)?)]);
        hash.update(std::fs::read(&file)?);
    }
    Ok(())
}

/// The context's `.dockerignore` as Docker reads it: only the context's
/// own; each pattern matched from the context's root against a path or
/// any of its parents (`*.log` is only at the root), the last pattern that
/// matches deciding, `!` keeping.
struct DockerIgnore {
    patterns: Vec<(globset::GlobMatcher, bool)>,
}

impl DockerIgnore {
    fn read(context: &Path) -> std::io::Result<DockerIgnore> {
        let text = match std::fs::read_to_string(context.join(".dockerignore")) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(err) => return Err(err),
        };
        let mut patterns = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (keep, pattern) = match line.strip_prefix('!') {
                Some(pattern) => (true, pattern.trim()),
                None => (false, line),
            };
            let pattern = pattern.trim_start_matches("./").trim_start_matches('/');
            let glob = globset::GlobBuilder::new(pattern.trim_end_matches('/'))
                .literal_separator(true)
                .build()
                .map_err(std::io::Error::other)?;
            patterns.push((glob.compile_matcher(), keep));
        }
        Ok(DockerIgnore { patterns })
    }

    fn excludes(&self, relative: &Path) -> bool {
        let mut excluded = false;
        for (glob, keep) in &self.patterns {
            let parents = relative.ancestors().filter(|p| !p.as_os_str().is_empty());
            if parents.into_iter().any(|p| glob.is_match(p)) {
                excluded = !keep;
            }
        }
        excluded
    }

    /// Whether nothing under the directory `relative` is sent: it is
    /// excluded and no `!` pattern could keep a file in it.
    fn prunes(&self, relative: &Path) -> bool {
        self.patterns.iter().all(|(_, keep)| !keep) && self.excludes(relative)
    }
}

#[cfg(unix)]
fn executable(file: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(file)?.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(_: &Path) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_same_tag_and_any_change_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("server.sh"), "echo hi\n").unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "*.log\n").unwrap();
        let first = content_tag(dir.path(), "Dockerfile.prod").unwrap();
        assert!(first.starts_with("sha-") && first.len() == 16, "{first}");
        std::fs::write(dir.path().join("debug.log"), "ignored").unwrap();
        assert_eq!(content_tag(dir.path(), "Dockerfile.prod").unwrap(), first);
        assert_ne!(content_tag(dir.path(), "Dockerfile").unwrap(), first);
        std::fs::write(dir.path().join("server.sh"), "echo ho\n").unwrap();
        assert_ne!(content_tag(dir.path(), "Dockerfile.prod").unwrap(), first);
    }

    /// As Docker: a pattern without a slash is at the context's root only,
    /// a nested `.dockerignore` is a file like any other, `!` keeps a file
    /// of an excluded directory.
    #[test]
    fn dockerignore_patterns_are_read_as_docker_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".dockerignore"),
            "*.log\nbuild\n!build/keep\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        std::fs::create_dir_all(dir.path().join("build")).unwrap();
        let tag = || content_tag(dir.path(), "Dockerfile").unwrap();
        let first = tag();
        std::fs::write(dir.path().join("root.log"), "ignored").unwrap();
        std::fs::write(dir.path().join("build/out"), "ignored").unwrap();
        assert_eq!(tag(), first);
        std::fs::write(dir.path().join("sub/nested.log"), "sent").unwrap();
        let nested = tag();
        assert_ne!(nested, first);
        std::fs::write(dir.path().join("build/keep"), "sent").unwrap();
        let kept = tag();
        assert_ne!(kept, nested);
        std::fs::write(dir.path().join("sub/.dockerignore"), "*\n").unwrap();
        assert_ne!(tag(), kept);
    }
}
