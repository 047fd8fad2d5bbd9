//! How long exo takes to compile, and to load, a large application.
//!
//! `cargo bench --bench compile` measures, for the synthetic application of
//! 1000 services that `scripts/synthetic-app.sh DIR 1000` writes:
//!
//! - `compile_1000_services_all_modes`: `compile` + `render` of the three
//!   Compose files, as `exo generate` does after loading;
//! - `compile_model_1000_services_all_modes` and `render_1000_services_all_modes`:
//!   the two halves of that, the pure compiler to Compose documents and the
//!   YAML text;
//! - `compile_1000_services_<mode>`: the same for one mode;
//! - `load_1000_services`: `exo::core::config::load` of application.yml and the
//!   service.yml files from disk;
//!
//! and the same two totals for 100 services, the size of
//! `scripts/bench-generate.sh`'s default run. The script is the one recipe
//! of the synthetic application; the benchmark loads what it writes.

use criterion::{Criterion, criterion_group, criterion_main};
use exo::core::compose::{self, Mode};
use exo::core::model::Application;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What `exo generate` computes once the application is loaded.
fn compile_all(app: &Application) -> Vec<String> {
    Mode::ALL
        .iter()
        .map(|mode| compose::render(&compose::local(app, *mode).unwrap()))
        .collect()
}

/// The application of `count` services, written by
/// scripts/synthetic-app.sh into a temporary directory, and loaded.
fn setup(count: usize) -> (tempfile::TempDir, Application) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/synthetic-app.sh");
    let status = Command::new("bash")
        .arg(&script)
        .arg(dir.path())
        .arg(count.to_string())
        .status()
        .expect("run scripts/synthetic-app.sh");
    assert!(status.success(), "scripts/synthetic-app.sh failed");
    let app = exo::core::config::load(dir.path()).unwrap_or_else(|err| match err {
        exo::core::config::LoadError::Invalid(problems) => {
            panic!("the synthetic application is invalid: {problems:#?}")
        }
        other => panic!("cannot load the synthetic application: {other}"),
    });
    (dir, app)
}

fn benches(c: &mut Criterion) {
    let (dir, app) = setup(1000);
    c.bench_function("compile_1000_services_all_modes", |b| {
        b.iter(|| compile_all(black_box(&app)))
    });
    // The pure compiler alone (model to Compose document), then the YAML text.
    c.bench_function("compile_model_1000_services_all_modes", |b| {
        b.iter(|| Mode::ALL.map(|mode| compose::local(black_box(&app), mode).unwrap()))
    });
    let documents = Mode::ALL.map(|mode| compose::local(&app, mode).unwrap());
    c.bench_function("render_1000_services_all_modes", |b| {
        b.iter(|| documents.iter().map(compose::render).collect::<Vec<_>>())
    });
    for mode in Mode::ALL {
        c.bench_function(&format!("compile_1000_services_{}", mode.name()), |b| {
            b.iter(|| compose::render(&compose::local(black_box(&app), mode).unwrap()))
        });
    }
    c.bench_function("load_1000_services", |b| {
        b.iter(|| exo::core::config::load(black_box(dir.path())).expect("the application loads"))
    });
    drop(dir);

    let (dir, app) = setup(100);
    c.bench_function("compile_100_services_all_modes", |b| {
        b.iter(|| compile_all(black_box(&app)))
    });
    c.bench_function("load_100_services", |b| {
        b.iter(|| exo::core::config::load(black_box(dir.path())).expect("the application loads"))
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
