//! The answers of a Kafka broker built from the protocol guide
//! (kafka.apache.org/protocol: `ApiVersions` v0 and `Metadata` v1 to v8,
//! non-flexible), as Kafka 3.8 in KRaft mode sends them; Debian has no
//! Kafka to record them from.

use super::super::{Conversation, replay};
use super::*;

/// A response to `correlation` with `body`.
fn response(correlation: i32, body: &[u8]) -> Vec<u8> {
    let mut message = correlation.to_be_bytes().to_vec();
    message.extend_from_slice(body);
    let mut framed = (message.len() as i32).to_be_bytes().to_vec();
    framed.extend(message);
    framed
}

/// `ApiVersions` v0's answer listing `apis` (key, min, max).
fn versions(apis: &[(i16, i16, i16)]) -> Vec<u8> {
    let mut body = 0_i16.to_be_bytes().to_vec();
    body.extend_from_slice(&(apis.len() as i32).to_be_bytes());
    for (key, min, max) in apis {
        for field in [key, min, max] {
            body.extend_from_slice(&field.to_be_bytes());
        }
    }
    response(1, &body)
}

/// Kafka 3.8's ranges of a few APIs, `Metadata` (3) among them.
const KAFKA_3_8: &[(i16, i16, i16)] = &[(0, 0, 11), (1, 0, 16), (3, 0, 12), (17, 0, 1), (18, 0, 3)];

/// `Metadata` v8's answer: one broker, no topic.
fn metadata() -> Vec<u8> {
    let mut body = 0_i32.to_be_bytes().to_vec(); // throttle
    body.extend_from_slice(&1_i32.to_be_bytes());
    body.extend_from_slice(&1_i32.to_be_bytes()); // node id
    body.extend_from_slice(&5_i16.to_be_bytes());
    body.extend_from_slice(b"kafka");
    body.extend_from_slice(&9092_i32.to_be_bytes());
    body.extend_from_slice(&(-1_i16).to_be_bytes()); // no rack
    body.extend_from_slice(&22_i16.to_be_bytes());
    body.extend_from_slice(b"5L6g3nShT-eMCtK--X86sw");
    body.extend_from_slice(&1_i32.to_be_bytes()); // controller
    body.extend_from_slice(&0_i32.to_be_bytes()); // topics
    body.extend_from_slice(&i32::MIN.to_be_bytes()); // authorized operations
    response(2, &body)
}

#[test]
fn the_requests_are_framed_with_header_version_1() {
    let sent = Kafka::default().opening();
    assert_eq!(
        sent,
        [0, 0, 0, 13, 0, 18, 0, 0, 0, 0, 0, 1, 0, 3, b'e', b'x', b'o']
    );
}

#[test]
fn a_broker_that_lists_itself_without_sasl_is_open() {
    let answer = versions(KAFKA_3_8);
    let (said, verdict) = replay(
        Conversation::new(Kafka::default()),
        &[&answer[..6], &answer[6..], &metadata()],
    );
    // Metadata v8 (3.8 takes up to 12): key, version, correlation 2, client, no topic, three flags.
    assert_eq!(&said[1][4..12], &[0, 3, 0, 8, 0, 0, 0, 2]);
    assert!(said[1].ends_with(b"exo\0\0\0\0\0\0\0"), "{:?}", said[1]);
    assert_eq!(
        verdict,
        Verdict::Open(
            "served a client without credentials: `Metadata` without SASL listed the brokers kafka:9092".into()
        )
    );
}

#[test]
fn a_broker_that_wants_sasl_hangs_up_on_metadata() {
    let (said, verdict) = replay(Conversation::new(Kafka::default()), &[&versions(KAFKA_3_8)]);
    assert_eq!(said.len(), 2);
    assert!(matches!(verdict, Verdict::Closed(why) if why.contains("SASL")));
    // A TLS listener drops the plain request at once.
    let (_, verdict) = replay(Conversation::new(Kafka::default()), &[]);
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("TLS")));
}

#[test]
fn the_metadata_version_is_one_both_sides_know() {
    // Kafka 0.10.0 takes Metadata 0-1: version 1, an empty topic array alone.
    let (said, _) = replay(
        Conversation::new(Kafka::default()),
        &[&versions(&[(3, 0, 1), (18, 0, 0)])],
    );
    assert_eq!(&said[1][4..8], &[0, 3, 0, 1]);
    assert!(said[1].ends_with(b"exo\0\0\0\0"));
    let (_, verdict) = replay(
        Conversation::new(Kafka::default()),
        &[&versions(&[(3, 9, 13), (18, 0, 4)])],
    );
    assert_eq!(
        verdict,
        Verdict::NotUnderstood("it takes `Metadata` versions 9-13 only".into())
    );
    let (_, verdict) = replay(
        Conversation::new(Kafka::default()),
        &[b"HTTP/1.1 400 Bad Request\r\n"],
    );
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("not Kafka")));
}
