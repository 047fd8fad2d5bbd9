//! `shared-directories`, as Exosphere 0.37 had them: before the services
//! are built, each listed directory of the application is copied into the
//! directory of every service that has a `location`, as
//! `<location>/<name of the directory>`, so that each image (and, in
//! development, the `/mnt` mount) holds it. Files are replaced whole (0.37
//! left the tail of a longer old file); identical files are not rewritten,
//! so that nothing changes for the file watcher or the build cache. Both
//! ends follow the path rule ([`crate::adapters::paths`]); symbolic links in a
//! shared directory are refused.

use crate::adapters::paths::{PathError, inside};
use crate::core::model::{Application, ServiceSource};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    #[error(transparent)]
    Path(#[from] PathError),
    #[error(
        "the shared directory holds a symbolic link, {}; shared directories hold files and directories only",
        .0.display()
    )]
    Link(PathBuf),
    #[error("the shared directory {} does not exist", .0.display())]
    Missing(PathBuf),
    #[error("cannot copy {} to {}: {source}", from.display(), to.display())]
    Io {
        from: PathBuf,
        to: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Copies every shared directory into every service built from a
/// `location`; returns how many files were written.
pub fn copy_into_services(dir: &Path, app: &Application) -> Result<usize, SharedError> {
    let mut written = 0;
    for shared in &app.shared_directories {
        if !dir.join(shared).is_dir() {
            return Err(SharedError::Missing(PathBuf::from(shared)));
        }
        let from = inside(dir, &dir.join(shared))?;
        let Some(name) = from.file_name() else {
            continue;
        };
        for service in app.services.values() {
            let ServiceSource::Location(location) = &service.source else {
                continue;
            };
            let to = inside(dir, &dir.join(location).join(name))?;
            written += copy_tree(&from, &to)?;
        }
    }
    Ok(written)
}

fn copy_tree(from: &Path, to: &Path) -> Result<usize, SharedError> {
    let io = |source| SharedError::Io {
        from: from.to_path_buf(),
        to: to.to_path_buf(),
        source,
    };
    // A link where a directory goes would be written through.
    if is_link(to) {
        return Err(SharedError::Link(to.to_path_buf()));
    }
    std::fs::create_dir_all(to).map_err(io)?;
    let mut written = 0;
    for entry in std::fs::read_dir(from).map_err(io)? {
        let entry = entry.map_err(io)?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(io)?;
        if kind.is_symlink() {
            return Err(SharedError::Link(source));
        } else if kind.is_dir() {
            written += copy_tree(&source, &target)?;
        } else if !same_content(&source, &target) {
            if is_link(&target) {
                return Err(SharedError::Link(target));
            }
            std::fs::copy(&source, &target).map_err(|source_err| SharedError::Io {
                from: source.clone(),
                to: target.clone(),
                source: source_err,
            })?;
            written += 1;
        }
    }
    Ok(written)
}

fn is_link(path: &Path) -> bool {
    path.symlink_metadata().is_ok_and(|m| m.is_symlink())
}

fn same_content(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => std::fs::read(a).ok() == std::fs::read(b).ok(),
        _ => false,
    }
}

impl crate::core::exit::Exit for SharedError {
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        use crate::core::exit::ExitStatus;
        match self {
            SharedError::Path(err) => err.exit_status(),
            SharedError::Link(_) | SharedError::Missing(_) => ExitStatus::Usage,
            SharedError::Io { .. } => ExitStatus::Io,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(dir: &Path, shared: &str) -> Application {
        std::fs::write(
            dir.join("application.yml"),
            format!(
                "name: shop\nservices:\n  web: {{location: ./web}}\n  mailer: {{docker-image: acme/mailer:1}}\nshared-directories: [{shared}]\n"
            ),
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("web")).unwrap();
        std::fs::write(dir.join("web/service.yml"), "type: worker\n").unwrap();
        crate::core::config::load(dir).unwrap()
    }

    #[test]
    fn shared_files_are_copied_into_each_service_once() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        std::fs::create_dir_all(dir.join("lib/shared/deep")).unwrap();
        std::fs::write(dir.join("lib/shared/deep/a.txt"), "shared content\n").unwrap();
        std::fs::create_dir_all(dir.join("web/shared")).unwrap();
        std::fs::write(dir.join("web/shared/deep.txt"), "a longer old file\n").unwrap();
        let app = app(dir, "lib/shared");
        assert_eq!(copy_into_services(dir, &app).unwrap(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.join("web/shared/deep/a.txt")).unwrap(),
            "shared content\n"
        );
        assert_eq!(copy_into_services(dir, &app).unwrap(), 0, "nothing changed");
        std::fs::write(dir.join("lib/shared/deep/a.txt"), "new\n").unwrap();
        assert_eq!(copy_into_services(dir, &app).unwrap(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.join("web/shared/deep/a.txt")).unwrap(),
            "new\n"
        );
    }

    #[test]
    fn links_are_refused() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        std::fs::create_dir_all(dir.join("shared")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("shared/passwd")).unwrap();
        let app = app(dir, "shared");
        let err = copy_into_services(dir, &app).unwrap_err();
        assert!(matches!(err, SharedError::Link(_)), "{err}");
        assert!(!dir.join("web/shared/passwd").exists());
    }

    #[test]
    fn a_link_in_the_service_where_a_shared_directory_goes_is_not_written_through() {
        let temp = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let dir = temp.path();
        std::fs::create_dir_all(dir.join("shared/deep")).unwrap();
        std::fs::write(dir.join("shared/deep/a.txt"), "shared\n").unwrap();
        std::fs::create_dir_all(dir.join("web/shared")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.join("web/shared/deep")).unwrap();
        let app = app(dir, "shared");
        let err = copy_into_services(dir, &app).unwrap_err();
        assert!(matches!(err, SharedError::Link(_)), "{err}");
        assert!(!elsewhere.path().join("a.txt").exists());
    }
}
