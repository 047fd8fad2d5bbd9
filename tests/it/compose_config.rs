//! Every generated Compose file is one that Compose v2 accepts: for each
//! application in `fixtures/` and each valid one of the Exosphere 0.37 corpus
//! (`tests/compat/exosphere-0.37/`; the two invalid ones do not load), `exo
//! generate` on a copy, then `docker compose -f <file> config -q` on each of
//! the three files. Compose needs no Docker daemon for this, only its binary
//! (see `crate::docker`); without Compose v2 the test is skipped, except in CI.

use crate::common::{compat_dir, exo, root, temp_copy};
use crate::docker::{compose, output_within, require_compose};
use exo::core::compose::Mode;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Far more than `config` needs (about 50 ms), in case the machine is busy.
const CONFIG_TIMEOUT: Duration = Duration::from_secs(60);

/// The value given to every `${NAME}` a generated file refers to (secrets).
const VARIABLE_VALUE: &str = "exo-test-value";

#[test]
fn every_generated_file_passes_compose_config() {
    let Some(prefix) = require_compose() else {
        return;
    };
    let apps = applications();
    let fixtures = apps
        .iter()
        .filter(|app| app.starts_with(root().join("fixtures")))
        .count();
    assert!(
        fixtures >= 4,
        "expected the four applications of fixtures/, found {fixtures}"
    );
    assert!(
        apps.len() - fixtures >= 28,
        "expected the 28 valid applications of the 0.37 corpus"
    );

    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .min(8);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(app) = apps.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let problems = check_application(&prefix, app);
                    failures
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend(problems);
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} generated files failed (`{} config -q`):\n\n{}",
        failures.len(),
        apps.len() * Mode::ALL.len(),
        prefix.join(" "),
        failures.join("\n\n")
    );
}

/// The applications to check, sorted: `fixtures/*`, then the corpus without
/// the applications whose expected result is an error.
pub fn applications() -> Vec<PathBuf> {
    let mut apps = Vec::new();
    for dir in [root().join("fixtures"), compat_dir()] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
            .map(|entry| entry.expect("read a directory entry").path())
            .filter(|path| path.join("application.yml").is_file())
            .filter(|path| !path.join("expected/error.txt").is_file())
            .collect();
        found.sort();
        apps.extend(found);
    }
    apps
}

/// The problems of one application: `exo generate` failing, or one message
/// per file that Compose rejects. Empty when all is well.
fn check_application(prefix: &[String], app: &Path) -> Vec<String> {
    let label = app
        .strip_prefix(root())
        .unwrap_or(app)
        .display()
        .to_string();
    let copy = temp_copy(app);
    let generated = exo()
        .arg("-C")
        .arg(copy.path())
        .arg("generate")
        .output()
        .expect("run exo generate");
    if !generated.status.success() {
        return vec![format!(
            "{label}: `exo generate` failed ({}):\n{}",
            generated.status,
            String::from_utf8_lossy(&generated.stderr)
        )];
    }
    let mut problems = Vec::new();
    for mode in Mode::ALL {
        let file = copy.path().join(mode.file_name());
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(err) => {
                problems.push(format!("{label}/{}: not written: {err}", mode.file_name()));
                continue;
            }
        };
        let mut command = compose(
            prefix,
            [
                "-f".as_ref(),
                file.as_os_str(),
                "config".as_ref(),
                "-q".as_ref(),
            ],
        );
        command.current_dir(copy.path());
        for name in referenced_variables(&text) {
            command.env(name, VARIABLE_VALUE);
        }
        match output_within(&mut command, CONFIG_TIMEOUT) {
            Ok(output) if output.status.success() => {}
            Ok(output) => problems.push(format!(
                "{label}/{} rejected ({}):\n{}\n--- the file ---\n{}",
                mode.file_name(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim_end(),
                numbered(&text)
            )),
            Err(err) => problems.push(format!("{label}/{}: {err}", mode.file_name())),
        }
    }
    problems
}

/// The names of `${NAME}` references in a file (exo writes secrets so, and
/// production passwords as `${NAME:?why}`), so that Compose finds them set
/// and does not warn.
pub fn referenced_variables(text: &str) -> BTreeSet<&str> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            (end > 0 && (rest[end..].starts_with('}') || rest[end..].starts_with(":?")))
                .then(|| &rest[..end])
        })
        .collect()
}

/// The file with line numbers, for locating what Compose names.
pub fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| format!("{:4} {line}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn finds_secret_references() {
    let text = "A: ${TOKEN}\nB: ${DB_PW}x${TOKEN}\nC: ${PW:?set PW}\nD: ${bad-name}\nE: ${";
    let names: Vec<&str> = referenced_variables(text).into_iter().collect();
    assert_eq!(names, ["DB_PW", "PW", "TOKEN"]);
}

/// Every `$` of the configuration reaches Compose as a `$`: in variables,
/// commands, paths and exo's own `x-exo` settings, none is read as a
/// variable of the host (Compose would warn, fill in the host's value or,
/// for `${X:?}`, refuse the file).
#[test]
fn dollar_signs_reach_compose_as_written() {
    let Some(prefix) = require_compose() else {
        return;
    };
    let app = tempfile::tempdir().expect("a temporary directory");
    let service = app.path().join("we$b");
    std::fs::create_dir(&service).expect("create the service directory");
    std::fs::write(
        app.path().join("application.yml"),
        "name: dollars\nlocal:\n  environment-variables:\n    SHARED: 'a $A ${B:?no}'\nservices:\n  web:\n    location: './we$b'\n",
    )
    .expect("write application.yml");
    std::fs::write(
        service.join("service.yml"),
        "type: private\ndevelopment:\n  port: 80\n  scripts: {run: 'echo $HOME'}\n  health-check: {http: '/h?$x=${y}'}\n  watch:\n    ignore: ['$ig']\n    rules: [{paths: ['${p:?no}/**'], action: restart}]\nlocal:\n  environment-variables: {OWN: '$OWN'}\n",
    )
    .expect("write service.yml");
    std::fs::write(service.join("Dockerfile"), "FROM exo-base/busybox:1\n").expect("Dockerfile");
    let config = compose_config_of(&prefix, app.path());
    // `config` prints values escaped again, so each `$` shows as `$$`.
    let printed = |value: &str| value.replace('$', "$$");
    let web = &config["services"]["web"];
    assert_eq!(web["environment"]["SHARED"], printed("a $A ${B:?no}"));
    assert_eq!(web["environment"]["OWN"], printed("$OWN"));
    assert_eq!(web["command"][1], printed("$HOME"));
    assert!(
        web["build"]["context"]
            .as_str()
            .is_some_and(|c| c.ends_with(&printed("/we$b"))),
        "{web}"
    );
}

/// A number or boolean given to a setting that takes text reaches Compose
/// as written: `00123` is not `123`, `1.50` not `1.5`, `True` not `true`.
#[test]
fn numbers_reach_compose_as_written() {
    let Some(prefix) = require_compose() else {
        return;
    };
    let app = tempfile::tempdir().expect("a temporary directory");
    let service = app.path().join("web");
    std::fs::create_dir(&service).expect("create the service directory");
    std::fs::write(
        app.path().join("application.yml"),
        "name: numbers\nservices:\n  web:\n    location: ./web\n",
    )
    .expect("write application.yml");
    let values = [
        ("ZIP", "00123"),
        ("RATIO", "1.50"),
        ("FLAG", "True"),
        ("MASK", "0x1F"),
        ("BIG", "12345678901234567890"),
        ("COUNT", "1_000"),
    ];
    let environment: String = values
        .iter()
        .map(|(name, value)| format!("    {name}: {value}\n"))
        .collect();
    std::fs::write(
        service.join("service.yml"),
        format!("type: worker\ndevelopment:\n  scripts: {{run: sleep 1}}\nlocal:\n  environment-variables:\n{environment}"),
    )
    .expect("write service.yml");
    std::fs::write(service.join("Dockerfile"), "FROM exo-base/busybox:1\n").expect("Dockerfile");
    let config = compose_config_of(&prefix, app.path());
    for (name, value) in values {
        assert_eq!(
            config["services"]["web"]["environment"][name], value,
            "{name}"
        );
    }
}

/// `exo generate` in `app`, then what `docker compose config` makes of the
/// development file, failing on any warning about unset variables.
fn compose_config_of(prefix: &[String], app: &std::path::Path) -> serde_json::Value {
    let (config, stderr) = config_in(prefix, app, Mode::Development, false);
    // `config` does not print a service's `x-exo`: a `$` left single there
    // shows as a warning, or as a refusal for `${p:?no}`.
    assert!(!stderr.contains("not set"), "{stderr}");
    config
}

/// `exo generate` in `app`, then `docker compose config --format json` of
/// `mode`'s file (with every `${NAME}` it refers to set, if `set`), and
/// what Compose said on stderr.
fn config_in(prefix: &[String], app: &Path, mode: Mode, set: bool) -> (serde_json::Value, String) {
    let generated = exo()
        .arg("-C")
        .arg(app)
        .arg("generate")
        .output()
        .expect("run exo generate");
    assert!(generated.status.success(), "{generated:?}");
    let file = app.join(mode.file_name());
    let text = std::fs::read_to_string(&file).expect("a generated file");
    let mut command = compose(
        prefix,
        [
            "-f".as_ref(),
            file.as_os_str(),
            "config".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
    );
    command.current_dir(app);
    if set {
        for name in referenced_variables(&text) {
            command.env(name, VARIABLE_VALUE);
        }
    }
    let output = output_within(&mut command, CONFIG_TIMEOUT).expect("run compose config");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}\n{}", numbered(&text));
    let config = serde_json::from_slice(&output.stdout).expect("compose config prints JSON");
    (config, stderr)
}

/// `mode`'s file of a copy of `source`, as `docker compose config` reads it.
fn generated_config(prefix: &[String], source: &Path, mode: Mode) -> serde_json::Value {
    let copy = temp_copy(source);
    config_in(prefix, copy.path(), mode, true).0
}

/// The `compose:` keys of tests/apps/features reach Compose as meant: in
/// every mode, with the mode's own over them, paths from the service's
/// directory, named volumes and networks declared, the default network
/// kept, and a dependency's command.
#[test]
fn compose_keys_reach_compose_in_each_mode() {
    let Some(prefix) = require_compose() else {
        return;
    };
    let features = root().join("tests/apps/features");
    let development = generated_config(&prefix, &features, Mode::Development);
    let web = &development["services"]["web"];
    assert_eq!(
        web["cap_add"],
        serde_json::json!(["NET_ADMIN", "SYS_PTRACE"])
    );
    assert_eq!(web["environment"]["GREETING"], "hello from env_file");
    assert_eq!(web["shm_size"], "67108864");
    assert_eq!(web["ulimits"]["nofile"]["hard"], 2048);
    assert_eq!(web["labels"]["team"], "payments");
    assert!(web["networks"].get("edge").is_some() && web["networks"].get("default").is_some());
    let targets: Vec<&str> = web["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .filter_map(|v| v["target"].as_str())
        .collect();
    assert_eq!(targets, ["/mnt", "/root/.cache", "/srv/static"]);
    let published: Vec<&str> = web["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .filter_map(|p| p["published"].as_str())
        .collect();
    assert_eq!(published, ["8080", "9229"]);
    let static_files = &web["volumes"][2];
    assert!(
        static_files["source"]
            .as_str()
            .is_some_and(|s| s.ends_with("/web/static")),
        "{static_files}"
    );
    assert!(development["volumes"].get("cache").is_some());
    assert!(development["networks"].get("edge").is_some());
    let cache = &development["services"]["cache"];
    assert_eq!(
        cache["command"],
        serde_json::json!(["redis-server", "--appendonly", "yes"])
    );
    let production = generated_config(&prefix, &features, Mode::Production);
    let web = &production["services"]["web"];
    assert_eq!(web["read_only"], true);
    assert_eq!(web["cap_add"], serde_json::json!(["NET_ADMIN"]));
    assert_eq!(web["ports"].as_array().map(Vec::len), Some(1));
    let test = generated_config(&prefix, &features, Mode::Test);
    assert_eq!(
        test["services"]["web"]["environment"]["GREETING"],
        "hello from env_file"
    );
    assert!(test["services"]["web"].get("read_only").is_none());
}
