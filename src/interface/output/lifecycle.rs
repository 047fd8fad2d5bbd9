//! The words for what happens to a container while exo runs the
//! application ([`crate::core::lifecycle`]), as its progress line and its reasons.

use super::summary::{busy_port_hint, ready_detached};
use super::{Printer, counted};
use crate::core::compose::format_duration;
use crate::core::lifecycle::{
    Cause, Exit, Explanation, Failure, LastCheck, Notice, Problem, Settled, Step,
};
use std::fmt;
use std::path::PathBuf;

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Building => f.write_str("building its image"),
            Step::WaitingFor(needs) => write!(f, "waiting for {}", needs.join(", ")),
            Step::Starting {
                already_running: false,
            } => f.write_str("starting"),
            Step::Starting {
                already_running: true,
            } => f.write_str("already running"),
            Step::Restarting(None) => f.write_str("restarting"),
            Step::Restarting(Some(Cause::Dependency(name))) => write!(f, "restarting after {name}"),
            Step::Restarting(Some(Cause::UnhealthyFor(after))) => {
                write!(f, "unhealthy for {}, restarting", format_duration(*after))
            }
            Step::Restarting(Some(cause)) => write!(f, "{}, restarting", Changed(cause)),
            Step::Rebuilding(None) => f.write_str("rebuilding"),
            Step::Rebuilding(Some(cause)) => write!(f, "{}, rebuilding", Changed(cause)),
            Step::StartingRebuilt => f.write_str("rebuilt, starting"),
            Step::NotReadyYet(why) => write!(f, "starting: {why}"),
            Step::Crashed {
                code,
                restart_in,
                attempt,
            } => write!(
                f,
                "crashed (exit {code}), restarting in {} (attempt {attempt})",
                format_duration(*restart_in)
            ),
            Step::StartFailed {
                message,
                retry_in,
                attempt,
            } => write!(
                f,
                "could not start: {message}; trying again in {} (attempt {attempt})",
                format_duration(*retry_in)
            ),
            Step::Unhealthy { restart_in: None } => f.write_str("unhealthy"),
            Step::Unhealthy {
                restart_in: Some(after),
            } => write!(
                f,
                "unhealthy; restarting in {} unless it recovers",
                format_duration(*after)
            ),
            Step::HealthyAgain => f.write_str("healthy again"),
            Step::RebuildFailedOldRuns => {
                f.write_str("rebuild failed; the old container keeps running")
            }
        }
    }
}

/// A change of files as the reason for a restart or rebuild.
struct Changed<'a>(&'a Cause);

impl fmt::Display for Changed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Cause::ChangedWhileStarting => "changed while starting",
            Cause::ChangedWhileRebuilding => "changed while rebuilding",
            _ => "files changed",
        })
    }
}

impl fmt::Display for Settled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Settled::Ready { took, check } => {
                write!(f, "ready in {:.1} s ({check})", took.as_secs_f64())
            }
            Settled::Exited { code } => write!(f, "exited with code {code}"),
            Settled::CouldNotStart => f.write_str("could not start"),
            Settled::GaveUp {
                crashes,
                window,
                last: Exit::Code(code),
            } => write!(
                f,
                "gave up: {crashes} crashes within {} (exit {code})",
                format_duration(*window)
            ),
            Settled::GaveUp {
                crashes,
                window,
                last: Exit::NotStarted { message },
            } => write!(
                f,
                "gave up after {crashes} attempts within {}: could not start: {message}",
                format_duration(*window)
            ),
            Settled::Unhealthy => f.write_str("unhealthy"),
            Settled::RebuildFailed => f.write_str("rebuild failed; waiting for the next change"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::ExitedBeforeReady { code } => {
                write!(
                    f,
                    "exited with code {code} before the application was ready"
                )
            }
            Failure::CouldNotStart { message } => write!(f, "could not start: {message}"),
            Failure::GaveUp {
                crashes,
                window,
                last,
            } => write!(
                f,
                "{}, and others need it",
                Settled::GaveUp {
                    crashes: *crashes,
                    window: *window,
                    last: last.clone(),
                }
            ),
            Failure::Unhealthy => f.write_str("is unhealthy"),
        }
    }
}

impl Printer {
    /// What the runtime says about the whole application.
    pub fn notice(&mut self, notice: &Notice) {
        match notice {
            Notice::Building { services } => {
                self.status("Building", &format!("images of {}", services.join(", ")));
            }
            Notice::BuildFailed { service, output } => {
                self.error(&format!("the image of {service} did not build:"));
                self.detail(&output.join("\n"));
            }
            Notice::CreateFailed(why) => {
                self.error(&format!("creating the containers failed: {why}"));
            }
            Notice::ReadyDetached(summary) => self.status("Ready", &ready_detached(summary)),
            Notice::LeftRunning { down } => self.detail(&format!(
                "the containers are left running to be looked at: `{down}` removes them \
                 (`--down-on-failure` does it at once)"
            )),
            Notice::Watching { services, polling } => {
                let how = match polling {
                    None => String::new(),
                    Some((interval, reason)) => format!(
                        " by polling every {} ({reason})",
                        format_duration(*interval)
                    ),
                };
                self.status(
                    "Watching",
                    &format!("files of {}{how}", services.join(", ")),
                );
            }
            Notice::NotWatching(why) => self.warn(&format!("not watching files: {why}")),
            Notice::Stopping { project } => {
                self.status("Stopping", &format!("{project} (Ctrl-C again to kill)"));
            }
            Notice::DownFailed => {
                self.warn("`docker compose down` failed; run `exo compose down` to clean up");
            }
            Notice::Killing { project } => self.status("Killing", project),
        }
    }

    /// Why the application did not become ready, for one container.
    pub fn explain(&mut self, why: &Explanation) {
        let name = &why.name;
        match &why.problem {
            Problem::Failed(failure) => {
                self.error(&format!("`{name}` {failure}"));
                if let Failure::CouldNotStart { message } = failure {
                    // It never ran: no check and no lines to show.
                    if let Some(hint) = busy_port_hint(message, &why.host_port) {
                        self.detail(&hint);
                    }
                    return;
                }
            }
            Problem::NotReadyAfter(waited) => self.error(&format!(
                "`{name}` was not ready after {:.1} s",
                waited.as_secs_f64()
            )),
        }
        self.detail(&format!("readiness: {}", why.readiness));
        match &why.last_check {
            Some(LastCheck::Healthcheck { code, said }) if said.is_empty() => {
                self.detail(&format!("last check: healthcheck exited with {code}"));
            }
            Some(LastCheck::Healthcheck { code, said }) => {
                self.detail(&format!(
                    "last check: healthcheck exited with {code}: {said}"
                ));
            }
            Some(LastCheck::Seen(seen)) => self.detail(&format!("last check: {seen}")),
            None => {}
        }
        if why.lines.is_empty() {
            self.detail("no log lines");
            return;
        }
        self.detail(&format!("last {}:", counted(why.lines.len(), "log line")));
        for line in &why.lines {
            self.detail(&format!("  {line}"));
        }
    }

    /// A container that never started: what it still waited for.
    pub fn never_started(&mut self, name: &str, needs: &[String]) {
        self.warn(&format!(
            "`{name}` never started: it waits for {}",
            needs.join(", ")
        ));
    }
}

/// E.g. `changed: src/app.js and 3 more`.
pub(super) fn changed_files(paths: &[PathBuf]) -> String {
    let first = paths
        .first()
        .map(|path| path.display().to_string())
        .unwrap_or_default();
    match paths.len() {
        0 | 1 => format!("changed: {first}"),
        n => format!("changed: {first} and {} more", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn steps_in_words() {
        let cases = [
            (
                Step::Starting {
                    already_running: true,
                },
                "already running",
            ),
            (Step::Restarting(None), "restarting"),
            (Step::Building, "building its image"),
            (
                Step::WaitingFor(vec!["db".into(), "cache".into()]),
                "waiting for db, cache",
            ),
            (
                Step::Restarting(Some(Cause::Dependency("db".into()))),
                "restarting after db",
            ),
            (
                Step::Restarting(Some(Cause::UnhealthyFor(Duration::from_secs(5)))),
                "unhealthy for 5s, restarting",
            ),
            (
                Step::Restarting(Some(Cause::ChangedWhileStarting)),
                "changed while starting, restarting",
            ),
            (
                Step::Rebuilding(Some(Cause::ChangedWhileRebuilding)),
                "changed while rebuilding, rebuilding",
            ),
            (
                Step::Crashed {
                    code: 3,
                    restart_in: Duration::from_millis(200),
                    attempt: 2,
                },
                "crashed (exit 3), restarting in 200ms (attempt 2)",
            ),
            (
                Step::StartFailed {
                    message: "Bind for 0.0.0.0:3000 failed: port is already allocated".into(),
                    retry_in: Duration::from_millis(200),
                    attempt: 2,
                },
                "could not start: Bind for 0.0.0.0:3000 failed: port is already allocated; \
                 trying again in 200ms (attempt 2)",
            ),
            (
                Step::Unhealthy {
                    restart_in: Some(Duration::from_secs(5)),
                },
                "unhealthy; restarting in 5s unless it recovers",
            ),
        ];
        for (step, words) in cases {
            assert_eq!(step.to_string(), words);
        }
    }

    #[test]
    fn ends_and_failures_in_words() {
        let ready = Settled::Ready {
            took: Duration::from_millis(1500),
            check: "tcp :80".into(),
        };
        assert_eq!(ready.to_string(), "ready in 1.5 s (tcp :80)");
        let gave_up = Failure::GaveUp {
            crashes: 3,
            window: Duration::from_secs(60),
            last: Exit::Code(2),
        };
        assert_eq!(
            gave_up.to_string(),
            "gave up: 3 crashes within 1m (exit 2), and others need it"
        );
        let not_started = Settled::GaveUp {
            crashes: 6,
            window: Duration::from_secs(60),
            last: Exit::NotStarted {
                message: "address already in use".into(),
            },
        };
        assert_eq!(
            not_started.to_string(),
            "gave up after 6 attempts within 1m: could not start: address already in use"
        );
    }

    #[test]
    fn changed_files_are_counted() {
        let paths = [
            PathBuf::from("src/app.js"),
            PathBuf::from("b"),
            PathBuf::from("c"),
        ];
        assert_eq!(changed_files(&paths), "changed: src/app.js and 2 more");
        assert_eq!(changed_files(&paths[..1]), "changed: src/app.js");
    }
}
