//! The project of one test: a copy of an application under a Compose
//! project of its own, removed with everything it made.

use super::*;

/// A temporary copy of an application under a Compose project of its own;
/// dropping it removes the project's containers, networks, volumes and
/// images, then fails the test if any is left.
pub(crate) struct Project {
    pub(crate) name: String,
    dir: tempfile::TempDir,
}

impl Project {
    /// Copies `app` and renames it `exo-e2e-<test>-<pid>`, the project's
    /// name, so that its image tags are its own too.
    pub(crate) fn new(test: &str, app: &Path) -> Project {
        let name = format!("exo-e2e-{test}-{}", std::process::id());
        let dir = tempfile::tempdir().expect("create a temporary directory");
        copy_dir(app, dir.path());
        let file = dir.path().join("application.yml");
        let text = std::fs::read_to_string(&file).expect("read application.yml");
        let mut renamed = false;
        let text: String = text
            .lines()
            .map(|line| {
                if !renamed && line.starts_with("name:") {
                    renamed = true;
                    format!("name: {name}\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        assert!(renamed, "{} has no `name:` line", file.display());
        std::fs::write(&file, text).expect("write application.yml");
        Project { name, dir }
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The Compose file exo writes and runs.
    pub(crate) fn file(&self) -> PathBuf {
        self.dir().join("docker-compose/run_development.yml")
    }

    /// READY_AFTER of the application's environment, in seconds.
    pub(crate) fn ready_after(&self) -> f64 {
        let text = std::fs::read_to_string(self.dir().join("application.yml"))
            .expect("read application.yml");
        text.lines()
            .find_map(|line| line.trim().strip_prefix("READY_AFTER:"))
            .and_then(|value| value.trim().trim_matches('"').parse().ok())
            .expect("application.yml sets READY_AFTER")
    }

    /// `exo -C <copy>`, without colours.
    pub(crate) fn exo(&self) -> Command {
        exo_in(self.dir())
    }

    /// `exo compose -p <project> up -d --wait ARGS`, to its end.
    pub(crate) fn up(&self, args: &[&str]) -> Ran {
        let mut exo = self.exo();
        exo.args(["compose", "-p", &self.name, "up", "-d", "--wait"])
            .args(args);
        finish(exo, UP_TIMEOUT)
    }

    /// The images built first (`exo compose build`, passed to Compose),
    /// then `up -d --wait --no-build`: a dependent's start is then held back
    /// by its dependencies alone, never by its own image still building
    /// (the pipelined start builds eleven images two at a time).
    pub(crate) fn built_then_up(&self) -> Ran {
        self.exo_compose(&["build"]).assert_code(0);
        self.up(&["--no-build"])
    }

    /// `exo compose -p <project> ARGS`, to its end.
    pub(crate) fn exo_compose(&self, args: &[&str]) -> Ran {
        let mut exo = self.exo();
        exo.args(["compose", "-p", &self.name]).args(args);
        finish(exo, DOCKER_TIMEOUT)
    }

    /// `exo run -p <project> ARGS`, not started yet.
    pub(crate) fn exo_run(&self, args: &[&str]) -> Command {
        let mut exo = self.exo();
        exo.args(["run", "-p", &self.name]).args(args);
        exo
    }

    pub(crate) fn label(&self) -> String {
        format!("label=com.docker.compose.project={}", self.name)
    }

    /// The ID of the container of `service`.
    pub(crate) fn container(&self, service: &str) -> String {
        let service = format!("label=com.docker.compose.service={service}");
        let ids = docker(&["ps", "-aq", "--filter", &self.label(), "--filter", &service]);
        let ids: Vec<&str> = ids.split_whitespace().collect();
        assert_eq!(ids.len(), 1, "containers with {service}: {ids:?}");
        ids[0].to_owned()
    }

    /// When the container of `service` last started (engine time).
    pub(crate) fn started_at(&self, service: &str) -> i128 {
        let at = docker(&[
            "inspect",
            "--format",
            "{{.State.StartedAt}}",
            &self.container(service),
        ]);
        parse_time(at.trim())
    }

    /// The project's containers, networks, volumes and images, each as
    /// `kind id`.
    pub(crate) fn leftovers(&self) -> Vec<String> {
        let label = self.label();
        let mut found = Vec::new();
        for (kind, list) in [
            ("container", &["ps", "-aq", "--filter"][..]),
            ("network", &["network", "ls", "-q", "--filter"][..]),
            ("volume", &["volume", "ls", "-q", "--filter"][..]),
            ("image", &["image", "ls", "-q", "--filter"][..]),
        ] {
            let mut args = list.to_vec();
            args.push(&label);
            let ids = docker(&args);
            found.extend(ids.split_whitespace().map(|id| format!("{kind} {id}")));
        }
        found.sort();
        found.dedup();
        found
    }

    /// No container, network or volume of the project exists (its images
    /// stay until the end of the test).
    pub(crate) fn assert_nothing_left(&self, ran: &Ran) {
        let left: Vec<String> = self
            .leftovers()
            .into_iter()
            .filter(|thing| !thing.starts_with("image "))
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}\n{ran}");
    }

    /// `down -v --remove-orphans -t 0`, then whatever has the project's
    /// label (containers of a file that was never written, images).
    pub(crate) fn clean_up(&self) {
        if self.file().is_file() {
            let mut down = Command::new("docker");
            down.arg("compose")
                .arg("-f")
                .arg(self.file())
                .args(["-p", &self.name])
                .args(["down", "-v", "--remove-orphans", "-t", "0"]);
            for name in COMPOSE_OVERRIDES {
                down.env_remove(name);
            }
            let _ = output_within(&mut down, DOCKER_TIMEOUT);
        }
        for thing in self.leftovers() {
            let (kind, id) = thing.split_once(' ').expect("kind id");
            let remove: &[&str] = match kind {
                "container" => &["rm", "-f", "-v"],
                "network" => &["network", "rm"],
                "volume" => &["volume", "rm", "-f"],
                _ => &["image", "rm", "-f"],
            };
            let mut command = Command::new("docker");
            command.args(remove).arg(id);
            let _ = output_within(&mut command, DOCKER_TIMEOUT);
        }
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        self.clean_up();
        if std::thread::panicking() {
            return;
        }
        let left = self.leftovers();
        assert!(
            left.is_empty(),
            "project {} could not be cleaned up: {left:?}",
            self.name
        );
    }
}

/// `exo -C DIR` with colours off and no application, project or Compose
/// settings from the environment.
pub(crate) fn exo_in(dir: &Path) -> Command {
    let mut exo = Command::new(EXO);
    exo.arg("-C")
        .arg(dir)
        .env("NO_COLOR", "1")
        .env_remove("EXO_APP");
    for name in COMPOSE_OVERRIDES {
        exo.env_remove(name);
    }
    exo
}

/// `docker ARGS`'s stdout; panics if it fails.
pub(crate) fn docker(args: &[&str]) -> String {
    let mut command = Command::new("docker");
    command.args(args);
    let output = output_within(&mut command, DOCKER_TIMEOUT)
        .unwrap_or_else(|err| panic!("docker {args:?}: {err}"));
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write a script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .expect("make it executable");
}

/// `kill -SIGNAL PID`.
pub(crate) fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}
