//! Writing the files exo generates.

use super::CommandError;
use std::path::Path;

/// Writes `text` to `file` (relative to the application `dir`) unless it
/// holds it already; returns whether it wrote. The path rule first: `file`
/// must lead inside `dir`, whatever symbolic links are on the way.
pub(super) fn write_inside(dir: &Path, file: &str, text: &str) -> Result<bool, CommandError> {
    let path = crate::adapters::paths::inside(dir, &dir.join(file))?;
    if std::fs::read_to_string(&path).is_ok_and(|current| current == text) {
        return Ok(false);
    }
    write(&path, text)?;
    Ok(true)
}

/// Deletes `file` (relative to the application `dir`), whose directory
/// must lead inside `dir`; a symbolic link is deleted, not what it leads to.
pub(super) fn remove_inside(dir: &Path, file: &str) -> Result<(), CommandError> {
    let path = dir.join(file);
    let parent = path.parent().unwrap_or(dir);
    let name = path.file_name().unwrap_or_default();
    let real = crate::adapters::paths::inside(dir, parent)?.join(name);
    std::fs::remove_file(&real).map_err(|source| CommandError::Write { path: real, source })
}

/// Writes through a temporary file so that a reader never sees half a file.
fn write(path: &Path, text: &str) -> Result<(), CommandError> {
    let error = |source| CommandError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(error)?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(error)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(error)?;
    // Temporary files are private (0600); these are meant to be read and committed.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let readable = std::fs::Permissions::from_mode(0o644);
        file.as_file().set_permissions(readable).map_err(error)?;
    }
    file.persist(path).map_err(|e| error(e.error))?;
    Ok(())
}
