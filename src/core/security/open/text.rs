//! The line protocols: Redis and Valkey (RESP), Memcached's text protocol
//! and NATS.

use super::{Protocol, Step, Verdict, shown, without_credentials};

/// The first complete line of `heard`, without its line end.
fn first_line(heard: &[u8]) -> Option<String> {
    let end = heard.iter().position(|b| *b == b'\n')?;
    Some(
        String::from_utf8_lossy(&heard[..end])
            .trim_end_matches('\r')
            .to_owned(),
    )
}

/// One command and its one-line answer: served when it starts with
/// `served`, refused when with one of `refused`.
pub struct Line {
    command: &'static str,
    served: &'static str,
    refused: &'static [&'static str],
    /// Why a server may close the connection on the command.
    hangs_up_when: Option<&'static str>,
}

/// Redis and Valkey: `PING`, `+PONG` served; NOAUTH (a password is set),
/// WRONGPASS and NOPERM (ACLs) and DENIED (protected mode) refused.
pub const REDIS: Line = Line {
    command: "PING",
    served: "+PONG",
    refused: &["-NOAUTH", "-WRONGPASS", "-NOPERM", "-DENIED"],
    hangs_up_when: None,
};

/// Memcached: `version`, `VERSION ...` served; with an authentication
/// file, `CLIENT_ERROR unauthenticated`. With SASL it speaks the binary
/// protocol only and drops text.
pub const MEMCACHED: Line = Line {
    command: "version",
    served: "VERSION",
    refused: &["CLIENT_ERROR unauthenticated"],
    hangs_up_when: Some("SASL, which speaks the binary protocol only, does that"),
};

impl Protocol for Line {
    fn opening(&mut self) -> Vec<u8> {
        format!("{}\r\n", self.command).into_bytes()
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        let Some(line) = first_line(heard) else {
            return Step::Listen;
        };
        Step::Done(if line.starts_with(self.served) {
            without_credentials(&format!("`{line}`"))
        } else if self.refused.iter().any(|r| line.starts_with(r)) {
            Verdict::Closed(line)
        } else {
            Verdict::NotUnderstood(format!(
                "it answered `{}` with `{}`",
                self.command,
                shown(heard)
            ))
        })
    }

    fn hung_up(&mut self, heard: &[u8]) -> Verdict {
        let why = super::silence(heard);
        Verdict::NotUnderstood(match self.hangs_up_when {
            Some(when) => format!("{why} ({when})"),
            None => why,
        })
    }
}

/// The server speaks first (`INFO {...}`); then `CONNECT` without
/// credentials and `PING`: `PONG` served (a `no_auth_user` included),
/// `-ERR 'Authorization Violation'` refused. A server that wants TLS is
/// judged by its `INFO`.
#[derive(Default)]
pub struct Nats {
    connected: bool,
}

impl Protocol for Nats {
    fn opening(&mut self) -> Vec<u8> {
        Vec::new()
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        let Some(line) = first_line(heard) else {
            return Step::Listen;
        };
        if self.connected {
            return Step::Done(if line.starts_with("PONG") {
                without_credentials("`CONNECT` without credentials, then `PING` answered `PONG`")
            } else if line.starts_with("-ERR") && line.contains("Authorization") {
                Verdict::Closed(line)
            } else {
                Verdict::NotUnderstood(format!("it answered `CONNECT` with `{}`", shown(heard)))
            });
        }
        let Some(info) = line
            .strip_prefix("INFO ")
            .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        else {
            return Step::Done(Verdict::NotUnderstood(format!(
                "it began with `{}`, not NATS's `INFO`",
                shown(heard)
            )));
        };
        let flag = |name: &str| info.get(name).and_then(serde_json::Value::as_bool) == Some(true);
        if flag("tls_required") {
            return Step::Done(if flag("auth_required") {
                Verdict::Closed("`INFO` says `auth_required`".to_owned())
            } else {
                without_credentials("`INFO` without `auth_required`")
            });
        }
        self.connected = true;
        Step::Say(
            b"CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"exo\"}\r\nPING\r\n".to_vec(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Conversation, replay};
    use super::*;

    #[test]
    fn redis_pong_is_open_and_an_authentication_error_closed() {
        let (said, verdict) = replay(Conversation::new(REDIS), &[b"+PO", b"NG\r\n"]);
        assert_eq!(said, [b"PING\r\n".to_vec()]);
        assert_eq!(
            verdict,
            Verdict::Open("served a client without credentials: `+PONG`".into())
        );
        let (_, verdict) = replay(
            Conversation::new(REDIS),
            &[b"-NOAUTH Authentication required.\r\n"],
        );
        assert_eq!(
            verdict,
            Verdict::Closed("-NOAUTH Authentication required.".into())
        );
        let (_, verdict) = replay(Conversation::new(REDIS), &[b"SSH-2.0-OpenSSH_9.6\r\n"]);
        assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("SSH-2.0")));
    }

    #[test]
    fn memcached_version_is_open_and_its_authentication_error_closed() {
        let (_, verdict) = replay(Conversation::new(MEMCACHED), &[b"VERSION 1.6.29\r\n"]);
        assert!(matches!(verdict, Verdict::Open(m) if m.ends_with("`VERSION 1.6.29`")));
        let (_, verdict) = replay(
            Conversation::new(MEMCACHED),
            &[b"CLIENT_ERROR unauthenticated\r\n"],
        );
        assert!(matches!(verdict, Verdict::Closed(_)));
        let (_, verdict) = replay(Conversation::new(MEMCACHED), &[]);
        assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("SASL")));
    }

    // The INFO lines are nats-server 2.10's, as its protocol documentation shows them.
    #[test]
    fn nats_connects_without_credentials_and_pings() {
        let info = br#"INFO {"server_id":"NDZ","version":"2.10.18","proto":1,"host":"0.0.0.0","port":4222,"headers":true,"max_payload":1048576}"#;
        let info = [&info[..], b"\r\n"].concat();
        let (said, verdict) = replay(Conversation::new(Nats::default()), &[&info, b"PONG\r\n"]);
        assert!(said[1].starts_with(b"CONNECT {"), "{said:?}");
        assert!(said[1].ends_with(b"\r\nPING\r\n"));
        assert!(matches!(verdict, Verdict::Open(m) if m.contains("`PONG`")));
        let (_, verdict) = replay(
            Conversation::new(Nats::default()),
            &[&info, b"-ERR 'Authorization Violation'\r\n"],
        );
        assert_eq!(
            verdict,
            Verdict::Closed("-ERR 'Authorization Violation'".into())
        );
    }

    #[test]
    fn nats_over_tls_is_judged_by_its_info() {
        let closed = b"INFO {\"server_id\":\"x\",\"auth_required\":true,\"tls_required\":true}\r\n";
        let (said, verdict) = replay(Conversation::new(Nats::default()), &[closed]);
        assert_eq!(said, [Vec::<u8>::new()]);
        assert!(matches!(verdict, Verdict::Closed(_)));
        let open = b"INFO {\"server_id\":\"x\",\"tls_required\":true}\r\n";
        let (_, verdict) = replay(Conversation::new(Nats::default()), &[open]);
        assert!(matches!(verdict, Verdict::Open(_)));
        let (_, verdict) = replay(Conversation::new(Nats::default()), &[b"+PONG\r\n"]);
        assert!(matches!(verdict, Verdict::NotUnderstood(_)));
    }
}
