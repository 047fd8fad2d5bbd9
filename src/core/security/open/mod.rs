//! Whether a catalog dependency serves a client that gives no credentials,
//! or only its image's well-known default ones: a short conversation in the
//! dependency's own protocol. Pure: each protocol is a small state machine
//! that takes what the server sent and gives the next bytes to send or a
//! verdict; the operation opens the connections and reads with a timeout.
//!
//! "Without credentials" is what any process on the network can try: no
//! password where the protocol allows it (MySQL and MariaDB's `root` with
//! an empty one, PostgreSQL's user with none, MongoDB, Kafka without SASL,
//! Redis, Valkey, Memcached, NATS, Elasticsearch, OpenSearch), and the
//! image's own default where a login needs one (RabbitMQ's `guest`,
//! MinIO's `minioadmin`). The catalog's development passwords never reach
//! production unless written in the YAML, which EXO-S004 finds.

mod amqp;
mod http;
mod kafka;
mod mongo;
mod mysql;
mod postgres;
mod sigv4;
mod text;

use std::collections::BTreeMap;

/// What the conversation showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It served the client: what it answered, as the finding says it.
    Open(String),
    /// It refused the client: how.
    Closed(String),
    /// Its answer could not be read: why (reported as not checked).
    NotUnderstood(String),
}

/// The next move of the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Read more: the server's message is not complete.
    Listen,
    /// Send these bytes, then read the answer.
    Say(Vec<u8>),
    /// Close the connection, open a new one and send these bytes.
    Anew(Vec<u8>),
    Done(Verdict),
}

/// One protocol's side of the conversation.
trait Protocol: Send {
    /// The bytes sent on connecting; empty when the server speaks first.
    fn opening(&mut self) -> Vec<u8>;
    /// The next step after `heard`: everything the server sent since the
    /// client last spoke.
    fn answer(&mut self, heard: &[u8]) -> Step;
    /// The server closed the connection after sending `heard`.
    fn hung_up(&mut self, heard: &[u8]) -> Verdict {
        Verdict::NotUnderstood(silence(heard))
    }
}

/// Why a server that closed the connection where the protocol expects an
/// answer is not understood.
fn silence(heard: &[u8]) -> String {
    if heard.is_empty() {
        "it closed the connection without an answer".to_owned()
    } else {
        format!("it closed the connection after `{}`", shown(heard))
    }
}

/// At most 80 characters of what a server sent, control bytes as `.`.
fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().next().unwrap_or_default();
    line.chars()
        .take(80)
        .map(|c| if c.is_control() { '.' } else { c })
        .collect()
}

/// The message of a server that served a client without credentials.
fn without_credentials(answer: &str) -> Verdict {
    Verdict::Open(format!("served a client without credentials: {answer}"))
}

/// The message of a server that accepted its image's default credentials.
fn with_default(user: &str, password: &str, answer: &str) -> Verdict {
    Verdict::Open(format!(
        "accepted the image's default credentials `{user}`/`{password}`: {answer}"
    ))
}

/// The most a server may send before a verdict, and the most turns.
const MOST_HEARD: usize = 256 * 1024;
const MOST_TURNS: usize = 8;

/// A conversation with one dependency.
pub struct Conversation {
    protocol: Box<dyn Protocol>,
    heard: Vec<u8>,
    turns: usize,
}

impl std::fmt::Debug for Conversation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conversation")
            .field("heard", &self.heard.len())
            .field("turns", &self.turns)
            .finish()
    }
}

impl Conversation {
    fn new(protocol: impl Protocol + 'static) -> Conversation {
        Conversation {
            protocol: Box::new(protocol),
            heard: Vec::new(),
            turns: 0,
        }
    }

    /// The bytes to send on connecting (empty: wait for the server).
    pub fn opening(&mut self) -> Vec<u8> {
        self.protocol.opening()
    }

    /// What to do once the server sent `bytes` more.
    pub fn hear(&mut self, bytes: &[u8]) -> Step {
        self.heard.extend_from_slice(bytes);
        if self.heard.len() > MOST_HEARD {
            return Step::Done(Verdict::NotUnderstood(format!(
                "it sent more than {} KiB without an answer exo reads",
                MOST_HEARD / 1024
            )));
        }
        let step = self.protocol.answer(&self.heard);
        if let Step::Say(_) | Step::Anew(_) = step {
            self.heard.clear();
            self.turns += 1;
            if self.turns > MOST_TURNS {
                return Step::Done(Verdict::NotUnderstood(format!(
                    "no verdict after {MOST_TURNS} exchanges"
                )));
            }
        }
        step
    }

    /// The verdict once the server closed the connection.
    pub fn hung_up(&mut self) -> Verdict {
        self.protocol.hung_up(&self.heard)
    }
}

/// What the client knows of the dependency.
#[derive(Debug, Clone)]
pub struct Client<'a> {
    /// `host:port` where it answers (HTTP's `Host`, signed for S3).
    pub address: String,
    /// The container's variables with literal values (its user names).
    pub variables: &'a BTreeMap<String, String>,
    /// Now: a signed S3 request carries its time.
    pub now: jiff::Timestamp,
}

impl Client<'_> {
    fn variable<'v>(&'v self, name: &str, default: &'v str) -> &'v str {
        self.variables.get(name).map_or(default, String::as_str)
    }
}

/// The conversation with the catalog entry `entry`; `None` for an entry
/// exo knows no protocol of.
pub fn conversation(entry: &str, client: &Client<'_>) -> Option<Conversation> {
    Some(match entry {
        "redis" | "valkey" => Conversation::new(text::REDIS),
        "memcached" => Conversation::new(text::MEMCACHED),
        "nats" => Conversation::new(text::Nats::default()),
        "elasticsearch" | "opensearch" => Conversation::new(http::Search::new(&client.address)),
        "postgres" => {
            let user = client.variable("POSTGRES_USER", "postgres");
            let database = client.variable("POSTGRES_DB", user);
            Conversation::new(postgres::Postgres::new(user, database))
        }
        "mysql" | "mariadb" => Conversation::new(mysql::Mysql::new("root")),
        "mongo" => Conversation::new(mongo::Mongo),
        "rabbitmq" => {
            let user = client.variable("RABBITMQ_DEFAULT_USER", amqp::DEFAULT);
            Conversation::new(amqp::Amqp::new(user, amqp::DEFAULT))
        }
        "kafka" => Conversation::new(kafka::Kafka::default()),
        "minio" => {
            let user = client.variable("MINIO_ROOT_USER", http::MINIO_DEFAULT);
            Conversation::new(http::Minio::new(
                &client.address,
                user,
                http::MINIO_DEFAULT,
                client.now,
            ))
        }
        _ => return None,
    })
}

/// The client's side of a conversation with a server that sends each of
/// `server` in turn and then closes: what the client said, and the verdict.
#[cfg(test)]
fn replay(mut conversation: Conversation, server: &[&[u8]]) -> (Vec<Vec<u8>>, Verdict) {
    let mut said = vec![conversation.opening()];
    for bytes in server {
        match conversation.hear(bytes) {
            Step::Listen => {}
            Step::Say(bytes) | Step::Anew(bytes) => said.push(bytes),
            Step::Done(verdict) => return (said, verdict),
        }
    }
    (said, conversation.hung_up())
}

/// A conversation recorded from a real server (`recorded/*.log`): each
/// write, `S` from the server or `C` from exo, as it went; `None` for the
/// end of the connection.
#[cfg(test)]
pub fn recorded(log: &str) -> Vec<(char, Option<Vec<u8>>)> {
    log.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (side, hex) = line.split_once(' ')?;
            let bytes = (hex != "EOF").then(|| {
                (0..hex.len())
                    .step_by(2)
                    .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).expect("hex"))
                    .collect()
            });
            Some((side.chars().next()?, bytes))
        })
        .collect()
}

/// The verdict of `conversation` on the server's side of `log`, checking
/// that it says what exo said then.
#[cfg(test)]
fn replay_recorded(conversation: Conversation, log: &str) -> Verdict {
    let writes = recorded(log);
    let server: Vec<&[u8]> = writes
        .iter()
        .filter_map(|(side, bytes)| (*side == 'S').then_some(bytes.as_deref()).flatten())
        .collect();
    let (said, verdict) = replay(conversation, &server);
    let exo: Vec<&[u8]> = writes
        .iter()
        .filter_map(|(side, bytes)| (*side == 'C').then_some(bytes.as_deref()).flatten())
        .collect();
    let said: Vec<&[u8]> = said
        .iter()
        .map(Vec::as_slice)
        .filter(|b| !b.is_empty())
        .collect();
    assert_eq!(said, exo, "exo says what it said to the real server");
    verdict
}

#[cfg(test)]
mod tests;
