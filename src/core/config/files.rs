//! Reading one configuration file. Only a regular file inside its own
//! directory is read (a symbolic link to a file elsewhere, such as
//! `/proc/self/environ`, is refused), at most [`MAX_FILE_BYTES`] of it, and
//! it must be UTF-8. Each refusal is a [`Problem`] of that file, so that the
//! other files are still checked.

use super::LoadError;
use super::problem::{Problem, Site, SourceFile};
use super::yaml::Span;
use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;

/// The largest configuration file exo reads: 8 MiB, far beyond any real
/// application (16,000 services take about 1 MB), so that a runaway file
/// fails at once instead of filling the memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// What became of reading one file.
pub enum Read {
    /// Its text; with a problem if some bytes were not UTF-8 (they are
    /// replaced by U+FFFD, so that the rest of the file is still checked).
    Text(Arc<SourceFile>, Option<Problem>),
    /// Not read, for this reason.
    Refused(Problem),
}

/// The file `name` (relative to `dir`), or the problem that keeps it from
/// being read. `LoadError::Read` is for what no fix of the file explains
/// (permissions, I/O errors).
pub fn read(dir: &Path, name: &str) -> Result<Read, LoadError> {
    let path = dir.join(name);
    let io = |source| LoadError::Read {
        path: path.clone(),
        source,
    };
    // Only a link needs resolving: a plain file is in its directory.
    let own = path.symlink_metadata().map_err(io)?;
    let is_link = own.is_symlink();
    let real = if is_link {
        let Ok(real) = path.canonicalize() else {
            return Ok(Read::Refused(refused(
                name,
                "is a symbolic link to nothing",
                "replace the link by the file itself",
            )));
        };
        let home = path
            .parent()
            .unwrap_or(Path::new("."))
            .canonicalize()
            .map_err(io)?;
        if !real.starts_with(&home) {
            return Ok(Read::Refused(refused(
                name,
                "is a symbolic link to a file outside its directory",
                "replace the link by the file itself",
            )));
        }
        real
    } else {
        path.clone()
    };
    let meta = if is_link {
        std::fs::metadata(&real).map_err(io)?
    } else {
        own
    };
    if !meta.is_file() {
        return Ok(Read::Refused(refused(
            name,
            "is not a regular file",
            "a configuration file is an ordinary file of YAML text",
        )));
    }
    // Sized from the metadata, the file is read in one call and a last
    // one that finds its end (a large application reads thousands).
    let expected = meta.len().min(MAX_FILE_BYTES) as usize + 1;
    let mut bytes = Vec::with_capacity(expected);
    std::fs::File::open(&real)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(Read::Refused(refused(
            name,
            &format!("is larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
            "exo reads configuration files of at most 8 MiB; move large values out of the configuration",
        )));
    }
    let file_dir = path.parent().map(Path::to_path_buf);
    Ok(decode(name, bytes, file_dir))
}

fn refused(name: &str, what: &str, help: &str) -> Problem {
    Problem::general(format!("{name} {what}")).help(help.to_owned())
}

/// The text of a file; a byte order mark is no character of it, so columns
/// start after it. Bytes that are not UTF-8 are a problem at the first one.
fn decode(name: &str, mut bytes: Vec<u8>, dir: Option<std::path::PathBuf>) -> Read {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Read::Text(
            Arc::new(SourceFile {
                name: name.to_owned(),
                text,
                dir,
            }),
            None,
        ),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let byte = err.as_bytes()[offset];
            let utf16 =
                err.as_bytes().starts_with(b"\xff\xfe") || err.as_bytes().starts_with(b"\xfe\xff");
            let file = Arc::new(SourceFile {
                name: name.to_owned(),
                text: String::from_utf8_lossy(err.as_bytes()).into_owned(),
                dir,
            });
            // The text before the byte is the same in the lossy copy, where
            // the byte became U+FFFD (three bytes).
            let site = Site::new(&file, Span { offset, len: 3 });
            let help = if utf16 {
                "the file starts like UTF-16; save it as UTF-8".to_owned()
            } else {
                format!(
                    "byte 0x{byte:02x} is not UTF-8 (Latin-1 or Windows-1252 text?); save the file as UTF-8"
                )
            };
            let problem = Problem::at(site, format!("{name} is not UTF-8 text"))
                .label("not UTF-8")
                .help(help);
            Read::Text(file, Some(problem))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_of(bytes: &[u8]) -> Problem {
        match decode("application.yml", bytes.to_vec(), None) {
            Read::Text(_, Some(problem)) => problem,
            _ => panic!("not UTF-8"),
        }
    }

    fn refusal(dir: &Path, name: &str) -> Problem {
        match read(dir, name).unwrap() {
            Read::Refused(problem) => problem,
            Read::Text(..) => panic!("{name} was read"),
        }
    }

    #[test]
    fn the_first_bad_byte_is_pointed_at() {
        let problem = problem_of(b"name: shop\nlocal:\n  x: caf\xe9\n");
        let site = problem.site.expect("a site");
        assert_eq!(site.line_column(), (3, 9));
        assert!(problem.help.unwrap().contains("0xe9"));
    }

    #[test]
    fn utf16_is_named() {
        let problem = problem_of(b"\xff\xfen\x00a\x00");
        assert_eq!(problem.site.expect("a site").line_column(), (1, 1));
        assert!(problem.help.unwrap().contains("UTF-16"));
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let Read::Text(file, None) = decode("a.yml", b"\xef\xbb\xbfname: x\n".to_vec(), None)
        else {
            panic!("not read");
        };
        assert_eq!(file.text, "name: x\n");
    }

    #[test]
    fn links_out_of_the_directory_and_special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("application.yml"))
            .unwrap();
        let problem = refusal(dir.path(), "application.yml");
        assert!(
            problem.message.contains("outside its directory"),
            "{problem}"
        );
        std::fs::create_dir(dir.path().join("svc")).unwrap();
        std::fs::create_dir(dir.path().join("svc/service.yml")).unwrap();
        let problem = refusal(dir.path(), "svc/service.yml");
        assert!(problem.message.contains("not a regular file"), "{problem}");
    }

    #[test]
    fn large_files_are_refused_after_reading_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = std::fs::File::create(dir.path().join("application.yml")).unwrap();
        file.set_len(MAX_FILE_BYTES + 10).unwrap();
        let problem = refusal(dir.path(), "application.yml");
        assert!(problem.message.contains("larger than 8 MiB"), "{problem}");
    }
}
