//! End-to-end test of `exo deploy` on a real Docker Swarm: three
//! Docker-in-Docker nodes and a registry on the local engine, made by
//! `scripts/swarm-cluster.sh` (the node image is built once, in about a
//! minute, and found again by its label) and removed when the test ends,
//! passed or failed. The local engine itself never enters swarm mode. One
//! test walks through the cases in order, on one cluster, because a cluster
//! takes about 30 s to start: the shop deploys and answers on its published
//! port, in dependency order; a second deploy changes nothing; a changed
//! service rolls out alone; a failing version rolls back and exits 1; a
//! stopped node's tasks move and `status` shows it; a worker node is not a
//! manager (exit 3); `rm` leaves nothing.

use crate::common::{root, temp_copy};
use crate::docker::{output_within, require_docker};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const EXO: &str = env!("CARGO_BIN_EXE_exo");
/// One deploy: building, pushing and starting four services on the nodes.
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(400);
const DOCKER_TIMEOUT: Duration = Duration::from_secs(120);

/// A cluster of three nodes, removed when dropped.
struct Cluster {
    name: String,
    docker_host: String,
    registry: String,
}

impl Cluster {
    fn up(name: &str) -> Cluster {
        let script = root().join("scripts/swarm-cluster.sh");
        let mut command = Command::new("bash");
        command.arg(&script).args(["up", name]);
        // Dropped (and so cleaned up) even if the start fails half way.
        let mut cluster = Cluster {
            name: name.to_owned(),
            docker_host: String::new(),
            registry: String::new(),
        };
        let output =
            output_within(&mut command, Duration::from_secs(600)).expect("run swarm-cluster.sh");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "swarm-cluster.sh up failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        for line in stdout.lines() {
            if let Some(host) = line.strip_prefix("DOCKER_HOST=") {
                cluster.docker_host = host.to_owned();
            } else if let Some(registry) = line.strip_prefix("REGISTRY=") {
                cluster.registry = registry.to_owned();
            }
        }
        cluster
    }

    /// `docker` on the manager.
    fn docker(&self, args: &[&str]) -> String {
        let mut command = Command::new("docker");
        command.args(args).env("DOCKER_HOST", &self.docker_host);
        let output = output_within(&mut command, DOCKER_TIMEOUT).expect("run docker");
        assert!(
            output.status.success(),
            "docker {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// `docker` on the local engine (the node containers).
    fn local(&self, args: &[&str]) -> String {
        let mut command = Command::new("docker");
        command.args(args).env_remove("DOCKER_HOST");
        let output = output_within(&mut command, DOCKER_TIMEOUT).expect("run docker");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    fn exo(&self, app: &Path, args: &[&str]) -> Output {
        let mut command = Command::new(EXO);
        command
            .arg("-C")
            .arg(app)
            .args(args)
            .env("DOCKER_HOST", &self.docker_host)
            .env("NO_COLOR", "1");
        output_within(&mut command, DEPLOY_TIMEOUT).expect("run exo")
    }

    /// The service's running task: (node, created, running since), in ns.
    fn running_task(&self, service: &str) -> (String, i128, i128) {
        let id = self.docker(&[
            "service",
            "ps",
            "-q",
            "--filter",
            "desired-state=running",
            &format!("shop-staging_{service}"),
        ]);
        let id = id.lines().next().expect("a running task");
        let text = self.docker(&[
            "inspect",
            id,
            "--format",
            "{{.NodeID}} {{.CreatedAt.UnixNano}} {{.Status.Timestamp.UnixNano}}",
        ]);
        let parts: Vec<&str> = text.split_whitespace().collect();
        let node = self.docker(&[
            "node",
            "inspect",
            parts[0],
            "--format",
            "{{.Description.Hostname}}",
        ]);
        (node, parts[1].parse().unwrap(), parts[2].parse().unwrap())
    }

    fn version(&self, service: &str) -> String {
        self.docker(&[
            "service",
            "inspect",
            &format!("shop-staging_{service}"),
            "--format",
            "{{.Version.Index}}",
        ])
    }

    fn node_address(&self, node: &str) -> String {
        self.local(&[
            "inspect",
            node,
            "--format",
            &format!(
                "{{{{(index .NetworkSettings.Networks \"{}\").IPAddress}}}}",
                self.name
            ),
        ])
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let script = root().join("scripts/swarm-cluster.sh");
        let mut command = Command::new("bash");
        command.arg(&script).args(["down", &self.name]);
        let _ = output_within(&mut command, DOCKER_TIMEOUT);
        let left = self.local(&[
            "ps",
            "-aq",
            "--filter",
            &format!("label=org.exo.swarm-cluster={}", self.name),
        ]);
        if !std::thread::panicking() {
            assert!(
                left.is_empty(),
                "the cluster's containers were not removed: {left}"
            );
        }
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// GET `path` on `address:port`, from the host.
fn http_get(address: &str, port: u16, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let attempt = (|| -> std::io::Result<String> {
            let mut stream = std::net::TcpStream::connect_timeout(
                &format!("{address}:{port}").parse().unwrap(),
                Duration::from_secs(5),
            )?;
            stream.set_read_timeout(Some(Duration::from_secs(10)))?;
            write!(stream, "GET {path} HTTP/1.0\r\nHost: shop\r\n\r\n")?;
            let mut answer = String::new();
            stream.read_to_string(&mut answer)?;
            Ok(answer)
        })();
        match attempt {
            Ok(answer) if answer.starts_with("HTTP/1.") => return answer,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(500)),
            other => panic!("no answer from {address}:{port}{path}: {other:?}"),
        }
    }
}

#[test]
fn swarm_deploy_end_to_end() {
    if require_docker().is_none() {
        return;
    }
    let cluster = Cluster::up(&format!("exo-e2e-swarm-{}", std::process::id()));
    let app = temp_copy(&root().join("fixtures/shop"));
    let dir = app.path();
    let yml = std::fs::read_to_string(dir.join("application.yml")).unwrap();
    std::fs::write(
        dir.join("application.yml"),
        yml.replace("127.0.0.1:5000", &cluster.registry),
    )
    .unwrap();

    // The shop deploys, in order, and answers on its published port.
    let first = cluster.exo(dir, &["deploy", "staging", "--wait-timeout", "300"]);
    assert!(
        first.status.success(),
        "exo deploy failed:\n{}",
        text(&first)
    );
    assert!(
        text(&first).contains("Converged shop-staging (4 services)"),
        "{}",
        text(&first)
    );
    let (_, _, cache_ready) = cluster.running_task("cache");
    let (_, api_created, api_ready) = cluster.running_task("api");
    let (web_node, web_created, _) = cluster.running_task("web");
    assert!(
        cache_ready <= api_created,
        "api was created before cache was healthy"
    );
    assert!(
        api_ready <= web_created,
        "web was created before api was healthy"
    );
    let address = cluster.node_address(&web_node);
    assert!(http_get(&address, 3000, "/").contains("<h1>shop</h1>"));
    let api = http_get(&address, 3000, "/cgi-bin/api");
    assert!(api.contains("api at http://api:4000 says"), "{api}");

    // Nothing changed: nothing is touched.
    let versions: Vec<String> = ["cache", "api", "web", "worker"]
        .iter()
        .map(|s| cluster.version(s))
        .collect();
    let again = cluster.exo(dir, &["deploy", "staging"]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(
        text(&again).matches(" unchanged").count(),
        4,
        "{}",
        text(&again)
    );
    let now: Vec<String> = ["cache", "api", "web", "worker"]
        .iter()
        .map(|s| cluster.version(s))
        .collect();
    assert_eq!(versions, now);

    // A changed service rolls out, and only it.
    let worker = dir.join("worker/worker.sh");
    let script = std::fs::read_to_string(&worker).unwrap();
    std::fs::write(&worker, format!("{script}# changed\n")).unwrap();
    let changed = cluster.exo(dir, &["deploy", "staging"]);
    assert!(changed.status.success(), "{}", text(&changed));
    assert!(
        text(&changed).contains("worker updating"),
        "{}",
        text(&changed)
    );
    assert_eq!(
        text(&changed).matches("updating").count(),
        1,
        "{}",
        text(&changed)
    );
    assert_ne!(cluster.version("worker"), versions[3]);
    assert_eq!(cluster.version("api"), versions[1]);

    // A version whose health check fails is rolled back; exit 1 names it.
    let health = dir.join("api/www/health");
    std::fs::remove_file(&health).unwrap();
    let failed = cluster.exo(dir, &["deploy", "staging"]);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(
        text(&failed).contains("the update of api failed and was rolled back"),
        "{}",
        text(&failed)
    );
    assert!(
        !text(&failed).contains("web    updating"),
        "{}",
        text(&failed)
    );
    let answer = http_get(&address, 3000, "/cgi-bin/api");
    assert!(
        answer.contains("says"),
        "the previous api does not answer: {answer}"
    );

    // A stopped node's tasks move to the others, and status shows it.
    let manager = format!("{}-node1", cluster.name);
    // Swarm spreads the four tasks over the three nodes: some run on a worker.
    let (moved, node) = ["worker", "cache", "api", "web"]
        .iter()
        .map(|s| (*s, cluster.running_task(s).0))
        .find(|(_, node)| *node != manager)
        .expect("a service on a worker node");
    cluster.local(&["stop", &node]);
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        let status = text(&cluster.exo(dir, &["deploy", "status", "staging"]));
        let row = status
            .lines()
            .find(|l| l.starts_with(moved))
            .unwrap_or_default()
            .to_owned();
        if status.contains(&format!("not ready: {node}"))
            && row.contains("1/1")
            && !row.contains(&node)
        {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "{moved} did not move off {node}:\n{status}"
        );
        std::thread::sleep(Duration::from_secs(2));
    };
    assert!(
        status.contains("SERVICE") && status.contains("converged"),
        "{status}"
    );

    // A node that is not a manager is a clear error.
    let other = (2..=3)
        .map(|i| format!("{}-node{i}", cluster.name))
        .find(|n| *n != node)
        .unwrap();
    let mut command = Command::new(EXO);
    command
        .arg("-C")
        .arg(dir)
        .args(["deploy", "status", "staging"])
        .env(
            "DOCKER_HOST",
            format!("tcp://{}:2375", cluster.node_address(&other)),
        );
    let worker_node = output_within(&mut command, DOCKER_TIMEOUT).unwrap();
    assert_eq!(worker_node.status.code(), Some(3), "{}", text(&worker_node));
    assert!(
        text(&worker_node).contains("is not a swarm manager (it is a worker node)"),
        "{}",
        text(&worker_node)
    );

    // The node comes back; rm leaves nothing of the stack.
    cluster.local(&["start", &node]);
    let removed = cluster.exo(dir, &["deploy", "rm", "staging", "--volumes"]);
    assert!(removed.status.success(), "{}", text(&removed));
    let label = "label=com.docker.stack.namespace=shop-staging";
    assert_eq!(
        cluster.docker(&["service", "ls", "-q", "--filter", label]),
        ""
    );
    assert_eq!(
        cluster.docker(&["network", "ls", "-q", "--filter", label]),
        ""
    );
}
