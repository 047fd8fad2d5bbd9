//! Image tags by content: the hash of every file a build would send
//! (`.dockerignore` honoured) and the Dockerfile's name, so an unchanged
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
    let mut files = Vec::new();
    let walk = ignore::WalkBuilder::new(context)
        .standard_filters(false)
        .add_custom_ignore_filename(".dockerignore")
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walk {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
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
}
