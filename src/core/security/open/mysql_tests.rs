use super::super::{Conversation, replay, replay_recorded};
use super::*;

fn mysql() -> Conversation {
    Conversation::new(Mysql::new("root"))
}

#[test]
fn mariadb_with_an_empty_root_password_is_open() {
    assert_eq!(
        replay_recorded(mysql(), include_str!("recorded/mariadb-open.log")),
        Verdict::Open(
            "served a client without credentials: logged in as `root` with an empty password (10.11.19-MariaDB-0+deb12u1)".into()
        )
    );
}

#[test]
fn mariadb_with_a_root_password_is_closed() {
    assert_eq!(
        replay_recorded(mysql(), include_str!("recorded/mariadb-password.log")),
        Verdict::Closed(
            "1045 (28000) Access denied for user 'root'@'127.0.0.1' (using password: NO)".into()
        )
    );
    assert_eq!(
        replay_recorded(mysql(), include_str!("recorded/mariadb-host.log")),
        Verdict::Closed(
            "1130 Host '127.0.0.1' is not allowed to connect to this MariaDB server".into()
        )
    );
}

#[test]
fn a_method_exo_does_not_speak_is_not_understood() {
    assert_eq!(
        replay_recorded(mysql(), include_str!("recorded/mariadb-ed25519.log")),
        Verdict::NotUnderstood("it asks for `client_ed25519`, which exo does not speak".into())
    );
}

/// MySQL 8.4's greeting, built from the protocol documentation
/// (Protocol::HandshakeV10) with MySQL's capability flags and its default
/// method, caching_sha2_password; Debian has no MySQL server to record.
fn mysql_8_greeting() -> Vec<u8> {
    let mut payload = vec![0x0a];
    payload.extend_from_slice(b"8.4.3\0");
    payload.extend_from_slice(&9_u32.to_le_bytes());
    payload.extend_from_slice(b"\x1d\x2a\x3b\x4c\x5d\x6e\x7f\x10\0");
    payload.extend_from_slice(&0xffff_u16.to_le_bytes());
    payload.push(255); // utf8mb4_0900_ai_ci
    payload.extend_from_slice(&2_u16.to_le_bytes());
    payload.extend_from_slice(&0xdfff_u16.to_le_bytes());
    payload.push(21);
    payload.extend_from_slice(&[0; 10]);
    payload.extend_from_slice(b"\x11\x22\x33\x44\x55\x66\x77\x08\x19\x2a\x3b\x4c\0");
    payload.extend_from_slice(b"caching_sha2_password\0");
    packet(0, &payload)
}

#[test]
fn mysql_8_answers_the_same_way() {
    let greeting = mysql_8_greeting();
    // caching_sha2_password with an empty password: "fast authentication", then OK.
    let fast = [packet(2, &[1, 3]), packet(3, &[0, 0, 0, 2, 0, 0, 0])].concat();
    let (said, verdict) = replay(mysql(), &[&greeting[..20], &greeting[20..], &fast]);
    assert!(
        said[1].ends_with(b"root\0\0caching_sha2_password\0"),
        "{:?}",
        said[1]
    );
    assert_eq!(&said[1][3..4], &[1], "the response's sequence number");
    assert!(matches!(verdict, Verdict::Open(m) if m.ends_with("(8.4.3)")));
    // A switch to mysql_native_password is answered with the empty password again.
    let switch = packet(2, b"\xfemysql_native_password\0\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\0");
    let refused = packet(
        4,
        b"\xff\x15\x04#28000Access denied for user 'root'@'172.18.0.1' (using password: NO)",
    );
    let (said, verdict) = replay(mysql(), &[&greeting, &switch, &refused]);
    assert_eq!(said[2], [0, 0, 0, 3]);
    assert!(matches!(verdict, Verdict::Closed(m) if m.starts_with("1045 (28000) Access denied")));
}

#[test]
fn what_is_not_mysql_is_not_understood() {
    let (_, verdict) = replay(mysql(), &[b"SSH-2.0-OpenSSH_9.6\r\n"]);
    assert!(matches!(verdict, Verdict::NotUnderstood(_)), "{verdict:?}");
    let old = packet(0, b"\x09 3.23.58\0");
    let (_, verdict) = replay(mysql(), &[&old]);
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("not MySQL's")));
    let (_, verdict) = replay(mysql(), &[]);
    assert!(matches!(verdict, Verdict::NotUnderstood(_)));
}
