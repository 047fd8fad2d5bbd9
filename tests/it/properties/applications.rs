//! (c) Mostly valid applications with random optional parts, which often
//! load, so that compiling and rendering see many shapes.

use super::documents::*;
use super::*;

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
