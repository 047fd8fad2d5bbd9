use super::*;
use crate::core::config::catalog;

fn client(variables: &BTreeMap<String, String>) -> Client<'_> {
    Client {
        address: "172.18.0.2:1234".to_owned(),
        variables,
        now: jiff::Timestamp::UNIX_EPOCH,
    }
}

#[test]
fn every_catalog_entry_is_checked() {
    let none = BTreeMap::new();
    for entry in catalog::entries() {
        assert!(
            conversation(&entry.name, &client(&none)).is_some(),
            "{} has no conversation",
            entry.name
        );
    }
    assert!(conversation("exocom", &client(&none)).is_none());
}

#[test]
fn the_users_are_the_containers_own() {
    let variables: BTreeMap<String, String> = [
        ("POSTGRES_USER", "shop"),
        ("RABBITMQ_DEFAULT_USER", "queue"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();
    let mut postgres = conversation("postgres", &client(&variables)).expect("postgres");
    assert!(
        postgres
            .opening()
            .ends_with(b"user\0shop\0database\0shop\0\0")
    );
    let none = BTreeMap::new();
    let mut postgres = conversation("postgres", &client(&none)).expect("postgres");
    assert!(
        postgres
            .opening()
            .ends_with(b"user\0postgres\0database\0postgres\0\0")
    );
    let mut mysql = conversation("mariadb", &client(&none)).expect("mariadb");
    assert_eq!(mysql.opening(), b"", "the server speaks first");
}

/// A protocol that never reaches a verdict.
struct Chatty;

impl Protocol for Chatty {
    fn opening(&mut self) -> Vec<u8> {
        b"hello".to_vec()
    }

    fn answer(&mut self, heard: &[u8]) -> Step {
        if heard.ends_with(b"\n") {
            Step::Say(b"again".to_vec())
        } else {
            Step::Listen
        }
    }
}

#[test]
fn a_conversation_ends_after_a_few_turns_or_a_long_answer() {
    let lines: Vec<&[u8]> = vec![b"more\n"; 20];
    let (said, verdict) = replay(Conversation::new(Chatty), &lines);
    assert_eq!(said.len(), 1 + MOST_TURNS);
    assert_eq!(
        verdict,
        Verdict::NotUnderstood("no verdict after 8 exchanges".into())
    );
    let long = vec![b'x'; MOST_HEARD + 1];
    let (_, verdict) = replay(Conversation::new(Chatty), &[&long]);
    assert!(matches!(verdict, Verdict::NotUnderstood(why) if why.contains("256 KiB")));
    let (_, verdict) = replay(Conversation::new(Chatty), &[b"half a line"]);
    assert_eq!(
        verdict,
        Verdict::NotUnderstood("it closed the connection after `half a line`".into())
    );
}
