//! Bringing the application up: build the images, create the containers,
//! then start each container as soon as everything it needs is ready, with
//! readiness decided by exo (the engine's events, host-side checks, log
//! lines). In the foreground it then shows the logs, supervises each
//! container (restarts after crashes, when unhealthy, when its files change)
//! until Ctrl-C.

mod backoff;
mod plan;
mod rebuild;
mod supervisor;
mod watcher;

pub use plan::{Node, NodeKind, Plan, Readiness, UnknownRole};

use crate::docker::{
    ContainerEvent, ContainerInfo, Docker, DockerError, EventKind, EventStream, LogLine, Project,
    follow_logs, parse_ps_lines, tail_logs,
};
use crate::output::{LogFormat, Printer, Progress};
use crate::signals::Interrupts;
use crate::watch::{self, Change, FileWatch, Method, Target};
use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::time::{Duration, Instant};
use supervisor::{Context, Effect, Input, State, Supervisor};
use tokio::process::Child;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use watcher::{Update, watch_health, watch_readiness};

/// Log lines kept per container to explain a failure.
const KEPT_LINES: usize = 20;

pub struct UpOptions {
    /// Return once everything is ready, leaving it running (`-d --wait`).
    pub detach: bool,
    /// Give up waiting for readiness after this long.
    pub wait_timeout: Option<Duration>,
    /// Restart crashed services with their `restart` policy (in the
    /// foreground, where exo stays to do it).
    pub supervise: bool,
    /// Restart or rebuild services whose files change.
    pub watch: Option<WatchOptions>,
    pub logs: LogFormat,
}

pub struct WatchOptions {
    /// Poll instead of native file events.
    pub poll: bool,
}

/// How `up` ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Everything became ready (and, in the foreground, later stopped).
    Ready,
    /// Building the images failed.
    BuildFailed,
    /// A container crashed or turned unhealthy before everything was ready.
    Failed,
    TimedOut,
    Interrupted,
}

struct Container {
    id: String,
    /// When this run of the container began.
    since: Option<String>,
    /// Whether it was running before this start.
    running: bool,
    /// Numbers its runs: updates about an earlier run are outdated.
    run: u64,
    supervisor: Supervisor,
    /// Why it failed, once it did.
    failure: Option<String>,
    last_check: Option<String>,
    lines: VecDeque<String>,
    /// The host-side health checks of its current run.
    health: Option<JoinHandle<()>>,
}

pub async fn up(
    docker: &Docker,
    project: &Project,
    plan: &Plan,
    options: &UpOptions,
    interrupts: &mut Interrupts,
    printer: &mut Printer,
) -> Result<Outcome, DockerError> {
    let names: Vec<String> = plan.nodes.keys().cloned().collect();
    let services: Vec<&String> = plan
        .nodes
        .iter()
        .filter(|(_, n)| n.kind == NodeKind::Service)
        .map(|(name, _)| name)
        .collect();
    let began = Instant::now();
    if !services.is_empty() {
        printer.status("Building", &format!("images of {}", join(&services)));
        let mut build = docker
            .compose(
                project,
                ["build"]
                    .into_iter()
                    .chain(services.iter().map(|s| s.as_str())),
            )
            .stdin(Stdio::null())
            // Build output is progress, not data: stderr, like every status.
            .stdout(Stdio::from(std::io::stderr()))
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| DockerError::command("docker compose build", err))?;
        let status = tokio::select! {
            status = build.wait() => status.map_err(|err| DockerError::command("docker compose build", err))?,
            () = interrupts.recv() => {
                let _ = build.kill().await;
                return Ok(Outcome::Interrupted);
            }
        };
        if !status.success() {
            printer.error("building the images failed (see the build output above)");
            return Ok(Outcome::BuildFailed);
        }
    }
    let mut events = EventStream::follow(docker, &project.name)?;
    let create = docker.compose(
        project,
        ["up", "--no-start", "--no-build", "--remove-orphans"]
            .into_iter()
            .chain(names.iter().map(String::as_str)),
    );
    if let Err(err) = docker.output(create).await {
        printer.error(&format!("creating the containers failed: {err}"));
        if !options.detach {
            stop(docker, project, interrupts, printer).await?;
        }
        return Ok(Outcome::Failed);
    }
    let listing = docker
        .output(docker.compose(project, ["ps", "--all", "--format", "json"]))
        .await?;
    let listed: HashMap<String, ContainerInfo> = parse_ps_lines(&listing)
        .map_err(|err| DockerError::command("docker compose ps", err))?
        .into_iter()
        .map(|c| (c.service.clone(), c))
        .collect();
    let mut containers: HashMap<String, Container> = HashMap::new();
    for (name, node) in &plan.nodes {
        let Some(info) = listed.get(name) else {
            printer.error(&format!("Compose created no container for `{name}`"));
            return Ok(Outcome::Failed);
        };
        let policy = node.restart.clone().filter(|_| options.supervise);
        containers.insert(
            name.clone(),
            Container {
                id: info.id.clone(),
                since: None,
                running: info.state == "running",
                run: 0,
                supervisor: Supervisor::new(
                    node.readiness.describe(),
                    node.readiness == Readiness::Healthy,
                    policy,
                ),
                failure: None,
                last_check: None,
                lines: VecDeque::new(),
                health: None,
            },
        );
    }
    let supervised: Vec<&str> = plan
        .nodes
        .iter()
        .filter(|(_, node)| options.supervise && node.restart.is_some())
        .map(|(name, _)| containers[name].id.as_str())
        .collect();
    if !supervised.is_empty() {
        // exo restarts these; the engine's `restart: on-failure` would race it.
        let update = docker.docker(["update", "--restart", "no"].into_iter().chain(supervised));
        docker.output(update).await?;
    }
    let files = match &options.watch {
        Some(watching) if !options.detach => watch_files(plan, project, watching, printer),
        _ => None,
    };
    let mut session = Session {
        docker,
        project,
        plan,
        options,
        progress: printer.progress(&names, options.logs),
        containers,
        files,
        log_sink: mpsc::unbounded_channel(),
        updates: mpsc::unbounded_channel(),
        followers: Vec::new(),
        all_ready: false,
    };
    let outcome = session.run(&mut events, interrupts, began).await;
    session.progress.finish();
    drop(session.followers);
    drop(session.files);
    for container in session.containers.values() {
        if let Some(health) = &container.health {
            health.abort();
        }
    }
    match outcome {
        Ok(Outcome::Ready) if options.detach => {
            printer.status(
                "Ready",
                &format!(
                    "{} in {:.1} s",
                    join(&names.iter().collect::<Vec<_>>()),
                    began.elapsed().as_secs_f64()
                ),
            );
            Ok(Outcome::Ready)
        }
        Ok(Outcome::Ready) => stop(docker, project, interrupts, printer)
            .await
            .map(|_| Outcome::Ready),
        Ok(failure @ (Outcome::Failed | Outcome::TimedOut)) => {
            explain_failure(docker, &session.containers, plan, printer, &failure).await;
            if !options.detach {
                stop(docker, project, interrupts, printer).await?;
            }
            Ok(failure)
        }
        Ok(Outcome::Interrupted) => {
            stop(docker, project, interrupts, printer).await?;
            Ok(Outcome::Interrupted)
        }
        Ok(other) => Ok(other),
        Err(err) => {
            stop(docker, project, interrupts, printer).await?;
            Err(err)
        }
    }
}

/// Starts watching the files of the services that have any, saying how; a
/// failure to watch is a warning, not a reason to stop.
fn watch_files(
    plan: &Plan,
    project: &Project,
    options: &WatchOptions,
    printer: &mut Printer,
) -> Option<FileWatch> {
    let targets: Vec<Target> = plan
        .nodes
        .iter()
        .filter_map(|(name, node)| {
            let (location, policy) = node.watch.as_ref()?;
            Some(Target {
                service: name.clone(),
                root: project.app_dir.join(location),
                policy: policy.clone(),
            })
        })
        .collect();
    if targets.is_empty() {
        return None;
    }
    let watched: Vec<&String> = targets.iter().map(|t| &t.service).collect();
    match watch::start(targets.clone(), options.poll) {
        Ok(files) => {
            let how = match &files.method {
                Method::Native => String::new(),
                Method::Polling { interval, reason } => format!(
                    " by polling every {} ({reason})",
                    crate::compose::format_duration(*interval)
                ),
            };
            printer.status("Watching", &format!("files of {}{how}", join(&watched)));
            Some(files)
        }
        Err(err) => {
            printer.warn(&format!("not watching files: {err}"));
            None
        }
    }
}

struct Session<'a> {
    docker: &'a Docker,
    project: &'a Project,
    plan: &'a Plan,
    options: &'a UpOptions,
    progress: Progress,
    containers: HashMap<String, Container>,
    files: Option<FileWatch>,
    log_sink: (
        mpsc::UnboundedSender<LogLine>,
        mpsc::UnboundedReceiver<LogLine>,
    ),
    updates: (
        mpsc::UnboundedSender<Update>,
        mpsc::UnboundedReceiver<Update>,
    ),
    followers: Vec<Child>,
    /// Every container has been ready once.
    all_ready: bool,
}

impl Session<'_> {
    async fn run(
        &mut self,
        events: &mut EventStream,
        interrupts: &mut Interrupts,
        began: Instant,
    ) -> Result<Outcome, DockerError> {
        if let Some(outcome) = self.start_what_can_start() {
            return Ok(outcome);
        }
        let deadline = self
            .options
            .wait_timeout
            .map(|t| tokio::time::Instant::now() + t);
        loop {
            if !self.all_ready && self.containers.values().all(|c| c.supervisor.is_settled()) {
                self.all_ready = true;
                if self.options.detach {
                    return Ok(Outcome::Ready);
                }
                self.progress.finish();
                self.progress.note(&format!(
                    "{} ready in {:.1} s; Ctrl-C stops {}",
                    match self.plan.nodes.len() {
                        1 => "the container is".to_owned(),
                        n => format!("all {n} containers are"),
                    },
                    began.elapsed().as_secs_f64(),
                    if self.plan.nodes.len() == 1 {
                        "it"
                    } else {
                        "them"
                    }
                ));
            }
            // Nothing left running, and no file change can revive anything.
            if self.all_ready
                && self.files.is_none()
                && self.containers.values().all(|c| c.supervisor.has_ended())
            {
                return Ok(Outcome::Ready);
            }
            let timeout = async {
                match deadline {
                    Some(deadline) if !self.all_ready => tokio::time::sleep_until(deadline).await,
                    _ => std::future::pending().await,
                }
            };
            let change = async {
                match self.files.as_mut() {
                    Some(files) => files.changes.recv().await,
                    None => std::future::pending().await,
                }
            };
            let outcome = tokio::select! {
                () = interrupts.recv() => return Ok(Outcome::Interrupted),
                () = timeout => return Ok(Outcome::TimedOut),
                Some(event) = events.events.recv() => self.on_event(event),
                Some(update) = self.updates.1.recv() => self.on_update(update)?,
                Some(line) = self.log_sink.1.recv() => self.on_log(line),
                Some(change) = change => self.on_change(change),
            };
            if let Some(outcome) = outcome {
                return Ok(outcome);
            }
        }
    }

    /// Starts every waiting container whose needs are ready; shows what the
    /// others wait for.
    fn start_what_can_start(&mut self) -> Option<Outcome> {
        let ready: Vec<String> = self
            .containers
            .iter()
            .filter(|(_, c)| c.supervisor.satisfies_needs())
            .map(|(n, _)| n.clone())
            .collect();
        for (name, node) in &self.plan.nodes {
            if self.containers[name].supervisor.state() != State::Waiting {
                continue;
            }
            let missing: Vec<&String> = node.needs.iter().filter(|n| !ready.contains(n)).collect();
            if missing.is_empty() {
                if let Some(outcome) = self.apply(name, Input::NeedsReady) {
                    return Some(outcome);
                }
            } else {
                self.progress
                    .state(name, &format!("waiting for {}", join(&missing)));
            }
        }
        None
    }

    /// Feeds `input` to the supervisor of `name` and carries out what it
    /// answers.
    fn apply(&mut self, name: &str, input: Input) -> Option<Outcome> {
        let cx = Context {
            now: Instant::now(),
            all_ready: self.all_ready,
            needed: self
                .plan
                .nodes
                .values()
                .any(|n| n.needs.iter().any(|need| need == name)),
        };
        let container = self.containers.get_mut(name)?;
        let was_ready = container.supervisor.satisfies_needs();
        let effects = container.supervisor.handle(input, cx);
        let now_ready = container.supervisor.satisfies_needs();
        for effect in effects {
            if let Some(outcome) = self.carry_out(name, effect) {
                return Some(outcome);
            }
        }
        if now_ready && !was_ready {
            return self.start_what_can_start();
        }
        None
    }

    fn carry_out(&mut self, name: &str, effect: Effect) -> Option<Outcome> {
        match effect {
            Effect::Start => self.start(name),
            Effect::StartAfter { delay, turn } => {
                self.after(
                    delay,
                    Update::RestartDue {
                        name: name.to_owned(),
                        turn,
                    },
                );
            }
            Effect::UnhealthyTimer { after, spell } => {
                self.after(
                    after,
                    Update::UnhealthyDue {
                        name: name.to_owned(),
                        spell,
                    },
                );
            }
            Effect::StopThenStart { turn } => {
                let container = self.containers.get_mut(name)?;
                stop_health_checks(container);
                let (docker, id, updates, name) = (
                    self.docker.clone(),
                    container.id.clone(),
                    self.updates.0.clone(),
                    name.to_owned(),
                );
                tokio::spawn(async move {
                    let _ = docker.output(docker.docker(["stop", &id])).await;
                    let _ = updates.send(Update::RestartDue { name, turn });
                });
            }
            Effect::Rebuild => {
                let supervised = self.options.supervise && self.plan.nodes[name].restart.is_some();
                let (docker, project, updates, name) = (
                    self.docker.clone(),
                    self.project.clone(),
                    self.updates.0.clone(),
                    name.to_owned(),
                );
                tokio::spawn(async move {
                    let result = rebuild::rebuild(&docker, &project, &name, supervised).await;
                    let _ = updates.send(Update::Rebuilt { name, result });
                });
            }
            Effect::RestartDependents => {
                let dependents: Vec<String> = self
                    .plan
                    .nodes
                    .iter()
                    .filter(|(_, node)| node.needs.iter().any(|need| need == name))
                    .map(|(dependent, _)| dependent.clone())
                    .collect();
                for dependent in dependents {
                    let input = Input::DependencyRestarted {
                        name: name.to_owned(),
                    };
                    if let Some(outcome) = self.apply(&dependent, input) {
                        return Some(outcome);
                    }
                }
            }
            Effect::WatchHealth => {
                let container = self.containers.get_mut(name)?;
                container.health = watch_health(
                    self.docker,
                    (name, container.run),
                    &container.id,
                    &self.plan.nodes[name],
                    self.updates.0.clone(),
                );
            }
            Effect::Show(text) => self.progress.state(name, &text),
            Effect::Done { text, ok } => self.progress.done(name, &text, ok),
            Effect::Log(text) => self.progress.log(&LogLine {
                service: name.to_owned(),
                text,
            }),
            Effect::Fail(why) => {
                self.containers.get_mut(name)?.failure = Some(why);
                return Some(Outcome::Failed);
            }
        }
        None
    }

    /// Sends `update` to the session after `delay`.
    fn after(&self, delay: Duration, update: Update) {
        let updates = self.updates.0.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = updates.send(update);
        });
    }

    /// Starts a new run of the container and watches its readiness.
    fn start(&mut self, name: &str) {
        let container = self
            .containers
            .get_mut(name)
            .expect("every node has a container");
        stop_health_checks(container);
        container.run += 1;
        watch_readiness(
            self.docker,
            (name, container.run),
            &container.id,
            container.running,
            &self.plan.nodes[name],
            self.updates.0.clone(),
        );
        // Later starts are new runs.
        container.running = false;
    }

    fn on_event(&mut self, event: ContainerEvent) -> Option<Outcome> {
        // `compose ps` gives short IDs, the events full ones; events of a
        // container replaced by a rebuild match no one.
        let name = self
            .containers
            .iter()
            .find(|(_, c)| event.container.starts_with(&c.id))
            .map(|(n, _)| n.clone())?;
        let container = self.containers.get_mut(&name)?;
        let input = match event.kind {
            EventKind::Healthy => {
                container.last_check = Some("healthcheck: healthy".into());
                Input::Healthy
            }
            EventKind::Unhealthy => {
                container.last_check = Some("healthcheck: unhealthy".into());
                Input::Unhealthy
            }
            EventKind::Die { exit_code } => {
                stop_health_checks(container);
                Input::Died { code: exit_code }
            }
            EventKind::Start => return None,
        };
        self.apply(&name, input)
    }

    fn on_update(&mut self, update: Update) -> Result<Option<Outcome>, DockerError> {
        let name = match &update {
            Update::Checked { name, .. }
            | Update::Started { name, .. }
            | Update::StartFailed { name, .. }
            | Update::RestartDue { name, .. }
            | Update::UnhealthyDue { name, .. }
            | Update::Rebuilt { name, .. }
            | Update::Health { name, .. } => name.clone(),
        };
        let container = self
            .containers
            .get_mut(&name)
            .expect("updates name known containers");
        let outdated = match &update {
            Update::Checked { run, .. }
            | Update::Started { run, .. }
            | Update::StartFailed { run, .. }
            | Update::Health { run, .. } => *run != container.run,
            _ => false,
        };
        if outdated {
            return Ok(None);
        }
        let input = match update {
            Update::Checked { attempt, .. } => match attempt {
                Ok(seen) => {
                    container.last_check = Some(seen);
                    Input::Ready
                }
                Err(why) => {
                    if matches!(container.supervisor.state(), State::Starting { .. }) {
                        self.progress.state(&name, &format!("starting: {why}"));
                    }
                    container.last_check = Some(why);
                    return Ok(None);
                }
            },
            Update::Started { since, .. } => {
                // `docker logs -f` of a container that is not running yet ends at once.
                container.since = Some(since.clone());
                let child = follow_logs(
                    self.docker,
                    &container.id,
                    &name,
                    &since,
                    self.log_sink.0.clone(),
                )?;
                self.followers.push(child);
                return Ok(None);
            }
            Update::StartFailed { message, .. } => {
                container.failure = Some(format!("could not start: {message}"));
                self.progress.done(&name, "could not start", false);
                return Ok(Some(Outcome::Failed));
            }
            Update::RestartDue { turn, .. } => Input::RestartDue { turn },
            Update::UnhealthyDue { spell, .. } => Input::UnhealthyDue { spell },
            Update::Rebuilt { result, .. } => match result {
                Ok(id) => {
                    container.id = id;
                    container.running = false;
                    Input::Rebuilt { ok: true }
                }
                Err(why) => {
                    for line in why.lines() {
                        self.progress.log(&LogLine {
                            service: name.clone(),
                            text: format!("rebuild: {line}"),
                        });
                    }
                    Input::Rebuilt { ok: false }
                }
            },
            Update::Health { healthy, seen, .. } => {
                container.last_check = Some(seen);
                if healthy {
                    Input::Healthy
                } else {
                    Input::Unhealthy
                }
            }
        };
        Ok(self.apply(&name, input))
    }

    fn on_log(&mut self, line: LogLine) -> Option<Outcome> {
        let container = self.containers.get_mut(&line.service)?;
        if container.lines.len() == KEPT_LINES {
            container.lines.pop_front();
        }
        container.lines.push_back(line.text.clone());
        let waiting_for_text = match &self.plan.nodes[&line.service].readiness {
            Readiness::Log { text } => {
                matches!(container.supervisor.state(), State::Starting { .. })
                    && line.text.contains(text.as_str())
            }
            _ => false,
        };
        if !self.options.detach {
            self.progress.log(&line);
        }
        if waiting_for_text {
            container.last_check = Some(format!("printed \"{}\"", line.text.trim()));
            return self.apply(&line.service, Input::Ready);
        }
        None
    }

    fn on_change(&mut self, change: Change) -> Option<Outcome> {
        if !self.containers.contains_key(&change.service) {
            return None;
        }
        self.progress
            .state(&change.service, &describe_change(&change));
        self.apply(
            &change.service,
            Input::Changed {
                action: change.action,
            },
        )
    }
}

/// E.g. `changed: src/app.js and 3 more`.
fn describe_change(change: &Change) -> String {
    let first = change
        .paths
        .first()
        .map(|path| path.display().to_string())
        .unwrap_or_default();
    match change.paths.len() {
        0 | 1 => format!("changed: {first}"),
        n => format!("changed: {first} and {} more", n - 1),
    }
}

fn stop_health_checks(container: &mut Container) {
    if let Some(health) = container.health.take() {
        health.abort();
    }
}

/// What went wrong, with the last check and the last log lines of each
/// container at fault (read from the engine: a container that failed at once
/// may not have reached the log stream yet).
async fn explain_failure(
    docker: &Docker,
    containers: &HashMap<String, Container>,
    plan: &Plan,
    printer: &mut Printer,
    outcome: &Outcome,
) {
    for (name, node) in &plan.nodes {
        let container = &containers[name];
        let problem = match (&container.failure, container.supervisor.state(), outcome) {
            (Some(failure), _, _) => format!("`{name}` {failure}"),
            (None, State::Starting { since }, Outcome::TimedOut) => {
                format!(
                    "`{name}` was not ready after {:.1} s",
                    since.elapsed().as_secs_f64()
                )
            }
            (None, State::Waiting, Outcome::TimedOut) => {
                printer.warn(&format!(
                    "`{name}` never started: it waits for {}",
                    join(&node.needs.iter().collect::<Vec<_>>())
                ));
                continue;
            }
            _ => continue,
        };
        printer.error(&problem);
        printer.detail(&format!("readiness: {}", node.readiness.describe()));
        let check = match node.readiness {
            Readiness::Healthy => last_health_output(docker, &container.id)
                .await
                .or_else(|| container.last_check.clone()),
            _ if matches!(container.supervisor.state(), State::Stopped { .. }) => None,
            _ => container.last_check.clone(),
        };
        if let Some(check) = check {
            printer.detail(&format!("last check: {check}"));
        }
        let lines = last_lines(docker, container).await;
        if lines.is_empty() {
            printer.detail("no log lines");
        } else {
            printer.detail(&format!(
                "last {}:",
                crate::output::counted(lines.len(), "log line")
            ));
            for line in &lines {
                printer.detail(&format!("  {line}"));
            }
        }
    }
}

/// The container's last lines of this run, from the engine; what the log
/// stream had if the engine cannot say.
async fn last_lines(docker: &Docker, container: &Container) -> Vec<String> {
    match tail_logs(
        docker,
        &container.id,
        container.since.as_deref(),
        KEPT_LINES,
    )
    .await
    {
        Ok(lines) => lines,
        Err(_) => container.lines.iter().cloned().collect(),
    }
}

/// What the last run of the Compose healthcheck printed, and its exit code.
async fn last_health_output(docker: &Docker, id: &str) -> Option<String> {
    let format = "{{if .State.Health}}{{json .State.Health.Log}}{{end}}";
    let output = docker
        .output(docker.docker(["inspect", "--format", format, id]))
        .await
        .ok()?;
    let runs: Vec<serde_json::Value> = serde_json::from_str(output.trim()).ok()?;
    let last = runs.last()?;
    let code = last
        .get("ExitCode")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(-1);
    let said = last
        .get("Output")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
        .trim()
        .to_owned();
    Some(if said.is_empty() {
        format!("healthcheck exited with {code}")
    } else {
        format!("healthcheck exited with {code}: {said}")
    })
}

/// `docker compose down`: stops and removes the containers and the network.
/// A second Ctrl-C kills them instead of waiting.
pub async fn stop(
    docker: &Docker,
    project: &Project,
    interrupts: &mut Interrupts,
    printer: &mut Printer,
) -> Result<(), DockerError> {
    printer.status(
        "Stopping",
        &format!("{} (Ctrl-C again to kill)", project.name),
    );
    let mut down = docker.compose(project, ["down", "--remove-orphans"]);
    let mut child = down
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| DockerError::command("docker compose down", err))?;
    tokio::select! {
        status = child.wait() => {
            let status = status.map_err(|err| DockerError::command("docker compose down", err))?;
            if !status.success() {
                printer.warn("`docker compose down` failed; run `exo compose down` to clean up");
            }
            Ok(())
        }
        () = interrupts.recv() => {
            let _ = child.kill().await;
            printer.status("Killing", &project.name);
            docker.output(docker.compose(project, ["kill"])).await.ok();
            docker.output(docker.compose(project, ["down", "--remove-orphans", "--timeout", "0"])).await?;
            Ok(())
        }
    }
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
