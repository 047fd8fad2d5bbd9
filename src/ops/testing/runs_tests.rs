//! `exo test` against the fake engine, on tokio's paused clock.

use super::{Selection, TestOptions, Verdict, run};
use crate::adapters::docker::fake::{Action, Behaviour, FakeEngine};
use crate::adapters::docker::{Engine, Project};
use crate::adapters::signals::Interrupts;
use crate::core::model::Application;
use crate::interface::output::{LogFormat, Printer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

fn checked() -> (PathBuf, Application) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/checked");
    let app = crate::core::config::load(&dir).expect("tests/apps/checked loads");
    (dir, app)
}

fn tested(lines: &[&str], code: i64, seconds: u64) -> Behaviour {
    let lines = lines.iter().map(|l| (*l).to_owned()).collect();
    Behaviour {
        test: Some((lines, code, Duration::from_secs(seconds))),
        ..Behaviour::default()
    }
}

async fn test_run(fake: &FakeEngine, interrupt_at: Option<Duration>) -> super::Report {
    let (dir, app) = checked();
    let selection = Selection::new(&app, &["good".into(), "bad".into()]).unwrap();
    let project = Project {
        file: dir.join("docker-compose/test.yml"),
        name: "checkedtests".into(),
        app_dir: dir.clone(),
        containers: std::sync::Arc::default(),
    };
    let options = TestOptions {
        jobs: 2,
        build_jobs: 2,
        fail_fast: false,
        wait_timeout: Some(Duration::from_secs(30)),
        logs: LogFormat {
            prefix: true,
            color: false,
        },
    };
    let (press, mut interrupts) = Interrupts::channel();
    if let Some(at) = interrupt_at {
        tokio::spawn(async move {
            tokio::time::sleep(at).await;
            let _ = press.send(());
            std::future::pending::<()>().await;
        });
    } else {
        std::mem::forget(press);
    }
    let engine: Arc<dyn Engine> = Arc::new(fake.clone());
    let mut printer = Printer::plain();
    run(
        &engine,
        &project,
        &app,
        &dir,
        &selection,
        &options,
        &mut interrupts,
        &mut printer,
    )
    .await
    .expect("the fake engine does not fail")
}

#[tokio::test(start_paused = true)]
async fn each_test_runs_in_its_container_and_everything_is_removed() {
    let fake = FakeEngine::new(&[
        ("good", tested(&["ok 1 - serves its page"], 0, 2)),
        ("bad", tested(&["not ok 1", ""], 3, 1)),
    ]);
    let report = test_run(&fake, None).await;
    let verdicts: Vec<(&str, &Verdict)> = report
        .cases
        .iter()
        .map(|case| (case.name.as_str(), &case.verdict))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("good", &Verdict::Passed),
            ("bad", &Verdict::Failed { exit_code: 3 })
        ]
    );
    assert_eq!(report.cases[0].output, "ok 1 - serves its page\n");
    // The container's own lines, blank ones too, and nothing else.
    assert_eq!(report.cases[1].output, "not ok 1\n\n");
    assert_eq!(report.cases[0].duration, Some(Duration::from_secs(2)));
    let journal: Vec<Action> = fake.journal().into_iter().map(|(_, a)| a).collect();
    assert!(journal.contains(&Action::Run("good".into())));
    assert_eq!(journal.last(), Some(&Action::Down { at_once: true }));
}

#[tokio::test(start_paused = true)]
async fn ctrl_c_during_the_tests_skips_the_rest_and_removes_everything() {
    let fake = FakeEngine::new(&[
        ("good", tested(&["ok"], 0, 60)),
        ("bad", tested(&["not ok"], 3, 1)),
    ]);
    let report = test_run(&fake, Some(Duration::from_secs(5))).await;
    assert!(report.interrupted);
    assert_eq!(report.cases[1].verdict, Verdict::Failed { exit_code: 3 });
    assert_eq!(
        report.cases[0].verdict,
        Verdict::Skipped {
            reason: "interrupted".into()
        }
    );
    let journal: Vec<Action> = fake.journal().into_iter().map(|(_, a)| a).collect();
    assert_eq!(journal.last(), Some(&Action::Down { at_once: true }));
}
