//! Sending one scenario's request over kept-alive HTTP/1.1 connections.
//! Each worker of the generator owns one connection and speaks on it
//! itself: the request is serialized once, written whole, and the answer
//! read in the worker's own task (no pool, no connection task, no channel
//! between them: a client library's hand-offs cost more than the request
//! on a fast server). `httparse` reads the head; the body is skipped by its
//! length, its chunks, or the connection's end.

use super::Outcome;
use super::generator::Sender;
use bytes::{Bytes, BytesMut};
use http::header::{HeaderName, HeaderValue};
use http::{Method, Uri};
use indexmap::IndexMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("`{0}` is not an HTTP method")]
    Method(String),
    #[error("`{0}` does not make a URL")]
    Uri(String),
    #[error("`{0}` is not a valid header")]
    Header(String),
}

/// One request, sent again and again.
#[derive(Clone)]
pub struct HttpTarget {
    address: SocketAddr,
    /// The whole request as it goes on the wire.
    request: Bytes,
    /// A HEAD request's answer has no body, whatever its length says.
    head: bool,
}

impl HttpTarget {
    pub fn new(
        address: SocketAddr,
        method: &str,
        path: &str,
        headers: &IndexMap<String, String>,
        body: Bytes,
    ) -> Result<HttpTarget, HttpError> {
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| HttpError::Method(method.to_owned()))?;
        let url = format!("http://{address}{path}");
        let uri: Uri = url.parse().map_err(|_| HttpError::Uri(url.clone()))?;
        let target = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut request = format!("{method} {target} HTTP/1.1\r\nhost: {address}\r\n").into_bytes();
        for (name, value) in headers {
            let invalid = || HttpError::Header(format!("{name}: {value}"));
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
            if matches!(
                name.as_str(),
                "host" | "content-length" | "transfer-encoding"
            ) {
                return Err(invalid());
            }
            request.extend_from_slice(name.as_str().as_bytes());
            request.extend_from_slice(b": ");
            request.extend_from_slice(value.as_bytes());
            request.extend_from_slice(b"\r\n");
        }
        if !body.is_empty() || matches!(method, Method::POST | Method::PUT | Method::PATCH) {
            request.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
        }
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(&body);
        Ok(HttpTarget {
            address,
            request: Bytes::from(request),
            head: method == Method::HEAD,
        })
    }

    /// A connection of its own for one worker, opened at its first request.
    pub fn connection(&self) -> Connection {
        Connection {
            target: Arc::new(self.clone()),
            stream: None,
            buffer: BytesMut::with_capacity(4096),
            busy: false,
        }
    }
}

/// One kept-alive connection and what it has read.
pub struct Connection {
    target: Arc<HttpTarget>,
    stream: Option<TcpStream>,
    buffer: BytesMut,
    /// Set while a request is under way: if it is still set at the next
    /// one, the last was given up (timed out) half-way and the connection's
    /// state is unknown.
    busy: bool,
}

/// Why an exchange failed.
#[derive(Debug)]
enum Broken {
    /// The connection ended before any answer: a kept-alive connection
    /// that the server closed while idle, worth one more try.
    ClosedBeforeAnswer,
    Failed,
}

impl Sender for Connection {
    async fn send(&mut self) -> Outcome {
        if std::mem::replace(&mut self.busy, true) {
            self.stream = None;
        }
        let reused = self.stream.is_some();
        let mut result = self.exchange().await;
        if reused && matches!(result, Err(Broken::ClosedBeforeAnswer)) {
            self.stream = None;
            result = self.exchange().await;
        }
        self.busy = false;
        match result {
            Ok(status) if (200..400).contains(&status) => Outcome::Answered,
            Ok(status) => Outcome::Status(status),
            Err(_) => {
                self.stream = None;
                Outcome::Failed
            }
        }
    }
}

impl Connection {
    /// Writes the request and reads the answer; its status.
    async fn exchange(&mut self) -> Result<u16, Broken> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.target.address)
                .await
                .map_err(|_| Broken::Failed)?;
            stream.set_nodelay(true).map_err(|_| Broken::Failed)?;
            self.stream = Some(stream);
        }
        self.buffer.clear();
        let stream = self.stream.as_mut().ok_or(Broken::Failed)?;
        stream
            .write_all(&self.target.request)
            .await
            .map_err(|_| Broken::ClosedBeforeAnswer)?;
        let head = loop {
            if let Some(head) = parse_head(&self.buffer, self.target.head)? {
                break head;
            }
            if self.read_more().await? == 0 {
                return Err(if self.buffer.is_empty() {
                    Broken::ClosedBeforeAnswer
                } else {
                    Broken::Failed
                });
            }
        };
        let _ = self.buffer.split_to(head.length);
        match head.body {
            Body::Length(length) => self.skip(length).await?,
            Body::Chunked => self.skip_chunks().await?,
            Body::UntilClose => loop {
                self.buffer.clear();
                if self.read_more().await? == 0 {
                    break;
                }
            },
        }
        if head.close || head.body == Body::UntilClose {
            self.stream = None;
        }
        Ok(head.status)
    }

    async fn read_more(&mut self) -> Result<usize, Broken> {
        let stream = self.stream.as_mut().ok_or(Broken::Failed)?;
        self.buffer.reserve(4096);
        stream
            .read_buf(&mut self.buffer)
            .await
            .map_err(|_| Broken::Failed)
    }

    /// Reads until `length` more bytes have come, and drops them.
    async fn skip(&mut self, mut length: usize) -> Result<(), Broken> {
        loop {
            let here = length.min(self.buffer.len());
            let _ = self.buffer.split_to(here);
            length -= here;
            if length == 0 {
                return Ok(());
            }
            if self.read_more().await? == 0 {
                return Err(Broken::Failed);
            }
        }
    }

    /// Reads a chunked body to its end (the zero chunk and any trailers).
    async fn skip_chunks(&mut self) -> Result<(), Broken> {
        loop {
            let line = self.line().await?;
            let size = line.split(|&b| b == b';').next().unwrap_or_default();
            let size = std::str::from_utf8(size)
                .ok()
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .ok_or(Broken::Failed)?;
            if size == 0 {
                while !self.line().await?.is_empty() {}
                return Ok(());
            }
            self.skip(size).await?;
            if !self.line().await?.is_empty() {
                return Err(Broken::Failed);
            }
        }
    }

    /// The next line, without its CRLF.
    async fn line(&mut self) -> Result<Vec<u8>, Broken> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\r\n") {
                let line = self.buffer.split_to(end + 2);
                return Ok(line[..end].to_vec());
            }
            if self.read_more().await? == 0 {
                return Err(Broken::Failed);
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Body {
    Length(usize),
    Chunked,
    UntilClose,
}

#[derive(Debug)]
struct Head {
    status: u16,
    /// Bytes of the status line and headers.
    length: usize,
    body: Body,
    close: bool,
}

/// The answer's head once `buffer` holds all of it; `None` while it does
/// not. An informational answer (1xx) is read past.
fn parse_head(buffer: &[u8], head_request: bool) -> Result<Option<Head>, Broken> {
    let mut offset = 0;
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        let length = match response.parse(&buffer[offset..]) {
            Ok(httparse::Status::Complete(length)) => length,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(_) => return Err(Broken::Failed),
        };
        let status = response.code.ok_or(Broken::Failed)?;
        if (100..200).contains(&status) && status != 101 {
            offset += length;
            continue;
        }
        let mut body = Body::UntilClose;
        let mut close = response.version == Some(0);
        for header in response.headers.iter() {
            let value = std::str::from_utf8(header.value).map_err(|_| Broken::Failed)?;
            if header.name.eq_ignore_ascii_case("content-length") && body != Body::Chunked {
                body = Body::Length(value.trim().parse().map_err(|_| Broken::Failed)?);
            } else if header.name.eq_ignore_ascii_case("transfer-encoding")
                && value.to_ascii_lowercase().contains("chunked")
            {
                body = Body::Chunked;
            } else if header.name.eq_ignore_ascii_case("connection") {
                close |= value.eq_ignore_ascii_case("close");
            }
        }
        if head_request || status == 204 || status == 304 {
            body = Body::Length(0);
        }
        return Ok(Some(Head {
            status,
            length: offset + length,
            body,
            close,
        }));
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
