//! Passive checks of one HTTP answer, as OWASP ZAP's baseline scan makes
//! them: what the headers and the page give away or leave out. Pure: the
//! operation fetches the answer.

use crate::core::model::security::{
    COOKIE_NO_SAMESITE, COOKIE_NOT_HTTPONLY, COOKIE_NOT_SECURE, DIRECTORY_LISTING,
    NO_CONTENT_TYPE_OPTIONS, NO_CSP, NO_FRAME_ANCESTORS, NO_HSTS, POWERED_BY, Rule, SERVER_VERSION,
};

/// One answer of a service, as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// What was asked: `GET http://10.0.0.3:3000/`.
    pub request: String,
    pub https: bool,
    pub status: u16,
    /// In order; a name may come more than once (`Set-Cookie`).
    pub headers: Vec<(String, String)>,
    /// The start of the body.
    pub body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn is_html(&self) -> bool {
        self.header("content-type")
            .is_some_and(|t| t.to_ascii_lowercase().contains("text/html"))
    }
}

/// Each rule the answer breaks, with what was seen.
pub fn check(answer: &Answer) -> Vec<(Rule, String)> {
    let mut found = Vec::new();
    let request = &answer.request;
    if !answer
        .header("x-content-type-options")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"))
    {
        found.push((
            NO_CONTENT_TYPE_OPTIONS,
            format!("{request} answered without `X-Content-Type-Options: nosniff`"),
        ));
    }
    let policy = answer
        .header("content-security-policy")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if answer.is_html() {
        if policy.is_empty() {
            found.push((NO_CSP, format!("{request} is HTML without a policy")));
        }
        if !policy.contains("frame-ancestors") && answer.header("x-frame-options").is_none() {
            found.push((
                NO_FRAME_ANCESTORS,
                format!("{request} has no `frame-ancestors` nor `X-Frame-Options`"),
            ));
        }
        if is_directory_listing(&answer.body) {
            found.push((
                DIRECTORY_LISTING,
                format!("{request} is a directory listing"),
            ));
        }
    }
    if answer.https && answer.header("strict-transport-security").is_none() {
        found.push((
            NO_HSTS,
            format!("{request} answered over HTTPS without `Strict-Transport-Security`"),
        ));
    }
    for cookie in answer.all("set-cookie") {
        let name = cookie.split('=').next().unwrap_or_default().trim();
        let attributes: Vec<String> = cookie
            .split(';')
            .skip(1)
            .map(|a| {
                a.split('=')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .collect();
        for (attribute, rule) in [
            ("httponly", COOKIE_NOT_HTTPONLY),
            ("secure", COOKIE_NOT_SECURE),
            ("samesite", COOKIE_NO_SAMESITE),
        ] {
            if !attributes.iter().any(|a| a == attribute) {
                found.push((
                    rule,
                    format!("{request} sets the cookie `{name}` without `{attribute}`"),
                ));
            }
        }
    }
    if let Some(server) = answer.header("server").filter(|s| has_version(s)) {
        found.push((SERVER_VERSION, format!("{request} says `Server: {server}`")));
    }
    if let Some(framework) = answer.header("x-powered-by") {
        found.push((
            POWERED_BY,
            format!("{request} says `X-Powered-By: {framework}`"),
        ));
    }
    found
}

/// `nginx/1.25.3`, `Apache/2.4.58 (Debian)`: a digit after a slash or a space.
fn has_version(server: &str) -> bool {
    server
        .split(['/', ' ', '(', ')'])
        .skip(1)
        .any(|part| part.starts_with(|c: char| c.is_ascii_digit()))
}

/// The pages of Apache, nginx, Python's `http.server`, busybox httpd,
/// IIS and Tomcat.
fn is_directory_listing(body: &str) -> bool {
    let body = body.to_ascii_lowercase();
    [
        "<title>index of /",
        "<title>directory listing for /",
        "[to parent directory]",
    ]
    .iter()
    .any(|mark| body.contains(mark))
        || body.contains("<h1>index of /")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(headers: &[(&str, &str)], body: &str) -> Answer {
        Answer {
            request: "GET http://web:3000/".into(),
            https: false,
            status: 200,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.into(),
        }
    }

    fn ids(found: &[(Rule, String)]) -> Vec<&'static str> {
        found.iter().map(|(rule, _)| rule.id).collect()
    }

    #[test]
    fn a_bare_html_page_misses_every_header_and_tells_its_versions() {
        let page = answer(
            &[
                ("Content-Type", "text/html"),
                ("Server", "nginx/1.25.3"),
                ("X-Powered-By", "Express"),
                ("Set-Cookie", "sid=abc; Path=/"),
            ],
            "<html><head><title>Index of /</title></head></html>",
        );
        assert_eq!(
            ids(&check(&page)),
            [
                "EXO-S011", "EXO-S012", "EXO-S013", "EXO-S020", "EXO-S015", "EXO-S016", "EXO-S017",
                "EXO-S018", "EXO-S019"
            ]
        );
    }

    #[test]
    fn a_careful_answer_passes_and_json_needs_no_page_policy() {
        let careful = answer(
            &[
                ("content-type", "text/html; charset=utf-8"),
                ("x-content-type-options", "nosniff"),
                (
                    "content-security-policy",
                    "default-src 'self'; frame-ancestors 'none'",
                ),
                ("server", "nginx"),
                ("set-cookie", "sid=abc; Secure; HttpOnly; SameSite=Lax"),
            ],
            "<html></html>",
        );
        assert_eq!(check(&careful), []);
        let json = answer(
            &[
                ("Content-Type", "application/json"),
                ("X-Content-Type-Options", "nosniff"),
            ],
            "{}",
        );
        assert_eq!(check(&json), []);
    }

    #[test]
    fn hsts_is_asked_only_over_https() {
        let mut secure = answer(&[("X-Content-Type-Options", "nosniff")], "");
        secure.https = true;
        assert_eq!(ids(&check(&secure)), ["EXO-S014"]);
        secure.headers.push((
            "Strict-Transport-Security".into(),
            "max-age=31536000".into(),
        ));
        assert_eq!(check(&secure), []);
    }

    #[test]
    fn server_names_with_a_version() {
        assert!(has_version("Apache/2.4.58 (Debian)"));
        assert!(has_version("Werkzeug/3.0.1 Python/3.12.1"));
        assert!(!has_version("nginx"));
        assert!(!has_version("cloudflare"));
    }
}
