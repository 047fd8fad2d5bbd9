//! Asking an image's registry for its tags (the Docker Registry HTTP API
//! v2 `tags/list`), with the bearer-token challenge that Docker Hub and
//! other public registries answer with, and `Link` pagination. Registries
//! on loopback are spoken to over plain HTTP, as Docker allows.

mod reference;
mod versions;

pub use reference::ImageRef;
pub use versions::{Version, newest};

use std::time::Duration;
use ureq::Agent;

const TIMEOUT: Duration = Duration::from_secs(20);
/// Registries cap a page; this bounds a registry that never stops paging.
const MAX_PAGES: usize = 50;

#[derive(Debug, thiserror::Error)]
#[error("cannot list the tags of {image}: {message}")]
pub struct RegistryError {
    pub image: String,
    pub message: String,
}

/// Every tag of the image's repository.
pub fn tags(image: &str) -> Result<Vec<String>, RegistryError> {
    let reference = ImageRef::parse(image);
    let fail = |message: String| RegistryError {
        image: image.to_owned(),
        message,
    };
    let mut config = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT));
    if reference.is_loopback() {
        config = config.proxy(None);
    }
    let agent: Agent = config.build().into();
    let scheme = if reference.is_loopback() {
        "http"
    } else {
        "https"
    };
    let base = format!("{scheme}://{}", reference.registry);
    let mut next = Some(format!("/v2/{}/tags/list?n=1000", reference.repository));
    let mut token: Option<String> = None;
    let mut all = Vec::new();
    let mut pages = 0;
    while let Some(path) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(fail(format!("more than {MAX_PAGES} pages of tags")));
        }
        let url = format!("{base}{path}");
        let mut response = get(&agent, &url, token.as_deref()).map_err(&fail)?;
        if response.status() == 401 && token.is_none() {
            let challenge = header(&response, "www-authenticate").unwrap_or_default();
            token = Some(bearer_token(&agent, &challenge, &reference).map_err(&fail)?);
            response = get(&agent, &url, token.as_deref()).map_err(&fail)?;
        }
        let status = response.status();
        let link = header(&response, "link");
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| fail(e.to_string()))?;
        if status != 200 {
            return Err(fail(format!(
                "{url} answered {status}: {}",
                first_line(&body)
            )));
        }
        let page: serde_json::Value = serde_json::from_str(&body).map_err(|e| {
            fail(format!(
                "{url} answered something other than a tag list: {e}"
            ))
        })?;
        if let Some(tags) = page.get("tags").and_then(|t| t.as_array()) {
            all.extend(tags.iter().filter_map(|t| t.as_str().map(str::to_owned)));
        }
        next = link.and_then(|link| next_page(&link));
    }
    Ok(all)
}

fn get(
    agent: &Agent,
    url: &str,
    token: Option<&str>,
) -> Result<ureq::http::Response<ureq::Body>, String> {
    let mut request = agent.get(url).header("Accept", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    request.call().map_err(|e| format!("{url}: {e}"))
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Answers a `Bearer realm="...",service="...",scope="..."` challenge with
/// an anonymous pull token.
fn bearer_token(agent: &Agent, challenge: &str, image: &ImageRef) -> Result<String, String> {
    let Some(params) = challenge.strip_prefix("Bearer ") else {
        return Err(format!(
            "the registry asks for credentials exo does not have ({challenge})"
        ));
    };
    let mut realm = None;
    let mut query = Vec::new();
    for (key, value) in challenge_params(params) {
        match key.as_str() {
            "realm" => realm = Some(value),
            "service" | "scope" => query.push((key, value)),
            _ => {}
        }
    }
    if !query.iter().any(|(k, _)| k == "scope") {
        query.push((
            "scope".into(),
            format!("repository:{}:pull", image.repository),
        ));
    }
    let realm = realm.ok_or("the registry's challenge names no realm")?;
    let mut request = agent.get(&realm);
    for (key, value) in &query {
        request = request.query(key, value);
    }
    let mut response = request.call().map_err(|e| format!("{realm}: {e}"))?;
    let status = response.status();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!(
            "{realm} refused a token ({status}): {}",
            first_line(&body)
        ));
    }
    let answer: serde_json::Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    answer
        .get("token")
        .or_else(|| answer.get("access_token"))
        .and_then(|t| t.as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{realm} answered without a token"))
}

/// `key="value"` pairs, separated by commas (commas inside quotes stay).
fn challenge_params(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = text.trim();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim().trim_start_matches(',').trim().to_owned();
        let (value, after) = match after.strip_prefix('"') {
            Some(quoted) => match quoted.split_once('"') {
                Some((value, after)) => (value.to_owned(), after),
                None => (quoted.to_owned(), ""),
            },
            None => match after.split_once(',') {
                Some((value, after)) => (value.trim().to_owned(), after),
                None => (after.trim().to_owned(), ""),
            },
        };
        pairs.push((key, value));
        rest = after.trim_start_matches(',').trim();
    }
    pairs
}

/// The path of `Link: </v2/...?last=x&n=1000>; rel="next"`.
fn next_page(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_and_links_are_read() {
        let params = challenge_params(
            r#"realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull,push""#,
        );
        assert_eq!(
            params,
            [
                (
                    "realm".to_owned(),
                    "https://auth.docker.io/token".to_owned()
                ),
                ("service".to_owned(), "registry.docker.io".to_owned()),
                (
                    "scope".to_owned(),
                    "repository:library/redis:pull,push".to_owned()
                ),
            ]
        );
        assert_eq!(
            next_page(r#"</v2/x/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/x/tags/list?last=b&n=2")
        );
        assert_eq!(next_page(r#"</v2/x>; rel="prev""#), None);
    }
}
