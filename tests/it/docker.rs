//! Docker Compose for the tests that run it: finding Compose v2 (and, for the
//! end-to-end tests, a Docker daemon and the base images) once per test
//! process, skipping cleanly where they are missing (but never in CI), and
//! running commands with a time limit.

use std::io::{self, Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Once, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long `version` may take before Compose counts as absent.
const VERSION_TIMEOUT: Duration = Duration::from_secs(20);

/// `COMPOSE_*` variables that would make Compose read other files, another
/// project or other profiles than the test asks for; removed by [`compose`].
pub const COMPOSE_OVERRIDES: [&str; 6] = [
    "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_PROFILES",
    "COMPOSE_ENV_FILES",
    "COMPOSE_PATH_SEPARATOR",
    "COMPOSE_REMOVE_ORPHANS",
];

/// The command prefix that runs Compose v2 or later: `["docker", "compose"]`
/// (the CLI plugin), else `["docker-compose"]` when that binary reports 2.x
/// or later (Compose v1, `docker-compose` 1.x, does not count). `None` when
/// neither is present. Detected once; later calls are free.
pub fn compose_v2() -> Option<Vec<String>> {
    static FOUND: OnceLock<Option<Vec<String>>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            [&["docker", "compose"][..], &["docker-compose"][..]]
                .into_iter()
                .map(|prefix| prefix.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
                .find(|prefix| major_version(prefix).is_some_and(|major| major >= 2))
        })
        .clone()
}

/// Compose v2's command prefix for a test that needs it. Without Compose v2:
/// when `CI` is `true` (or `1`) this fails the test, since CI must never skip
/// silently; elsewhere it prints one `skipping: ...` line to stderr (once per
/// test process, past the test harness's output capture) and returns `None`,
/// and the test returns early.
pub fn require_compose() -> Option<Vec<String>> {
    if let Some(prefix) = compose_v2() {
        return Some(prefix);
    }
    static NOTICE: Once = Once::new();
    skip_or_fail("Compose v2 not found", &NOTICE);
    None
}

/// The images that the example applications and the end-to-end tests build
/// on; `scripts/provision.sh` builds them (no registry is reachable).
pub const BASE_IMAGES: [&str; 2] = ["exo-base/busybox:1", "exo-base/redis:1"];

/// Compose v2's command prefix for a test that runs containers: it needs a
/// Docker daemon that answers, Compose v2 and the [`BASE_IMAGES`]. Checked
/// once per test process. Without them, as [`require_compose`]: the test
/// fails in CI and is skipped elsewhere, with one `skipping: ...` line that
/// says what is missing.
pub fn require_docker() -> Option<Vec<String>> {
    static FOUND: OnceLock<Result<Vec<String>, String>> = OnceLock::new();
    static NOTICE: Once = Once::new();
    match FOUND.get_or_init(find_docker) {
        Ok(prefix) => Some(prefix.clone()),
        Err(missing) => {
            skip_or_fail(missing, &NOTICE);
            None
        }
    }
}

/// Whether `program --version` runs (e.g. the `docker` CLI without a
/// daemon, or `script`), for tests that need only that program: like
/// [`require_docker`], `false` skips the test, except in CI where it fails.
pub fn require_program(program: &str) -> bool {
    static NOTICE: Once = Once::new();
    let mut command = Command::new(program);
    command.arg("--version");
    let found = output_within(&mut command, VERSION_TIMEOUT).is_ok_and(|o| o.status.success());
    if !found {
        skip_or_fail(&format!("`{program}` not found"), &NOTICE);
    }
    found
}

/// The daemon, Compose v2 and the base images, or what is missing.
fn find_docker() -> Result<Vec<String>, String> {
    let mut version = Command::new("docker");
    version.args(["version", "--format", "{{.Server.Version}}"]);
    match output_within(&mut version, VERSION_TIMEOUT) {
        Ok(output) if output.status.success() && !output.stdout.trim_ascii().is_empty() => {}
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let why = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            return Err(format!(
                "the Docker daemon does not answer ({})",
                why.trim()
            ));
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err("`docker` is not on PATH".to_owned());
        }
        Err(err) => return Err(format!("the Docker daemon does not answer ({err})")),
    }
    let prefix = compose_v2().ok_or("Compose v2 not found")?;
    for image in BASE_IMAGES {
        let mut inspect = Command::new("docker");
        inspect.args(["image", "inspect", "--format", "{{.Id}}", image]);
        if !output_within(&mut inspect, VERSION_TIMEOUT).is_ok_and(|o| o.status.success()) {
            return Err(format!("the image {image} is missing"));
        }
    }
    Ok(prefix)
}

/// Fails the test when `CI` is `true` (or `1`), since CI must never skip
/// silently; elsewhere prints `skipping: <missing> (run
/// scripts/provision.sh)` once per `notice` (past the test harness's output
/// capture), and the test returns early.
fn skip_or_fail(missing: &str, notice: &Once) {
    let in_ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    assert!(
        !in_ci,
        "{missing}, which CI requires: run scripts/provision.sh"
    );
    notice.call_once(|| {
        // `eprintln!` would be captured and hidden for a passing test.
        let _ = writeln!(
            io::stderr().lock(),
            "skipping: {missing} (run scripts/provision.sh)"
        );
    });
}

/// A command running Compose (`prefix` from [`compose_v2`]) with `args`,
/// without the `COMPOSE_*` variables that would change which files or
/// project it uses.
pub fn compose<S: AsRef<std::ffi::OsStr>>(
    prefix: &[String],
    args: impl IntoIterator<Item = S>,
) -> Command {
    let (program, first_args) = prefix
        .split_first()
        .expect("a Compose command prefix is not empty");
    let mut command = Command::new(program);
    command.args(first_args).args(args);
    for name in COMPOSE_OVERRIDES {
        command.env_remove(name);
    }
    command
}

/// The major version `<prefix> version --short` reports (`2.40.3`, `v2.40.3`),
/// or `None` when the command is missing, fails or says something else.
fn major_version(prefix: &[String]) -> Option<u32> {
    let mut command = compose(prefix, ["version", "--short"]);
    let output = output_within(&mut command, VERSION_TIMEOUT).ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim().trim_start_matches('v');
    version.split('.').next()?.parse().ok()
}

/// Runs `command` to the end with stdin closed, capturing stdout and stderr;
/// kills it and returns a `TimedOut` error if it runs longer than `timeout`.
pub fn output_within(command: &mut Command, timeout: Duration) -> io::Result<Output> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().map(read_to_end);
    let stderr = child.stderr.take().map(read_to_end);
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            kill(&mut child);
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("{command:?} did not finish within {timeout:?}"),
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Ok(Output {
        status,
        stdout: stdout.map(join).unwrap_or_default(),
        stderr: stderr.map(join).unwrap_or_default(),
    })
}

fn read_to_end(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

fn join(reader: JoinHandle<Vec<u8>>) -> Vec<u8> {
    reader.join().unwrap_or_default()
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}
