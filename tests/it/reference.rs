//! The references made from the code (the book's command and key pages,
//! the man pages) are committed under `docs/` as the code makes them now,
//! and `exo man DIR` writes the same man pages. `EXO_BLESS=1` rewrites the
//! committed copies instead of failing.

use crate::common::{exo, root};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn blessing() -> bool {
    std::env::var_os("EXO_BLESS").is_some_and(|value| !value.is_empty())
}

/// The files of `dir` (relative to the repository) that are not `expected`.
fn leftovers(dir: &str, expected: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
        return Vec::new();
    };
    entries
        .map(|entry| PathBuf::from(dir).join(entry.expect("a directory entry").file_name()))
        .filter(|path| !expected.contains(path))
        .collect()
}

#[test]
fn the_committed_references_are_current() {
    let files = exo::interface::reference::all();
    let expected: BTreeSet<PathBuf> = files.iter().map(|file| file.path.clone()).collect();
    let mut stale = Vec::new();
    for file in &files {
        let path = root().join(&file.path);
        if std::fs::read(&path).is_ok_and(|committed| committed == file.contents) {
            continue;
        }
        if blessing() {
            std::fs::create_dir_all(path.parent().expect("a parent")).unwrap();
            std::fs::write(&path, &file.contents).unwrap();
        } else {
            stale.push(file.path.clone());
        }
    }
    for dir in [
        exo::interface::reference::BOOK_REFERENCE_DIR,
        exo::interface::reference::MAN_DIR,
    ] {
        for extra in leftovers(dir, &expected) {
            if blessing() {
                std::fs::remove_file(root().join(&extra)).unwrap();
            } else {
                stale.push(extra);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated references: {stale:?}\n\
         run `EXO_BLESS=1 cargo test --test it reference` and commit the result"
    );
}

#[test]
fn exo_man_writes_the_committed_man_pages() {
    let dir = tempfile::tempdir().unwrap();
    exo()
        .args(["man"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicates::str::contains("man pages into"));
    for (name, contents) in exo::interface::reference::man_pages() {
        let written = std::fs::read(dir.path().join(&name)).unwrap();
        assert!(
            written == contents,
            "{name} differs from the generated page"
        );
    }
}
