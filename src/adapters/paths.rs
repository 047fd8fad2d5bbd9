//! The path rule of every command that writes or deletes (`add`,
//! `template add` and `remove`, templates read from the application,
//! `clone`, `generate`): the real path, with every symbolic link resolved,
//! must be inside the real directory of the application (for `clone`, the
//! directory being cloned into). What is not there yet is taken as written,
//! and may only name plain directories below what is.

use std::path::{Component, Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("{} leads outside {}, to {}", path.display(), root.display(), real.display())]
    Outside {
        path: PathBuf,
        root: PathBuf,
        real: PathBuf,
    },
    /// A link to nowhere: writing through it would create its target.
    #[error("{} is a symbolic link to {}, which does not exist", path.display(), target.display())]
    Dangling { path: PathBuf, target: PathBuf },
    #[error("cannot resolve {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl PathError {
    pub const HINT: &str = "exo writes and deletes only inside the application's directory; a symbolic link is followed to where it leads, and `..` is not allowed";
}

/// `path` resolved, if it stays inside `root`; an error naming where it
/// leads otherwise.
pub fn inside(root: &Path, path: &Path) -> Result<PathBuf, PathError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PathError::Io { path, source }
    };
    let real_root = root.canonicalize().map_err(io(root))?;
    let mut existing = path.to_path_buf();
    let mut missing = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        let Some(name) = existing.file_name() else {
            break;
        };
        missing.push(name.to_owned());
        existing.pop();
    }
    let outside = |real: PathBuf| PathError::Outside {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
        real,
    };
    let mut real = existing.canonicalize().map_err(|_| {
        if existing.is_symlink() {
            dangling(&existing)
        } else {
            outside(existing.clone())
        }
    })?;
    for name in missing.iter().rev() {
        real.push(name);
    }
    let plain = path
        .components()
        .all(|c| !matches!(c, Component::ParentDir));
    if plain && real.starts_with(&real_root) {
        Ok(real)
    } else {
        Err(outside(real))
    }
}

/// The error for a path that exists but does not resolve: a link whose
/// target (or a link on the way to it) does not exist.
fn dangling(link: &Path) -> PathError {
    let target = std::fs::read_link(link).map_or_else(
        |_| link.to_path_buf(),
        |target| link.parent().unwrap_or(link).join(target),
    );
    PathError::Dangling {
        path: link.to_path_buf(),
        target,
    }
}

impl crate::core::exit::Exit for PathError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            PathError::Outside { .. } | PathError::Dangling { .. } => {
                crate::core::exit::ExitStatus::Usage
            }
            PathError::Io { .. } => crate::core::exit::ExitStatus::Io,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn paths_inside_are_resolved() {
        let app = tempfile::tempdir().unwrap();
        std::fs::create_dir(app.path().join("a")).unwrap();
        symlink(app.path().join("a"), app.path().join("link")).unwrap();
        let real = inside(app.path(), &app.path().join("link/new/deeper")).unwrap();
        assert!(real.ends_with("a/new/deeper"), "{}", real.display());
        assert!(inside(app.path(), app.path()).is_ok());
    }

    #[test]
    fn links_and_dot_dots_that_leave_are_refused() {
        let outer = tempfile::tempdir().unwrap();
        let app = outer.path().join("app");
        std::fs::create_dir(&app).unwrap();
        std::fs::create_dir(outer.path().join("elsewhere")).unwrap();
        symlink(outer.path().join("elsewhere"), app.join("link")).unwrap();
        symlink(outer.path().join("nothing"), app.join("dangling")).unwrap();
        for path in ["link/web", "link", "../x", "a/../../x"] {
            let err = inside(&app, &app.join(path)).unwrap_err();
            assert!(matches!(err, PathError::Outside { .. }), "{path}: {err}");
        }
        let err = inside(&app, &app.join("dangling/file")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} is a symbolic link to {}, which does not exist",
                app.join("dangling").display(),
                outer.path().join("nothing").display()
            )
        );
    }
}
