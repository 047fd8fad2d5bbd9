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

/// A server on loopback that holds, with every client, the server's side
/// of `log` (a conversation recorded from a real server): it checks each
/// of exo's writes and sends each of its own.
async fn replaying(log: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            for (side, bytes) in crate::core::security::open::recorded(&log) {
                match (side, bytes) {
                    ('C', Some(expected)) => {
                        let mut heard = vec![0; expected.len()];
                        if socket.read_exact(&mut heard).await.is_err() || heard != expected {
                            break;
                        }
                    }
                    ('S', Some(bytes)) => {
                        if socket.write_all(&bytes).await.is_err() {
                            break;
                        }
                    }
                    _ => break,
                }
            }
        }
    });
    port
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn dependencies_are_asked_in_their_own_protocols() {
    let recorded = |name: &str| {
        let path = format!("src/core/security/open/recorded/{name}.log");
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .expect("a recording")
    };
    let mariadb = replaying(recorded("mariadb-open")).await;
    let rabbitmq = replaying(recorded("rabbitmq-password")).await;
    // A MongoDB port that answers HTTP: not understood.
    let variables = Default::default();
    let client = crate::core::security::open::Client {
        address: String::new(),
        variables: &variables,
        now: jiff::Timestamp::UNIX_EPOCH,
    };
    let mut mongo = crate::core::security::open::conversation("mongo", &client).expect("mongo");
    let http = replaying(format!(
        "C {}\nS {}\n",
        hex(&mongo.opening()),
        hex(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    ))
    .await;
    let dir = application(&[(
        "application.yml",
        format!(
            "name: stores\nlocal:\n  dependencies:\n    db:\n      image: mariadb:11.4\n      port: {mariadb}\n    queue:\n      image: rabbitmq:3.13\n      port: {rabbitmq}\n    docs:\n      image: mongo:7.0\n      port: {http}\n"
        ),
    )]);
    let healthy = Behaviour {
        healthy: true,
        ..Behaviour::default()
    };
    let fake = FakeEngine::new(&[
        ("db", healthy.clone()),
        ("queue", healthy.clone()),
        ("docs", healthy),
    ]);
    let dynamic = scanned(dir.path(), &fake).await;
    assert_eq!(dynamic.broken, None);
    let found: Vec<(&str, &str, &str)> = dynamic
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.service.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            "EXO-S023",
            "db",
            "served a client without credentials: logged in as `root` with an empty password (10.11.19-MariaDB-0+deb12u1)"
        )],
        "the queue refused guest/guest"
    );
    let credentials: Vec<(&str, Option<&str>)> = dynamic
        .skipped
        .iter()
        .filter(|run| run.tool.starts_with("the credentials check"))
        .map(|run| (run.tool.as_str(), run.skipped.as_deref()))
        .collect();
    assert_eq!(
        credentials,
        [(
            "the credentials check of docs",
            Some("it answered `listDatabases` with `HTTP/1.1 400 Bad Request`, not an OP_MSG")
        )]
    );
    let app = crate::core::config::load(dir.path()).expect("the application loads");
    let selection = Selection::new(&app, &[]).expect("a selection");
    let mut report = Scan::new(&app, &selection, true);
    report.merge(&app, dynamic, "2026-01-01".parse().expect("a date"));
    let reported: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f.rule, f.service, f.location.file, f.location.line
            )
        })
        .collect();
    assert_eq!(reported, ["EXO-S023 db application.yml:5"]);
}

#[tokio::test]
async fn a_udp_listener_is_undeclared_unless_compose_declares_it() {
    // Its port, for the readiness check: it hangs up on every client.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let hanging_up = tokio::spawn(async move { while listener.accept().await.is_ok() {} });
    let dir = application(&[
        (
            "application.yml",
            "name: udp\nservices:\n  dns:\n    location: ./dns\n".into(),
        ),
        (
            "dns/service.yml",
            format!(
                "type: worker\nproduction:\n  port: {port}\ncompose:\n  expose: [\"53/udp\"]\n"
            ),
        ),
    ]);
    // TCP on its port, UDP 53 (declared), UDP 5353 and 8125 (not).
    let tables = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:{PORT} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1
   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
   1: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 2 2 0 0
   2: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 3 2 0 0
   3: 00000000:1FBD 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 4 2 0 0
";
    let fake = FakeEngine::new(&[(
        "dns",
        Behaviour {
            processes: vec![(1000, "dnsd".into())],
            exec: Some(Executed {
                exit_code: 0,
                output: tables.replace("{PORT}", &format!("{port:04X}")),
            }),
            ..Behaviour::default()
        },
    )]);
    let dynamic = scanned(dir.path(), &fake).await;
    let undeclared: Vec<&str> = dynamic
        .findings
        .iter()
        .filter(|f| f.rule == "EXO-S021")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        undeclared,
        [
            "listens on 5353/udp, 8125/udp besides its declared port (a port exo declares is TCP; UDP only under `compose:` `ports` or `expose`)"
        ]
    );
    assert!(fake.journal().iter().any(|(_, action)| matches!(
        action,
        Action::Exec(_, command) if command.iter().any(|c| c == "/proc/net/udp6")
    )));
    hanging_up.abort();
}
