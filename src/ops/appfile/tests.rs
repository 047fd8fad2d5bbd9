use super::*;

fn web() -> ServiceEntry<'static> {
    ServiceEntry {
        role: "web",
        fields: vec![("location", "./web")],
        comments: Vec::new(),
    }
}

#[test]
fn appends_after_the_last_entry_and_keeps_comments() {
    let text = "# app\nname: a   # the name\n\nservices:\n  # the api\n  api:\n    location: ./api # here\n    # trailing\n\n# tests below\ntests:\n  location: ./e2e\n";
    let out = add_service(text, &web()).unwrap();
    assert_eq!(
        out,
        "# app\nname: a   # the name\n\nservices:\n  # the api\n  api:\n    location: ./api # here\n  web:\n    location: ./web\n    # trailing\n\n# tests below\ntests:\n  location: ./e2e\n"
    );
}

#[test]
fn follows_the_indentation_of_the_entries() {
    let text = "name: a\nservices:\n    api:\n        location: ./api";
    let out = add_service(text, &web()).unwrap();
    assert_eq!(
        out,
        "name: a\nservices:\n    api:\n        location: ./api\n    web:\n      location: ./web\n"
    );
}

#[test]
fn fills_an_empty_services_key() {
    for (text, expected) in [
        (
            "name: a\nservices:\n",
            "name: a\nservices:\n  web:\n    location: ./web\n",
        ),
        (
            "name: a\nservices: {} # none yet\nx-a: 1\n",
            "name: a\nservices: # none yet\n  web:\n    location: ./web\nx-a: 1\n",
        ),
        (
            "name: a\nservices: ~",
            "name: a\nservices:\n  web:\n    location: ./web\n",
        ),
    ] {
        assert_eq!(add_service(text, &web()).unwrap(), expected, "{text}");
    }
}

#[test]
fn adds_a_services_key_at_the_end() {
    assert_eq!(
        add_service("name: a", &web()).unwrap(),
        "name: a\n\nservices:\n  web:\n    location: ./web\n"
    );
}

#[test]
fn keeps_windows_line_endings() {
    let out = add_service(
        "name: a\r\nservices:\r\n  api:\r\n    location: ./api\r\n",
        &web(),
    )
    .unwrap();
    assert_eq!(
        out,
        "name: a\r\nservices:\r\n  api:\r\n    location: ./api\r\n  web:\r\n    location: ./web\r\n"
    );
}

#[test]
fn refuses_duplicates_and_flow_maps() {
    let text = "name: a\nservices:\n  web:\n    location: ./w\n";
    assert_eq!(
        add_service(text, &web()),
        Err(EditError::Duplicate {
            what: "service",
            role: "web".into(),
            span: Span { offset: 20, len: 3 }
        })
    );
    let text = "name: a\nservices: {api: {location: ./api}}\n";
    assert_eq!(
        add_service(text, &web()),
        Err(EditError::Flow {
            name: Some("services".into()),
            span: Span { offset: 18, len: 1 }
        })
    );
    let text = "# shop\n{name: a, services: {api: {location: ./api}}}\n";
    let flow = Err(EditError::Flow {
        name: None,
        span: Span { offset: 7, len: 1 },
    });
    assert_eq!(add_service(text, &web()), flow);
    assert_eq!(add_dependency(text, &cache()), flow);
}

fn cache() -> ServiceEntry<'static> {
    ServiceEntry {
        role: "cache",
        fields: vec![("image", "redis:7")],
        comments: vec!["from the catalog".into()],
    }
}

#[test]
fn adds_a_dependency_creating_what_is_missing() {
    for (text, expected) in [
        (
            "name: a\nservices:\n  api:\n    location: ./api\n",
            "name: a\nservices:\n  api:\n    location: ./api\n\nlocal:\n  dependencies:\n    # from the catalog\n    cache:\n      image: redis:7\n",
        ),
        (
            "name: a\nlocal:\nservices: {}\n",
            "name: a\nlocal:\n  dependencies:\n    # from the catalog\n    cache:\n      image: redis:7\nservices: {}\n",
        ),
        (
            "name: a\nlocal:\n    secrets: [A]  # keep\nservices: {}\n",
            "name: a\nlocal:\n    secrets: [A]  # keep\n    dependencies:\n      # from the catalog\n      cache:\n        image: redis:7\nservices: {}\n",
        ),
        (
            "name: a\nlocal:\n  dependencies:\n    # the store\n    db:\n      image: postgres:16\nservices: {}\n",
            "name: a\nlocal:\n  dependencies:\n    # the store\n    db:\n      image: postgres:16\n    # from the catalog\n    cache:\n      image: redis:7\nservices: {}\n",
        ),
    ] {
        assert_eq!(add_dependency(text, &cache()).unwrap(), expected, "{text}");
    }
}

#[test]
fn refuses_a_dependency_that_exists() {
    let text = "local:\n  dependencies:\n    cache:\n      image: redis:6\n";
    assert!(matches!(
        add_dependency(text, &cache()),
        Err(EditError::Duplicate {
            what: "dependency",
            ..
        })
    ));
}

#[test]
fn quotes_values_only_when_needed() {
    assert_eq!(scalar("postgres:16"), "postgres:16");
    assert_eq!(
        scalar("git@github.com:acme/web.git"),
        "git@github.com:acme/web.git"
    );
    assert_eq!(scalar("https://x.org/a b"), "\"https://x.org/a b\"");
    assert_eq!(scalar("1.0"), "\"1.0\"");
    assert_eq!(scalar("yes"), "\"yes\"");
    assert_eq!(scalar("./web"), "./web");
    for value in [
        "0x10", "0o17", "TRUE", "Off", "~", "1_000", "1:30", ".inf", "-1", "", "a #b",
    ] {
        let quoted = scalar(value);
        assert!(quoted.starts_with('"'), "{value} written as {quoted}");
        let read: String = serde_saphyr::from_str(&quoted).unwrap();
        assert_eq!(read, value);
    }
}

#[test]
fn replaces_a_scalar_in_place() {
    let text = "local:\n  dependencies:\n    db:\n      image: \"postgres:16.1\" # pinned\n";
    let root = yaml::parse(text).unwrap();
    let Value::Map(top) = &root.value else {
        panic!()
    };
    let Value::Map(deps) = &top[0].1.value else {
        panic!()
    };
    let Value::Map(db) = &deps[0].1.value else {
        panic!()
    };
    let Value::Map(fields) = &db[0].1.value else {
        panic!()
    };
    let out = replace_scalar(text, &fields[0].1, "postgres:16.1", "postgres:16.4").unwrap();
    assert_eq!(out, text.replace("16.1", "16.4"));
}
