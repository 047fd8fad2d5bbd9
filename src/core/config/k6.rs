//! A scenario with `runner: k6`: the user's k6 script says the load (its
//! executors, rates and durations, its thresholds); exo's own load keys
//! are refused beside it, and the script must be a file next to the file
//! that names it.

use super::normalize_location;
use super::problem::{Problem, Problems};
use super::reader::{Fields, Located, Reader};
use super::yaml::{Node, Value};
use std::path::Path;

/// The keys of exo's own generator, which a k6 script replaces.
pub const OPEN_LOAD_KEYS: [&str; 6] = [
    "request",
    "rate",
    "duration",
    "warm-up",
    "timeout",
    "connections",
];

/// `script` of a `runner: k6` scenario at `path`, after refusing the keys
/// of exo's generator that stand beside it.
pub fn read_k6_script(
    reader: &mut Reader,
    item: &Node,
    fields: &Fields,
    path: &str,
) -> Option<Located<String>> {
    for key in OPEN_LOAD_KEYS {
        if let Some(node) = fields.key(key) {
            reader.report(
                Problem::at(
                    reader.site(node),
                    format!("`{path}.{key}` does not go with `runner: k6`"),
                )
                .label("not for a k6 scenario")
                .help(format!(
                    "the k6 script's `options` say the load; remove `{key}`, or drop `runner: k6` to use exo's generator"
                )),
            );
        }
    }
    let script = fields.get("script");
    if script.is_none() && !fields.is_misspelt("script") && matches!(item.value, Value::Map(_)) {
        reader.report(
            Problem::at(reader.site(item), format!("`{path}` has no `script`"))
                .label("`script` is missing")
                .help("`runner: k6` runs a k6 script: write e.g. `script: perf/checkout.js`"),
        );
    }
    script.and_then(|n| reader.location(n, &format!("{path}.script")))
}

/// `script` set without `runner: k6`.
pub fn refuse_script(reader: &mut Reader, fields: &Fields, path: &str) {
    if let Some(node) = fields.key("script") {
        reader.report(
            Problem::at(
                reader.site(node),
                format!("`{path}.script` needs `runner: k6`"),
            )
            .label("a k6 script without `runner: k6`")
            .help("add `runner: k6` to run it with k6, or remove `script`"),
        );
    }
}

/// Each k6 script is a file, relative to `dir` (the directory of the file
/// that names it).
pub fn check_scripts(dir: &Path, scripts: &[Located<String>], problems: &mut Problems) {
    for script in scripts {
        let relative = normalize_location(&script.value);
        let (message, label) = if Path::new(&script.value).is_absolute() {
            (
                format!(
                    "`script` must be relative to the directory of {}, found \"{}\"",
                    script.site.file.name, script.value
                ),
                "absolute path",
            )
        } else if !dir.join(&relative).is_file() {
            (
                format!("the k6 script `{relative}` does not exist"),
                "no such file",
            )
        } else {
            continue;
        };
        problems.push(
            Problem::at(script.site.clone(), message)
                .label(label)
                .help(format!(
                    "the path is relative to the directory of {}",
                    script.site.file.name
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::core::config::{LoadError, load};
    use crate::core::model::performance::Runner;

    /// An application whose `web` has `scenario` (YAML of one list item),
    /// with web/perf/checkout.js and perf/journey.js on disk.
    fn application(scenario: &str, journeys: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("application.yml"),
            format!("name: shop\nservices:\n  web:\n    location: ./web\n{journeys}"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("web/perf")).unwrap();
        std::fs::create_dir_all(dir.path().join("perf")).unwrap();
        std::fs::write(dir.path().join("web/perf/checkout.js"), "").unwrap();
        std::fs::write(dir.path().join("perf/journey.js"), "").unwrap();
        std::fs::write(
            dir.path().join("web/service.yml"),
            format!("type: private\nperformance:\n  scenarios:\n    - {scenario}\n"),
        )
        .unwrap();
        dir
    }

    fn messages(dir: &tempfile::TempDir) -> Vec<String> {
        match load(dir.path()) {
            Err(LoadError::Invalid(problems)) => problems
                .iter()
                .map(|p| {
                    let (line, column) = p.site.as_ref().unwrap().line_column();
                    format!(
                        "{}:{line}:{column}: {}",
                        p.site.as_ref().unwrap().file.name,
                        p.message
                    )
                })
                .collect(),
            other => panic!("expected problems, got {:?}", other.map(|a| a.name)),
        }
    }

    #[test]
    fn a_k6_scenario_names_its_script_relative_to_its_file() {
        let dir = application(
            "{name: checkout, runner: k6, script: perf/checkout.js, budgets: {latency: p95 < 1s}}",
            "performance:\n  scenarios:\n    - {name: journey, runner: k6, script: ./perf/journey.js}\n",
        );
        let app = load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        let checkout = &app.services["web"].config.performance.scenarios[0];
        assert_eq!(
            checkout.runner,
            Runner::K6 {
                script: "perf/checkout.js".into()
            }
        );
        assert_eq!(checkout.budgets.len(), 1);
        assert_eq!(checkout.target(), None);
        let journey = &app.performance.scenarios[0];
        assert!(matches!(&journey.runner, Runner::K6 { script } if script == "./perf/journey.js"));
    }

    #[test]
    fn a_missing_script_and_the_keys_of_exo_s_generator_are_refused_with_their_place() {
        let dir = application(
            "{name: checkout, runner: k6, script: perf/chekout.js, rate: 5/s}",
            "performance:\n  scenarios:\n    - {name: journey, runner: k6, script: /perf/journey.js}\n",
        );
        assert_eq!(
            messages(&dir),
            [
                "application.yml:7:43: `script` must be relative to the directory of application.yml, found \"/perf/journey.js\"",
                "web/service.yml:4:61: `performance.scenarios[0].rate` does not go with `runner: k6`",
                "web/service.yml:4:44: the k6 script `perf/chekout.js` does not exist",
            ]
        );
        let dir = application("{name: checkout, runner: k6}", "");
        assert_eq!(
            messages(&dir),
            ["web/service.yml:4:7: `performance.scenarios[0]` has no `script`"]
        );
        let dir = application(
            "{name: checkout, script: perf/checkout.js, request: {path: /}, rate: 1/s, duration: 1s}",
            "",
        );
        assert_eq!(
            messages(&dir),
            ["web/service.yml:4:24: `performance.scenarios[0].script` needs `runner: k6`"]
        );
    }
}
