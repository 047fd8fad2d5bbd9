//! Property tests: loading never panics, whatever the files hold, and an
//! application that loads compiles and renders in every mode.
//!
//! Three kinds of input: (a) arbitrary bytes and text as application.yml;
//! (b) YAML documents built from maps, lists and scalars whose keys come from
//! the real vocabulary, as application.yml and as a service.yml; (c) mostly
//! valid applications with random optional parts, which often load, so that
//! compiling and rendering see many shapes, and every target is checked to
//! agree with the others (`agreement`). `PROPTEST_CASES` raises the
//! number of cases for a longer local run.
//!
//! `documents` builds (b) and runs (a) and (b); `applications` runs (c).

mod applications;
mod documents;

use exo::core::compose::{self, Mode};
use exo::core::config::{self, LoadError, ProblemDiagnostic};
use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;

/// `cases` unless `PROPTEST_CASES` says otherwise; nothing written to disk.
pub(super) fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------
// Running one input

/// What one load gave, for the checks that need to know.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Loaded,
    Invalid,
    Unreadable,
}

/// Writes `files` into a fresh directory, loads it, and checks whatever came
/// out: problems point inside their file and render; an application compiles
/// and renders in every mode.
pub(super) fn load_files(files: &[(&str, &[u8])]) -> Outcome {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    for (path, bytes) in files {
        write(dir.path(), path, bytes);
    }
    load_dir(dir.path())
}

pub(super) fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a file has a directory"))
        .expect("create a directory");
    std::fs::write(path, bytes).expect("write a file");
}

pub(super) fn load_dir(dir: &Path) -> Outcome {
    match config::load(dir) {
        Ok(app) => {
            for mode in Mode::ALL {
                let file = compose::local(&app, mode).expect("a local deployment");
                let text = compose::render(&file);
                assert!(
                    text.starts_with(compose::HEADER),
                    "{} lacks the header",
                    mode.name()
                );
                // What exo writes must read back as YAML.
                config::yaml::parse(&text).unwrap_or_else(|err| {
                    panic!("the {} file is not YAML: {err:?}\n{text}", mode.name())
                });
            }
            // Every target agrees with every other and with its writers.
            if let Err(message) = super::agreement::check(&app) {
                panic!("the targets disagree: {message}");
            }
            Outcome::Loaded
        }
        Err(LoadError::Invalid(problems)) => {
            assert!(
                !problems.is_empty(),
                "an invalid application names at least one problem"
            );
            let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
            for problem in problems {
                if let Some(site) = &problem.site {
                    let text = &site.file.text;
                    let end = site.span.offset + site.span.len;
                    assert!(
                        end <= text.len()
                            && text.is_char_boundary(site.span.offset)
                            && text.is_char_boundary(end),
                        "span {:?} is not inside {} ({} bytes): {}",
                        site.span,
                        site.file.name,
                        text.len(),
                        problem.message
                    );
                    let (line, column) = site.line_column();
                    assert!(line >= 1 && column >= 1);
                }
                let _ = problem.headline();
                let mut rendered = String::new();
                handler
                    .render_report(&mut rendered, &ProblemDiagnostic::from(problem.clone()))
                    .unwrap_or_else(|err| panic!("cannot render {problem:?}: {err}"));
                // miette wraps long messages: only check that something came out.
                assert!(rendered.contains('×'), "nothing rendered for {problem:?}");
            }
            Outcome::Invalid
        }
        // Bytes that are not UTF-8.
        Err(LoadError::Read { .. }) => Outcome::Unreadable,
        Err(err @ LoadError::NotFound { .. }) => panic!("the directory has application.yml: {err}"),
    }
}
