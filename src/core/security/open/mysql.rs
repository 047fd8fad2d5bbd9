//! MySQL and MariaDB: the server's greeting (HandshakeV10), then a
//! HandshakeResponse41 for `root` with an empty password; an OK packet
//! served, an ERR packet refused. An authentication switch is answered
//! with the same empty password.

use super::{Protocol, Step, Verdict, shown, without_credentials};

const LONG_PASSWORD: u32 = 0x1;
const LONG_FLAG: u32 = 0x4;
const PROTOCOL_41: u32 = 0x200;
const TRANSACTIONS: u32 = 0x2000;
const SECURE_CONNECTION: u32 = 0x8000;
const PLUGIN_AUTH: u32 = 0x8_0000;

pub struct Mysql {
    user: String,
    /// The server's version, once greeted.
    server: Option<String>,
}

impl Mysql {
    pub fn new(user: &str) -> Mysql {
        Mysql {
            user: user.to_owned(),
            server: None,
        }
    }

    fn greeted(&mut self, sequence: u8, payload: &[u8]) -> Step {
        match payload.first() {
            Some(0x0a) => {}
            Some(0xff) => return Step::Done(refusal(payload)),
            _ => {
                return Step::Done(Verdict::NotUnderstood(format!(
                    "its greeting `{}` is not MySQL's",
                    shown(payload)
                )));
            }
        }
        let Some(greeting) = Greeting::read(payload) else {
            return Step::Done(Verdict::NotUnderstood(format!(
                "its greeting `{}` is cut short",
                shown(payload)
            )));
        };
        if greeting.capabilities & PROTOCOL_41 == 0 {
            return Step::Done(Verdict::NotUnderstood(format!(
                "{} speaks a protocol older than 4.1",
                greeting.version
            )));
        }
        self.server = Some(greeting.version);
        let mut capabilities = LONG_PASSWORD | LONG_FLAG | PROTOCOL_41 | TRANSACTIONS;
        capabilities |= greeting.capabilities & (SECURE_CONNECTION | PLUGIN_AUTH);
        let mut response = capabilities.to_le_bytes().to_vec();
        response.extend_from_slice(&(16_u32 << 20).to_le_bytes());
        response.push(33); // utf8_general_ci
        response.extend_from_slice(&[0; 23]);
        response.extend_from_slice(self.user.as_bytes());
        response.push(0);
        // The empty password: no authentication data.
        response.push(0);
        if capabilities & PLUGIN_AUTH != 0 {
            response.extend_from_slice(greeting.plugin.as_bytes());
            response.push(0);
        }
        Step::Say(packet(sequence.wrapping_add(1), &response))
    }
}

/// What the greeting tells.
struct Greeting {
    version: String,
    capabilities: u32,
    plugin: String,
}

impl Greeting {
    fn read(payload: &[u8]) -> Option<Greeting> {
        let end = 1 + payload.get(1..)?.iter().position(|b| *b == 0)?;
        let version = String::from_utf8_lossy(&payload[1..end]);
        // MariaDB prefixes its version for old clients.
        let version = version
            .strip_prefix("5.5.5-")
            .unwrap_or(&version)
            .to_owned();
        // Connection id (4), scramble (8), filler (1), then the lower flags.
        let at = end + 1 + 4 + 8 + 1;
        let lower = u16::from_le_bytes(payload.get(at..at + 2)?.try_into().ok()?);
        // Then character set (1), status (2), upper flags (2), scramble length (1), 10 reserved.
        let upper = payload
            .get(at + 5..at + 7)
            .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
        let capabilities = u32::from(lower) | (u32::from(upper) << 16);
        let mut plugin = String::new();
        if capabilities & PLUGIN_AUTH != 0 {
            let scramble = usize::from(*payload.get(at + 7)?);
            let name = at + 8 + 10 + scramble.saturating_sub(8).max(13);
            let name = payload.get(name..)?;
            let name = name.split(|b| *b == 0).next().unwrap_or(name);
            plugin = String::from_utf8_lossy(name).into_owned();
        }
        Some(Greeting {
            version,
            capabilities,
            plugin,
        })
    }
}

/// One packet: a 3-byte little-endian length and a sequence number.
fn packet(sequence: u8, payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len())
        .unwrap_or(u32::MAX)
        .to_le_bytes();
    let mut bytes = vec![length[0], length[1], length[2], sequence];
    bytes.extend_from_slice(payload);
    bytes
}

/// The complete packets at the start of `heard`, or `None` when the last
/// one is not in yet.
fn packets(mut heard: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut found = Vec::new();
    while !heard.is_empty() {
        let header = heard.get(..4)?;
        let length =
            usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
        found.push((header[3], heard.get(4..4 + length)?));
        heard = &heard[4 + length..];
    }
    Some(found)
}

/// An ERR packet: `1045 (28000) Access denied for user ...`.
fn refusal(payload: &[u8]) -> Verdict {
    let code = payload
        .get(1..3)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
    let rest = payload.get(3..).unwrap_or_default();
    let text = match rest.strip_prefix(b"#") {
        Some(state) if state.len() >= 5 => format!(
            "({}) {}",
            String::from_utf8_lossy(&state[..5]),
            String::from_utf8_lossy(&state[5..])
        ),
        _ => String::from_utf8_lossy(rest).into_owned(),
    };
    Verdict::Closed(format!("{code} {text}"))
}

impl Protocol for Mysql {
    fn opening(&mut self) -> Vec<u8> {
        Vec::new()
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        let Some(packets) = packets(heard) else {
            return Step::Listen;
        };
        let Some(server) = self.server.clone() else {
            let Some((sequence, payload)) = packets.first() else {
                return Step::Listen;
            };
            return self.greeted(*sequence, payload);
        };
        for (sequence, payload) in packets {
            match payload.first() {
                Some(0x00) => {
                    return Step::Done(without_credentials(&format!(
                        "logged in as `{}` with an empty password ({server})",
                        self.user
                    )));
                }
                Some(0xff) => return Step::Done(refusal(payload)),
                // AuthSwitchRequest: the same empty password, for a method
                // where it is empty data.
                Some(0xfe) => {
                    let name = payload[1..].split(|b| *b == 0).next().unwrap_or_default();
                    let name = String::from_utf8_lossy(name);
                    if ["mysql_native_password", "caching_sha2_password"].contains(&&*name) {
                        return Step::Say(packet(sequence.wrapping_add(1), &[]));
                    }
                    return Step::Done(Verdict::NotUnderstood(format!(
                        "it asks for `{name}`, which exo does not speak"
                    )));
                }
                // caching_sha2_password's "fast authentication": the OK follows.
                Some(0x01) if payload.get(1) == Some(&3) => {}
                _ => {
                    return Step::Done(Verdict::NotUnderstood(format!(
                        "it answered the login with `{}`",
                        shown(payload)
                    )));
                }
            }
        }
        Step::Listen
    }
}

#[cfg(test)]
#[path = "mysql_tests.rs"]
mod tests;
