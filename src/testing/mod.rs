//! `exo test`: every service's test script in a container of its image,
//! with the dependencies it needs started once, shared, and ready first;
//! then the application's end-to-end suite against the whole application,
//! once every service is ready. Dependencies, readiness and failure reports
//! come from [`crate::up`]; what is pure (the schedule, the report, the JUnit
//! file) is in the submodules.

mod junit;
mod report;
mod schedule;

pub use junit::junit_xml;
pub use report::{Conclusion, END_TO_END, Kind, Report, TestCase, Verdict};
pub use schedule::Schedule;

use crate::compose::{self, END_TO_END_SERVICE, Mode};
use crate::docker::{Docker, DockerError, LogLine, Project, stream_lines};
use crate::model::{Application, ServiceSource};
use crate::output::{LogFormat, Printer};
use crate::signals::Interrupts;
use crate::up::{self, NodeKind, Outcome, Plan, UnknownRole, UpOptions};
use indexmap::IndexMap;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Build output lines shown when an image does not build (all of them go to
/// the JUnit file).
const BUILD_LINES_SHOWN: usize = 15;

pub struct TestOptions {
    /// Tests (and image builds) that run at once.
    pub jobs: usize,
    /// Stop at the first failure.
    pub fail_fast: bool,
    /// How long dependencies, and the application before its end-to-end
    /// suite, may take to become ready.
    pub wait_timeout: Duration,
    pub logs: LogFormat,
}

#[derive(Debug, thiserror::Error)]
pub enum TestError {
    #[error(transparent)]
    Docker(#[from] DockerError),
    #[error(transparent)]
    UnknownRole(#[from] UnknownRole),
    #[error("cannot write the end-to-end Compose file {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What one run tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Roles whose test script runs, in application order.
    pub tested: Vec<String>,
    /// Roles that are listed but not tested, and why.
    pub skipped: Vec<(String, String)>,
    /// Whether the end-to-end suite runs: only for the whole application.
    pub end_to_end: bool,
}

impl Selection {
    /// `roles` (every service when empty), each tested if it is built from
    /// a directory and has a `scripts.test`.
    pub fn new(app: &Application, roles: &[String]) -> Result<Selection, UnknownRole> {
        if let Some(role) = roles.iter().find(|r| !app.services.contains_key(*r)) {
            return Err(UnknownRole {
                role: role.clone(),
                known: app
                    .services
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let mut selection = Selection {
            tested: Vec::new(),
            skipped: Vec::new(),
            end_to_end: roles.is_empty() && app.tests.is_some(),
        };
        for (role, service) in &app.services {
            if !roles.is_empty() && !roles.contains(role) {
                continue;
            }
            match (&service.source, &service.config.development.test) {
                (ServiceSource::Image(_), _) => selection
                    .skipped
                    .push((role.clone(), "runs from an image".to_owned())),
                (ServiceSource::Location(_), None) => selection
                    .skipped
                    .push((role.clone(), "no test script".to_owned())),
                (ServiceSource::Location(_), Some(_)) => selection.tested.push(role.clone()),
            }
        }
        Ok(selection)
    }
}

/// Runs the tests of `selection`, then removes every container, network and
/// volume of `project` (test.yml's), whatever happened.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    docker: &Docker,
    project: &Project,
    app: &Application,
    app_dir: &Path,
    selection: &Selection,
    options: &TestOptions,
    interrupts: &mut Interrupts,
    printer: &mut Printer,
) -> Result<Report, TestError> {
    let began = Instant::now();
    let mut run = Run {
        docker,
        options,
        cases: IndexMap::new(),
        interrupted: false,
    };
    for role in &selection.tested {
        run.cases.insert(
            role.clone(),
            TestCase::new(role, Kind::Service, not_started()),
        );
    }
    for (role, reason) in &selection.skipped {
        let skipped = Verdict::Skipped {
            reason: reason.clone(),
        };
        run.cases
            .insert(role.clone(), TestCase::new(role, Kind::Service, skipped));
    }
    if selection.end_to_end {
        run.cases.insert(
            END_TO_END.to_owned(),
            TestCase::new(END_TO_END, Kind::EndToEnd, not_started()),
        );
    }
    let mut last_project = project.clone();
    let mut end_to_end_dir = None;
    let outcome = async {
        if !selection.tested.is_empty() {
            run.services(project, app, &selection.tested, interrupts, printer)
                .await?;
        }
        let stopped = run.interrupted || (options.fail_fast && run.any_failed());
        let file = compose::end_to_end(app, app_dir, &project.name)
            .filter(|_| selection.end_to_end && !stopped);
        if selection.end_to_end && stopped {
            let reason = if run.interrupted {
                "interrupted"
            } else {
                "stopped by --fail-fast"
            };
            let skipped = Verdict::Skipped {
                reason: reason.into(),
            };
            run.set_all(&[END_TO_END.to_owned()], &skipped);
        }
        if let Some(file) = file {
            let dir = tempfile::tempdir().map_err(|source| TestError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
            let file = write_end_to_end_file(&file, dir.path())?;
            end_to_end_dir = Some(dir);
            last_project = Project {
                file,
                name: project.name.clone(),
                app_dir: project.app_dir.clone(),
            };
            run.end_to_end(&last_project, app, interrupts, printer)
                .await?;
        }
        Ok::<(), TestError>(())
    }
    .await;
    let cleaned = remove_everything(docker, &last_project, printer).await;
    drop(end_to_end_dir);
    outcome?;
    cleaned?;
    Ok(Report {
        application: app.name.clone(),
        cases: run.cases.into_values().collect(),
        interrupted: run.interrupted,
        duration: began.elapsed(),
    })
}

/// Every case's verdict until it runs or is given another.
fn not_started() -> Verdict {
    Verdict::Skipped {
        reason: "not started".into(),
    }
}

struct Run<'a> {
    docker: &'a Docker,
    options: &'a TestOptions,
    cases: IndexMap<String, TestCase>,
    interrupted: bool,
}

/// What a running test reports to the loop that prints.
enum Event {
    Line(LogLine),
    Ended { name: String, exit_code: i32 },
}

impl Run<'_> {
    fn any_failed(&self) -> bool {
        self.cases.values().any(|c| {
            matches!(
                c.verdict,
                Verdict::Failed { .. } | Verdict::BuildFailed | Verdict::NotRun { .. }
            )
        })
    }

    /// The cases among `wanted` that have not started yet.
    fn not_started(&self, wanted: impl Fn(&String) -> bool) -> Vec<String> {
        self.cases
            .iter()
            .filter(|(name, case)| wanted(name) && case.verdict == not_started())
            .map(|(name, _)| name.clone())
            .collect()
    }

    fn set_all(&mut self, names: &[String], verdict: &Verdict) {
        for name in names {
            if let Some(case) = self.cases.get_mut(name) {
                case.verdict = verdict.clone();
            }
        }
    }

    /// Builds the test images while the dependencies start, then runs the
    /// tests whose image built.
    async fn services(
        &mut self,
        project: &Project,
        app: &Application,
        roles: &[String],
        interrupts: &mut Interrupts,
        printer: &mut Printer,
    ) -> Result<(), TestError> {
        let mut plan = Plan::new(app, Mode::Test, roles)?;
        plan.nodes
            .retain(|_, node| node.kind == NodeKind::Dependency);
        printer.status("Building", &format!("test images of {}", roles.join(", ")));
        let mut builds = tokio::spawn(build_images(
            self.docker.clone(),
            project.clone(),
            roles.to_vec(),
            self.options.jobs,
        ));
        let ready = self
            .dependencies(project, &plan, interrupts, printer)
            .await?;
        if !ready {
            builds.abort();
            return Ok(());
        }
        let built = tokio::select! {
            built = &mut builds => built.unwrap_or_default(),
            () = interrupts.recv() => {
                builds.abort();
                self.interrupted = true;
                self.set_all(roles, &Verdict::Skipped { reason: "interrupted".into() });
                return Ok(());
            }
        };
        let mut runnable = Vec::new();
        for (role, result) in built {
            match result {
                Ok(()) => runnable.push((role.clone(), role)),
                Err(output) => {
                    printer.error(&format!("`{role}`: its test image did not build"));
                    let lines: Vec<&str> = output.lines().collect();
                    let shown = &lines[lines.len().saturating_sub(BUILD_LINES_SHOWN)..];
                    printer.detail(&shown.join("\n"));
                    if let Some(case) = self.cases.get_mut(&role) {
                        case.verdict = Verdict::BuildFailed;
                        case.output = output;
                    }
                }
            }
        }
        if plan.nodes.is_empty() && !runnable.is_empty() {
            // Without dependencies nothing has made the project's network
            // yet, and parallel `compose run`s would each make one.
            let create = self.docker.compose(
                project,
                ["up", "--no-start", "--no-build", "--remove-orphans"]
                    .into_iter()
                    .chain(runnable.iter().map(|(_, service)| service.as_str())),
            );
            self.docker.output(create).await?;
        }
        if self.options.fail_fast && self.any_failed() {
            let names: Vec<String> = runnable.into_iter().map(|(name, _)| name).collect();
            let stopped = Verdict::Skipped {
                reason: "stopped by --fail-fast".into(),
            };
            self.set_all(&names, &stopped);
            return Ok(());
        }
        self.run_tests(project, &runnable, interrupts, printer)
            .await
    }

    /// Starts the dependencies of `plan` and waits until they are ready;
    /// otherwise every test not run yet could not run, for the reason
    /// printed.
    async fn dependencies(
        &mut self,
        project: &Project,
        plan: &Plan,
        interrupts: &mut Interrupts,
        printer: &mut Printer,
    ) -> Result<bool, TestError> {
        if plan.nodes.is_empty() {
            return Ok(true);
        }
        let options = self.up_options();
        let outcome = up::up(self.docker, project, plan, &options, interrupts, printer).await?;
        let names: Vec<String> = plan.nodes.keys().cloned().collect();
        let verdict = match outcome {
            Outcome::Ready => return Ok(true),
            Outcome::Interrupted => {
                self.interrupted = true;
                Verdict::Skipped {
                    reason: "interrupted".into(),
                }
            }
            Outcome::TimedOut => Verdict::NotRun {
                reason: format!(
                    "its dependencies ({}) were not ready within {} s",
                    names.join(", "),
                    self.options.wait_timeout.as_secs()
                ),
            },
            Outcome::Failed | Outcome::BuildFailed => Verdict::NotRun {
                reason: format!(
                    "its dependencies ({}) failed to start (see above)",
                    names.join(", ")
                ),
            },
        };
        let waiting = self.not_started(|_| true);
        self.set_all(&waiting, &verdict);
        Ok(false)
    }

    /// How the dependencies and the application come up for the tests: in
    /// the background, ready within `--wait-timeout`, left to the engine.
    fn up_options(&self) -> UpOptions {
        UpOptions {
            detach: true,
            supervise: false,
            wait_timeout: Some(self.options.wait_timeout),
            watch: None,
            logs: self.options.logs,
        }
    }

    /// Brings the whole application up as the end-to-end file describes it,
    /// then runs the suite against it.
    async fn end_to_end(
        &mut self,
        project: &Project,
        app: &Application,
        interrupts: &mut Interrupts,
        printer: &mut Printer,
    ) -> Result<(), TestError> {
        let plan = Plan::new(app, Mode::Development, &[])?;
        printer.status("Starting", "the application for its end-to-end tests");
        let options = self.up_options();
        let outcome = up::up(self.docker, project, &plan, &options, interrupts, printer).await?;
        let verdict = match outcome {
            Outcome::Ready => None,
            Outcome::Interrupted => {
                self.interrupted = true;
                Some(Verdict::Skipped {
                    reason: "interrupted".into(),
                })
            }
            Outcome::BuildFailed => Some(Verdict::NotRun {
                reason: "the application's images did not build (see above)".into(),
            }),
            Outcome::TimedOut => Some(Verdict::NotRun {
                reason: format!(
                    "the application was not ready within {} s",
                    self.options.wait_timeout.as_secs()
                ),
            }),
            Outcome::Failed => Some(Verdict::NotRun {
                reason: "the application failed to start (see above)".into(),
            }),
        };
        if let Some(verdict) = verdict {
            self.set_all(&[END_TO_END.to_owned()], &verdict);
            return Ok(());
        }
        printer.status("Building", "the end-to-end tests' image");
        let built = tokio::select! {
            built = build_image(self.docker, project, END_TO_END_SERVICE) => built,
            () = interrupts.recv() => {
                self.interrupted = true;
                self.set_all(&[END_TO_END.to_owned()], &Verdict::Skipped { reason: "interrupted".into() });
                return Ok(());
            }
        };
        if let Err(output) = built {
            printer.error("the end-to-end tests' image did not build");
            let lines: Vec<&str> = output.lines().collect();
            printer.detail(&lines[lines.len().saturating_sub(BUILD_LINES_SHOWN)..].join("\n"));
            if let Some(case) = self.cases.get_mut(END_TO_END) {
                case.verdict = Verdict::BuildFailed;
                case.output = output;
            }
            return Ok(());
        }
        let suite = [(END_TO_END.to_owned(), END_TO_END_SERVICE.to_owned())];
        self.run_tests(project, &suite, interrupts, printer).await
    }

    /// Runs each `(name, Compose service)` in a container of its own, at
    /// most `jobs` at once, printing their lines as they come.
    async fn run_tests(
        &mut self,
        project: &Project,
        tests: &[(String, String)],
        interrupts: &mut Interrupts,
        printer: &mut Printer,
    ) -> Result<(), TestError> {
        let names: Vec<String> = tests.iter().map(|(name, _)| name.clone()).collect();
        let service_of: IndexMap<&str, &str> = tests
            .iter()
            .map(|(name, service)| (name.as_str(), service.as_str()))
            .collect();
        let mut schedule = Schedule::new(names.clone(), self.options.jobs, self.options.fail_fast);
        let mut progress = printer.progress(&names, self.options.logs);
        let (sender, mut events) = mpsc::unbounded_channel();
        let mut running: IndexMap<String, (JoinHandle<()>, Instant)> = IndexMap::new();
        let stopped_by_fail_fast = Verdict::Skipped {
            reason: "stopped by --fail-fast".into(),
        };
        loop {
            while let Some(name) = schedule.start_next() {
                progress.state(&name, "running");
                let command = self.docker.compose(
                    project,
                    ["run", "--rm", "--no-deps", "-T", service_of[name.as_str()]],
                );
                let task = tokio::spawn(run_one(command, name.clone(), sender.clone()));
                running.insert(name, (task, Instant::now()));
            }
            if schedule.is_done() {
                break;
            }
            tokio::select! {
                () = interrupts.recv() => {
                    self.interrupted = true;
                    for (name, (task, began)) in running.drain(..) {
                        task.abort();
                        progress.done(&name, "interrupted", false);
                        if let Some(case) = self.cases.get_mut(&name) {
                            case.duration = Some(began.elapsed());
                        }
                    }
                    let interrupted = Verdict::Skipped { reason: "interrupted".into() };
                    let left = self.not_started(|name| names.contains(name));
                    self.set_all(&left, &interrupted);
                    break;
                }
                Some(event) = events.recv() => match event {
                    Event::Line(line) => {
                        progress.log(&line);
                        if let Some(case) = self.cases.get_mut(&line.service) {
                            case.output.push_str(&line.text);
                            case.output.push('\n');
                        }
                    }
                    Event::Ended { name, exit_code } => {
                        let Some((_, began)) = running.shift_remove(&name) else {
                            continue;
                        };
                        let took = began.elapsed();
                        let passed = exit_code == 0;
                        let text = if passed {
                            format!("passed in {:.1} s", took.as_secs_f64())
                        } else {
                            format!("failed (exit code {exit_code}) in {:.1} s", took.as_secs_f64())
                        };
                        progress.done(&name, &text, passed);
                        if let Some(case) = self.cases.get_mut(&name) {
                            case.duration = Some(took);
                            case.verdict = if passed { Verdict::Passed } else { Verdict::Failed { exit_code } };
                        }
                        let cancelled = schedule.finished(&name, passed);
                        for other in &cancelled {
                            if let Some((task, began)) = running.shift_remove(other) {
                                task.abort();
                                progress.done(other, "stopped by --fail-fast", false);
                                if let Some(case) = self.cases.get_mut(other) {
                                    case.duration = Some(began.elapsed());
                                }
                            }
                        }
                        self.set_all(&cancelled, &stopped_by_fail_fast);
                    }
                },
            }
        }
        progress.finish();
        Ok(())
    }
}

/// Runs one test's `docker compose run` to its end, forwarding its lines,
/// then its exit code. Aborting the task kills the process.
async fn run_one(
    command: tokio::process::Command,
    name: String,
    events: mpsc::UnboundedSender<Event>,
) {
    let (sink, mut lines) = mpsc::unbounded_channel();
    let mut child = match stream_lines(command, &name, sink) {
        Ok(child) => child,
        Err(err) => {
            let _ = events.send(Event::Line(LogLine {
                service: name.clone(),
                text: err.to_string(),
            }));
            let _ = events.send(Event::Ended {
                name,
                exit_code: -1,
            });
            return;
        }
    };
    // Every line first, so that the case's output is complete when it ends.
    // Blank lines wait for the next line: Compose ends a failed `run` with
    // one, which is not the test's.
    let mut blanks = Vec::new();
    while let Some(line) = lines.recv().await {
        if line.text.is_empty() {
            blanks.push(line);
            continue;
        }
        for line in blanks.drain(..).chain([line]) {
            if events.send(Event::Line(line)).is_err() {
                return;
            }
        }
    }
    let exit_code = match child.wait().await {
        Ok(status) => status.code().unwrap_or(-1),
        Err(_) => -1,
    };
    let _ = events.send(Event::Ended { name, exit_code });
}

/// Builds each role's image, `jobs` at a time, in order of `roles`; a
/// failed build gives its output. Dropping the future stops the builds.
async fn build_images(
    docker: Docker,
    project: Project,
    roles: Vec<String>,
    jobs: usize,
) -> Vec<(String, Result<(), String>)> {
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut builds = tokio::task::JoinSet::new();
    for (index, role) in roles.iter().enumerate() {
        let (docker, project, limit, role) =
            (docker.clone(), project.clone(), limit.clone(), role.clone());
        builds.spawn(async move {
            let _permit = limit.acquire().await;
            (index, build_image(&docker, &project, &role).await)
        });
    }
    let mut results: Vec<Option<Result<(), String>>> = roles.iter().map(|_| None).collect();
    while let Some(joined) = builds.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    roles
        .into_iter()
        .zip(results)
        .map(|(role, result)| {
            let result = result.unwrap_or_else(|| Err("the build was stopped\n".to_owned()));
            (role, result)
        })
        .collect()
}

/// `docker compose build SERVICE`; its output if it fails.
async fn build_image(docker: &Docker, project: &Project, service: &str) -> Result<(), String> {
    let command = docker.compose(project, ["--progress", "plain", "build", service]);
    let (sink, mut lines) = mpsc::unbounded_channel();
    let mut child = stream_lines(command, service, sink).map_err(|err| err.to_string())?;
    let mut output = String::new();
    while let Some(line) = lines.recv().await {
        output.push_str(&line.text);
        output.push('\n');
    }
    match child.wait().await {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(output),
        Err(err) => Err(format!("{output}{err}\n")),
    }
}

/// Writes the end-to-end Compose file into `dir`.
fn write_end_to_end_file(
    file: &compose::ComposeFile,
    dir: &Path,
) -> Result<std::path::PathBuf, TestError> {
    let path = dir.join("end-to-end.yml");
    std::fs::write(&path, compose::render(file)).map_err(|source| TestError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// `docker compose down --volumes --remove-orphans --timeout 0`: test
/// containers hold nothing worth a graceful stop.
async fn remove_everything(
    docker: &Docker,
    project: &Project,
    printer: &mut Printer,
) -> Result<(), TestError> {
    printer.status(
        "Removing",
        &format!("the test containers of {}", project.name),
    );
    let down = docker.compose(
        project,
        ["down", "--volumes", "--remove-orphans", "--timeout", "0"],
    );
    docker.output(down).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features() -> Application {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/features");
        crate::config::load(&dir).expect("tests/apps/features loads")
    }

    #[test]
    fn every_service_is_tested_or_listed_with_the_reason() {
        let selection = Selection::new(&features(), &[]).unwrap();
        assert_eq!(selection.tested, ["web"]);
        assert_eq!(
            selection.skipped,
            [
                ("api".to_owned(), "no test script".to_owned()),
                ("worker".to_owned(), "no test script".to_owned()),
                ("mailer".to_owned(), "runs from an image".to_owned()),
            ]
        );
        assert!(selection.end_to_end);
    }

    #[test]
    fn roles_narrow_the_selection_and_leave_out_the_end_to_end_suite() {
        let selection = Selection::new(&features(), &["web".into()]).unwrap();
        assert_eq!(selection.tested, ["web"]);
        assert!(selection.skipped.is_empty());
        assert!(!selection.end_to_end);
        let unknown = Selection::new(&features(), &["wbe".into()]).unwrap_err();
        assert_eq!(unknown.role, "wbe");
        assert_eq!(unknown.known, "web, api, worker, mailer");
    }
}
