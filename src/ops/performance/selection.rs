//! What one run loads and judges: the scenarios of the services asked for
//! (every service by default) and the application's journeys that reach
//! them, and those services' own budgets.

use super::Job;
use crate::core::model::performance::NamedBudget;
use crate::core::model::{Application, ServiceSource};
use crate::core::plan::UnknownRole;
use std::collections::HashMap;
use std::path::Path;

/// `max-regression` when no file says.
pub const DEFAULT_MAX_REGRESSION: f64 = 0.1;

#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub jobs: Vec<Job>,
    /// Each service's own budgets, by role.
    pub budgets: HashMap<String, Vec<NamedBudget>>,
    /// The port each target listens on, by role.
    pub ports: HashMap<String, u16>,
    /// `baseline.max-regression` by subject (scenario or role).
    regressions: HashMap<String, f64>,
    default_regression: f64,
}

impl Selection {
    pub fn new(app: &Application, app_dir: &Path, roles: &[String]) -> Result<Self, UnknownRole> {
        if let Some(role) = roles.iter().find(|r| !app.services.contains_key(*r)) {
            return Err(UnknownRole {
                role: role.clone(),
                known: app.services.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
        let wanted = |role: &str| roles.is_empty() || roles.iter().any(|r| r == role);
        let mut selection = Selection {
            default_regression: app
                .performance
                .baseline
                .map_or(DEFAULT_MAX_REGRESSION, |b| b.max_regression),
            ..Selection::default()
        };
        for (role, service) in &app.services {
            let config = &service.config;
            if let Some(port) = config.production.port.or(config.development.port) {
                selection.ports.insert(role.clone(), port);
            }
            let performance = &config.performance;
            if !wanted(role) {
                continue;
            }
            let base_dir = match &service.source {
                ServiceSource::Location(location) => app_dir.join(location),
                ServiceSource::Image(_) => app_dir.to_path_buf(),
            };
            let regression = performance.baseline.map(|b| b.max_regression);
            for scenario in &performance.scenarios {
                let subject = format!("{role}/{}", scenario.name);
                if let Some(share) = regression {
                    selection.regressions.insert(subject.clone(), share);
                }
                selection.jobs.push(Job {
                    subject,
                    target: scenario.target().unwrap_or(role).to_owned(),
                    scenario: scenario.clone(),
                    base_dir: base_dir.clone(),
                });
            }
            if let Some(share) = regression {
                selection.regressions.insert(role.clone(), share);
            }
            if !performance.budgets.is_empty() {
                selection
                    .budgets
                    .insert(role.clone(), performance.budgets.clone());
            }
        }
        for journey in &app.performance.scenarios {
            let target = journey.target().unwrap_or_default().to_owned();
            // A k6 journey (no target) may reach any service: it runs with
            // the whole application only.
            if wanted(&target) {
                selection.jobs.push(Job {
                    subject: journey.name.clone(),
                    target,
                    scenario: journey.clone(),
                    base_dir: app_dir.to_path_buf(),
                });
            }
        }
        Ok(selection)
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty() && self.budgets.is_empty()
    }

    /// How much worse than the baseline `subject`'s figures may be.
    pub fn max_regression(&self, subject: &str) -> f64 {
        self.regressions
            .get(subject)
            .copied()
            .unwrap_or(self.default_regression)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_k6_journey_runs_with_the_whole_application_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("application.yml"),
            "name: shop\nservices:\n  web:\n    location: ./web\nperformance:\n  scenarios:\n\
             \x20   - {name: journey, runner: k6, script: journey.js}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("journey.js"), "").unwrap();
        std::fs::create_dir_all(dir.path().join("web/perf")).unwrap();
        std::fs::write(dir.path().join("web/perf/home.js"), "").unwrap();
        std::fs::write(
            dir.path().join("web/service.yml"),
            "type: private\nproduction: {port: 80}\nperformance:\n  scenarios:\n\
             \x20   - {name: home, runner: k6, script: perf/home.js}\n",
        )
        .unwrap();
        let app = crate::core::config::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        let subjects = |roles: &[String]| -> Vec<(String, String)> {
            Selection::new(&app, dir.path(), roles)
                .unwrap()
                .jobs
                .into_iter()
                .map(|job| (job.subject, job.target))
                .collect()
        };
        assert_eq!(
            subjects(&[]),
            [
                ("web/home".to_owned(), "web".to_owned()),
                ("journey".to_owned(), String::new())
            ]
        );
        assert_eq!(
            subjects(&["web".to_owned()]),
            [("web/home".to_owned(), "web".to_owned())]
        );
        let selection = Selection::new(&app, dir.path(), &[]).unwrap();
        assert_eq!(selection.jobs[0].base_dir, dir.path().join("./web"));
        assert_eq!(selection.ports["web"], 80);
    }
}
