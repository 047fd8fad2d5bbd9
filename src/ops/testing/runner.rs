//! One run of `exo test`: the dependencies brought up by the runtime, the
//! test images built meanwhile, then the tests, `jobs` at once.

use super::images::{build_image, build_images};
use super::{BUILD_LINES_SHOWN, TestError, TestOptions};
use super::{END_TO_END, Schedule, TestCase, Verdict};
use crate::adapters::compose_env::ComposeVariables;
use crate::adapters::docker::{Create, Engine, LogLine, Project, RunOutput};
use crate::adapters::signals::Interrupts;
use crate::core::compose::{self, END_TO_END_SERVICE, Mode, OneOff};
use crate::core::lifecycle::{TestNotice, TestStep};
use crate::core::model::Application;
use crate::core::plan::{NodeKind, Plan};
use crate::ops::report::Reporter;
use crate::ops::up::builds;
use crate::ops::up::{self, AfterFailure, Outcome, UpOptions};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use indexmap::IndexMap;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Every case's verdict until it runs or is given another.
pub fn not_started() -> Verdict {
    Verdict::Skipped {
        reason: "not started".into(),
    }
}

pub struct Run<'a> {
    pub engine: &'a Arc<dyn Engine>,
    pub options: &'a TestOptions,
    pub cases: IndexMap<String, TestCase>,
    pub interrupted: bool,
}

/// What a running test reports to the loop that prints.
enum Event {
    Line(LogLine),
    Ended { name: String, exit_code: i32 },
}

impl Run<'_> {
    pub fn any_failed(&self) -> bool {
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

    pub fn set_all(&mut self, names: &[String], verdict: &Verdict) {
        for name in names {
            if let Some(case) = self.cases.get_mut(name) {
                case.verdict = verdict.clone();
            }
        }
    }

    /// Builds the test images while the dependencies start, then runs the
    /// tests whose image built.
    pub async fn services(
        &mut self,
        project: &Project,
        app: &Application,
        roles: &[String],
        interrupts: &mut Interrupts,
        printer: &mut dyn Reporter,
    ) -> Result<(), TestError> {
        let mut plan = Plan::new(app, Mode::Test, roles)?;
        let changed = builds::changed(self.engine.as_ref(), project, &plan, roles).await;
        plan.nodes
            .retain(|_, node| node.kind == NodeKind::Dependency);
        if !changed.services.is_empty() {
            printer.test_notice(&TestNotice::BuildingTestImages {
                roles: changed.services.clone(),
            });
        }
        let mut builds = tokio::spawn(build_images(
            self.engine.clone(),
            project.clone(),
            changed,
            roles.to_vec(),
            self.options.build_jobs,
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
        let file = compose::local(app, Mode::Test)?;
        // Compose's variables, as `docker compose run` would fill the file.
        let variables = ComposeVariables::read(&project.file).unwrap_or_default();
        let mut runnable = Vec::new();
        for (role, result) in built {
            match result {
                Ok(()) => {
                    let container = compose::one_off(
                        &file,
                        &role,
                        &project.name,
                        &project.file,
                        &|name: &str| variables.get(name),
                    )?;
                    runnable.push((role, container));
                }
                Err(output) => {
                    printer.test_notice(&TestNotice::ImageFailed {
                        role: Some(role.clone()),
                        last_lines: last_lines(&output),
                    });
                    if let Some(case) = self.cases.get_mut(&role) {
                        case.verdict = Verdict::BuildFailed;
                        case.output = output;
                    }
                }
            }
        }
        if plan.nodes.is_empty() && !runnable.is_empty() {
            // Without dependencies nothing has made the project's network
            // yet, which the test containers join.
            let services: Vec<String> = runnable.iter().map(|(name, _)| name.clone()).collect();
            self.engine
                .create(project, &services, Create::Missing)
                .await?;
        }
        if self.options.fail_fast && self.any_failed() {
            let names: Vec<String> = runnable.into_iter().map(|(name, _)| name).collect();
            let stopped = Verdict::Skipped {
                reason: "stopped by --fail-fast".into(),
            };
            self.set_all(&names, &stopped);
            return Ok(());
        }
        self.run_tests(&runnable, interrupts, printer).await
    }

    /// Starts the dependencies of `plan` and waits until they are ready;
    /// otherwise every test not run yet could not run, for the reason
    /// printed.
    async fn dependencies(
        &mut self,
        project: &Project,
        plan: &Plan,
        interrupts: &mut Interrupts,
        printer: &mut dyn Reporter,
    ) -> Result<bool, TestError> {
        if plan.nodes.is_empty() {
            return Ok(true);
        }
        let options = self.up_options();
        let outcome = up::up(self.engine, project, plan, &options, interrupts, printer).await?;
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
                    self.waited()
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
            build: true,
            wait_timeout: self.options.wait_timeout,
            after_failure: AfterFailure::Leave,
            mode: Mode::Test,
            watch: None,
            logs: self.options.logs,
        }
    }

    /// The seconds `--wait-timeout` allowed, which ran out.
    fn waited(&self) -> u64 {
        self.options.wait_timeout.unwrap_or_default().as_secs()
    }

    /// Brings the whole application up as the end-to-end file describes it,
    /// then runs the suite, in `suite`, against it.
    pub async fn end_to_end(
        &mut self,
        project: &Project,
        app: &Application,
        suite: OneOff,
        interrupts: &mut Interrupts,
        printer: &mut dyn Reporter,
    ) -> Result<(), TestError> {
        let plan = Plan::new(app, Mode::Development, &[])?;
        printer.test_notice(&TestNotice::StartingApplication);
        let options = self.up_options();
        let outcome = up::up(self.engine, project, &plan, &options, interrupts, printer).await?;
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
                reason: format!("the application was not ready within {} s", self.waited()),
            }),
            Outcome::Failed => Some(Verdict::NotRun {
                reason: "the application failed to start (see above)".into(),
            }),
        };
        if let Some(verdict) = verdict {
            self.set_all(&[END_TO_END.to_owned()], &verdict);
            return Ok(());
        }
        printer.test_notice(&TestNotice::BuildingEndToEndImage);
        let built = tokio::select! {
            built = build_image(self.engine.as_ref(), project, END_TO_END_SERVICE) => built,
            () = interrupts.recv() => {
                self.interrupted = true;
                self.set_all(&[END_TO_END.to_owned()], &Verdict::Skipped { reason: "interrupted".into() });
                return Ok(());
            }
        };
        if let Err(output) = built {
            printer.test_notice(&TestNotice::ImageFailed {
                role: None,
                last_lines: last_lines(&output),
            });
            if let Some(case) = self.cases.get_mut(END_TO_END) {
                case.verdict = Verdict::BuildFailed;
                case.output = output;
            }
            return Ok(());
        }
        let suite = [(END_TO_END.to_owned(), suite)];
        self.run_tests(&suite, interrupts, printer).await
    }

    /// Runs each `(name, container)`, at most `jobs` at once, printing
    /// their lines as they come.
    async fn run_tests(
        &mut self,
        tests: &[(String, OneOff)],
        interrupts: &mut Interrupts,
        printer: &mut dyn Reporter,
    ) -> Result<(), TestError> {
        let names: Vec<String> = tests.iter().map(|(name, _)| name.clone()).collect();
        let container_of: IndexMap<&str, &OneOff> = tests
            .iter()
            .map(|(name, container)| (name.as_str(), container))
            .collect();
        let mut schedule = Schedule::new(names.clone(), self.options.jobs, self.options.fail_fast);
        let mut progress = printer.live(&names, self.options.logs);
        let (sender, mut events) = mpsc::unbounded_channel();
        let mut running: IndexMap<String, (JoinHandle<()>, Instant)> = IndexMap::new();
        let stopped_by_fail_fast = Verdict::Skipped {
            reason: "stopped by --fail-fast".into(),
        };
        loop {
            while let Some(name) = schedule.start_next() {
                progress.test_step(&name, &TestStep::Running);
                let run = self.engine.run(container_of[name.as_str()]);
                let task = tokio::spawn(run_one(run, name.clone(), sender.clone()));
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
                        progress.test_step(&name, &TestStep::Interrupted);
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
                        let step = if passed {
                            TestStep::Passed { took }
                        } else {
                            TestStep::Failed { exit_code, took }
                        };
                        progress.test_step(&name, &step);
                        if let Some(case) = self.cases.get_mut(&name) {
                            case.duration = Some(took);
                            case.verdict = if passed { Verdict::Passed } else { Verdict::Failed { exit_code } };
                        }
                        let cancelled = schedule.finished(&name, passed);
                        for other in &cancelled {
                            if let Some((task, began)) = running.shift_remove(other) {
                                task.abort();
                                progress.test_step(other, &TestStep::StoppedByFailFast);
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

/// Forwards the lines of one test's container, then its exit code.
/// Aborting the task ends the run.
async fn run_one(
    mut run: BoxStream<'static, RunOutput>,
    name: String,
    events: mpsc::UnboundedSender<Event>,
) {
    let mut exit_code = -1;
    while let Some(output) = run.next().await {
        let text = match output {
            RunOutput::Line(text) => text,
            RunOutput::Exited(code) => {
                exit_code = i32::try_from(code).unwrap_or(-1);
                break;
            }
        };
        let line = LogLine {
            service: name.clone(),
            text,
        };
        if events.send(Event::Line(line)).is_err() {
            return;
        }
    }
    let _ = events.send(Event::Ended { name, exit_code });
}

/// The last lines of a build's output, shown when it failed.
fn last_lines(output: &str) -> Vec<String> {
    let lines: Vec<&str> = output.lines().collect();
    lines[lines.len().saturating_sub(BUILD_LINES_SHOWN)..]
        .iter()
        .map(|line| (*line).to_owned())
        .collect()
}
