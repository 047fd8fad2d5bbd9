//! How long each writer takes for many dependencies used by many services
//! (issue 22's scale case, at a middle size), so that a writer that grows
//! as services times dependencies again shows.
//!
//! `cargo bench --bench writers` measures, for the application of 1500
//! dependencies used by 10 services that `scripts/many-dependencies-app.sh
//! DIR 1500 10` writes, loaded once:
//!
//! - `deploy_1500x10`: the deployed model of one Kubernetes environment,
//!   which every writer starts from;
//! - `compose_1500x10`: the three Compose files' text, as `exo generate`;
//! - `kubernetes_1500x10`: the manifests of `staging`, as `exo generate
//!   kubernetes` (each file handed on and dropped, as it writes them);
//! - `terraform_1500x10`: `terraform/` for `production`, as `exo generate
//!   terraform`.
//!
//! Each prints the bytes it makes once, before it is measured.
//! `EXO_BENCH_SCALE=6000x40 cargo bench --bench writers` measures another
//! scale (`DEPENDENCIES`x`SERVICES`), to see that the time grows as the
//! bytes do.

use criterion::{Criterion, criterion_group, criterion_main};
use exo::core::compose::{self, Mode};
use exo::core::deployed::{self, DeploymentError, Target};
use exo::core::model::Application;
use exo::core::{kubernetes, terraform};
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What a writer makes: its bytes.
type Writer = fn(&Application) -> usize;

/// `DEPENDENCIES`x`SERVICES` from `EXO_BENCH_SCALE`, else 1500x10.
fn scale() -> (usize, usize) {
    let Ok(scale) = std::env::var("EXO_BENCH_SCALE") else {
        return (1500, 10);
    };
    let parsed = scale
        .split_once('x')
        .and_then(|(d, s)| Some((d.parse().ok()?, s.parse().ok()?)));
    parsed.unwrap_or_else(|| panic!("EXO_BENCH_SCALE is DEPENDENCIESxSERVICES, not {scale}"))
}

/// The application of scripts/many-dependencies-app.sh, written into a
/// temporary directory and loaded.
fn setup(dependencies: usize, services: usize) -> (tempfile::TempDir, Application) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/many-dependencies-app.sh");
    let status = Command::new("bash")
        .arg(&script)
        .arg(dir.path())
        .arg(dependencies.to_string())
        .arg(services.to_string())
        .status()
        .expect("run scripts/many-dependencies-app.sh");
    assert!(status.success(), "scripts/many-dependencies-app.sh failed");
    let app = exo::core::config::load(dir.path())
        .unwrap_or_else(|err| panic!("cannot load the application: {err}"));
    (dir, app)
}

fn compose_files(app: &Application) -> usize {
    Mode::ALL
        .iter()
        .map(|mode| compose::render(&compose::local(app, *mode).expect("compiles")).len())
        .sum()
}

fn manifests(app: &Application) -> usize {
    let mut bytes = 0;
    kubernetes::generate_each(app, "staging", |_, text| {
        bytes += text.len();
        Ok::<(), DeploymentError>(())
    })
    .expect("generates");
    bytes
}

fn terraform_files(app: &Application) -> usize {
    let mut bytes = 0;
    terraform::generate_each(app, &["production".to_owned()], |_, text| {
        bytes += text.len();
        Ok::<(), DeploymentError>(())
    })
    .expect("generates");
    bytes
}

fn benches(c: &mut Criterion) {
    let (dependencies, services) = scale();
    let (dir, app) = setup(dependencies, services);
    let name = |what: &str| format!("{what}_{dependencies}x{services}");
    let hosts = |name: &str| format!("{name}.scale.svc");
    let staging = || Target::Remote {
        environment: "staging",
        hosts: &hosts,
    };
    c.bench_function(&name("deploy"), |b| {
        b.iter(|| deployed::deploy(black_box(&app), staging()).expect("deploys"))
    });
    let writers: [(&str, Writer); 3] = [
        ("compose", compose_files),
        ("kubernetes", manifests),
        ("terraform", terraform_files),
    ];
    for (writer, write) in writers {
        eprintln!("{}: {} bytes", name(writer), write(&app));
        c.bench_function(&name(writer), |b| b.iter(|| write(black_box(&app))));
    }
    drop(dir);
}

criterion_group! {
    name = writers;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = benches
}
criterion_main!(writers);
