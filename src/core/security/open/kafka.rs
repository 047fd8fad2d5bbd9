//! Kafka: `ApiVersions` (which a broker answers before any SASL
//! exchange), then `Metadata` for no topic in a version both sides know;
//! an answer that lists the brokers served. A broker that wants SASL first
//! closes the connection on `Metadata`: refused.

use super::{Protocol, Step, Verdict, shown, without_credentials};

const API_VERSIONS: i16 = 18;
const METADATA: i16 = 3;
/// The `Metadata` versions written here: 1 to 8 (9 and later use the
/// compact, "flexible" encoding).
const METADATA_VERSIONS: std::ops::RangeInclusive<i16> = 1..=8;

#[derive(Default)]
pub struct Kafka {
    /// The `Metadata` version asked, once `ApiVersions` was answered.
    metadata: Option<i16>,
}

/// A request with header version 1 (key, version, correlation id, client id).
fn request(key: i16, version: i16, correlation: i32, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::new();
    message.extend_from_slice(&key.to_be_bytes());
    message.extend_from_slice(&version.to_be_bytes());
    message.extend_from_slice(&correlation.to_be_bytes());
    message.extend_from_slice(&3_i16.to_be_bytes());
    message.extend_from_slice(b"exo");
    message.extend_from_slice(body);
    let mut framed = i32::try_from(message.len())
        .unwrap_or(i32::MAX)
        .to_be_bytes()
        .to_vec();
    framed.extend(message);
    framed
}

/// Big-endian fields read in turn.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let taken = self.bytes.get(self.at..self.at + N)?.try_into().ok()?;
        self.at += N;
        Some(taken)
    }

    fn i16(&mut self) -> Option<i16> {
        self.take().map(i16::from_be_bytes)
    }

    fn i32(&mut self) -> Option<i32> {
        self.take().map(i32::from_be_bytes)
    }

    /// A (nullable) string: its length in an `i16`, -1 for null.
    fn string(&mut self) -> Option<String> {
        let length = self.i16()?;
        let Ok(length) = usize::try_from(length) else {
            return Some(String::new());
        };
        let text = self.bytes.get(self.at..self.at + length)?;
        self.at += length;
        Some(String::from_utf8_lossy(text).into_owned())
    }
}

/// The response at the start of `heard` after its length and correlation
/// id: `None` while it is not all in.
fn response(heard: &[u8]) -> Option<Result<Reader<'_>, String>> {
    let length = i32::from_be_bytes(heard.get(..4)?.try_into().ok()?);
    let Some(length) = usize::try_from(length)
        .ok()
        .filter(|l| (4..1 << 24).contains(l))
    else {
        return Some(Err(format!("it answered `{}`, not Kafka", shown(heard))));
    };
    let body = heard.get(4..4 + length)?;
    Some(Ok(Reader { bytes: body, at: 4 }))
}

impl Kafka {
    fn versions(&mut self, mut answer: Reader<'_>) -> Step {
        let error = answer.i16();
        if error != Some(0) {
            return Step::Done(Verdict::NotUnderstood(format!(
                "`ApiVersions` answered error {}",
                error.unwrap_or(-1)
            )));
        }
        let count = answer.i32().unwrap_or(0);
        let mut range = None;
        for _ in 0..count.max(0) {
            let (Some(key), Some(min), Some(max)) = (answer.i16(), answer.i16(), answer.i16())
            else {
                break;
            };
            if key == METADATA {
                range = Some(min..=max);
            }
        }
        let Some(range) = range else {
            return Step::Done(Verdict::NotUnderstood(
                "`ApiVersions` lists no `Metadata`".to_owned(),
            ));
        };
        let Some(version) = METADATA_VERSIONS.rev().find(|v| range.contains(v)) else {
            return Step::Done(Verdict::NotUnderstood(format!(
                "it takes `Metadata` versions {}-{} only",
                range.start(),
                range.end()
            )));
        };
        self.metadata = Some(version);
        // No topic (an empty array; null would be every topic).
        let mut body = 0_i32.to_be_bytes().to_vec();
        if version >= 4 {
            body.push(0); // allow_auto_topic_creation
        }
        if version >= 8 {
            body.extend_from_slice(&[0, 0]); // no authorized operations
        }
        Step::Say(request(METADATA, version, 2, &body))
    }

    fn brokers(version: i16, mut answer: Reader<'_>) -> Verdict {
        if version >= 3 {
            answer.i32(); // throttle time
        }
        let count = answer.i32().unwrap_or(-1);
        let mut brokers = Vec::new();
        for _ in 0..count.max(0) {
            let (Some(_node), Some(host), Some(port)) =
                (answer.i32(), answer.string(), answer.i32())
            else {
                break;
            };
            answer.string(); // rack
            brokers.push(format!("{host}:{port}"));
        }
        if brokers.is_empty() {
            return Verdict::NotUnderstood("`Metadata` listed no broker".to_owned());
        }
        without_credentials(&format!(
            "`Metadata` without SASL listed the brokers {}",
            brokers.join(", ")
        ))
    }
}

impl Protocol for Kafka {
    fn opening(&mut self) -> Vec<u8> {
        request(API_VERSIONS, 0, 1, &[])
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        match response(heard) {
            None => Step::Listen,
            Some(Err(why)) => Step::Done(Verdict::NotUnderstood(why)),
            Some(Ok(answer)) => match self.metadata {
                None => self.versions(answer),
                Some(version) => Step::Done(Kafka::brokers(version, answer)),
            },
        }
    }

    fn hung_up(&mut self, heard: &[u8]) -> Verdict {
        match self.metadata {
            Some(_) if heard.is_empty() => {
                Verdict::Closed("it closed the connection on `Metadata` (SASL first)".to_owned())
            }
            _ => Verdict::NotUnderstood(format!(
                "{} (a TLS listener does that)",
                super::silence(heard)
            )),
        }
    }
}

#[cfg(test)]
#[path = "kafka_tests.rs"]
mod tests;
