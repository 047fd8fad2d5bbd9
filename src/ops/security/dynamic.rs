//! `exo test --security --dynamic`: the application (or the roles asked
//! for, with what they need) from its production images, ready as
//! `exo compose up --wait` has it; then each container looked at from
//! outside: its processes' users, the ports it listens on, the answers of
//! its HTTP port, and whether a dependency serves a client without
//! credentials; then everything removed, Ctrl-C included.

use super::{ScannerRun, SecurityError, external};
use crate::adapters::docker::{Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::adapters::{answers, probe};
use crate::core::config::catalog;
use crate::core::deployed::{Container, Image, Kind, ReadyCheck, Value};
use crate::core::plan::Plan;
use crate::core::security::open;
use crate::core::security::{ImageFinding, Observed, Sources, running_findings};
use crate::ops::report::{LogFormat, Reporter};
use crate::ops::up::production::{self, Started, start_production};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// How long one request or exchange may take.
const ASK_TIMEOUT: Duration = Duration::from_secs(5);

pub struct DynamicOptions {
    /// How long the application may take to become ready.
    pub wait_timeout: Duration,
    pub logs: LogFormat,
}

/// What the dynamic part gave.
#[derive(Debug, Default)]
pub struct Dynamic {
    pub findings: Vec<crate::core::security::Finding>,
    /// Checks that could not be made on a container, and why.
    pub skipped: Vec<ScannerRun>,
    /// Why the application could not be looked at (not ready).
    pub broken: Option<String>,
    pub interrupted: bool,
}

/// Starts `plan` in `project` (run_production.yml), looks at every
/// container of `containers` that runs, and removes the project.
#[allow(clippy::too_many_arguments)]
pub async fn scan(
    engine: &Arc<dyn Engine>,
    project: &Project,
    plan: &Plan,
    containers: &[Container],
    sources: &Sources,
    options: &DynamicOptions,
    interrupts: &mut Interrupts,
    printer: &mut dyn Reporter,
) -> Result<Dynamic, SecurityError> {
    let mut dynamic = Dynamic::default();
    let looked = async {
        let wait = options.wait_timeout;
        match start_production(
            engine,
            project,
            plan,
            wait,
            options.logs,
            interrupts,
            printer,
        )
        .await?
        {
            Started::Ready => {}
            Started::Interrupted => {
                dynamic.interrupted = true;
                return Ok(());
            }
            Started::Broken(why) => {
                dynamic.broken = Some(why);
                return Ok(());
            }
        }
        let mut observed = Vec::new();
        for info in engine.containers(&project.name).await? {
            let Some(container) = containers.iter().find(|c| c.name == info.service) else {
                continue;
            };
            let address = engine.inspect(&info.id).await?.address;
            observed
                .push(observe(engine.as_ref(), &info.id, container, address, &mut dynamic).await?);
        }
        dynamic.findings = running_findings(sources, &observed);
        Ok::<(), SecurityError>(())
    }
    .await;
    let removed = production::remove(engine.as_ref(), project).await;
    looked?;
    removed?;
    Ok(dynamic)
}

async fn observe(
    engine: &dyn Engine,
    id: &str,
    container: &Container,
    address: Option<IpAddr>,
    dynamic: &mut Dynamic,
) -> Result<Observed, SecurityError> {
    let processes = engine.processes(id).await?;
    let read = [
        "cat",
        "/proc/net/tcp",
        "/proc/net/tcp6",
        "/proc/net/udp",
        "/proc/net/udp6",
    ]
    .map(str::to_owned);
    // `cat` fails on a missing tcp6 or udp6 (no IPv6) after printing the
    // others: what it printed counts.
    let image_findings = image_findings(engine, id, container, dynamic).await?;
    let mut skip = |check: &str, why: String| {
        dynamic.skipped.push(ScannerRun {
            tool: format!("{check} of {}", container.id),
            skipped: Some(why),
        });
    };
    let proc_net = match engine.exec(id, &read).await {
        Ok(executed) if executed.output.contains("local_address") => Some(executed.output),
        Ok(_) => {
            skip("the listening ports", "the image has no `cat`".to_owned());
            None
        }
        Err(err) => {
            skip("the listening ports", err.to_string());
            None
        }
    };
    let mut observed = Observed {
        container: container.clone(),
        processes,
        proc_net,
        answers: Vec::new(),
        open_answer: None,
        image_findings,
    };
    let (Some(ip), Some(port)) = (address, container.port) else {
        return Ok(observed);
    };
    let at = SocketAddr::new(ip, port);
    match container.kind {
        Kind::Service(_) => {
            let mut paths = vec!["/".to_owned()];
            if let ReadyCheck::Http { path, .. } = &container.readiness.check
                && path != "/"
            {
                paths.push(path.clone());
            }
            let mut refused = None;
            for path in paths {
                match answers::fetch(at, path, ASK_TIMEOUT).await {
                    Ok(answer) => observed.answers.push(answer),
                    Err(why) => refused = Some(why),
                }
            }
            if let (true, Some(why)) = (observed.answers.is_empty(), refused) {
                skip("the HTTP checks", format!("not HTTP ({why})"));
            }
        }
        Kind::Dependency => {
            let Image::Pulled(image) = &container.image else {
                return Ok(observed);
            };
            let variables: BTreeMap<String, String> = container
                .variables
                .iter()
                .filter_map(|(name, value)| match value {
                    Value::Literal(value) => Some((name.clone(), value.clone())),
                    _ => None,
                })
                .collect();
            let client = open::Client {
                address: at.to_string(),
                variables: &variables,
                now: jiff::Timestamp::now(),
            };
            let Some(mut conversation) =
                catalog::lookup(image).and_then(|entry| open::conversation(&entry.name, &client))
            else {
                return Ok(observed);
            };
            match probe::converse(at, &mut conversation, ASK_TIMEOUT).await {
                open::Verdict::Open(message) => observed.open_answer = Some(message),
                open::Verdict::Closed(_) => {}
                open::Verdict::NotUnderstood(why) => skip("the credentials check", why),
            }
        }
    }
    Ok(observed)
}

/// Trivy's scans of a built image's layers (an image pulled as named is
/// the registry's, not the application's); each check it cannot make is
/// noted once as skipped.
async fn image_findings(
    engine: &dyn Engine,
    id: &str,
    container: &Container,
    dynamic: &mut Dynamic,
) -> Result<Vec<ImageFinding>, SecurityError> {
    let Image::Built(_) = &container.image else {
        return Ok(Vec::new());
    };
    let dir = tempfile::tempdir().map_err(|source| SecurityError::Read {
        path: "a temporary directory".to_owned(),
        source,
    })?;
    let tar = dir.path().join("image.tar");
    engine.save_image(id, &tar).await?;
    let (found, skipped) = tokio::task::spawn_blocking(move || external::scan_image(&tar))
        .await
        .unwrap_or_else(|err| {
            (
                Vec::new(),
                vec![(external::IMAGE_SECRETS, format!("failed: {err}"))],
            )
        });
    for (tool, why) in skipped {
        if !dynamic.skipped.iter().any(|run| run.tool == tool) {
            dynamic.skipped.push(ScannerRun {
                tool: tool.to_owned(),
                skipped: Some(why),
            });
        }
    }
    Ok(found)
}
