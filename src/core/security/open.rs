//! Whether a catalog dependency serves a client that gives no credentials:
//! the first bytes a client sends, and how to read the answer. Pure; the
//! operation opens the connection. Catalog entries without a probe here
//! (MySQL, MariaDB, MongoDB, RabbitMQ, Kafka, MinIO) are not checked.

/// What to send and how to tell an open answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenProbe {
    /// Sent on connecting (empty: the server speaks first).
    pub send: Vec<u8>,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Redis,
    Memcached,
    Nats,
    Http,
    Postgres,
}

/// The probe of the catalog entry `entry`; `user` is the database user
/// where the protocol names one.
pub fn probe(entry: &str, user: &str) -> Option<OpenProbe> {
    let (kind, send) = match entry {
        "redis" | "valkey" => (Kind::Redis, b"PING\r\n".to_vec()),
        "memcached" => (Kind::Memcached, b"version\r\n".to_vec()),
        "nats" => (Kind::Nats, Vec::new()),
        "elasticsearch" | "opensearch" => (
            Kind::Http,
            b"GET / HTTP/1.1\r\nHost: exo\r\nConnection: close\r\n\r\n".to_vec(),
        ),
        "postgres" => (Kind::Postgres, postgres_startup(user)),
        _ => return None,
    };
    Some(OpenProbe { send, kind })
}

impl OpenProbe {
    /// Whether `answer` (the server's first bytes) served the request.
    pub fn answered_openly(&self, answer: &[u8]) -> bool {
        let text = String::from_utf8_lossy(answer);
        match self.kind {
            Kind::Redis => text.starts_with("+PONG"),
            Kind::Memcached => text.starts_with("VERSION"),
            Kind::Nats => text.starts_with("INFO") && !text.contains("\"auth_required\":true"),
            Kind::Http => text
                .split_whitespace()
                .nth(1)
                .is_some_and(|status| status == "200"),
            // `R`, a length, then 0: AuthenticationOk without a password.
            Kind::Postgres => answer.first() == Some(&b'R') && answer.get(5..9) == Some(&[0; 4]),
        }
    }
}

/// A protocol 3.0 StartupMessage for `user` on its own database.
fn postgres_startup(user: &str) -> Vec<u8> {
    let mut body = 196_608_u32.to_be_bytes().to_vec();
    for word in ["user", user, "database", user] {
        body.extend_from_slice(word.as_bytes());
        body.push(0);
    }
    body.push(0);
    let length = u32::try_from(body.len() + 4).unwrap_or(u32::MAX);
    let mut message = length.to_be_bytes().to_vec();
    message.extend(body);
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_protocol_tells_an_open_server_from_a_closed_one() {
        let redis = probe("redis", "").expect("redis");
        assert!(redis.answered_openly(b"+PONG\r\n"));
        assert!(!redis.answered_openly(b"-NOAUTH Authentication required.\r\n"));
        let nats = probe("nats", "").expect("nats");
        assert!(nats.answered_openly(br#"INFO {"server_id":"x","auth_required":false}"#));
        assert!(!nats.answered_openly(br#"INFO {"server_id":"x","auth_required":true}"#));
        let search = probe("opensearch", "").expect("opensearch");
        assert!(search.answered_openly(b"HTTP/1.1 200 OK\r\n"));
        assert!(!search.answered_openly(b"HTTP/1.1 401 Unauthorized\r\n"));
        let postgres = probe("postgres", "app").expect("postgres");
        assert!(postgres.answered_openly(&[b'R', 0, 0, 0, 8, 0, 0, 0, 0]));
        assert!(!postgres.answered_openly(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]));
        assert_eq!(probe("mysql", "root"), None);
    }

    #[test]
    fn the_postgres_startup_message_is_length_prefixed() {
        let message = postgres_startup("app");
        assert_eq!(&message[..4], &(message.len() as u32).to_be_bytes());
        assert_eq!(&message[4..8], &[0, 3, 0, 0]);
        assert!(message.ends_with(b"database\0app\0\0"));
    }
}
