//! The corpus of invalid applications in `tests/errors/`: each directory is
//! an application that is wrong in one way (its `README` says how). `exo
//! check` must reject every one with exit code 2 and a diagnostic that points
//! into the file; the diagnostics are snapshots in `snapshots/errors/`.

use crate::common;
use std::path::{Path, PathBuf};

/// At least this many cases, so that a lost directory is noticed.
const MIN_CASES: usize = 45;

fn corpus() -> PathBuf {
    common::root().join("tests/errors")
}

fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("read tests/errors")
        .map(|entry| entry.expect("read a directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn case_name(dir: &Path) -> String {
    dir.file_name()
        .expect("a case has a name")
        .to_string_lossy()
        .into_owned()
}

/// Runs `exo -C <case> check`; returns a description of what is wrong with
/// the outcome, if anything, after checking the snapshot of stderr.
fn check_case(dir: &Path) -> Result<(), String> {
    let name = case_name(dir);
    let readme = std::fs::read_to_string(dir.join("README"))
        .map_err(|err| format!("{name}: no README saying what is wrong ({err})"))?;
    if readme.trim().is_empty() || readme.trim().lines().count() != 1 {
        return Err(format!("{name}: README must be one line"));
    }
    let output = run_check(dir);
    let stderr =
        String::from_utf8(output.stderr).map_err(|_| format!("{name}: stderr is not UTF-8"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Err(format!("{name}: exo panicked:\n{stderr}"));
    }
    if output.status.code() != Some(2) {
        return Err(format!(
            "{name}: expected exit code 2, got {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            output.status.code()
        ));
    }
    if !stdout.is_empty() {
        return Err(format!(
            "{name}: a configuration error must print nothing on stdout, got:\n{stdout}"
        ));
    }
    if !stderr.contains("error: the application's configuration has") {
        return Err(format!("{name}: no summary line in stderr:\n{stderr}"));
    }
    let absolute = dir.display().to_string();
    if stderr.contains(&absolute) {
        return Err(format!(
            "{name}: the absolute path of the case appears in stderr; paths must be relative:\n{stderr}"
        ));
    }
    let snapshot = std::panic::catch_unwind(|| {
        insta::with_settings!({
            snapshot_path => "snapshots/errors",
            prepend_module_to_snapshot => false,
            description => readme.trim(),
            omit_expression => true,
            filters => vec![(regex_escape(&absolute).as_str(), "[CASE]")],
        }, {
            insta::assert_snapshot!(name.as_str(), stderr);
        });
    });
    snapshot
        .map_err(|_| format!("{name}: the diagnostics differ from snapshots/errors/{name}.snap"))
}

/// `exo -C <dir> check`.
fn run_check(dir: &Path) -> std::process::Output {
    common::exo()
        .arg("-C")
        .arg(dir)
        .arg("check")
        .output()
        .expect("run exo")
}

fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[test]
fn every_invalid_application_is_rejected_with_a_located_diagnostic() {
    let dirs = case_dirs();
    assert!(
        dirs.len() >= MIN_CASES,
        "expected at least {MIN_CASES} cases in tests/errors, found {}",
        dirs.len()
    );
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|dir| check_case(dir).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

/// A snapshot whose case was renamed or removed would never be checked again.
#[test]
fn every_error_snapshot_has_its_case() {
    let names: Vec<String> = case_dirs().iter().map(|dir| case_name(dir)).collect();
    let snapshots = common::root().join("tests/it/snapshots/errors");
    let Ok(entries) = std::fs::read_dir(&snapshots) else {
        return;
    };
    let mut orphans = Vec::new();
    for entry in entries {
        let file = entry
            .expect("read a directory entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if let Some(stem) = file.strip_suffix(".snap")
            && !names.iter().any(|name| name == stem)
        {
            orphans.push(file);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a case in tests/errors: {orphans:?}"
    );
}

/// Runs `exo check` in `dir`; its stderr, after checking it is a
/// configuration error (exit 2).
fn check_fails(dir: &Path) -> String {
    let output = run_check(dir);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    stderr
}

/// A file over the limit is refused after reading the limit, not loaded.
#[test]
fn a_configuration_file_over_the_size_limit_is_refused() {
    let app = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(app.path().join("application.yml")).unwrap();
    file.set_len(exo::core::config::MAX_FILE_BYTES + 1).unwrap();
    let stderr = check_fails(app.path());
    assert!(
        stderr.contains("application.yml is larger than 8 MiB"),
        "{stderr}"
    );
}

/// A FIFO (or a device) named service.yml is never opened: reading it would
/// block or never end.
#[test]
fn a_service_yml_that_is_not_a_regular_file_is_refused() {
    let app = tempfile::tempdir().unwrap();
    std::fs::write(
        app.path().join("application.yml"),
        "name: shop\nservices:\n  web:\n    location: ./web\n",
    )
    .unwrap();
    std::fs::create_dir(app.path().join("web")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(app.path().join("web/service.yml"))
        .status()
        .expect("run mkfifo");
    assert!(status.success());
    let stderr = check_fails(app.path());
    assert!(
        stderr.contains("web/service.yml is not a regular file"),
        "{stderr}"
    );
}
