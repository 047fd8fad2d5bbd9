//! Bringing the application up: build the images, create the containers,
//! then start each container as soon as everything it needs is ready, with
//! readiness decided by exo (the engine's events, host-side checks, log
//! lines). In the foreground it then shows the logs until Ctrl-C.

mod backoff;
mod plan;
mod watcher;

pub use plan::{NodeKind, Plan, Readiness, UnknownRole};

use crate::docker::{
    ContainerEvent, ContainerInfo, Docker, DockerError, EventKind, EventStream, LogLine, Project,
    follow_logs, parse_ps_lines, tail_logs,
};
use crate::output::{LogFormat, Printer, Progress};
use crate::signals::Interrupts;
use backoff::{Backoff, Decision};
use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::Child;
use tokio::sync::mpsc;
use watcher::{Update, watch_readiness};

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
    pub logs: LogFormat,
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

/// Where one container is.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Waiting,
    Starting {
        since: Instant,
    },
    Ready,
    Exited {
        code: i64,
    },
    /// Crashed; started again once its backoff delay has passed.
    Restarting,
    /// Crashed too often; left stopped while the rest runs.
    GaveUp,
}

struct Container {
    id: String,
    /// When this run of the container began.
    since: Option<String>,
    /// Whether it was running before this start.
    running: bool,
    /// When its current run began.
    run_began: Option<Instant>,
    /// Its restart policy's state, when exo restarts it.
    backoff: Option<Backoff>,
    /// Why it failed, once it did.
    failure: Option<String>,
    /// Whether its current run is a restart (its dependents may follow it).
    restarted: bool,
    /// The turn of an unhealthy spell that a pending restart belongs to; a
    /// healthy event ends the spell, and the restart with it.
    unhealthy: Option<u64>,
    spells: u64,
    state: State,
    last_check: Option<String>,
    lines: VecDeque<String>,
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
    for name in &names {
        let Some(info) = listed.get(name) else {
            printer.error(&format!("Compose created no container for `{name}`"));
            return Ok(Outcome::Failed);
        };
        containers.insert(
            name.clone(),
            Container {
                id: info.id.clone(),
                since: None,
                running: info.state == "running",
                run_began: None,
                restarted: false,
                unhealthy: None,
                spells: 0,
                backoff: plan.nodes[name]
                    .restart
                    .clone()
                    .filter(|_| options.supervise)
                    .map(Backoff::new),
                failure: None,
                state: State::Waiting,
                last_check: None,
                lines: VecDeque::new(),
            },
        );
    }
    let supervised: Vec<&str> = containers
        .values()
        .filter(|c| c.backoff.is_some())
        .map(|c| c.id.as_str())
        .collect();
    if !supervised.is_empty() {
        // exo restarts these; the engine's `restart: on-failure` would race it.
        let update = docker.docker(["update", "--restart", "no"].into_iter().chain(supervised));
        docker.output(update).await?;
    }
    let mut session = Session {
        docker,
        plan,
        options,
        progress: printer.progress(&names, options.logs),
        containers,
        log_sink: mpsc::unbounded_channel(),
        updates: mpsc::unbounded_channel(),
        followers: Vec::new(),
    };
    let outcome = session.run(&mut events, interrupts, began).await;
    session.progress.finish();
    drop(session.followers);
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

struct Session<'a> {
    docker: &'a Docker,
    plan: &'a Plan,
    options: &'a UpOptions,
    progress: Progress,
    containers: HashMap<String, Container>,
    log_sink: (
        mpsc::UnboundedSender<LogLine>,
        mpsc::UnboundedReceiver<LogLine>,
    ),
    updates: (
        mpsc::UnboundedSender<Update>,
        mpsc::UnboundedReceiver<Update>,
    ),
    followers: Vec<Child>,
}

impl Session<'_> {
    async fn run(
        &mut self,
        events: &mut EventStream,
        interrupts: &mut Interrupts,
        began: Instant,
    ) -> Result<Outcome, DockerError> {
        self.start_what_can_start()?;
        let deadline = self
            .options
            .wait_timeout
            .map(|t| tokio::time::Instant::now() + t);
        let mut all_ready = false;
        loop {
            if !all_ready
                && self
                    .containers
                    .values()
                    .all(|c| matches!(c.state, State::Ready | State::GaveUp))
            {
                all_ready = true;
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
            if all_ready
                && self
                    .containers
                    .values()
                    .all(|c| matches!(c.state, State::Exited { .. } | State::GaveUp))
            {
                return Ok(Outcome::Ready);
            }
            let timeout = async {
                match deadline {
                    Some(deadline) if !all_ready => tokio::time::sleep_until(deadline).await,
                    _ => std::future::pending().await,
                }
            };
            tokio::select! {
                () = interrupts.recv() => return Ok(Outcome::Interrupted),
                () = timeout => return Ok(Outcome::TimedOut),
                Some(event) = events.events.recv() => {
                    if let Some(outcome) = self.on_event(event, all_ready) {
                        return Ok(outcome);
                    }
                }
                Some(update) = self.updates.1.recv() => {
                    if let Some(outcome) = self.on_update(update)? {
                        return Ok(outcome);
                    }
                }
                Some(line) = self.log_sink.1.recv() => self.on_log(line)?,
            }
        }
    }

    /// Starts every waiting container whose needs are ready; shows what the
    /// others wait for.
    fn start_what_can_start(&mut self) -> Result<(), DockerError> {
        let started: Vec<String> = self
            .containers
            .iter()
            .filter(|(_, c)| c.state != State::Waiting)
            .map(|(n, _)| n.clone())
            .collect();
        let ready: Vec<String> = self
            .containers
            .iter()
            .filter(|(_, c)| matches!(c.state, State::Ready | State::Exited { code: 0 }))
            .map(|(n, _)| n.clone())
            .collect();
        let startable: Vec<String> = self.plan.startable(&started, &ready).cloned().collect();
        for name in startable {
            self.progress.state(&name, "starting");
            self.start(&name);
        }
        for (name, node) in &self.plan.nodes {
            if self.containers[name].state == State::Waiting {
                let missing: Vec<&String> =
                    node.needs.iter().filter(|n| !ready.contains(n)).collect();
                self.progress
                    .state(name, &format!("waiting for {}", join(&missing)));
            }
        }
        Ok(())
    }

    /// Starts one container and watches its readiness.
    fn start(&mut self, name: &str) {
        let container = self
            .containers
            .get_mut(name)
            .expect("every node has a container");
        container.state = State::Starting {
            since: Instant::now(),
        };
        container.run_began = Some(Instant::now());
        watch_readiness(
            self.docker,
            name,
            &container.id,
            container.running,
            &self.plan.nodes[name],
            self.updates.0.clone(),
        );
        // Later starts are new runs.
        container.running = false;
    }

    /// A crash of a supervised service: restart after the backoff delay, or
    /// give up. Giving up fails the start only if others wait for it.
    fn on_crash(&mut self, name: &str, exit_code: i64, all_ready: bool) -> Option<Outcome> {
        let container = self.containers.get_mut(name)?;
        let uptime = container.run_began.map(|t| t.elapsed()).unwrap_or_default();
        let decision = container.backoff.as_mut()?.on_crash(Instant::now(), uptime);
        match decision {
            Decision::Restart { delay, attempt } => {
                container.state = State::Restarting;
                self.progress.state(
                    name,
                    &format!(
                        "crashed (exit {exit_code}), restarting in {} (attempt {attempt})",
                        crate::compose::format_duration(delay)
                    ),
                );
                let (updates, name) = (self.updates.0.clone(), name.to_owned());
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = updates.send(Update::RestartDue { name });
                });
                None
            }
            Decision::GiveUp { crashes, window } => {
                container.state = State::GaveUp;
                let text = format!(
                    "gave up: {crashes} crashes within {} (exit {exit_code})",
                    crate::compose::format_duration(window)
                );
                self.progress.done(name, &text, false);
                let needed = self
                    .plan
                    .nodes
                    .values()
                    .any(|n| n.needs.iter().any(|need| need == name));
                if needed && !all_ready {
                    let container = self.containers.get_mut(name)?;
                    container.failure = Some(format!("{text}, and others need it"));
                    return Some(Outcome::Failed);
                }
                None
            }
        }
    }

    fn on_event(&mut self, event: ContainerEvent, all_ready: bool) -> Option<Outcome> {
        // `compose ps` gives short IDs, the events full ones.
        let name = self
            .containers
            .iter()
            .find(|(_, c)| event.container.starts_with(&c.id))
            .map(|(n, _)| n.clone())?;
        let readiness = &self.plan.nodes[&name].readiness;
        let container = self.containers.get_mut(&name)?;
        match event.kind {
            EventKind::Healthy if container.state == State::Ready => {
                container.last_check = Some("healthcheck: healthy".into());
                if container.unhealthy.take().is_some() {
                    self.progress.state(&name, "healthy again");
                }
                None
            }
            EventKind::Healthy if *readiness == Readiness::Healthy => {
                container.last_check = Some("healthcheck: healthy".into());
                self.become_ready(&name).err().map(|_| Outcome::Failed)
            }
            EventKind::Unhealthy if container.state == State::Ready => {
                container.last_check = Some("healthcheck: unhealthy".into());
                let after = self.plan.nodes[&name]
                    .restart
                    .as_ref()
                    .filter(|_| container.backoff.is_some())
                    .and_then(|policy| policy.unhealthy_after);
                let Some(after) = after else {
                    self.progress.state(&name, "unhealthy");
                    return None;
                };
                container.spells += 1;
                container.unhealthy = Some(container.spells);
                let after_text = crate::compose::format_duration(after);
                self.progress.state(
                    &name,
                    &format!("unhealthy; restarting in {after_text} unless it recovers"),
                );
                let (updates, name, spell) =
                    (self.updates.0.clone(), name.clone(), container.spells);
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = updates.send(Update::UnhealthyDue { name, spell, after });
                });
                None
            }
            EventKind::Unhealthy if !all_ready => {
                container.last_check = Some("healthcheck: unhealthy".into());
                container.failure = Some("is unhealthy".into());
                self.progress.done(&name, "unhealthy", false);
                Some(Outcome::Failed)
            }
            EventKind::Die { exit_code } => {
                if matches!(container.state, State::Restarting | State::GaveUp) {
                    return None;
                }
                let was_ready = container.state == State::Ready;
                container.state = State::Exited { code: exit_code };
                let crashed = exit_code != 0 || !was_ready;
                if crashed && container.backoff.is_some() {
                    return self.on_crash(&name, exit_code, all_ready);
                }
                if all_ready {
                    self.progress.log(&LogLine {
                        service: name.clone(),
                        text: format!("exited with code {exit_code}"),
                    });
                    None
                } else if was_ready && exit_code == 0 {
                    None
                } else {
                    container.failure = Some(format!(
                        "exited with code {exit_code} before the application was ready"
                    ));
                    self.progress
                        .done(&name, &format!("exited with code {exit_code}"), false);
                    Some(Outcome::Failed)
                }
            }
            _ => None,
        }
    }

    fn on_update(&mut self, update: Update) -> Result<Option<Outcome>, DockerError> {
        match update {
            Update::Checked { name, attempt } => {
                let container = self
                    .containers
                    .get_mut(&name)
                    .expect("updates name known containers");
                match attempt {
                    Ok(seen) => {
                        container.last_check = Some(seen);
                        if matches!(container.state, State::Starting { .. }) {
                            self.become_ready(&name)?;
                        }
                    }
                    Err(why) => {
                        self.progress.state(&name, &format!("starting: {why}"));
                        container.last_check = Some(why);
                    }
                }
                Ok(None)
            }
            Update::Started { name, since } => {
                // `docker logs -f` of a container that is not running yet ends at once.
                let container = self
                    .containers
                    .get_mut(&name)
                    .expect("updates name known containers");
                container.since = Some(since.clone());
                let child = follow_logs(
                    self.docker,
                    &container.id,
                    &name,
                    &since,
                    self.log_sink.0.clone(),
                )?;
                self.followers.push(child);
                Ok(None)
            }
            Update::UnhealthyDue { name, spell, after } => {
                let container = self
                    .containers
                    .get_mut(&name)
                    .expect("updates name known containers");
                if container.unhealthy == Some(spell) && container.state == State::Ready {
                    container.unhealthy = None;
                    container.state = State::Restarting;
                    self.progress.state(
                        &name,
                        &format!(
                            "unhealthy for {}, restarting",
                            crate::compose::format_duration(after)
                        ),
                    );
                    // Its exit is this restart's, not a crash: the state says so.
                    let (docker, id, updates) = (
                        self.docker.clone(),
                        container.id.clone(),
                        self.updates.0.clone(),
                    );
                    tokio::spawn(async move {
                        let _ = docker.output(docker.docker(["stop", &id])).await;
                        let _ = updates.send(Update::RestartDue { name });
                    });
                }
                Ok(None)
            }
            Update::RestartDue { name } => {
                if self.containers[&name].state == State::Restarting {
                    self.progress.state(&name, "restarting");
                    self.start(&name);
                    if let Some(container) = self.containers.get_mut(&name) {
                        container.restarted = true;
                    }
                }
                Ok(None)
            }
            Update::StartFailed { name, message } => {
                let container = self
                    .containers
                    .get_mut(&name)
                    .expect("updates name known containers");
                container.failure = Some(format!("could not start: {message}"));
                self.progress.done(&name, "could not start", false);
                Ok(Some(Outcome::Failed))
            }
        }
    }

    fn on_log(&mut self, line: LogLine) -> Result<(), DockerError> {
        let Some(container) = self.containers.get_mut(&line.service) else {
            return Ok(());
        };
        if container.lines.len() == KEPT_LINES {
            container.lines.pop_front();
        }
        container.lines.push_back(line.text.clone());
        let waiting_for_text = match &self.plan.nodes[&line.service].readiness {
            Readiness::Log { text } => {
                matches!(container.state, State::Starting { .. })
                    && line.text.contains(text.as_str())
            }
            _ => false,
        };
        if !self.options.detach {
            self.progress.log(&line);
        }
        if waiting_for_text {
            container.last_check = Some(format!("printed \"{}\"", line.text.trim()));
            self.become_ready(&line.service)?;
        }
        Ok(())
    }

    fn become_ready(&mut self, name: &str) -> Result<(), DockerError> {
        let container = self.containers.get_mut(name).expect("known container");
        if let State::Starting { since } = container.state {
            container.state = State::Ready;
            let how = self.plan.nodes[name].readiness.describe();
            self.progress.done(
                name,
                &format!("ready in {:.1} s ({how})", since.elapsed().as_secs_f64()),
                true,
            );
            if std::mem::take(&mut container.restarted) {
                self.restart_dependents(name);
            }
            self.start_what_can_start()?;
        }
        Ok(())
    }

    /// After `name` restarted and is ready again: restart the running
    /// services that need it and asked for it (`with-dependencies`).
    fn restart_dependents(&mut self, name: &str) {
        let dependents: Vec<String> = self
            .plan
            .nodes
            .iter()
            .filter(|(_, node)| node.needs.iter().any(|need| need == name))
            .filter(|(_, node)| node.restart.as_ref().is_some_and(|p| p.with_dependencies))
            .map(|(dependent, _)| dependent.clone())
            .filter(|dependent| {
                let container = &self.containers[dependent];
                container.backoff.is_some() && container.state == State::Ready
            })
            .collect();
        for dependent in dependents {
            let container = self
                .containers
                .get_mut(&dependent)
                .expect("a planned container");
            container.state = State::Restarting;
            self.progress
                .state(&dependent, &format!("restarting after {name}"));
            self.stop_then_restart(&dependent);
        }
    }

    /// Stops a running container, then starts it again. Its state is
    /// already `Restarting`, so its exit is not taken for a crash.
    fn stop_then_restart(&self, name: &str) {
        let id = self.containers[name].id.clone();
        let (docker, updates, name) =
            (self.docker.clone(), self.updates.0.clone(), name.to_owned());
        tokio::spawn(async move {
            let _ = docker.output(docker.docker(["stop", &id])).await;
            let _ = updates.send(Update::RestartDue { name });
        });
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
        let problem = match (&container.failure, &container.state, outcome) {
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
            _ if matches!(container.state, State::Exited { .. }) => None,
            _ => container.last_check.clone(),
        };
        if let Some(check) = check {
            printer.detail(&format!("last check: {check}"));
        }
        let lines = last_lines(docker, container).await;
        if lines.is_empty() {
            printer.detail("no log lines");
        } else {
            printer.detail(&format!("last {} log lines:", lines.len()));
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
