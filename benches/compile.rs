//! How long exo takes to compile, and to load, a large application.
//!
//! `cargo bench --bench compile` measures, for a synthetic application of
//! 1000 services (the same one `scripts/synthetic-app.sh DIR 1000` writes):
//!
//! - `compile_1000_services_all_modes`: `compile` + `render` of the three
//!   Compose files, as `exo generate` does after loading;
//! - `compile_model_1000_services_all_modes` and `render_1000_services_all_modes`:
//!   the two halves of that, the pure compiler to Compose documents and the
//!   YAML text;
//! - `compile_1000_services_<mode>`: the same for one mode;
//! - `load_1000_services`: `exo::config::load` of application.yml and the
//!   service.yml files from disk (written once to a temporary directory);
//!
//! and the same two totals for 100 services, the size of
//! `scripts/bench-generate.sh`'s default run.
//!
//! The application is built in memory by [`application`]; [`write_files`]
//! writes it as YAML. Setup checks that both give the same Compose files, so
//! the compile and load benchmarks measure the same application.

use criterion::{Criterion, criterion_group, criterion_main};
use exo::catalog;
use exo::compose::{self, Mode};
use exo::model::{
    Application, Check, Dependency, Development, Probe, Production, RestartPolicy, Service,
    ServiceConfig, ServiceSource, ServiceType, WatchAction, WatchPolicy, WatchRule,
};
use indexmap::IndexMap;
use serde_json::json;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// What service `i` is; see scripts/synthetic-app.sh for the whole recipe.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Public,
    Private,
    /// Log health check, watch: rebuild.
    WatchingWorker,
    /// No health check, restart: false.
    PlainWorker,
    /// `docker-image`, no service.yml.
    Image,
}

fn shape(i: usize) -> Shape {
    match i % 4 {
        _ if i % 100 == 99 => Shape::Image,
        0 => Shape::Public,
        1 => Shape::Private,
        2 => Shape::WatchingWorker,
        _ => Shape::PlainWorker,
    }
}

fn role(i: usize) -> String {
    format!("svc-{i:04}")
}

/// The earlier services a worker names in `depends-on`.
fn depends_on(i: usize) -> Vec<String> {
    if i / 2 == i - 1 {
        vec![role(i - 1)]
    } else {
        vec![role(i - 1), role(i / 2)]
    }
}

fn explicit_host_port(i: usize) -> Option<u16> {
    i.is_multiple_of(100).then(|| 20000 + i as u16)
}

fn has_search_dependency(i: usize) -> bool {
    i % 50 == 1
}

fn strings<const N: usize>(items: [&str; N]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn map<const N: usize>(entries: [(&str, String); N]) -> IndexMap<String, String> {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// A dependency on a catalog image as the loader completes it: the entry's
/// port, environment and health check, and with `persist: true` its path.
fn catalog_dependency(image: &str, persist: bool) -> Dependency {
    let entry = catalog::lookup(image).expect("the image is in the catalog");
    Dependency {
        image: image.to_owned(),
        persist: if persist {
            entry.persist.clone().into_iter().collect()
        } else {
            Vec::new()
        },
        environment: entry.environment.clone(),
        secrets: Vec::new(),
        port: Some(entry.port),
        host_port: None,
        health_check: Some(entry.health_check.clone()),
    }
}

/// The synthetic application of `count` services, built in memory.
fn application(count: usize) -> Application {
    let dependencies = IndexMap::from([
        ("db".to_owned(), catalog_dependency("postgres:16", true)),
        ("cache".to_owned(), catalog_dependency("redis:7", false)),
        ("queue".to_owned(), catalog_dependency("nats:2.10", false)),
    ]);
    let services = (0..count)
        .map(|i| {
            let role = role(i);
            let source = match shape(i) {
                Shape::Image => ServiceSource::Image("example/sidecar:1".to_owned()),
                _ => ServiceSource::Location(role.clone()),
            };
            let mut dependency_data = IndexMap::new();
            if i.is_multiple_of(3) {
                dependency_data.insert("db".to_owned(), json!({ "schema": format!("svc_{i:04}") }));
            }
            let service = Service {
                role: role.clone(),
                source,
                repository: None,
                dependency_data,
                config: service_config(i),
            };
            (role, service)
        })
        .collect();
    Application {
        name: "synthetic".to_owned(),
        dependencies,
        environment: map([("LOG_LEVEL", "info".into()), ("REGION", "local".into())]),
        secrets: strings(["API_TOKEN"]),
        services,
        shared_directories: Vec::new(),
        tests: None,
    }
}

fn service_config(i: usize) -> ServiceConfig {
    let index = i.to_string();
    match shape(i) {
        Shape::Image => ServiceConfig::image_only(),
        Shape::Public => ServiceConfig {
            kind: ServiceType::Public,
            development: Development {
                port: Some(8080),
                host_port: explicit_host_port(i),
                run: Some("./serve --dev".to_owned()),
                test: Some("./test".to_owned()),
                health_check: Some(Probe::new(Check::Http {
                    path: "/healthz".to_owned(),
                    port: None,
                })),
                watch: WatchPolicy {
                    paths: strings(["src", "public"]),
                    ignore: strings(["*.log"]),
                    rules: vec![WatchRule {
                        paths: strings(["Dockerfile.dev", "package.json"]),
                        action: WatchAction::Rebuild,
                    }],
                    ..WatchPolicy::default()
                },
                ..Development::default()
            },
            production: Production {
                port: Some(80),
                host_port: None,
                health_check: Some("/healthz".to_owned()),
            },
            environment: map([("SERVICE_INDEX", index), ("LOG_FORMAT", "json".into())]),
            secrets: strings(["SESSION_KEY"]),
            ..ServiceConfig::image_only()
        },
        Shape::Private => {
            let mut dependencies = IndexMap::new();
            if has_search_dependency(i) {
                let search = Dependency {
                    image: "custom/search:1".to_owned(),
                    persist: Vec::new(),
                    environment: IndexMap::new(),
                    secrets: Vec::new(),
                    port: Some(9200),
                    host_port: None,
                    health_check: Some(Probe::new(Check::Tcp { port: None })),
                };
                dependencies.insert("search".to_owned(), search);
            }
            ServiceConfig {
                kind: ServiceType::Private,
                dependency_data: IndexMap::from([(
                    "cache".to_owned(),
                    json!({ "prefix": role(i) }),
                )]),
                development: Development {
                    port: Some(4000),
                    run: Some("./api".to_owned()),
                    health_check: Some(Probe {
                        interval: Duration::from_secs(2),
                        retries: 5,
                        ..Probe::new(Check::Http {
                            path: "/ready".to_owned(),
                            port: None,
                        })
                    }),
                    restart: RestartPolicy {
                        initial_delay: Duration::from_millis(500),
                        max_delay: Duration::from_secs(30),
                        ..RestartPolicy::default()
                    },
                    ..Development::default()
                },
                production: Production {
                    port: Some(4000),
                    host_port: None,
                    health_check: Some("/ready".to_owned()),
                },
                dependencies,
                environment: map([("SERVICE_INDEX", index), ("DB_POOL", "10".into())]),
                secrets: strings(["DB_PASSWORD"]),
            }
        }
        worker @ (Shape::WatchingWorker | Shape::PlainWorker) => {
            let watching = worker == Shape::WatchingWorker;
            ServiceConfig {
                kind: ServiceType::Worker,
                development: Development {
                    run: Some("./work".to_owned()),
                    health_check: watching.then(|| {
                        Probe::new(Check::Log {
                            text: "worker started".to_owned(),
                        })
                    }),
                    depends_on: depends_on(i),
                    restart: if watching {
                        RestartPolicy::default()
                    } else {
                        RestartPolicy {
                            on_crash: false,
                            unhealthy_after: None,
                            ..RestartPolicy::default()
                        }
                    },
                    watch: WatchPolicy {
                        action: if watching {
                            WatchAction::Rebuild
                        } else {
                            WatchAction::Restart
                        },
                        ..WatchPolicy::default()
                    },
                    ..Development::default()
                },
                environment: map([("SERVICE_INDEX", index), ("QUEUE", format!("jobs-{i}"))]),
                ..ServiceConfig::image_only()
            }
        }
    }
}

/// Writes the application of `count` services into `dir`, byte for byte as
/// scripts/synthetic-app.sh does.
fn write_files(dir: &Path, count: usize) {
    let mut app = String::from(
        "# Synthetic application for benchmarks (scripts/synthetic-app.sh).
name: synthetic
description: generated for benchmarks

local:
  dependencies:
    db:
      image: postgres:16
      persist: true
    cache:
      image: redis:7
    queue:
      image: nats:2.10
  environment-variables:
    LOG_LEVEL: info
    REGION: local
  secrets: [API_TOKEN]

services:
",
    );
    for i in 0..count {
        let role = role(i);
        let _ = writeln!(app, "  {role}:");
        if shape(i) == Shape::Image {
            app.push_str("    docker-image: example/sidecar:1\n");
        } else {
            let _ = writeln!(app, "    location: ./{role}");
        }
        if i.is_multiple_of(3) {
            let _ = write!(
                app,
                "    dependency-data:\n      db:\n        schema: svc_{i:04}\n"
            );
        }
    }
    std::fs::write(dir.join("application.yml"), app).expect("write application.yml");

    for i in 0..count {
        let Some(text) = service_file(i) else {
            continue;
        };
        let service_dir = dir.join(role(i));
        std::fs::create_dir_all(&service_dir).expect("create a service directory");
        std::fs::write(service_dir.join("service.yml"), text).expect("write service.yml");
    }
}

fn service_file(i: usize) -> Option<String> {
    let mut text = String::new();
    let t = &mut text;
    match shape(i) {
        Shape::Image => return None,
        Shape::Public => {
            let _ = writeln!(t, "type: public\ndescription: synthetic public service {i}");
            t.push_str("development:\n  port: 8080\n");
            if let Some(port) = explicit_host_port(i) {
                let _ = writeln!(t, "  host-port: {port}");
            }
            t.push_str(
                "  scripts:
    run: ./serve --dev
    test: ./test
  health-check: /healthz
  watch:
    paths: [src, public]
    ignore: [\"*.log\"]
    rules:
      - paths: [Dockerfile.dev, package.json]
        action: rebuild
production:
  port: 80
  health-check: /healthz
local:
  environment-variables:
",
            );
            let _ = writeln!(t, "    SERVICE_INDEX: \"{i}\"\n    LOG_FORMAT: json");
            t.push_str("  secrets: [SESSION_KEY]\n");
        }
        Shape::Private => {
            let _ = writeln!(
                t,
                "type: private\ndescription: synthetic private service {i}"
            );
            let _ = writeln!(t, "dependency-data:\n  cache:\n    prefix: {}", role(i));
            t.push_str(
                "development:
  port: 4000
  scripts:
    run: ./api
  health-check:
    http: /ready
    interval: 2s
    retries: 5
  restart:
    initial-delay: 500ms
    max-delay: 30s
production:
  port: 4000
  health-check: /ready
local:
",
            );
            if has_search_dependency(i) {
                t.push_str(
                    "  dependencies:
    search:
      image: custom/search:1
      port: 9200
      health-check:
        tcp: true
",
                );
            }
            let _ = writeln!(t, "  environment-variables:\n    SERVICE_INDEX: \"{i}\"");
            t.push_str("    DB_POOL: \"10\"\n  secrets: [DB_PASSWORD]\n");
        }
        worker @ (Shape::WatchingWorker | Shape::PlainWorker) => {
            let watching = worker == Shape::WatchingWorker;
            let _ = writeln!(t, "type: worker\ndescription: synthetic worker {i}");
            t.push_str("development:\n  scripts:\n    run: ./work\n");
            if watching {
                t.push_str("  health-check:\n    log: worker started\n");
            }
            let _ = writeln!(t, "  depends-on: [{}]", depends_on(i).join(", "));
            t.push_str(if watching {
                "  watch:\n    action: rebuild\n"
            } else {
                "  restart: false\n"
            });
            let _ = writeln!(
                t,
                "local:\n  environment-variables:\n    SERVICE_INDEX: \"{i}\""
            );
            let _ = writeln!(t, "    QUEUE: jobs-{i}");
        }
    }
    Some(text)
}

/// What `exo generate` computes once the application is loaded.
fn compile_all(app: &Application) -> Vec<String> {
    Mode::ALL
        .iter()
        .map(|mode| compose::render(&compose::compile(app, *mode)))
        .collect()
}

/// The application of `count` services on disk, and built in memory; panics
/// unless loading the files gives the same Compose files as the model.
fn setup(count: usize) -> (tempfile::TempDir, Application) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    write_files(dir.path(), count);
    let app = application(count);
    let loaded = exo::config::load(dir.path()).unwrap_or_else(|err| match err {
        exo::config::LoadError::Invalid(problems) => {
            panic!("the synthetic application is invalid: {problems:#?}")
        }
        other => panic!("cannot load the synthetic application: {other}"),
    });
    let (built, read) = (compile_all(&app), compile_all(&loaded));
    for ((mode, built), read) in Mode::ALL.iter().zip(&built).zip(&read) {
        assert!(
            built == read,
            "{}: the application built in memory and the one loaded from files differ",
            mode.name()
        );
    }
    (dir, app)
}

fn benches(c: &mut Criterion) {
    let (dir, app) = setup(1000);
    c.bench_function("compile_1000_services_all_modes", |b| {
        b.iter(|| compile_all(black_box(&app)))
    });
    // The pure compiler alone (model to Compose document), then the YAML text.
    c.bench_function("compile_model_1000_services_all_modes", |b| {
        b.iter(|| Mode::ALL.map(|mode| compose::compile(black_box(&app), mode)))
    });
    let documents = Mode::ALL.map(|mode| compose::compile(&app, mode));
    c.bench_function("render_1000_services_all_modes", |b| {
        b.iter(|| documents.iter().map(compose::render).collect::<Vec<_>>())
    });
    for mode in Mode::ALL {
        c.bench_function(&format!("compile_1000_services_{}", mode.name()), |b| {
            b.iter(|| compose::render(&compose::compile(black_box(&app), mode)))
        });
    }
    c.bench_function("load_1000_services", |b| {
        b.iter(|| exo::config::load(black_box(dir.path())).expect("the application loads"))
    });
    drop(dir);

    let (dir, app) = setup(100);
    c.bench_function("compile_100_services_all_modes", |b| {
        b.iter(|| compile_all(black_box(&app)))
    });
    c.bench_function("load_100_services", |b| {
        b.iter(|| exo::config::load(black_box(dir.path())).expect("the application loads"))
    });
}

criterion_group! {
    name = compile;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(compile);
