//! Sending one scenario's request over kept-alive HTTP/1.1 connections,
//! with hyper's client (the pool keeps idle connections for the next
//! request; the generator bounds how many are busy at once).

use super::Outcome;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use indexmap::IndexMap;
use std::net::SocketAddr;
use std::sync::Arc;

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
    client: Client<HttpConnector, Full<Bytes>>,
    shape: Arc<Shape>,
}

struct Shape {
    method: Method,
    uri: Uri,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl HttpTarget {
    pub fn new(
        address: SocketAddr,
        method: &str,
        path: &str,
        headers: &IndexMap<String, String>,
        body: Bytes,
        connections: u32,
    ) -> Result<HttpTarget, HttpError> {
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| HttpError::Method(method.to_owned()))?;
        let url = format!("http://{address}{path}");
        let uri: Uri = url.parse().map_err(|_| HttpError::Uri(url.clone()))?;
        let headers = headers
            .iter()
            .map(|(name, value)| {
                let invalid = || HttpError::Header(format!("{name}: {value}"));
                Ok((
                    HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?,
                    HeaderValue::from_str(value).map_err(|_| invalid())?,
                ))
            })
            .collect::<Result<_, HttpError>>()?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(connections as usize)
            .build(connector);
        Ok(HttpTarget {
            client,
            shape: Arc::new(Shape {
                method,
                uri,
                headers,
                body,
            }),
        })
    }

    /// Sends the request once and reads the whole answer.
    pub async fn send(&self) -> Outcome {
        let shape = &self.shape;
        let mut request = Request::new(Full::new(shape.body.clone()));
        *request.method_mut() = shape.method.clone();
        *request.uri_mut() = shape.uri.clone();
        let headers = request.headers_mut();
        for (name, value) in &shape.headers {
            headers.insert(name.clone(), value.clone());
        }
        let Ok(response) = self.client.request(request).await else {
            return Outcome::Failed;
        };
        let status = response.status();
        if response.into_body().collect().await.is_err() {
            return Outcome::Failed;
        }
        if status.is_success() || status.is_redirection() {
            Outcome::Answered
        } else {
            Outcome::Status(status.as_u16())
        }
    }
}
