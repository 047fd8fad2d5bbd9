//! References made from the code, so that they cannot drift from it: the
//! command reference and man pages from the clap definitions in
//! [`crate::interface::cli`], the key references of application.yml and service.yml
//! from the JSON Schemas of [`crate::core::schema`] (the same doc comments an
//! editor shows). Copies are committed under `docs/`; a test fails when
//! they are stale (`EXO_BLESS=1 cargo test --test it reference` rewrites
//! them).

mod commands;
mod keys;
mod man;
mod markdown;

use std::path::{Path, PathBuf};

pub use man::man_pages;

/// Where the book keeps the generated pages, relative to the repository.
pub const BOOK_REFERENCE_DIR: &str = "docs/src/reference/generated";

/// Where the man pages are committed, relative to the repository.
pub const MAN_DIR: &str = "docs/man";

/// One generated file: its path relative to the repository, and its bytes.
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: Vec<u8>,
}

/// Every generated reference file, as committed in the repository.
pub fn all() -> Vec<GeneratedFile> {
    let book = Path::new(BOOK_REFERENCE_DIR);
    let mut files = vec![
        GeneratedFile {
            path: book.join("commands.md"),
            contents: commands::markdown().into_bytes(),
        },
        GeneratedFile {
            path: book.join("application-yml.md"),
            contents: keys::application_markdown().into_bytes(),
        },
        GeneratedFile {
            path: book.join("service-yml.md"),
            contents: keys::service_markdown().into_bytes(),
        },
    ];
    files.extend(
        man_pages()
            .into_iter()
            .map(|(name, contents)| GeneratedFile {
                path: Path::new(MAN_DIR).join(name),
                contents,
            }),
    );
    files
}

/// Writes the man pages into `dir` (created if missing); returns their
/// paths. Files that are already current are left untouched.
pub fn write_man_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    man_pages()
        .into_iter()
        .map(|(name, contents)| {
            let path = dir.join(name);
            let current = std::fs::read(&path).is_ok_and(|old| old == contents);
            if !current {
                std::fs::write(&path, contents)?;
            }
            Ok(path)
        })
        .collect()
}
