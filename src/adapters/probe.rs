//! Readiness checks that exo runs from the host: a TCP connection, an HTTP
//! request. (Health checks inside the container are the engine's; log lines
//! are matched where the logs are read.)

use crate::core::security::open::{Conversation, Step, Verdict};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One attempt's result: `Ok` with what was seen, or why it is not ready.
pub type Attempt<T = String> = Result<T, String>;

pub async fn tcp(address: SocketAddr, timeout: Duration) -> Attempt {
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Ok(Ok(_)) => Ok(format!("{address} accepts connections")),
        Ok(Err(err)) => Err(format!("{address}: {err}")),
        Err(_) => Err(format!(
            "{address}: no answer within {} ms",
            timeout.as_millis()
        )),
    }
}

/// `GET path`; ready on a 2xx or 3xx status.
pub async fn http(address: SocketAddr, path: &str, timeout: Duration) -> Attempt {
    let request = async {
        let mut stream = TcpStream::connect(address)
            .await
            .map_err(|e| e.to_string())?;
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: exo\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut response = Vec::new();
        let mut chunk = [0u8; 512];
        // The status line is all that is needed.
        while !response.contains(&b'\n') {
            let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            response.extend_from_slice(&chunk[..n]);
        }
        status_of(&response).ok_or_else(|| "the answer is not HTTP".to_owned())
    };
    let url = format!("http://{address}{path}");
    match tokio::time::timeout(timeout, request).await {
        Ok(Ok(status)) if (200..400).contains(&status) => Ok(format!("GET {url}: {status}")),
        Ok(Ok(status)) => Err(format!("GET {url}: {status}")),
        Ok(Err(err)) => Err(format!("GET {url}: {err}")),
        Err(_) => Err(format!(
            "GET {url}: no answer within {} ms",
            timeout.as_millis()
        )),
    }
}

/// Holds `conversation` with the server at `address`: its opening, then
/// each answer read (within `timeout` each) until a verdict. A connection
/// that fails, or a server silent past `timeout`, is not understood.
pub async fn converse(
    address: SocketAddr,
    conversation: &mut Conversation,
    timeout: Duration,
) -> Verdict {
    let waited = |what: &str| {
        Verdict::NotUnderstood(format!(
            "{address}: no {what} within {} ms",
            timeout.as_millis()
        ))
    };
    let failed = |err: std::io::Error| Verdict::NotUnderstood(format!("{address}: {err}"));
    let mut send = conversation.opening();
    loop {
        let mut stream = match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(err)) => return failed(err),
            Err(_) => return waited("connection"),
        };
        let mut chunk = vec![0u8; 16 * 1024];
        let next = loop {
            if !send.is_empty()
                && let Err(err) = stream.write_all(&send).await
            {
                return failed(err);
            }
            let step = match tokio::time::timeout(timeout, stream.read(&mut chunk)).await {
                Ok(Ok(0)) => return conversation.hung_up(),
                Ok(Ok(n)) => conversation.hear(&chunk[..n]),
                // A reset after the server's last words is its hanging up.
                Ok(Err(err)) if err.kind() == std::io::ErrorKind::ConnectionReset => {
                    return conversation.hung_up();
                }
                Ok(Err(err)) => return failed(err),
                Err(_) => return waited("answer"),
            };
            match step {
                Step::Listen => send.clear(),
                Step::Say(bytes) => send = bytes,
                Step::Anew(bytes) => break bytes,
                Step::Done(verdict) => return verdict,
            }
        };
        send = next;
    }
}

/// The status code of `HTTP/1.1 200 OK`.
fn status_of(response: &[u8]) -> Option<u16> {
    let line = response.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split_whitespace();
    parts.next().filter(|v| v.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::security::open;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::net::TcpListener;

    #[test]
    fn status_lines() {
        assert_eq!(status_of(b"HTTP/1.1 204 No Content\r\n"), Some(204));
        assert_eq!(
            status_of(b"HTTP/1.0 503 Service Unavailable\r\n\r\n"),
            Some(503)
        );
        assert_eq!(status_of(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(status_of(b""), None);
    }

    async fn serve_once(answer: &'static [u8]) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            socket.write_all(answer).await.unwrap();
        });
        address
    }

    #[tokio::test]
    async fn http_is_ready_on_success_statuses_only() {
        let ok = serve_once(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
        assert!(http(ok, "/health", Duration::from_secs(2)).await.is_ok());
        let down = serve_once(b"HTTP/1.1 503 Service Unavailable\r\n\r\n").await;
        let err = http(down, "/health", Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(err.ends_with(": 503"), "{err}");
    }

    /// A server that answers each connection's first read with the next of
    /// `answers` and closes it; how many connections it took.
    async fn serve_each(answers: &'static [&'static [u8]]) -> (SocketAddr, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let taken = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&taken);
        tokio::spawn(async move {
            for answer in answers {
                let (mut socket, _) = listener.accept().await.unwrap();
                counted.fetch_add(1, Ordering::SeqCst);
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                socket.write_all(answer).await.unwrap();
            }
        });
        (address, taken)
    }

    fn conversation(entry: &str, address: SocketAddr) -> Conversation {
        let variables = Default::default();
        let client = open::Client {
            address: address.to_string(),
            variables: &variables,
            now: jiff::Timestamp::UNIX_EPOCH,
        };
        open::conversation(entry, &client).expect("a catalog entry")
    }

    #[tokio::test]
    async fn a_conversation_goes_on_until_a_verdict() {
        let (redis, _) = serve_each(&[b"+PONG\r\n"]).await;
        let verdict = converse(
            redis,
            &mut conversation("redis", redis),
            Duration::from_secs(2),
        )
        .await;
        assert!(matches!(verdict, Verdict::Open(m) if m.ends_with("`+PONG`")));
        // MinIO: refused anonymously, then asked anew with a signature.
        let (minio, taken) = serve_each(&[
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ])
        .await;
        let verdict = converse(
            minio,
            &mut conversation("minio", minio),
            Duration::from_secs(2),
        )
        .await;
        assert!(matches!(verdict, Verdict::Open(m) if m.contains("`minioadmin`/`minioadmin`")));
        assert_eq!(taken.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn silence_and_refusals_are_not_understood() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let held = tokio::spawn(async move { listener.accept().await.map(|(socket, _)| socket) });
        let verdict = converse(
            address,
            &mut conversation("mongo", address),
            Duration::from_millis(200),
        )
        .await;
        assert_eq!(
            verdict,
            Verdict::NotUnderstood(format!("{address}: no answer within 200 ms"))
        );
        drop(held.await);
        let verdict = converse(
            address,
            &mut conversation("mongo", address),
            Duration::from_secs(1),
        )
        .await;
        assert!(
            matches!(verdict, Verdict::NotUnderstood(why) if why.starts_with(&address.to_string()))
        );
    }

    #[tokio::test]
    async fn tcp_reports_refusals() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        assert!(tcp(address, Duration::from_secs(1)).await.is_ok());
        drop(listener);
        assert!(tcp(address, Duration::from_secs(1)).await.is_err());
    }
}
