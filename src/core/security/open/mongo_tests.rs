//! The answers of MongoDB built from its specifications (the OP_MSG
//! section of the wire protocol, BSON 1.1, and the server's error codes:
//! 13 `Unauthorized`), as mongod 7 sends them to `listDatabases`; Debian
//! has no MongoDB to record them from.

use super::super::{Conversation, replay};
use super::*;

impl Document {
    fn double(&mut self, name: &str, value: f64) {
        self.name(0x01, name);
        self.elements.extend_from_slice(&value.to_le_bytes());
    }

    fn document(&mut self, kind: u8, name: &str, document: Vec<u8>) {
        self.name(kind, name);
        self.elements.extend(document);
    }

    fn timestamp(&mut self, name: &str) {
        self.name(0x11, name);
        self.elements
            .extend_from_slice(&[1, 0, 0, 0, 0x5e, 0x2f, 0x67, 0x65]);
    }
}

/// mongod's OP_MSG answer to request 1 carrying `body`.
fn answer(body: Document) -> Vec<u8> {
    let mut message = op_msg(77, &body.finish());
    message[8..12].copy_from_slice(&1_i32.to_le_bytes());
    message
}

fn databases() -> Document {
    let mut list = Document::default();
    for (index, name) in ["admin", "config", "local"].iter().enumerate() {
        let mut database = Document::default();
        database.string("name", name);
        list.document(0x03, &index.to_string(), database.finish());
    }
    let mut body = Document::default();
    body.document(0x04, "databases", list.finish());
    body.double("ok", 1.0);
    body
}

fn unauthorized() -> Document {
    let mut body = Document::default();
    body.double("ok", 0.0);
    body.string("errmsg", "Command listDatabases requires authentication");
    body.int32("code", 13);
    body.string("codeName", "Unauthorized");
    let mut cluster_time = Document::default();
    cluster_time.timestamp("clusterTime");
    body.document(0x03, "$clusterTime", cluster_time.finish());
    body.timestamp("operationTime");
    body
}

#[test]
fn the_command_is_an_op_msg_on_admin() {
    let sent = Mongo.opening();
    assert_eq!(le_i32(&sent[..4]) as usize, sent.len());
    assert_eq!(le_i32(&sent[12..16]), OP_MSG);
    let command = read_document(&sent[21..]).expect("BSON");
    assert_eq!(
        command,
        [
            ("listDatabases".to_owned(), Bson::Number(1.0)),
            ("nameOnly".to_owned(), Bson::Number(1.0)),
            ("$db".to_owned(), Bson::Text("admin".into())),
        ]
    );
}

#[test]
fn ok_is_open_and_unauthorized_closed() {
    let open = answer(databases());
    let (said, verdict) = replay(Conversation::new(Mongo), &[&open[..10], &open[10..]]);
    assert_eq!(said.len(), 1);
    assert_eq!(
        verdict,
        Verdict::Open(
            "served a client without credentials: `listDatabases` answered `ok: 1` with 3 databases".into()
        )
    );
    let (_, verdict) = replay(Conversation::new(Mongo), &[&answer(unauthorized())]);
    assert_eq!(
        verdict,
        Verdict::Closed("13 Command listDatabases requires authentication".into())
    );
}

#[test]
fn other_answers_are_not_understood() {
    let mut failed = Document::default();
    failed.double("ok", 0.0);
    failed.string("errmsg", "not primary");
    failed.int32("code", 10107);
    let (_, verdict) = replay(Conversation::new(Mongo), &[&answer(failed)]);
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("10107")));
    // An OP_REPLY (op code 1), as a server older than 3.6 answers.
    let mut reply = answer(databases());
    reply[12..16].copy_from_slice(&1_i32.to_le_bytes());
    let (_, verdict) = replay(Conversation::new(Mongo), &[&reply]);
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("OP_MSG")));
    let (_, verdict) = replay(Conversation::new(Mongo), &[b"HTTP/1.1 400 Bad Request\r\n"]);
    assert!(matches!(verdict, Verdict::NotUnderstood(_)));
}
