//! The HTTP dependencies: Elasticsearch and OpenSearch (`GET /`), and
//! MinIO (S3's ListBuckets, `GET /`: anonymous, then signed with the
//! image's default root password).

use super::sigv4::{self, EMPTY_PAYLOAD};
use super::{Protocol, Step, Verdict, shown, with_default, without_credentials};

/// MinIO's root user and password when none is given.
pub const MINIO_DEFAULT: &str = "minioadmin";

/// The status code and line of an answer, once its first line is in.
fn status(heard: &[u8]) -> Option<Result<(u16, String), String>> {
    let end = heard.iter().position(|b| *b == b'\n')?;
    let line = String::from_utf8_lossy(&heard[..end]).trim_end().to_owned();
    let mut parts = line.split_whitespace();
    let code = parts
        .next()
        .filter(|version| version.starts_with("HTTP/"))
        .and_then(|_| parts.next())
        .and_then(|code| code.parse().ok());
    Some(match code {
        Some(code) => Ok((code, line)),
        None => Err(format!("it answered `{}`, not HTTP", shown(heard))),
    })
}

fn get(address: &str, more: &str) -> Vec<u8> {
    format!(
        "GET / HTTP/1.1\r\nHost: {address}\r\nUser-Agent: exo\r\n{more}Connection: close\r\n\r\n"
    )
    .into_bytes()
}

/// Why a server that closed an HTTP connection was not understood.
fn hung_up_on_http(heard: &[u8]) -> Verdict {
    Verdict::NotUnderstood(format!(
        "{} (a server that speaks only HTTPS does that)",
        super::silence(heard)
    ))
}

/// `GET /` answered 200 served; 401 or 403 refused.
pub struct Search {
    request: Vec<u8>,
}

impl Search {
    pub fn new(address: &str) -> Search {
        Search {
            request: get(address, ""),
        }
    }
}

impl Protocol for Search {
    fn opening(&mut self) -> Vec<u8> {
        self.request.clone()
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        Step::Done(match status(heard) {
            None => return Step::Listen,
            Some(Err(why)) => Verdict::NotUnderstood(why),
            Some(Ok((200, line))) => without_credentials(&format!("`GET /` answered `{line}`")),
            Some(Ok((401 | 403, line))) => Verdict::Closed(line),
            Some(Ok((_, line))) => Verdict::NotUnderstood(format!("`GET /` answered `{line}`")),
        })
    }

    fn hung_up(&mut self, heard: &[u8]) -> Verdict {
        hung_up_on_http(heard)
    }
}

/// ListBuckets, anonymous (200 served), then signed with the root user and
/// MinIO's default password (200 served, 403 refused).
pub struct Minio {
    address: String,
    user: String,
    password: String,
    now: jiff::Timestamp,
    signed: bool,
}

impl Minio {
    pub fn new(address: &str, user: &str, password: &str, now: jiff::Timestamp) -> Minio {
        Minio {
            address: address.to_owned(),
            user: user.to_owned(),
            password: password.to_owned(),
            now,
            signed: false,
        }
    }

    fn signed_request(&self) -> Vec<u8> {
        let time = self.now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let headers = [
            ("host", self.address.as_str()),
            ("x-amz-content-sha256", EMPTY_PAYLOAD),
            ("x-amz-date", time.as_str()),
        ];
        let authorization = sigv4::authorization(&sigv4::Request {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            access_key: &self.user,
            secret_key: &self.password,
            region: "us-east-1",
        });
        get(
            &self.address,
            &format!(
                "x-amz-content-sha256: {EMPTY_PAYLOAD}\r\nx-amz-date: {time}\r\nAuthorization: {authorization}\r\n"
            ),
        )
    }
}

impl Protocol for Minio {
    fn opening(&mut self) -> Vec<u8> {
        get(&self.address, "")
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        let (code, line) = match status(heard) {
            None => return Step::Listen,
            Some(Err(why)) => return Step::Done(Verdict::NotUnderstood(why)),
            Some(Ok(status)) => status,
        };
        Step::Done(match (self.signed, code) {
            (false, 200) => without_credentials(&format!(
                "`GET /` (ListBuckets) answered `{line}` without a signature"
            )),
            (false, 403) => {
                self.signed = true;
                return Step::Anew(self.signed_request());
            }
            (true, 200) => with_default(
                &self.user,
                &self.password,
                &format!("ListBuckets signed with them answered `{line}`"),
            ),
            (true, 403) => Verdict::Closed(line),
            (signed, _) => Verdict::NotUnderstood(format!(
                "{} ListBuckets answered `{line}`",
                if signed { "a signed" } else { "an anonymous" }
            )),
        })
    }

    fn hung_up(&mut self, heard: &[u8]) -> Verdict {
        hung_up_on_http(heard)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Conversation, replay};
    use super::*;

    #[test]
    fn search_engines_are_open_on_200_and_closed_on_401() {
        let search = || Conversation::new(Search::new("172.18.0.3:9200"));
        let (said, verdict) = replay(
            search(),
            &[
                b"HTTP/1.1 200 OK\r\n",
                b"content-type: application/json\r\n",
            ],
        );
        assert!(said[0].starts_with(b"GET / HTTP/1.1\r\nHost: 172.18.0.3:9200\r\n"));
        assert!(
            matches!(verdict, Verdict::Open(m) if m.ends_with("`GET /` answered `HTTP/1.1 200 OK`"))
        );
        // Elasticsearch 8 with security on.
        let (_, verdict) = replay(search(), &[b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"security\" charset=\"UTF-8\"\r\n"]);
        assert_eq!(verdict, Verdict::Closed("HTTP/1.1 401 Unauthorized".into()));
        let (_, verdict) = replay(search(), &[b"HTTP/1.1 503 Service Unavailable\r\n"]);
        assert!(matches!(verdict, Verdict::NotUnderstood(_)));
        let (_, verdict) = replay(search(), &[]);
        assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("HTTPS")));
    }

    /// MinIO's answers as the S3 API documents them: ListBuckets refused
    /// with `AccessDenied` anonymously, `InvalidAccessKeyId` or
    /// `SignatureDoesNotMatch` with wrong credentials, and a
    /// `ListAllMyBucketsResult` when served.
    const DENIED: &[u8] = b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nServer: MinIO\r\nContent-Length: 254\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied.</Message><Resource>/</Resource><RequestId>17E2</RequestId><HostId>dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8</HostId></Error>";
    const LISTED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nServer: MinIO\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4</ID><DisplayName>minio</DisplayName></Owner><Buckets></Buckets></ListAllMyBucketsResult>";

    fn minio() -> Conversation {
        let now = "2026-03-01T10:20:30Z".parse().expect("a time");
        Conversation::new(Minio::new("172.18.0.4:9000", "minio", MINIO_DEFAULT, now))
    }

    #[test]
    fn minio_is_asked_anonymously_then_with_its_default_password() {
        let mut conversation = minio();
        assert!(
            conversation
                .opening()
                .starts_with(b"GET / HTTP/1.1\r\nHost: 172.18.0.4:9000\r\n")
        );
        let Step::Anew(signed) = conversation.hear(DENIED) else {
            panic!("a signed request on a new connection");
        };
        let signed = String::from_utf8(signed).expect("text");
        assert!(
            signed.contains("\r\nx-amz-date: 20260301T102030Z\r\n"),
            "{signed}"
        );
        // The signature botocore 1.43's S3SigV4Auth gives the same request.
        assert!(
            signed.contains("\r\nAuthorization: AWS4-HMAC-SHA256 Credential=minio/20260301/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=a9c0f63265ca973049e8b810c032f1184c984479b2598b6e4649ac4cf73b57f9\r\n"),
            "{signed}"
        );
        assert_eq!(
            conversation.hear(LISTED),
            Step::Done(Verdict::Open(
                "accepted the image's default credentials `minio`/`minioadmin`: ListBuckets signed with them answered `HTTP/1.1 200 OK`".into()
            ))
        );
        let (_, verdict) = replay(
            minio(),
            &[
                DENIED,
                b"HTTP/1.1 403 Forbidden\r\n\r\n<Error><Code>SignatureDoesNotMatch</Code></Error>",
            ],
        );
        assert_eq!(verdict, Verdict::Closed("HTTP/1.1 403 Forbidden".into()));
        let (said, verdict) = replay(minio(), &[LISTED]);
        assert_eq!(said.len(), 1);
        assert!(matches!(verdict, Verdict::Open(m) if m.contains("without a signature")));
    }
}
