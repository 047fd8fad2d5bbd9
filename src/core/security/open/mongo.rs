//! MongoDB: one OP_MSG (the wire protocol of MongoDB 3.6 and later) with
//! `listDatabases` on `admin`, a command that needs a user when access
//! control is on; `ok: 1` served, code 13 (`Unauthorized`) or 18
//! (`AuthenticationFailed`) refused. The BSON is written and read here:
//! only the types such an answer holds need reading.

use super::{Protocol, Step, Verdict, shown, without_credentials};

const OP_MSG: i32 = 2013;

pub struct Mongo;

impl Protocol for Mongo {
    fn opening(&mut self) -> Vec<u8> {
        let mut command = Document::default();
        command.int32("listDatabases", 1);
        command.boolean("nameOnly", true);
        command.string("$db", "admin");
        op_msg(1, &command.finish())
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        let Some(length) = heard.get(..4).map(|b| le_i32(b) as usize) else {
            return Step::Listen;
        };
        if !(16..=48 * 1024 * 1024).contains(&length) {
            return Step::Done(not_mongo(heard));
        }
        let Some(message) = heard.get(..length) else {
            return Step::Listen;
        };
        // Header (16): length, request id, response to, op code; flags (4); section kind 0.
        if le_i32(&message[12..16]) != OP_MSG || message.get(20) != Some(&0) {
            return Step::Done(not_mongo(heard));
        }
        let Some(answer) = message.get(21..).and_then(read_document) else {
            return Step::Done(not_mongo(heard));
        };
        let number = |name: &str| answer.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        let ok = matches!(number("ok"), Some(Bson::Number(ok)) if *ok == 1.0);
        let code = match number("code") {
            Some(Bson::Number(code)) => *code as i64,
            _ => 0,
        };
        let message = match number("errmsg") {
            Some(Bson::Text(text)) => text.clone(),
            _ => String::new(),
        };
        Step::Done(match (ok, code) {
            (true, _) => {
                let count = match number("databases") {
                    Some(Bson::Array(count)) => *count,
                    _ => 0,
                };
                without_credentials(&format!(
                    "`listDatabases` answered `ok: 1` with {count} databases"
                ))
            }
            (false, 13 | 18) => Verdict::Closed(format!("{code} {message}")),
            (false, _) => {
                Verdict::NotUnderstood(format!("`listDatabases` answered code {code}: {message}"))
            }
        })
    }
}

fn not_mongo(heard: &[u8]) -> Verdict {
    Verdict::NotUnderstood(format!(
        "it answered `listDatabases` with `{}`, not an OP_MSG",
        shown(heard)
    ))
}

fn le_i32(bytes: &[u8]) -> i32 {
    i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// An OP_MSG with one body section.
fn op_msg(request: i32, body: &[u8]) -> Vec<u8> {
    let length = i32::try_from(16 + 4 + 1 + body.len()).unwrap_or(i32::MAX);
    let mut message = Vec::new();
    for field in [length, request, 0, OP_MSG, 0] {
        message.extend_from_slice(&field.to_le_bytes());
    }
    message.push(0);
    message.extend_from_slice(body);
    message
}

/// A BSON document being written.
#[derive(Default)]
struct Document {
    elements: Vec<u8>,
}

impl Document {
    fn name(&mut self, kind: u8, name: &str) {
        self.elements.push(kind);
        self.elements.extend_from_slice(name.as_bytes());
        self.elements.push(0);
    }

    fn int32(&mut self, name: &str, value: i32) {
        self.name(0x10, name);
        self.elements.extend_from_slice(&value.to_le_bytes());
    }

    fn boolean(&mut self, name: &str, value: bool) {
        self.name(0x08, name);
        self.elements.push(u8::from(value));
    }

    fn string(&mut self, name: &str, value: &str) {
        self.name(0x02, name);
        let length = i32::try_from(value.len() + 1).unwrap_or(i32::MAX);
        self.elements.extend_from_slice(&length.to_le_bytes());
        self.elements.extend_from_slice(value.as_bytes());
        self.elements.push(0);
    }

    fn finish(self) -> Vec<u8> {
        let length = i32::try_from(4 + self.elements.len() + 1).unwrap_or(i32::MAX);
        let mut document = length.to_le_bytes().to_vec();
        document.extend(self.elements);
        document.push(0);
        document
    }
}

/// A top-level value read from an answer.
#[derive(Debug, PartialEq)]
enum Bson {
    Number(f64),
    Text(String),
    /// An array: its number of elements.
    Array(usize),
    Other,
}

/// The top-level fields of the document at the start of `bytes`.
fn read_document(bytes: &[u8]) -> Option<Vec<(String, Bson)>> {
    let length = usize::try_from(le_i32(bytes.get(..4)?)).ok()?;
    let document = bytes.get(..length)?;
    let mut at = 4;
    let mut fields = Vec::new();
    while *document.get(at)? != 0 {
        let kind = document[at];
        let end = at + 1 + document.get(at + 1..)?.iter().position(|b| *b == 0)?;
        let name = String::from_utf8_lossy(&document[at + 1..end]).into_owned();
        let value = end + 1;
        let sized = |from: usize| -> Option<usize> {
            usize::try_from(le_i32(document.get(from..from + 4)?)).ok()
        };
        let (read, size) = match kind {
            0x01 => {
                let bits = document.get(value..value + 8)?;
                (Bson::Number(f64::from_le_bytes(bits.try_into().ok()?)), 8)
            }
            0x10 => (
                Bson::Number(f64::from(le_i32(document.get(value..value + 4)?))),
                4,
            ),
            0x12 => {
                let bits = document.get(value..value + 8)?;
                (
                    Bson::Number(i64::from_le_bytes(bits.try_into().ok()?) as f64),
                    8,
                )
            }
            0x08 => (Bson::Number(f64::from(*document.get(value)?)), 1),
            0x02 | 0x0D | 0x0E => {
                let size = sized(value)?;
                let text = document.get(value + 4..value + 4 + size.checked_sub(1)?)?;
                (
                    Bson::Text(String::from_utf8_lossy(text).into_owned()),
                    4 + size,
                )
            }
            0x04 => {
                let size = sized(value)?;
                let count = read_document(document.get(value..value + size)?)?.len();
                (Bson::Array(count), size)
            }
            0x03 | 0x0F => (Bson::Other, sized(value)?),
            0x05 => (Bson::Other, 5 + sized(value)?),
            0x06 | 0x0A | 0x7F | 0xFF => (Bson::Other, 0),
            0x07 => (Bson::Other, 12),
            0x09 | 0x11 => (Bson::Other, 8),
            0x13 => (Bson::Other, 16),
            0x0C => (Bson::Other, 4 + sized(value)? + 12),
            0x0B => {
                let pattern = document.get(value..)?.iter().position(|b| *b == 0)?;
                let options = document
                    .get(value + pattern + 1..)?
                    .iter()
                    .position(|b| *b == 0)?;
                (Bson::Other, pattern + options + 2)
            }
            _ => return None,
        };
        fields.push((name, read));
        at = value + size;
    }
    Some(fields)
}

#[cfg(test)]
#[path = "mongo_tests.rs"]
mod tests;
