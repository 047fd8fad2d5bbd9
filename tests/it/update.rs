//! `exo update` against a registry on loopback: Debian's `docker-registry`
//! on a free port of 127.0.0.1, holding a few tags of a tiny local image
//! pushed with `docker push` (Docker allows plain HTTP to loopback
//! registries). The registry process, its storage and the tags are removed
//! at the end, passed or failed.

use crate::common::exo;
use crate::docker::{output_within, require_docker, require_program};
use predicates::str::contains;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DOCKER_TIMEOUT: Duration = Duration::from_secs(60);
const TAGS: [&str; 5] = ["1.0", "1.2", "1.10", "2.0", "latest"];

/// A running registry and the image tags pushed to it; dropping it stops
/// the registry and removes the local tags.
struct Registry {
    child: Child,
    port: u16,
    repository: String,
    _storage: tempfile::TempDir,
}

impl Registry {
    fn start() -> Registry {
        let storage = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = storage.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
                storage.path().join("data").display()
            ),
        )
        .unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run docker-registry");
        let registry = Registry {
            child,
            port,
            repository: format!("localhost:{port}/exo-test/tiny-{}", std::process::id()),
            _storage: storage,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the registry did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        registry
    }

    fn push_tags(&self) {
        for tag in TAGS {
            let image = format!("{}:{tag}", self.repository);
            docker(&["tag", "exo-base/busybox:1", &image]);
            docker(&["push", "-q", &image]);
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        for tag in TAGS {
            let mut rmi = Command::new("docker");
            rmi.args(["image", "rm", &format!("{}:{tag}", self.repository)]);
            let _ = output_within(&mut rmi, DOCKER_TIMEOUT);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn docker(args: &[&str]) {
    let mut command = Command::new("docker");
    command.args(args);
    let output = output_within(&mut command, DOCKER_TIMEOUT).unwrap();
    assert!(
        output.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn update_moves_tags_within_the_major_version_and_keeps_the_file() {
    if require_docker().is_none() || !require_program("docker-registry") {
        return;
    }
    let registry = Registry::start();
    registry.push_tags();
    let repo = &registry.repository;
    let app = tempfile::tempdir().unwrap();
    let file = app.path().join("application.yml");
    let original = format!(
        "# Images from the local registry.\nname: upd\n\nlocal:\n  dependencies:\n    store:\n      image: {repo}:1.0   # the oldest\n\nservices:\n  mailer:\n    docker-image: \"{repo}:1.2\"\n  edge:\n    docker-image: {repo}:latest\n"
    );
    std::fs::write(&file, &original).unwrap();

    let dry = exo()
        .arg("-C")
        .arg(app.path())
        .args(["update", "--dry-run"])
        .assert()
        .success()
        .stderr(contains("Would update 2 image(s)"))
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(dry).unwrap();
    let lines: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["FOR", "IMAGE", "CURRENT", "NEWEST"]);
    assert_eq!(lines[1][3..], ["1.0", "1.10"], "{table}");
    assert_eq!(lines[2][3..], ["1.2", "1.10"], "{table}");
    assert_eq!(lines[3][3..], ["latest", "-"], "{table}");
    assert_eq!(read(&file), original);

    exo()
        .arg("-C")
        .arg(app.path())
        .arg("update")
        .assert()
        .success()
        .stderr(contains("Updated 2 image(s) in application.yml"));
    let expected = original
        .replace(":1.0 ", ":1.10 ")
        .replace(":1.2\"", ":1.10\"");
    assert_eq!(read(&file).as_bytes(), expected.as_bytes());

    exo()
        .arg("-C")
        .arg(app.path())
        .args(["update", "--major"])
        .assert()
        .success();
    assert_eq!(read(&file), expected.replace(":1.10", ":2.0"));
    exo()
        .arg("-C")
        .arg(app.path())
        .arg("update")
        .assert()
        .success()
        .stderr(contains("every image is on its newest version"));
}

#[test]
fn a_registry_error_names_the_image_and_changes_nothing() {
    if !require_program("docker-registry") {
        return;
    }
    let registry = Registry::start();
    let app = tempfile::tempdir().unwrap();
    let file = app.path().join("application.yml");
    let missing = format!("localhost:{}/nobody/nothing:1.0", registry.port);
    let original = format!("name: upd\nservices:\n  ghost:\n    docker-image: {missing}\n");
    std::fs::write(&file, &original).unwrap();
    exo()
        .arg("-C")
        .arg(app.path())
        .arg("update")
        .assert()
        .code(1)
        .stderr(contains(format!("cannot list the tags of {missing}")))
        .stderr(contains("404"))
        .stderr(contains("application.yml was not changed"));
    assert_eq!(read(&file), original);
    drop(registry);
    exo()
        .arg("-C")
        .arg(app.path())
        .arg("update")
        .assert()
        .code(1)
        .stderr(contains(format!("cannot list the tags of {missing}")));
    assert_eq!(read(&file), original);
}

/// One registry fails, one answers, one image was built here: the failure
/// is reported and exits 1 at the end, the other image is still updated,
/// and the local one is not asked about.
#[test]
fn update_goes_on_after_a_registry_error_and_skips_local_images() {
    if require_docker().is_none() || !require_program("docker-registry") {
        return;
    }
    let registry = Registry::start();
    registry.push_tags();
    let repo = &registry.repository;
    let app = tempfile::tempdir().unwrap();
    let file = app.path().join("application.yml");
    let missing = format!("localhost:{}/nobody/nothing:1.0", registry.port);
    let original = format!(
        "name: upd\nlocal:\n  dependencies:\n    store:\n      image: exo-base/redis:1\nservices:\n  ghost:\n    docker-image: {missing}\n  mailer:\n    docker-image: {repo}:1.0\n"
    );
    std::fs::write(&file, &original).unwrap();
    let out = exo()
        .arg("-C")
        .arg(app.path())
        .arg("update")
        .assert()
        .code(1)
        .stderr(contains(format!("cannot list the tags of {missing}")))
        .stderr(contains("Updated 1 image(s) in application.yml"))
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = table.lines().collect();
    assert!(
        rows[1].starts_with("dependency store") && rows[1].ends_with("- (built locally)"),
        "{table}"
    );
    assert!(rows[2].ends_with("? (registry error)"), "{table}");
    assert_eq!(
        read(&file),
        original.replace(&format!("{repo}:1.0"), &format!("{repo}:1.10"))
    );
}
