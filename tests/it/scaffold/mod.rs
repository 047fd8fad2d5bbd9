//! `exo init`, `exo add` and `exo template` through the binary: what they
//! write, that the result still generates and Compose accepts it, that
//! every error leaves the application as it was, and that nothing is
//! written or deleted outside the application.

mod add;
mod exosphere;
mod init;
mod paths;
mod templates;

use crate::common::exo;
use crate::docker::{compose, output_within, require_compose};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A new application `demo` in a temporary directory.
pub fn new_app() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    exo()
        .current_dir(temp.path())
        .args(["init", "demo"])
        .assert()
        .success();
    temp
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Every file and directory under `dir`, relative, sorted.
pub fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(root).unwrap().to_path_buf());
            if path.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `exo generate`, then `docker compose config -q` on each generated file.
pub fn assert_generates_and_compose_accepts(dir: &Path) {
    exo().arg("-C").arg(dir).arg("generate").assert().success();
    let Some(prefix) = require_compose() else {
        return;
    };
    for file in ["run_development.yml", "run_production.yml", "test.yml"] {
        let path = dir.join("docker-compose").join(file);
        let mut config = compose(
            &prefix,
            [
                "-f".as_ref(),
                path.as_os_str(),
                "config".as_ref(),
                "-q".as_ref(),
            ],
        );
        let output = output_within(&mut config, Duration::from_secs(60)).unwrap();
        assert!(
            output.status.success(),
            "compose refuses {file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `exo init app` in `dir`.
pub fn init_app(dir: &Path) {
    exo()
        .arg("-C")
        .arg(dir)
        .args(["init", "app"])
        .assert()
        .success();
}

/// A git repository at `dir` with `files` committed.
pub fn git_repo(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "start",
        ],
    ] {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
}
