//! exo's load generator on a loopback endpoint, for `scripts/bench-load.sh`
//! (which compares it with wrk on the same endpoint):
//!
//! - `cargo bench --bench load -- serve PORT`: an HTTP/1.1 server with
//!   keep-alive that answers `ok` at once, on 2 threads;
//! - `cargo bench --bench load -- drive PORT RATE SECONDS [CONNECTIONS]`:
//!   exo's generator at RATE for SECONDS against it, over CONNECTIONS (64,
//!   as wrk's `-c64`); prints one line of figures: rate achieved, p50, p90,
//!   p99, max (ms), errors, the generator's CPU time per 1000 requests (ms)
//!   and the answers per second that were not errors.

use bytes::Bytes;
use exo::adapters::load::{self, HttpTarget, Load};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use indexmap::IndexMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["serve", port] => runtime.block_on(serve(port.parse().expect("a port"))),
        ["drive", port, rate, seconds, connections @ ..] if connections.len() <= 1 => runtime
            .block_on(drive(
                port.parse().expect("a port"),
                rate.parse().expect("a rate"),
                seconds.parse().expect("seconds"),
                connections
                    .first()
                    .map_or(64, |c| c.parse().expect("connections")),
            )),
        _ => eprintln!("usage: load serve PORT | load drive PORT RATE SECONDS [CONNECTIONS]"),
    }
}

async fn serve(port: u16) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let answer = service_fn(|_| async {
                Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(b"ok"))))
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), answer)
                .await;
        });
    }
}

async fn drive(port: u16, rate: f64, seconds: u64, connections: u32) {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let target =
        HttpTarget::new(address, "GET", "/", &IndexMap::new(), Bytes::new()).expect("a target");
    let plan = Load {
        rate,
        warm_up: Duration::from_secs(1),
        duration: Duration::from_secs(seconds),
        timeout: Duration::from_secs(10),
        connections,
    };
    let cpu_before = cpu_time();
    let recorded = load::drive(plan, || target.connection(), |_| {}).await;
    let cpu = cpu_time() - cpu_before;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let sent = recorded.requests() as f64 * (1.0 + 1.0 / seconds as f64);
    println!(
        "rate {:.1} p50 {:.3} p90 {:.3} p99 {:.3} max {:.3} errors {} cpu-per-1000 {:.1} answered {:.1}",
        recorded.rate(),
        ms(recorded.quantile(0.5)),
        ms(recorded.quantile(0.9)),
        ms(recorded.quantile(0.99)),
        ms(recorded.max()),
        recorded.errors,
        cpu * 1000.0 / sent * 1000.0,
        recorded.throughput(),
    );
}

/// CPU seconds this process used, user and system, from /proc.
fn cpu_time() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after `)`.
    (ticks(11) + ticks(12)) / 100.0
}
