//! `exo test --security --static`: exo's rules over the application's files,
//! with hadolint's and Trivy's findings merged when they are installed.

mod external;
mod junit;
mod sarif;

pub use junit::junit_xml;
pub use sarif::sarif_json;

use crate::core::config::{APPLICATION_FILE, SERVICE_FILE};
use crate::core::deployed::Mode;
use crate::core::model::security::Severity;
use crate::core::model::{Application, ServiceSource};
use crate::core::security::{self, Finding, Sources, YamlFile};
use std::path::Path;

/// An external scanner and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannerRun {
    pub tool: &'static str,
    /// `None`: it ran; otherwise why it did not (`not installed`).
    pub skipped: Option<String>,
}

/// The findings of one static scan, sorted by service, then place.
#[derive(Debug)]
pub struct Scan {
    pub application: String,
    pub findings: Vec<Finding>,
    /// Every service and dependency, for a test case per rule and each.
    pub subjects: Vec<String>,
    pub scanners: Vec<ScannerRun>,
}

impl Scan {
    /// Whether a finding is at or above `level`.
    pub fn fails_at(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= level)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl crate::core::exit::Exit for SecurityError {
    /// The scan could not run: as a test that could not run.
    fn exit_status(&self) -> crate::core::exit::ExitStatus {
        match self {
            SecurityError::Read { .. } => crate::core::exit::ExitStatus::TestsNotRun,
        }
    }
}

/// Runs the static checks of `app` in `dir` on `today`.
pub fn scan(
    app: &Application,
    dir: &Path,
    today: jiff::civil::Date,
) -> Result<Scan, SecurityError> {
    let sources = read_sources(app, dir)?;
    let mut findings = security::check(app, &sources, today);
    let dockerfiles: Vec<String> = sources.dockerfiles.iter().map(|d| d.1.clone()).collect();
    let (external, scanners) = external::scan(dir, &dockerfiles);
    findings.extend(external);
    findings.sort_by(|a, b| {
        (&a.service, &a.location.file, a.location.line, &a.rule).cmp(&(
            &b.service,
            &b.location.file,
            b.location.line,
            &b.rule,
        ))
    });
    Ok(Scan {
        application: app.name.clone(),
        findings,
        subjects: app
            .dependencies
            .keys()
            .chain(
                app.services
                    .values()
                    .flat_map(|s| s.config.dependencies.keys()),
            )
            .chain(app.services.keys())
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        scanners,
    })
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

fn read_sources(app: &Application, dir: &Path) -> Result<Sources, SecurityError> {
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
