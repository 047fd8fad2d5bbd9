use super::super::{Conversation, replay, replay_recorded};
use super::*;

fn amqp() -> Conversation {
    Conversation::new(Amqp::new(DEFAULT, DEFAULT))
}

#[test]
fn rabbitmq_with_its_default_user_is_open() {
    assert_eq!(
        replay_recorded(amqp(), include_str!("recorded/rabbitmq-open.log")),
        Verdict::Open(
            "accepted the image's default credentials `guest`/`guest`: `Connection.Tune`".into()
        )
    );
}

#[test]
fn rabbitmq_with_another_password_is_closed() {
    assert_eq!(
        replay_recorded(amqp(), include_str!("recorded/rabbitmq-password.log")),
        Verdict::Closed(
            "403 ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.".into()
        )
    );
}

/// The server's `Connection.Start` of the recording.
fn start() -> Vec<u8> {
    super::super::recorded(include_str!("recorded/rabbitmq-open.log"))
        .into_iter()
        .find_map(|(side, bytes)| (side == 'S').then_some(bytes).flatten())
        .expect("the server's first words")
}

#[test]
fn a_connection_closed_on_the_login_is_closed_and_before_it_not_understood() {
    // So RabbitMQ answers a client without `authentication_failure_close`.
    let start = start();
    let (said, verdict) = replay(amqp(), &[&start[..100], &start[100..]]);
    assert_eq!(said.len(), 2);
    assert!(matches!(verdict, Verdict::Closed(_)), "{verdict:?}");
    let (_, verdict) = replay(amqp(), &[]);
    assert!(matches!(verdict, Verdict::NotUnderstood(_)));
}

#[test]
fn other_servers_are_not_understood() {
    // A server of another AMQP version answers with its own header.
    let (_, verdict) = replay(amqp(), &[b"AMQP\x00\x01\x00\x00"]);
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("not an AMQP 0-9-1")));
    // A Connection.Start that offers no PLAIN login.
    let mut external = start();
    while let Some(at) = external.windows(5).position(|w| w == b"PLAIN") {
        external[at..at + 5].copy_from_slice(b"OTHER");
    }
    let (_, verdict) = replay(amqp(), &[&external]);
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("no PLAIN")));
}
