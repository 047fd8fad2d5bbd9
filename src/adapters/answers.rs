//! One GET to a service, kept as received (every header, the start of the
//! body) for the passive checks; plain HTTP first, then HTTPS for a
//! service that speaks TLS (its certificate is not checked: it is the
//! answer that is looked at, not who gives it).

use crate::core::security::passive::Answer;
use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;
use ureq::Agent;
use ureq::tls::TlsConfig;

/// What of a body is kept: enough for a directory listing's title.
const BODY_BYTES: u64 = 64 * 1024;

/// `GET path` of the service at `address`; why not, when neither HTTP
/// nor HTTPS answered.
pub async fn fetch(address: SocketAddr, path: String, timeout: Duration) -> Result<Answer, String> {
    tokio::task::spawn_blocking(move || {
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(timeout))
            .tls_config(TlsConfig::builder().disable_verification(true).build())
            .build()
            .into();
        let plain = get(&agent, &format!("http://{address}{path}"));
        plain.or_else(|first| get(&agent, &format!("https://{address}{path}")).map_err(|_| first))
    })
    .await
    .map_err(|err| err.to_string())?
}

fn get(agent: &Agent, url: &str) -> Result<Answer, String> {
    let mut response = agent
        .get(url)
        .header("User-Agent", "exo")
        .call()
        .map_err(|err| format!("GET {url}: {err}"))?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let mut body = Vec::new();
    // A body cut short still shows what it began with.
    let _ = response
        .body_mut()
        .as_reader()
        .take(BODY_BYTES)
        .read_to_end(&mut body);
    Ok(Answer {
        request: format!("GET {url}"),
        https: url.starts_with("https:"),
        status: response.status().as_u16(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[tokio::test]
    async fn keeps_every_header_of_the_answer() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            let answer = "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2; Secure\r\nContent-Length: 5\r\n\r\nhello";
            socket.write_all(answer.as_bytes()).await.unwrap();
        });
        let answer = fetch(address, "/".into(), Duration::from_secs(5))
            .await
            .expect("an answer");
        assert_eq!(answer.request, format!("GET http://{address}/"));
        let cookies: Vec<&str> = answer
            .headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(cookies, ["a=1", "b=2; Secure"]);
        assert_eq!(
            (answer.status, answer.body.as_str(), answer.https),
            (200, "hello", false)
        );
    }
}
