//! The HTTP/1.1 exchange against loopback servers that answer as scripted.

use super::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::TcpListener;

/// What a scripted server saw.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    requests: Mutex<Vec<String>>,
}

/// A server on loopback that answers every request with `answer` and,
/// with `close_after`, closes the connection after each answer without
/// saying so.
async fn serve(answer: &'static [u8], close_after: bool) -> (SocketAddr, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let counted = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.connections.fetch_add(1, Ordering::SeqCst);
            let seen = Arc::clone(&counted);
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                while let Some(request) = read_request(&mut stream, &mut buffer).await {
                    seen.requests.lock().unwrap().push(request);
                    if stream.write_all(answer).await.is_err() || close_after {
                        return;
                    }
                }
            });
        }
    });
    (address, seen)
}

/// One request (head and a `content-length` body) from `stream`.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<String> {
    loop {
        let text = String::from_utf8_lossy(buffer).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |n| n.parse::<usize>().unwrap());
            if buffer.len() >= end + 4 + length {
                let request = String::from_utf8_lossy(&buffer[..end + 4 + length]).into_owned();
                buffer.drain(..end + 4 + length);
                return Some(request);
            }
        }
        let mut chunk = [0u8; 1024];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

fn target(address: SocketAddr, method: &str, headers: &[(&str, &str)], body: &str) -> HttpTarget {
    let headers = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    HttpTarget::new(
        address,
        method,
        "/health?x=1",
        &headers,
        Bytes::from(body.to_owned()),
    )
    .unwrap()
}

#[tokio::test]
async fn requests_reuse_one_kept_alive_connection() {
    let (address, seen) = serve(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", false).await;
    let mut connection = target(address, "GET", &[("x-id", "7")], "").connection();
    for _ in 0..3 {
        assert_eq!(connection.send().await, Outcome::Answered);
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    let requests = seen.requests.lock().unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0],
        format!("GET /health?x=1 HTTP/1.1\r\nhost: {address}\r\nx-id: 7\r\n\r\n")
    );
}

#[tokio::test]
async fn a_chunked_answer_is_read_to_its_end() {
    let (address, seen) = serve(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nx-trailer: 1\r\n\r\n",
        false,
    )
    .await;
    let mut connection = target(address, "GET", &[], "").connection();
    assert_eq!(connection.send().await, Outcome::Answered);
    assert_eq!(connection.send().await, Outcome::Answered);
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn statuses_other_than_2xx_and_3xx_are_errors() {
    let (address, _) = serve(
        b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
        false,
    )
    .await;
    let mut connection = target(address, "GET", &[], "").connection();
    assert_eq!(connection.send().await, Outcome::Status(503));
    let (address, _) = serve(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 301 Moved\r\nlocation: /\r\ncontent-length: 0\r\n\r\n",
        false,
    )
    .await;
    let mut connection = target(address, "GET", &[], "").connection();
    assert_eq!(connection.send().await, Outcome::Answered);
}

/// A server that closes each connection after its answer (idle keep-alive
/// connections are closed this way too): the next request opens another
/// and does not count as an error.
#[tokio::test]
async fn a_connection_the_server_closed_is_opened_again() {
    let (address, seen) = serve(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", true).await;
    let mut connection = target(address, "GET", &[], "").connection();
    for _ in 0..3 {
        assert_eq!(connection.send().await, Outcome::Answered);
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 3);

    let (address, seen) = serve(
        b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
        true,
    )
    .await;
    let mut connection = target(address, "GET", &[], "").connection();
    assert_eq!(connection.send().await, Outcome::Answered);
    assert_eq!(connection.send().await, Outcome::Answered);
    assert_eq!(seen.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_body_until_the_connection_ends() {
    let (address, seen) = serve(b"HTTP/1.0 200 OK\r\n\r\nall of it", true).await;
    let mut connection = target(address, "GET", &[], "").connection();
    assert_eq!(connection.send().await, Outcome::Answered);
    assert_eq!(connection.send().await, Outcome::Answered);
    assert_eq!(seen.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn garbage_and_no_server_are_failures() {
    let (address, _) = serve(b"SSH-2.0-OpenSSH\r\n\r\n", false).await;
    let mut connection = target(address, "GET", &[], "").connection();
    assert_eq!(connection.send().await, Outcome::Failed);
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let mut connection = target(address, "GET", &[], "").connection();
    assert_eq!(connection.send().await, Outcome::Failed);
}

#[tokio::test]
async fn a_body_goes_with_its_length() {
    let (address, seen) = serve(b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n", false).await;
    let mut connection = target(
        address,
        "POST",
        &[("content-type", "application/json")],
        "{\"n\":1}",
    )
    .connection();
    assert_eq!(connection.send().await, Outcome::Answered);
    let requests = seen.requests.lock().unwrap();
    assert!(
        requests[0]
            .ends_with("content-type: application/json\r\ncontent-length: 7\r\n\r\n{\"n\":1}"),
        "{}",
        requests[0]
    );
}

#[test]
fn what_cannot_be_sent_is_refused() {
    let address = SocketAddr::from(([127, 0, 0, 1], 80));
    let new = |method: &str, name: &str| {
        let headers = [(name.to_owned(), "1".to_owned())].into_iter().collect();
        HttpTarget::new(address, method, "/", &headers, Bytes::new())
    };
    assert!(matches!(new("GE T", "x"), Err(HttpError::Method(_))));
    assert!(matches!(new("GET", "bad name"), Err(HttpError::Header(_))));
    assert!(matches!(
        new("GET", "content-length"),
        Err(HttpError::Header(_))
    ));
    assert!(new("GET", "x-ok").is_ok());
}

/// A request given up half-way (the generator's timeout drops it) leaves
/// its connection in an unknown state: the next request opens another, so
/// that a late answer is never taken for the next one's.
#[tokio::test]
async fn a_request_given_up_half_way_does_not_reuse_its_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut silent, _) = listener.accept().await.unwrap();
        let mut buffer = Vec::new();
        read_request(&mut silent, &mut buffer).await;
        let (mut answering, _) = listener.accept().await.unwrap();
        while read_request(&mut answering, &mut buffer).await.is_some() {
            answering
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
        }
        drop(silent);
    });
    let mut connection = target(address, "GET", &[], "").connection();
    let given_up = tokio::time::timeout(std::time::Duration::from_millis(50), connection.send());
    assert!(given_up.await.is_err());
    assert_eq!(connection.send().await, Outcome::Answered);
}
