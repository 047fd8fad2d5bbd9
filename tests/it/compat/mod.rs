//! Compatibility with Exosphere 0.37, against the corpus in
//! `tests/compat/exosphere-0.37/`: every valid application loads, generates
//! the three Compose files, and they are equivalent to what 0.37 generated on
//! what a user relies on (services, images, builds, commands, ports, volumes,
//! environment, depends_on, restart). The deliberate differences are applied
//! to 0.37's files as the numbered normalisation steps below; anything else
//! is reported, all apps at once, naming app, file, service and field.
//!
//! `read` reduces a Compose file of either side, `normalise` applies the
//! deliberate differences, `compare` reports what is left.

mod compare;
mod normalise;
mod read;

use crate::common::{compat_dir, exo, temp_copy};
use compare::{check_application, check_edited_application};
use exo::core::compose::Mode;
use read::Side;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The corpus's applications, sorted, split into (valid, invalid): an invalid
/// one has `expected/error.txt` instead of Compose files.
fn corpus() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut apps: Vec<PathBuf> = std::fs::read_dir(compat_dir())
        .expect("read the corpus directory")
        .map(|entry| entry.expect("read a corpus entry").path())
        .filter(|path| path.is_dir())
        .collect();
    apps.sort();
    let (invalid, valid): (Vec<_>, Vec<_>) = apps
        .into_iter()
        .partition(|app| app.join("expected/error.txt").is_file());
    (valid, invalid)
}

fn app_name(app: &Path) -> String {
    app.file_name()
        .expect("an app directory has a name")
        .to_string_lossy()
        .into_owned()
}

/// `docker-compose/test.yml` → `test.yml`, the name under `expected/`.
fn base_name(mode: Mode) -> &'static str {
    mode.file_name().rsplit('/').next().expect("a file name")
}

/// exo's three files for `app`, generated in-process.
fn generate(app: &Path) -> Result<Vec<(Mode, String)>, String> {
    let model = exo::core::config::load(app).map_err(|err| load_error_text(&err))?;
    Ok(Mode::ALL
        .iter()
        .map(|&mode| {
            (
                mode,
                exo::core::compose::render(
                    &exo::core::compose::local(&model, mode).expect("a local deployment"),
                ),
            )
        })
        .collect())
}

/// Everything a user sees of a load error: the summary, and each problem's
/// message, label and help.
fn load_error_text(err: &exo::core::config::LoadError) -> String {
    let mut text = err.to_string();
    if let exo::core::config::LoadError::Invalid(problems) = err {
        for problem in problems {
            let _ = write!(text, "\n  {}", problem.headline());
            for extra in [&problem.label, &problem.help].into_iter().flatten() {
                let _ = write!(text, "\n    {extra}");
            }
        }
    }
    text
}

#[test]
fn the_corpus_is_complete() {
    let (valid, invalid) = corpus();
    assert_eq!(valid.len(), 28, "valid applications: {valid:?}");
    let invalid: Vec<String> = invalid.iter().map(|app| app_name(app)).collect();
    assert_eq!(invalid, ["invalid-app-name", "invalid-app-service"]);
    for app in &valid {
        for mode in Mode::ALL {
            let path = app.join("expected").join(base_name(mode));
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
}

#[test]
fn generated_files_are_equivalent_to_0_37() {
    let (valid, _) = corpus();
    let mismatches: Vec<String> = valid
        .iter()
        .flat_map(|app| check_application(app))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} difference(s) from Exosphere 0.37 that are not deliberate:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The pieces of 0.37's message that must reappear in exo's: every
/// single-quoted name (`'invalid app'`, `'services.invalid-service!'`), the
/// word "invalid" and the regular expression.
fn essence(error: &str) -> Vec<String> {
    let mut pieces: Vec<String> = error
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    pieces.push("invalid".to_owned());
    let regex = error
        .split("regex: ")
        .nth(1)
        .expect("error.txt names the regex")
        .trim();
    pieces.push(regex.to_owned());
    pieces
}

#[test]
fn invalid_applications_are_rejected_like_0_37() {
    let (_, invalid) = corpus();
    let mut mismatches = Vec::new();
    for app in &invalid {
        let name = app_name(app);
        let error =
            std::fs::read_to_string(app.join("expected/error.txt")).expect("read error.txt");
        let pieces = essence(&error);

        match exo::core::config::load(app) {
            Ok(_) => mismatches.push(format!(
                "{name}: loads, but 0.37 rejected it with: {}",
                error.trim()
            )),
            Err(err) => {
                let text = load_error_text(&err);
                for piece in pieces.iter().filter(|piece| !text.contains(piece.as_str())) {
                    mismatches.push(format!("{name}: load error lacks `{piece}`:\n{text}"));
                }
            }
        }

        // The command line says the same, and writes nothing.
        let copy = temp_copy(app);
        let output = exo()
            .arg("-C")
            .arg(copy.path())
            .arg("generate")
            .output()
            .expect("run exo");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.success() {
            mismatches.push(format!("{name}: `exo generate` succeeds"));
        }
        for piece in pieces
            .iter()
            .filter(|piece| !stderr.contains(piece.as_str()))
        {
            mismatches.push(format!(
                "{name}: `exo generate` error lacks `{piece}`:\n{stderr}"
            ));
        }
        if copy.path().join("docker-compose").exists() {
            mismatches.push(format!(
                "{name}: `exo generate` wrote docker-compose/ although it failed"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The generated files' bytes, in `Mode::ALL` order.
fn generated_bytes(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let output = exo()
        .arg("-C")
        .arg(dir)
        .arg("generate")
        .output()
        .expect("run exo");
    if !output.status.success() {
        return Err(format!(
            "`exo generate` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Mode::ALL
        .iter()
        .map(|mode| {
            let path = dir.join(mode.file_name());
            std::fs::read(&path)
                .map(|bytes| (mode.file_name().to_owned(), bytes))
                .map_err(|err| format!("cannot read {}: {err}", path.display()))
        })
        .collect()
}

#[test]
fn generation_is_deterministic() {
    let (valid, _) = corpus();
    let mut mismatches = Vec::new();
    for app in &valid {
        let name = app_name(app);
        let (first_copy, second_copy) = (temp_copy(app), temp_copy(app));
        let runs = [
            ("first copy, first run", generated_bytes(first_copy.path())),
            ("first copy, second run", generated_bytes(first_copy.path())),
            ("second copy", generated_bytes(second_copy.path())),
        ];
        let in_process: Vec<(String, Vec<u8>)> = match generate(app) {
            Ok(files) => files
                .into_iter()
                .map(|(mode, text)| (mode.file_name().to_owned(), text.into_bytes()))
                .collect(),
            Err(err) => {
                mismatches.push(format!("{name}: does not load: {err}"));
                continue;
            }
        };
        for (label, run) in runs {
            match run {
                Ok(files) if files == in_process => {}
                Ok(files) => {
                    for ((file, got), (_, want)) in files.iter().zip(&in_process) {
                        if got != want {
                            mismatches.push(format!(
                                "{name}/{file}: {label} differs from the in-process output of the corpus directory"
                            ));
                        }
                    }
                }
                Err(err) => mismatches.push(format!("{name}: {label}: {err}")),
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The comparison is not vacuous: each change to `space-tweet`'s
/// run_development.yml, 0.37's (in a copy of the app) or exo's (as generated),
/// is reported, naming the service and field.
#[test]
fn the_comparison_catches_differences() {
    use Side::{Exo, Exosphere};
    let app = compat_dir().join("space-tweet");
    let mutations: [(Side, &str, &str, &str); 18] = [
        (
            Exosphere,
            "command: lsc app",
            "command: lsc app2",
            "`space-tweet-web-service`: command",
        ),
        (
            Exosphere,
            "- 3000:3000",
            "- 3001:3000",
            "`space-tweet-web-service`: ports",
        ),
        (
            Exosphere,
            "context: ${APP_PATH}/web-server",
            "context: ${APP_PATH}/web",
            "`space-tweet-web-service`: build.context",
        ),
        (
            Exosphere,
            "- ${APP_PATH}/web-server:/mnt",
            "- ${APP_PATH}/web-server:/app",
            "`space-tweet-web-service`: volumes",
        ),
        (
            Exosphere,
            "image: mongo:3.4.0",
            "image: mongo:3.6",
            "`mongo`: image",
        ),
        // Not a catalog default: an extra variable on exo's side is reported.
        (
            Exosphere,
            "      DB_NAME: test-db\n",
            "",
            "`mongo`: environment.DB_NAME: 0.37 <absent>",
        ),
        (
            Exosphere,
            "      ROLE: storage-service\n",
            "      ROLE: storage-service\n      EXTRA: x\n",
            "`storage-service`: environment.EXTRA",
        ),
        (
            Exosphere,
            "'{\"space-tweet-web-service\":{},\"storage-service\":{}}'",
            "'{\"storage-service\":{}}'",
            "`mongo`: environment.SERVICE_DATA",
        ),
        (
            Exosphere,
            "    - mongo\n",
            "",
            "`space-tweet-web-service`: depends_on",
        ),
        (
            Exosphere,
            "  mongo__data_db: null",
            "  mongo_data: null",
            "top-level volumes",
        ),
        (
            Exosphere,
            "    image: mongo:3.4.0\n",
            "    image: mongo:3.4.0\n    container_name: x\n",
            "key `container_name`",
        ),
        (
            Exosphere,
            "  storage-service:\n",
            "  storage:\n",
            "service `storage`: 0.37 has it, exo does not",
        ),
        // Exo's deliberate additions accept only the expected values.
        (
            Exo,
            "image: ${COMPOSE_PROJECT_NAME:-spacetweet}-storage-service:development",
            "image: ${COMPOSE_PROJECT_NAME:-spacetweet}-storage:development",
            "`storage-service`: image",
        ),
        (
            Exo,
            "name: spacetweet\n",
            "name: space-tweet\n",
            "top-level name",
        ),
        (
            Exo,
            "init: true",
            "init: false",
            "`space-tweet-web-service`: init",
        ),
        (
            Exo,
            "    image: mongo:3.4.0\n",
            "    image: mongo:3.4.0\n    init: true\n",
            "`mongo`: init",
        ),
        (
            Exo,
            "  SPACE_TWEET_WEB_SERVICE_EXTERNAL_ORIGIN: http://localhost:3000\n",
            "  SPACE_TWEET_WEB_SERVICE_EXTERNAL_ORIGIN: http://localhost:3001\n",
            "x-service-endpoints.SPACE_TWEET_WEB_SERVICE_EXTERNAL_ORIGIN",
        ),
        // A service's own endpoint variable overridden after the merge.
        (
            Exo,
            "      ROLE: space-tweet-web-service\n",
            "      ROLE: space-tweet-web-service\n      SPACE_TWEET_WEB_SERVICE_INTERNAL_ORIGIN: http://web:3000\n",
            "`space-tweet-web-service`: environment.SPACE_TWEET_WEB_SERVICE_INTERNAL_ORIGIN",
        ),
    ];
    let mut missed = Vec::new();
    for (side, from, to, wanted) in mutations {
        let copy = temp_copy(&app);
        let mutate = |text: String| {
            assert!(
                text.contains(from),
                "space-tweet's run_development.yml ({}) has no `{from}`",
                side.label()
            );
            text.replacen(from, to, 1)
        };
        let mismatches = match side {
            Exosphere => {
                let path = copy.path().join("expected/run_development.yml");
                let text = std::fs::read_to_string(&path).expect("read the copy");
                std::fs::write(&path, mutate(text)).expect("write the copy");
                check_application(copy.path())
            }
            Exo => check_edited_application(copy.path(), |file, text| {
                if file == "run_development.yml" {
                    mutate(text)
                } else {
                    text
                }
            }),
        };
        if !mismatches
            .iter()
            .any(|m| m.contains("run_development.yml") && m.contains(wanted))
        {
            missed.push(format!(
                "{}: `{from}` → `{to}`: wanted `{wanted}`, got {mismatches:#?}",
                side.label()
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}
