//! `exo test --security`: the static part (exo's rules over the
//! application's files, with hadolint's and Trivy's findings merged when
//! they are installed) and the dynamic part ([`dynamic`]: the application
//! running from its production images), in one report.

pub mod dynamic;
mod external;
mod junit;
mod sarif;

pub use dynamic::{Dynamic, DynamicOptions};
pub use junit::junit_xml;
pub use sarif::sarif_json;

use crate::adapters::docker::DockerError;
use crate::core::config::{APPLICATION_FILE, SERVICE_FILE};
use crate::core::deployed::Mode;
use crate::core::model::security::{Part, Severity};
use crate::core::model::{Application, ServiceSource};
use crate::core::plan::{Plan, PlanError};
use crate::core::security::{self, Finding, Sources, YamlFile};
use std::path::Path;

/// An external scanner and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannerRun {
    /// The scanner, or a dynamic check and its container.
    pub tool: String,
    /// `None`: it ran; otherwise why it did not (`not installed`).
    pub skipped: Option<String>,
}

/// The findings of one scan (its static part, its dynamic part or both),
/// sorted by service, then place.
#[derive(Debug)]
pub struct Scan {
    pub application: String,
    pub findings: Vec<Finding>,
    /// Every service and dependency looked at, for a test case per rule and each.
    pub subjects: Vec<String>,
    /// It covers the whole application (no roles were asked for): every
    /// finding is kept, application.yml's own and the scanners' included.
    pub whole: bool,
    pub scanners: Vec<ScannerRun>,
    /// The parts that ran.
    pub parts: Vec<Part>,
    /// Why the dynamic part could not look at the application.
    pub broken: Option<String>,
    pub interrupted: bool,
}

impl Scan {
    /// Whether a finding is at or above `level`.
    pub fn fails_at(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= level)
    }

    /// Adds what the dynamic part found, kept to the subjects scanned and
    /// minus what `app` suppresses on `today`.
    pub fn merge(&mut self, app: &Application, dynamic: Dynamic, today: jiff::civil::Date) {
        let mut found = dynamic.findings;
        found.retain(|f| self.subjects.contains(&f.service));
        security::suppress(app, &mut found, today);
        self.findings.extend(found);
        sort(&mut self.findings);
        self.scanners.extend(dynamic.skipped);
        self.parts.push(Part::Dynamic);
        self.broken = dynamic.broken;
        self.interrupted = dynamic.interrupted;
    }
}

/// What one scan covers: the containers of `roles` (every one when
/// empty) and what they need, as deployed in production.
pub struct Selection {
    pub plan: Plan,
    pub containers: Vec<crate::core::deployed::Container>,
}

impl Selection {
    pub fn new(app: &Application, roles: &[String]) -> Result<Selection, SecurityError> {
        let plan = Plan::new(app, Mode::Production, roles).map_err(|err| match err {
            PlanError::UnknownRole(unknown) => SecurityError::UnknownRole(unknown),
            PlanError::Deployment(err) => SecurityError::Deployment(err),
        })?;
        let deployment = crate::core::deployed::deploy(
            app,
            crate::core::deployed::Target::Local(Mode::Production),
        )?;
        let containers = deployment
            .containers
            .into_iter()
            .filter(|c| plan.nodes.contains_key(&c.name))
            .collect();
        Ok(Selection { plan, containers })
    }

    /// The services and dependencies it covers.
    fn subjects(&self) -> Vec<String> {
        let mut subjects: Vec<String> = self.containers.iter().map(|c| c.id.clone()).collect();
        subjects.sort();
        subjects
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.service, &a.location.file, a.location.line, &a.rule).cmp(&(
            &b.service,
            &b.location.file,
            b.location.line,
            &b.rule,
        ))
    });
}

#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Docker(#[from] DockerError),
    #[error(transparent)]
    UnknownRole(crate::core::plan::UnknownRole),
    #[error(transparent)]
    Deployment(#[from] crate::core::deployed::DeploymentError),
}

impl crate::core::exit::Exit for SecurityError {
    /// The scan could not run: as a test that could not run.
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            SecurityError::Read { .. } => crate::core::exit::ExitStatus::TestsNotRun,
            SecurityError::Docker(err) => err.exit_status(),
            SecurityError::UnknownRole(_) => crate::core::exit::ExitStatus::Usage,
            SecurityError::Deployment(err) => err.exit_status(),
        }
    }
}

impl Scan {
    /// A scan of what `selection` covers (`whole`: the whole application,
    /// its own files included), with no part run yet.
    pub fn new(app: &Application, selection: &Selection, whole: bool) -> Scan {
        Scan {
            application: app.name.clone(),
            findings: Vec::new(),
            subjects: selection.subjects(),
            whole,
            scanners: Vec::new(),
            parts: Vec::new(),
            broken: None,
            interrupted: false,
        }
    }

    /// Runs the static checks of `app` in `dir` on `today`.
    pub fn add_static(
        &mut self,
        app: &Application,
        dir: &Path,
        today: jiff::civil::Date,
    ) -> Result<(), SecurityError> {
        let sources = read_sources(app, dir)?;
        let mut findings = security::check(app, &sources, today);
        let dockerfiles: Vec<String> = sources.dockerfiles.iter().map(|d| d.1.clone()).collect();
        let (mut external, scanners) = external::scan(dir, &dockerfiles);
        // A scanner names a file: its service is the one whose directory holds it.
        for finding in &mut external {
            if let Some(service) = app.services.values().find(|s| {
                matches!(&s.source, ServiceSource::Location(location)
                    if !location.is_empty() && finding.location.file.starts_with(&format!("{location}/")))
            }) {
                finding.service = service.role.clone();
            }
        }
        findings.extend(external);
        findings.retain(|f| self.whole || self.subjects.contains(&f.service));
        self.findings.extend(findings);
        sort(&mut self.findings);
        self.scanners.extend(scanners);
        self.parts.push(Part::Static);
        Ok(())
    }
}

fn read(dir: &Path, name: &str) -> Result<Option<String>, SecurityError> {
    match std::fs::read_to_string(dir.join(name)) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SecurityError::Read {
            path: name.to_owned(),
            source,
        }),
    }
}

/// application.yml, each service.yml and each Dockerfile, as written.
pub fn read_sources(app: &Application, dir: &Path) -> Result<Sources, SecurityError> {
    let mut sources = Sources::default();
    if let Some(text) = read(dir, APPLICATION_FILE)? {
        sources
            .yaml
            .push(YamlFile::new(APPLICATION_FILE, None, text));
    }
    for service in app.services.values() {
        let ServiceSource::Location(location) = &service.source else {
            continue;
        };
        let prefix = if location.is_empty() {
            String::new()
        } else {
            format!("{location}/")
        };
        let name = format!("{prefix}{SERVICE_FILE}");
        if let Some(text) = read(dir, &name)? {
            sources
                .yaml
                .push(YamlFile::new(&name, Some(&service.role), text));
        }
        for mode in [Mode::Development, Mode::Production] {
            let name = format!("{prefix}{}", mode.dockerfile());
            if let Some(text) = read(dir, &name)? {
                sources.dockerfiles.push((service.role.clone(), name, text));
            }
        }
    }
    Ok(sources)
}

#[cfg(test)]
mod dynamic_tests;
