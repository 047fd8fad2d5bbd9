//! Writing the files exo generates.

use super::CommandError;
use std::path::Path;

/// Writes through a temporary file so that a reader never sees half a file.
pub(super) fn write(path: &Path, text: &str) -> Result<(), CommandError> {
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
