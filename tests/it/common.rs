//! Helpers shared by the integration tests.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The built `exo`, with colour off and no application from the environment.
pub fn exo() -> Command {
    let mut cmd = Command::cargo_bin("exo").expect("the exo binary is built");
    cmd.env("NO_COLOR", "1").env_remove("EXO_APP");
    cmd
}

/// The crate's root directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Exosphere 0.37's applications, next to this repository.
pub fn compat_dir() -> PathBuf {
    root().join("tests/compat/exosphere-0.37")
}

/// Copies a directory tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's directory");
    for entry in std::fs::read_dir(from).expect("read the directory") {
        let entry = entry.expect("read a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// A temporary copy of `dir`, removed when dropped.
pub fn temp_copy(dir: &Path) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("create a temporary directory");
    copy_dir(dir, temp.path());
    temp
}
