//! The dynamic checks against the fake engine (its containers live at
//! 127.0.0.1) and a test HTTP server on loopback that answers as a
//! careless server does.

use super::dynamic::{DynamicOptions, scan};
use super::{Scan, Selection, read_sources};
use crate::adapters::docker::fake::{Action, Behaviour, FakeEngine};
use crate::adapters::docker::{Engine, Executed, Project};
use crate::adapters::signals::Interrupts;
use crate::interface::output::{LogFormat, Printer};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request with a bare HTML page, a version in `Server`
/// and a cookie without attributes; its address.
async fn careless_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 2048];
                if socket.read(&mut request).await.unwrap_or(0) == 0 {
                    return;
                }
                let body = "<html><title>Index of /</title></html>";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nServer: nginx/1.25.3\r\nContent-Type: text/html\r\nSet-Cookie: sid=1; Path=/\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    port
}

const PROC_NET_TCP: &str = "  sl  local_address rem_address   st
   0: 00000000:{PORT} 00000000:0000 0A
   1: 00000000:240D 00000000:0000 0A
";

/// Writes `files` into a new application directory.
fn application(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// The dynamic part on the application in `dir`, against `fake`.
async fn scanned(dir: &std::path::Path, fake: &FakeEngine) -> super::Dynamic {
    let app = crate::core::config::load(dir).expect("the application loads");
    let selection = Selection::new(&app, &[]).expect("a selection");
    let project = Project {
        file: dir.join("docker-compose/run_production.yml"),
        name: "scannedsec".into(),
        app_dir: dir.to_path_buf(),
        containers: std::sync::Arc::default(),
    };
    let options = DynamicOptions {
        wait_timeout: Duration::from_secs(30),
        logs: LogFormat {
            prefix: true,
            color: false,
        },
    };
    let sources = read_sources(&app, dir).expect("the sources");
    let (_press, mut interrupts) = Interrupts::channel();
    let engine: Arc<dyn Engine> = Arc::new(fake.clone());
    scan(
        &engine,
        &project,
        &selection.plan,
        &selection.containers,
        &sources,
        &options,
        &mut interrupts,
        &mut Printer::plain(),
    )
    .await
    .expect("the fake engine does not fail")
}

#[tokio::test]
async fn a_careless_service_is_found_at_its_places_and_everything_is_removed() {
    let port = careless_server().await;
    let dir = application(&[
        (
            "application.yml",
            "name: careless\nservices:\n  web:\n    location: ./web\n".into(),
        ),
        (
            "web/service.yml",
            format!("type: public\nproduction:\n  port: {port}\n"),
        ),
        (
            "web/Dockerfile.prod",
            "FROM exo-base/busybox:1 AS build\nRUN true\nFROM exo-base/busybox:1\n".into(),
        ),
    ]);
    let fake = FakeEngine::new(&[(
        "web",
        Behaviour {
            processes: vec![(0, "httpd".into()), (1000, "worker".into())],
            exec: Some(Executed {
                exit_code: 1,
                output: PROC_NET_TCP.replace("{PORT}", &format!("{port:04X}")),
            }),
            ..Behaviour::default()
        },
    )]);
    let dynamic = scanned(dir.path(), &fake).await;
    let app = crate::core::config::load(dir.path()).expect("the application loads");
    let selection = Selection::new(&app, &[]).expect("a selection");
    assert_eq!(dynamic.broken, None);
    let found: Vec<String> = dynamic
        .findings
        .iter()
        .map(|f| {
            let l = &f.location;
            format!(
                "{} {}:{}:{} {}",
                f.rule, l.file, l.line, l.column, f.service
            )
        })
        .collect();
    let at_port = "web/service.yml:3:9 web";
    assert_eq!(
        found,
        [
            "EXO-S022 web/Dockerfile.prod:3:1 web".to_owned(),
            "EXO-S021 web/service.yml:3:9 web".to_owned(),
            format!("EXO-S011 {at_port}"),
            format!("EXO-S012 {at_port}"),
            format!("EXO-S013 {at_port}"),
            format!("EXO-S020 {at_port}"),
            format!("EXO-S015 {at_port}"),
            format!("EXO-S016 {at_port}"),
            format!("EXO-S017 {at_port}"),
            format!("EXO-S018 {at_port}"),
        ]
    );
    assert!(
        dynamic.findings[1].message.contains("9229"),
        "{}",
        dynamic.findings[1].message
    );
    assert!(
        fake.journal()
            .iter()
            .any(|(_, action)| *action == Action::Down { at_once: true }),
        "the project is removed"
    );
    let mut report = Scan::new(&app, &selection, true);
    report.merge(&app, dynamic, "2026-01-01".parse().expect("a date"));
    assert_eq!(report.parts, [crate::core::model::security::Part::Dynamic]);
    assert!(report.fails_at(crate::core::model::security::Severity::High));
}

#[tokio::test]
async fn a_check_that_cannot_be_made_is_skipped_not_passed() {
    let dir = application(&[
        (
            "application.yml",
            "name: quiet\nservices:\n  jobs:\n    location: ./jobs\n".into(),
        ),
        ("jobs/service.yml", "type: worker\n".into()),
    ]);
    // Its image has no `cat`: the fake's exec of anything but `true` fails.
    let fake = FakeEngine::new(&[(
        "jobs",
        Behaviour {
            processes: vec![(1000, "jobs".into())],
            ..Behaviour::default()
        },
    )]);
    let dynamic = scanned(dir.path(), &fake).await;
    assert!(dynamic.findings.is_empty(), "{:?}", dynamic.findings);
    // (Trivy's image scan is skipped too, as not installed or failing on
    // the fake's empty image, depending on the machine.)
    let skipped: Vec<(&str, Option<&str>)> = dynamic
        .skipped
        .iter()
        .filter(|run| !run.tool.starts_with("trivy"))
        .map(|run| (run.tool.as_str(), run.skipped.as_deref()))
        .collect();
    assert_eq!(
        skipped,
        [(
            "the listening ports of jobs",
            Some("the image has no `cat`")
        )]
    );
}

#[test]
fn roles_select_their_containers_and_the_dependencies_they_use() {
    let dir = application(&[
        (
            "application.yml",
            "name: two\nlocal:\n  dependencies:\n    cache:\n      image: redis:7.2\nservices:\n  web:\n    location: ./web\n  admin:\n    location: ./admin\n".into(),
        ),
        ("web/service.yml", "type: worker\n".into()),
        ("admin/service.yml", "type: worker\n".into()),
    ]);
    let app = crate::core::config::load(dir.path()).expect("the application loads");
    let ids = |roles: &[String]| -> Vec<String> {
        let selection = Selection::new(&app, roles).expect("a selection");
        let mut ids: Vec<String> = selection.containers.iter().map(|c| c.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&[]), ["admin", "cache", "web"]);
    assert_eq!(ids(&["web".into()]), ["cache", "web"]);
    assert!(matches!(
        Selection::new(&app, &["nosuch".into()]),
        Err(super::SecurityError::UnknownRole(_))
    ));
}
