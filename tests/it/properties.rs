//! Property tests: loading never panics, whatever the files hold, and an
//! application that loads compiles and renders in every mode.
//!
//! Three kinds of input: (a) arbitrary bytes and text as application.yml;
//! (b) YAML documents built from maps, lists and scalars whose keys come from
//! the real vocabulary, as application.yml and as a service.yml; (c) mostly
//! valid applications with random optional parts, which often load, so that
//! compiling and rendering see many shapes. `PROPTEST_CASES` raises the
//! number of cases for a longer local run.

use exo::compose::{self, Mode};
use exo::config::{self, LoadError, ProblemDiagnostic};
use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;

/// `cases` unless `PROPTEST_CASES` says otherwise; nothing written to disk.
fn config(cases: u32) -> Config {
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
enum Outcome {
    Loaded,
    Invalid,
    Unreadable,
}

/// Writes `files` into a fresh directory, loads it, and checks whatever came
/// out: problems point inside their file and render; an application compiles
/// and renders in every mode.
fn load_files(files: &[(&str, &[u8])]) -> Outcome {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    for (path, bytes) in files {
        write(dir.path(), path, bytes);
    }
    load_dir(dir.path())
}

fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a file has a directory"))
        .expect("create a directory");
    std::fs::write(path, bytes).expect("write a file");
}

fn load_dir(dir: &Path) -> Outcome {
    match config::load(dir) {
        Ok(app) => {
            for mode in Mode::ALL {
                let file = compose::compile(&app, mode);
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

// ---------------------------------------------------------------------------
// YAML-like documents

/// A YAML node; `flow` writes it as `{...}` or `[...]` instead of in blocks.
#[derive(Debug, Clone)]
enum Doc {
    Scalar(String),
    List(Vec<Doc>, bool),
    Map(Vec<(String, Doc)>, bool),
}

impl Doc {
    fn map(entries: Vec<(&str, Doc)>) -> Doc {
        Doc::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            false,
        )
    }

    fn text(text: &str) -> Doc {
        Doc::Scalar(text.to_owned())
    }

    fn list(items: &[&str]) -> Doc {
        Doc::List(items.iter().map(|i| Doc::text(i)).collect(), false)
    }

    /// The document as a YAML file.
    fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Doc::Map(entries, false) if !entries.is_empty() => write_entries(entries, 0, &mut out),
            Doc::List(items, false) if !items.is_empty() => write_items(items, 0, &mut out),
            other => {
                write_flow(other, &mut out);
                out.push('\n');
            }
        }
        out
    }
}

fn write_entries(entries: &[(String, Doc)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(key);
        out.push(':');
        write_value(value, indent + 2, out);
    }
}

fn write_items(items: &[Doc], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        write_value(item, indent + 2, out);
    }
}

/// A value after `key:` or `-`: on the same line, or the next lines indented.
fn write_value(value: &Doc, indent: usize, out: &mut String) {
    match value {
        Doc::Map(entries, false) if !entries.is_empty() => {
            out.push('\n');
            write_entries(entries, indent, out);
        }
        Doc::List(items, false) if !items.is_empty() => {
            out.push('\n');
            write_items(items, indent, out);
        }
        Doc::Scalar(text) if text.is_empty() => out.push('\n'),
        other => {
            out.push(' ');
            write_flow(other, out);
            out.push('\n');
        }
    }
}

fn write_flow(value: &Doc, out: &mut String) {
    match value {
        Doc::Scalar(text) => out.push_str(text),
        Doc::List(items, _) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(item, out);
            }
            out.push(']');
        }
        Doc::Map(entries, _) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push_str(": ");
                write_flow(value, out);
            }
            out.push('}');
        }
    }
}

/// Every key application.yml, service.yml, dependencies, health checks,
/// restart and watch know, and the roles and ids the scalars use.
const KEYS: &[&str] = &[
    "name",
    "description",
    "version",
    "author",
    "local",
    "remote",
    "services",
    "shared-directories",
    "tests",
    "dependencies",
    "environment-variables",
    "secrets",
    "location",
    "docker-image",
    "dependency-data",
    "repository",
    "type",
    "development",
    "production",
    "port",
    "host-port",
    "scripts",
    "run",
    "test",
    "health-check",
    "depends-on",
    "restart",
    "watch",
    "image",
    "persist",
    "http",
    "tcp",
    "command",
    "log",
    "interval",
    "timeout",
    "start-period",
    "start-interval",
    "retries",
    "on-crash",
    "initial-delay",
    "multiplier",
    "max-delay",
    "reset-after",
    "max-crashes",
    "window",
    "on-unhealthy",
    "with-dependencies",
    "paths",
    "ignore",
    "action",
    "rules",
    "debounce",
    "poll-interval",
    "cpu",
    "memory",
    "environments",
    "url",
    "region",
    "template-config",
    "web",
    "api",
    "db",
    "cache",
    "DB_URL",
    "x-extra",
];

/// Scalars that mean something somewhere, valid or nearly.
const SCALARS: &[&str] = &[
    "shop",
    "My App",
    "web",
    "api",
    "db",
    "cache",
    "./web",
    "./api",
    "web/",
    "../outside",
    "/abs",
    ".",
    "public",
    "private",
    "worker",
    "pubic",
    "postgres:16",
    "redis:7",
    "example/thing:1",
    "nginx:1.27",
    "0",
    "1",
    "80",
    "3000",
    "5432",
    "65535",
    "65536",
    "-1",
    "99999999999999999999",
    "0.5",
    "1.5",
    "2",
    ".inf",
    ".nan",
    "1e400",
    "true",
    "false",
    "yes",
    "null",
    "~",
    "''",
    "\"\"",
    "10",
    "5s",
    "0s",
    "500ms",
    "1m30s",
    "5 seconds",
    "1h",
    "1.5s",
    "ms",
    "99999999999h",
    "/health",
    "health",
    "http://localhost:3000/health",
    "restart",
    "rebuild",
    "rebuidl",
    "src",
    "../src",
    "DB_PASSWORD",
    "api-key",
    "[]",
    "{}",
    "\"quoted: text\"",
    "'single'",
    "&anchor x",
    "*anchor",
    "!!str 80",
    "|\n  block",
    "é",
    "\t",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(KEYS).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9_-]{0,8}",
        1 => "[ -~]{1,6}",
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(SCALARS).prop_map(str::to_owned),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => "[ -~]{0,12}",
        1 => any::<String>().prop_map(|s| serde_json::to_string(&s).expect("a string is JSON")),
    ]
}

fn doc() -> impl Strategy<Value = Doc> {
    scalar()
        .prop_map(Doc::Scalar)
        .prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                (
                    prop::collection::vec(inner.clone(), 0..5),
                    prop::bool::weighted(0.2)
                )
                    .prop_map(|(items, flow)| Doc::List(items, flow)),
                (
                    prop::collection::vec((key(), inner), 0..6),
                    prop::bool::weighted(0.2)
                )
                    .prop_map(|(entries, flow)| Doc::Map(entries, flow)),
            ]
        })
}

/// A document that is a map at the top, as real files are.
fn top_map() -> impl Strategy<Value = Doc> {
    prop::collection::vec((key(), doc()), 0..8).prop_map(|entries| Doc::Map(entries, false))
}

/// Characters that YAML treats specially, for text that is nearly YAML.
fn yaml_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => select(&[
                "name", "services", "location", "type", "development", "port", "health-check",
                "depends-on", "web", "./web", "3000", "public",
            ][..]).prop_map(str::to_owned),
            6 => "[-:\\[\\]{},#&*!|>'\"%@` ?\t\n a-z0-9.~\\\\]",
            1 => Just("\r\n".to_owned()),
            1 => Just("\u{feff}".to_owned()),
            1 => Just("---\n".to_owned()),
            1 => Just("é".to_owned()),
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

const SERVICE_APP: &str = "name: fuzz\nservices:\n  web:\n    location: ./web\n  api:\n    docker-image: nginx:1.27\nlocal:\n  dependencies:\n    db:\n      image: postgres:16\n";

// ---------------------------------------------------------------------------
// (a) and (b)

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_as_application_yml(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        load_files(&[("application.yml", &bytes)]);
    }

    #[test]
    fn arbitrary_text_as_application_yml(text in prop_oneof![any::<String>(), yaml_soup()]) {
        load_files(&[("application.yml", text.as_bytes())]);
    }

    #[test]
    fn nearly_yaml_as_service_yml(text in yaml_soup()) {
        load_files(&[("application.yml", SERVICE_APP.as_bytes()), ("web/service.yml", text.as_bytes())]);
    }

    #[test]
    fn documents_as_application_yml(app in prop_oneof![top_map(), doc()], service in top_map()) {
        // A `location` of `./web` in the random document reads this service.yml.
        load_files(&[
            ("application.yml", app.to_yaml().as_bytes()),
            ("web/service.yml", service.to_yaml().as_bytes()),
        ]);
    }

    #[test]
    fn documents_as_service_yml(service in prop_oneof![top_map(), doc()]) {
        load_files(&[("application.yml", SERVICE_APP.as_bytes()), ("web/service.yml", service.to_yaml().as_bytes())]);
    }
}

// ---------------------------------------------------------------------------
// (c) Mostly valid applications

const ROLES: [&str; 3] = ["web", "api", "worker"];

/// `(key, value)` present a third of the time.
fn maybe(
    key: &'static str,
    value: impl Strategy<Value = Doc> + 'static,
) -> BoxedStrategy<Option<(String, Doc)>> {
    prop::option::weighted(0.35, value.prop_map(move |v| (key.to_owned(), v))).boxed()
}

/// A map of the fields that are present.
fn fields(fields: Vec<BoxedStrategy<Option<(String, Doc)>>>) -> impl Strategy<Value = Doc> {
    fields.prop_map(|entries| Doc::Map(entries.into_iter().flatten().collect(), false))
}

/// `rest` with `key: value` in front.
fn with_first(key: &str, value: Doc, rest: Doc) -> Doc {
    let Doc::Map(mut entries, flow) = rest else {
        unreachable!("fields is a map")
    };
    entries.insert(0, (key.to_owned(), value));
    Doc::Map(entries, flow)
}

/// `development` without a `host-port` when it has no `port`, most of the
/// time (exo rejects that, and a case for it is in tests/errors).
fn port_before_host_port(development: Doc, keep: bool) -> Doc {
    let Doc::Map(entries, flow) = development else {
        unreachable!("fields is a map")
    };
    let has_port = entries.iter().any(|(k, _)| k == "port");
    Doc::Map(
        entries
            .into_iter()
            .filter(|(k, _)| keep || has_port || k != "host-port")
            .collect(),
        flow,
    )
}

/// A scalar, mostly from the valid values, now and then from the others:
/// an application has many scalars, and one invalid value is enough.
fn pick(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
) -> impl Strategy<Value = Doc> {
    prop_oneof![
        60 => select(valid).prop_map(Doc::text),
        1 => select(invalid).prop_map(Doc::text),
    ]
}

fn duration() -> impl Strategy<Value = Doc> {
    pick(
        &["1s", "500ms", "2s", "1m30s", "30s", "1h"],
        &["10", "0s", "5 seconds"],
    )
}

fn port() -> impl Strategy<Value = Doc> {
    pick(
        &["3000", "4000", "8080", "\"80\"", "5432"],
        &["0", "70000", "eighty"],
    )
}

fn host_port() -> impl Strategy<Value = Doc> {
    pick(
        &["3001", "3002", "3003", "4001", "4002", "6380"],
        &["0", "5432", "3001"],
    )
}

fn health_check() -> impl Strategy<Value = Doc> {
    prop_oneof![
        pick(&["/health", "/"], &["health", "http://x/health"]),
        (
            pick(&["/health", "/ready"], &["ready"]),
            fields(vec![
                maybe("port", port()),
                maybe("interval", duration()),
                maybe("timeout", duration()),
                maybe("start-period", duration()),
                maybe("start-interval", duration()),
                maybe("retries", pick(&["1", "3", "10"], &["0", "-1"])),
            ])
        )
            .prop_map(|(http, rest)| with_first("http", http, rest)),
        (
            pick(&["true", "5432", "8080"], &["false", "0"]),
            fields(vec![maybe("interval", duration())])
        )
            .prop_map(|(tcp, rest)| with_first("tcp", tcp, rest)),
        prop_oneof![
            pick(
                &["pg_isready", "redis-cli ping", "curl -f localhost"],
                &["\"\""]
            ),
            Just(Doc::list(&["pg_isready", "-h", "127.0.0.1"])),
        ]
        .prop_map(|command| Doc::map(vec![("command", command)])),
        pick(&["ready", "listening on"], &["\"\""]).prop_map(|text| Doc::map(vec![("log", text)])),
    ]
}

fn restart() -> impl Strategy<Value = Doc> {
    prop_oneof![
        pick(&["true", "false"], &["yes"]),
        fields(vec![
            maybe("on-crash", pick(&["true", "false"], &["1"])),
            maybe("initial-delay", duration()),
            maybe("multiplier", pick(&["1", "1.5", "2"], &["0.5"])),
            maybe("max-delay", duration()),
            maybe("reset-after", duration()),
            maybe("max-crashes", pick(&["1", "5"], &["0"])),
            maybe("window", duration()),
            maybe(
                "on-unhealthy",
                prop_oneof![duration(), Just(Doc::text("false"))]
            ),
            maybe("with-dependencies", pick(&["true", "false"], &["no"])),
        ]),
    ]
}

fn watch() -> impl Strategy<Value = Doc> {
    let rule = (
        Just(Doc::list(&["Dockerfile.dev", "package.json"])),
        pick(&["rebuild", "restart"], &["reload"]),
    )
        .prop_map(|(paths, action)| Doc::map(vec![("paths", paths), ("action", action)]));
    prop_oneof![
        pick(&["true", "false"], &["off"]),
        fields(vec![
            maybe(
                "paths",
                prop_oneof![
                    Just(Doc::list(&["src", "lib/**"])),
                    Just(Doc::list(&["../x"]))
                ]
            ),
            maybe("ignore", Just(Doc::list(&["'*.log'", "tmp/"]))),
            maybe("action", pick(&["restart", "rebuild"], &["rebuidl"])),
            maybe(
                "rules",
                prop::collection::vec(rule, 0..3).prop_map(|rules| Doc::List(rules, false))
            ),
            maybe("debounce", duration()),
            maybe("poll-interval", duration()),
        ]),
    ]
}

fn environment() -> impl Strategy<Value = Doc> {
    prop::collection::vec(
        (
            pick(&["LOG_LEVEL", "DB_NAME", "a.b", "_X"], &["1X", "A B"]),
            pick(&["debug", "\"\"", "42", "true"], &["[a]"]),
        ),
        0..3,
    )
    .prop_map(|entries| {
        let mut map: Vec<(String, Doc)> = Vec::new();
        for (name, value) in entries {
            let Doc::Scalar(name) = name else {
                unreachable!("names are scalars")
            };
            if !map.iter().any(|(k, _)| *k == name) {
                map.push((name, value));
            }
        }
        Doc::Map(map, false)
    })
}

fn secrets() -> impl Strategy<Value = Doc> {
    prop::collection::vec(pick(&["DB_PASSWORD", "API_KEY", "_T"], &["api-key"]), 0..3)
        .prop_map(|s| Doc::List(s, false))
}

fn dependency() -> impl Strategy<Value = Doc> {
    let image = pick(
        &[
            "postgres:16",
            "redis:7",
            "mongo:7",
            "rabbitmq:3-management",
            "nats:2",
            "bitnami/kafka:3",
            "example/thing:1",
            "originate/exocom:0.27.0",
        ],
        &["\"\""],
    );
    (
        image,
        fields(vec![
            maybe(
                "persist",
                prop_oneof![
                    pick(&["true"], &["false"]),
                    Just(Doc::list(&["/data"])),
                    Just(Doc::list(&["data"]))
                ],
            ),
            maybe("environment-variables", environment()),
            maybe("secrets", secrets()),
            maybe("port", port()),
            maybe("host-port", host_port()),
            maybe("health-check", health_check()),
        ]),
    )
        .prop_map(|(image, rest)| with_first("image", image, rest))
}

fn dependencies() -> impl Strategy<Value = Doc> {
    prop::collection::vec(
        (pick(&["db", "cache", "queue"], &["web"]), dependency()),
        0..3,
    )
    .prop_map(|deps| {
        let mut entries: Vec<(String, Doc)> = Vec::new();
        for (id, dependency) in deps {
            let Doc::Scalar(id) = id else {
                unreachable!("ids are scalars")
            };
            // Keys are unique in a valid file; duplicates are tested elsewhere.
            if !entries.iter().any(|(k, _)| *k == id) {
                entries.push((id, dependency));
            }
        }
        Doc::Map(entries, false)
    })
}

fn local() -> impl Strategy<Value = Doc> {
    fields(vec![
        maybe("dependencies", dependencies()),
        maybe("environment-variables", environment()),
        maybe("secrets", secrets()),
    ])
}

/// Other roles, and now and then a name that is no role.
fn depends_on(role: &'static str) -> impl Strategy<Value = Doc> {
    let others: Vec<&str> = ROLES.into_iter().filter(|r| *r != role).collect();
    let odd = prop_oneof![60 => Just(None), 1 => select(vec!["db", "apii", role]).prop_map(Some)];
    (prop::sample::subsequence(others, 0..=1), odd).prop_map(|(roles, odd)| {
        Doc::List(roles.into_iter().chain(odd).map(Doc::text).collect(), false)
    })
}

fn service_yml(role: &'static str) -> impl Strategy<Value = Doc> {
    (
        pick(&["public", "private", "worker"], &["pubic"]),
        fields(vec![
            maybe("port", port()),
            maybe("host-port", host_port()),
            maybe(
                "scripts",
                fields(vec![
                    maybe("run", pick(&["npm start"], &["\"\""])),
                    maybe("test", pick(&["npm test"], &["[]"])),
                ]),
            ),
            maybe("health-check", health_check()),
            maybe("depends-on", depends_on(role)),
            maybe("restart", restart()),
            maybe("watch", watch()),
        ]),
        fields(vec![
            maybe("port", port()),
            maybe("host-port", host_port()),
            maybe("health-check", pick(&["/"], &["x"])),
        ]),
        prop::option::of(local()),
        prop::option::of(Just(Doc::map(vec![(
            "db",
            Doc::map(vec![("name", Doc::text("users"))]),
        )]))),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(kind, development, production, local, data, keep)| {
            let development = port_before_host_port(development, keep);
            let production = port_before_host_port(production, keep);
            let mut entries = vec![
                ("type", kind),
                ("development", development),
                ("production", production),
            ];
            if let Some(local) = local {
                entries.push(("local", local));
            }
            if let Some(data) = data {
                entries.push(("dependency-data", data));
            }
            Doc::map(entries)
        })
}

/// How application.yml names one service: built from its directory, run from
/// an image, or left out.
#[derive(Debug, Clone, Copy)]
enum Source {
    Location,
    Image,
    Absent,
}

/// application.yml and one service.yml per role.
fn application() -> impl Strategy<Value = (Doc, Vec<Doc>)> {
    let source = prop_oneof![
        6 => Just(Source::Location),
        2 => Just(Source::Image),
        2 => Just(Source::Absent),
    ];
    (
        pick(&["shop", "my-app", "app2"], &["My App"]),
        prop::collection::vec(source, ROLES.len()),
        prop::option::of(local()),
        prop::option::of(Just(Doc::list(&["shared"]))),
        prop::option::of(
            (
                pick(&["./tests"], &["\"\""]),
                fields(vec![maybe("command", pick(&["npm test"], &["[]"]))]),
            )
                .prop_map(|(location, rest)| with_first("location", location, rest)),
        ),
        ROLES.map(service_yml),
    )
        .prop_map(|(name, sources, local, shared, tests, service_files)| {
            let mut services = Vec::new();
            for (role, source) in ROLES.iter().zip(sources) {
                let entry = match source {
                    Source::Location => {
                        Doc::map(vec![("location", Doc::text(&format!("./{role}")))])
                    }
                    Source::Image => Doc::map(vec![(
                        "docker-image",
                        Doc::text(&format!("example/{role}:1")),
                    )]),
                    Source::Absent => continue,
                };
                services.push((*role, entry));
            }
            let mut entries = vec![("name", name), ("services", Doc::map(services))];
            if let Some(local) = local {
                entries.push(("local", local));
            }
            if let Some(shared) = shared {
                entries.push(("shared-directories", shared));
            }
            if let Some(tests) = tests {
                entries.push(("tests", tests));
            }
            (Doc::map(entries), service_files.to_vec())
        })
}

fn load_application(app: &Doc, services: &[Doc]) -> Outcome {
    let app_text = app.to_yaml();
    let service_texts: Vec<(String, String)> = ROLES
        .iter()
        .zip(services)
        .map(|(role, doc)| (format!("{role}/service.yml"), doc.to_yaml()))
        .collect();
    let mut files: Vec<(&str, &[u8])> = vec![("application.yml", app_text.as_bytes())];
    files.extend(
        service_texts
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_bytes())),
    );
    load_files(&files)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn applications_load_or_explain_and_compile_in_every_mode((app, services) in application()) {
        load_application(&app, &services);
    }
}

/// The generator of (c) must produce applications that load often enough for
/// the property to exercise the compiler, not only the checks.
#[test]
fn generated_applications_often_load() {
    let mut runner = TestRunner::deterministic();
    let strategy = application();
    let total = 100;
    let loaded = (0..total)
        .filter(|_| {
            let (app, services) = strategy
                .new_tree(&mut runner)
                .expect("generate an application")
                .current();
            load_application(&app, &services) == Outcome::Loaded
        })
        .count();
    assert!(
        loaded * 5 >= total,
        "only {loaded} of {total} generated applications loaded"
    );
}
