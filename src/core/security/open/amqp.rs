//! RabbitMQ (AMQP 0-9-1): the protocol header, the server's
//! `Connection.Start`, then `Connection.Start-Ok` with PLAIN and the
//! image's default password; `Connection.Tune` served, `Connection.Close`
//! (403 `ACCESS_REFUSED`) or a closed connection refused.

use super::{Protocol, Step, Verdict, shown, with_default};

/// RabbitMQ's default user and password.
pub const DEFAULT: &str = "guest";

const HEADER: &[u8] = b"AMQP\x00\x00\x09\x01";
const FRAME_END: u8 = 0xCE;

pub struct Amqp {
    user: String,
    password: String,
    logged_in: bool,
}

impl Amqp {
    pub fn new(user: &str, password: &str) -> Amqp {
        Amqp {
            user: user.to_owned(),
            password: password.to_owned(),
            logged_in: false,
        }
    }

    /// `Connection.Start-Ok`: PLAIN with the user and password, asking to be
    /// told of a refused login rather than cut off.
    fn start_ok(&self) -> Vec<u8> {
        let mut capabilities = Vec::new();
        short_string(&mut capabilities, "authentication_failure_close");
        capabilities.extend_from_slice(&[b't', 1]);
        let mut properties = Vec::new();
        short_string(&mut properties, "product");
        properties.push(b'S');
        long_string(&mut properties, b"exo");
        short_string(&mut properties, "capabilities");
        properties.push(b'F');
        long_string(&mut properties, &capabilities);
        let mut arguments = 0x000A_000B_u32.to_be_bytes().to_vec();
        long_string(&mut arguments, &properties);
        short_string(&mut arguments, "PLAIN");
        let response = format!("\0{}\0{}", self.user, self.password);
        long_string(&mut arguments, response.as_bytes());
        short_string(&mut arguments, "en_US");
        frame(&arguments)
    }
}

fn short_string(into: &mut Vec<u8>, text: &str) {
    into.push(u8::try_from(text.len()).unwrap_or(u8::MAX));
    into.extend_from_slice(text.as_bytes());
}

fn long_string(into: &mut Vec<u8>, bytes: &[u8]) {
    into.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    into.extend_from_slice(bytes);
}

/// A method frame on channel 0.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![1, 0, 0];
    long_string(&mut frame, payload);
    frame.push(FRAME_END);
    frame
}

/// The payload of the method frame at the start of `heard`: `None` while
/// it is not all in, `Err` when `heard` is no such frame.
fn method(heard: &[u8]) -> Option<Result<&[u8], ()>> {
    if heard.first().is_some_and(|kind| *kind != 1) {
        return Some(Err(()));
    }
    let size = u32::from_be_bytes(heard.get(3..7)?.try_into().ok()?) as usize;
    let payload = heard.get(7..7 + size)?;
    Some(if *heard.get(7 + size)? == FRAME_END && size >= 4 {
        Ok(payload)
    } else {
        Err(())
    })
}

/// The mechanisms of `Connection.Start`'s arguments (after the class and
/// method): versions (2), server properties (a table), mechanisms.
fn mechanisms(arguments: &[u8]) -> Option<String> {
    let table = u32::from_be_bytes(arguments.get(2..6)?.try_into().ok()?) as usize;
    let at = 6 + table;
    let size = u32::from_be_bytes(arguments.get(at..at + 4)?.try_into().ok()?) as usize;
    Some(String::from_utf8_lossy(arguments.get(at + 4..at + 4 + size)?).into_owned())
}

impl Protocol for Amqp {
    fn opening(&mut self) -> Vec<u8> {
        HEADER.to_vec()
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        let payload = match method(heard) {
            None => return Step::Listen,
            Some(Ok(payload)) => payload,
            Some(Err(())) => {
                return Step::Done(Verdict::NotUnderstood(format!(
                    "it answered `{}`, not an AMQP 0-9-1 method",
                    shown(heard)
                )));
            }
        };
        let (class, id, arguments) = (
            u16::from_be_bytes([payload[0], payload[1]]),
            u16::from_be_bytes([payload[2], payload[3]]),
            &payload[4..],
        );
        Step::Done(match (self.logged_in, class, id) {
            (false, 10, 10) => {
                let offered = mechanisms(arguments).unwrap_or_default();
                if !offered.split(' ').any(|m| m == "PLAIN") {
                    return Step::Done(Verdict::NotUnderstood(format!(
                        "it offers no PLAIN login (only `{offered}`)"
                    )));
                }
                self.logged_in = true;
                return Step::Say(self.start_ok());
            }
            (true, 10, 30) => with_default(&self.user, &self.password, "`Connection.Tune`"),
            (true, 10, 50) => {
                let code = arguments
                    .get(..2)
                    .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
                let text = arguments
                    .get(2)
                    .and_then(|size| arguments.get(3..3 + usize::from(*size)))
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default();
                if code == 403 {
                    Verdict::Closed(format!("{code} {text}"))
                } else {
                    Verdict::NotUnderstood(format!("`Connection.Close` {code} {text}"))
                }
            }
            _ => Verdict::NotUnderstood(format!("an unexpected method {class}.{id}")),
        })
    }

    fn hung_up(&mut self, heard: &[u8]) -> Verdict {
        if self.logged_in && heard.is_empty() {
            // AMQP 0-9-1 closes the socket on a refused login.
            Verdict::Closed("it closed the connection on the login".to_owned())
        } else {
            Verdict::NotUnderstood(super::silence(heard))
        }
    }
}

#[cfg(test)]
#[path = "amqp_tests.rs"]
mod tests;
