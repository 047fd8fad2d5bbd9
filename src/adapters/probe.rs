//! Readiness checks that exo runs from the host: a TCP connection, an HTTP
//! request. (Health checks inside the container are the engine's; log lines
//! are matched where the logs are read.)

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

/// Sends `send` (nothing when empty: the server speaks first) and gives
/// back the first bytes of the answer.
pub async fn exchange(address: SocketAddr, send: &[u8], timeout: Duration) -> Attempt<Vec<u8>> {
    let talk = async {
        let mut stream = TcpStream::connect(address).await?;
        if !send.is_empty() {
            stream.write_all(send).await?;
        }
        let mut answer = vec![0u8; 4096];
        let n = stream.read(&mut answer).await?;
        answer.truncate(n);
        Ok::<_, std::io::Error>(answer)
    };
    match tokio::time::timeout(timeout, talk).await {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(err)) => Err(format!("{address}: {err}")),
        Err(_) => Err(format!(
            "{address}: no answer within {} ms",
            timeout.as_millis()
        )),
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

    #[tokio::test]
    async fn exchange_gives_the_first_bytes_of_the_answer() {
        let server = serve_once(b"+PONG\r\n").await;
        let answer = exchange(server, b"PING\r\n", Duration::from_secs(2)).await;
        assert_eq!(answer.as_deref(), Ok(&b"+PONG\r\n"[..]));
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
