//! PostgreSQL: a protocol 3.0 StartupMessage for the user without a
//! password; `AuthenticationOk` served, a request for a password or an
//! `ErrorResponse` refused.

use super::{Protocol, Step, Verdict, shown, without_credentials};

pub struct Postgres {
    user: String,
    database: String,
}

impl Postgres {
    pub fn new(user: &str, database: &str) -> Postgres {
        Postgres {
            user: user.to_owned(),
            database: database.to_owned(),
        }
    }
}

impl Protocol for Postgres {
    fn opening(&mut self) -> Vec<u8> {
        startup(&self.user, &self.database)
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        if heard.first().is_some_and(|kind| !b"RE".contains(kind)) {
            return Step::Done(Verdict::NotUnderstood(format!(
                "it answered the start-up message with `{}`",
                shown(heard)
            )));
        }
        let (Some(kind), Some(length)) = (heard.first(), heard.get(1..5)) else {
            return Step::Listen;
        };
        let length = u32::from_be_bytes([length[0], length[1], length[2], length[3]]) as usize;
        let Some(body) = heard.get(5..1 + length.max(4)) else {
            return Step::Listen;
        };
        Step::Done(match (kind, body.get(..4)) {
            (b'R', Some([0, 0, 0, 0])) => without_credentials(&format!(
                "`AuthenticationOk` for user `{}` without a password",
                self.user
            )),
            (b'R', Some([0, 0, 0, method])) => Verdict::Closed(format!(
                "it asks for a password ({})",
                match method {
                    3 => "cleartext",
                    5 => "MD5",
                    10 => "SCRAM",
                    _ => "another method",
                }
            )),
            (b'E', _) => Verdict::Closed(error_text(body)),
            _ => Verdict::NotUnderstood(format!(
                "it answered the start-up message with `{}`",
                shown(heard)
            )),
        })
    }
}

/// An `ErrorResponse`'s code and message (`28P01 password authentication failed ...`).
fn error_text(body: &[u8]) -> String {
    let field = |tag: u8| {
        body.split(|b| *b == 0)
            .find(|field| field.first() == Some(&tag))
            .map(|field| String::from_utf8_lossy(&field[1..]).into_owned())
            .unwrap_or_default()
    };
    format!("{} {}", field(b'C'), field(b'M'))
}

/// A protocol 3.0 StartupMessage for `user` on `database`.
fn startup(user: &str, database: &str) -> Vec<u8> {
    let mut body = 196_608_u32.to_be_bytes().to_vec();
    for word in ["user", user, "database", database] {
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
    use super::super::{Conversation, replay};
    use super::*;

    fn postgres() -> Conversation {
        Conversation::new(Postgres::new("app", "shop"))
    }

    #[test]
    fn the_startup_message_is_length_prefixed() {
        let message = startup("app", "shop");
        assert_eq!(&message[..4], &(message.len() as u32).to_be_bytes());
        assert_eq!(&message[4..8], &[0, 3, 0, 0]);
        assert!(message.ends_with(b"user\0app\0database\0shop\0\0"));
    }

    // The messages as PostgreSQL's protocol documentation ("Message
    // Formats") gives them.
    #[test]
    fn authentication_ok_is_open_and_a_password_request_closed() {
        // AuthenticationOk, then ParameterStatus: trust authentication.
        let trust = [b'R', 0, 0, 0, 8, 0, 0, 0, 0, b'S', 0, 0, 0, 22];
        let (said, verdict) = replay(postgres(), &[&trust[..3], &trust[3..]]);
        assert_eq!(said.len(), 1);
        assert_eq!(
            verdict,
            Verdict::Open(
                "served a client without credentials: `AuthenticationOk` for user `app` without a password".into()
            )
        );
        // AuthenticationSASL with SCRAM-SHA-256, the image's default.
        let scram = b"R\0\0\0\x17\0\0\0\x0aSCRAM-SHA-256\0\0";
        let (_, verdict) = replay(postgres(), &[scram]);
        assert_eq!(
            verdict,
            Verdict::Closed("it asks for a password (SCRAM)".into())
        );
        let md5 = [b'R', 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4];
        let (_, verdict) = replay(postgres(), &[&md5]);
        assert_eq!(
            verdict,
            Verdict::Closed("it asks for a password (MD5)".into())
        );
    }

    #[test]
    fn an_error_response_is_closed() {
        let mut error =
            b"E\0\0\0\0SFATAL\0VFATAL\0C28000\0Mno pg_hba.conf entry for host \"172.18.0.1\"\0\0"
                .to_vec();
        let length = (error.len() - 1) as u32;
        error[1..5].copy_from_slice(&length.to_be_bytes());
        let (_, verdict) = replay(postgres(), &[&error]);
        assert_eq!(
            verdict,
            Verdict::Closed("28000 no pg_hba.conf entry for host \"172.18.0.1\"".into())
        );
        let (_, verdict) = replay(postgres(), &[b"HTTP/1.1 400 Bad Request\r\n\r\n"]);
        assert!(matches!(verdict, Verdict::NotUnderstood(_)));
    }
}
