//! Random text in every string value of the application that the
//! manifests carry (variables of every kind, health-check commands, paths
//! and log lines, dependency data), whatever its bytes, the loader's rules
//! aside: each file still parses as YAML, with the same documents, keys and
//! list lengths as with a plain value. No text a user writes changes the
//! structure of what `kubectl apply` reads. The same text in the Terraform
//! files opens no expression and adds no line.

use super::generate;
use crate::core::model::{Application, Check, CommandLine, Probe};
use proptest::prelude::*;
use std::path::Path;

fn fixture() -> Application {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/remote");
    crate::core::config::load(&dir).expect("the remote fixture loads")
}

fn set_all(values: &mut indexmap::IndexMap<String, String>, text: &str) {
    values.values_mut().for_each(|v| text.clone_into(v));
}

fn set_probe(probe: Option<&mut Probe>, text: &str) {
    let Some(probe) = probe else { return };
    match &mut probe.check {
        Check::Http { path, .. } => *path = format!("/{text}"),
        Check::Command(CommandLine::Shell(line)) => text.clone_into(line),
        Check::Command(CommandLine::Exec(words)) => words.push(text.to_owned()),
        Check::Log { text: line } => text.clone_into(line),
        Check::Tcp { .. } => {}
    }
}

/// The fixture with `text` in every string value the manifests carry.
fn with_text(text: &str) -> Application {
    let mut app = fixture();
    set_all(&mut app.environment, text);
    for environment in app.remote.environments.values_mut() {
        set_all(&mut environment.environment, text);
    }
    for dependency in app.dependencies.values_mut() {
        set_all(&mut dependency.environment, text);
        dependency
            .environment
            .insert("EXTRA".to_owned(), text.to_owned());
        set_probe(dependency.health_check.as_mut(), text);
    }
    for service in app.services.values_mut() {
        let note = serde_json::Value::String(text.to_owned());
        service.dependency_data.insert("note".to_owned(), note);
        let config = &mut service.config;
        set_all(&mut config.environment, text);
        config
            .environment
            .insert("EXTRA".to_owned(), text.to_owned());
        for environment in config.remote.environments.values_mut() {
            set_all(&mut environment.environment, text);
        }
        set_probe(config.development.health_check.as_mut(), text);
        if let Some(path) = &mut config.production.health_check {
            *path = format!("/{text}");
        }
    }
    app
}

/// A document's structure: its keys and list lengths, every scalar alike.
fn shape(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        _ => Value::Null,
    }
}

/// Each file's path with the shapes of its documents.
fn shapes(app: &Application) -> Vec<(String, Vec<serde_json::Value>)> {
    let manifests = generate(app, "staging").expect("the fixture generates");
    manifests
        .files
        .into_iter()
        .map(|(path, text)| {
            let documents: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text)
                .unwrap_or_else(|err| panic!("{path} is not YAML ({err}):\n{text}"));
            (path, documents.iter().map(shape).collect())
        })
        .collect()
}

/// Text biased to what means something to YAML, to `kubectl`'s `$(NAME)`,
/// to exo's own marks and to templates: quotes, `#`, `---`, `: `, line
/// breaks of every kind, control characters, `${`, `%{`, `$(`.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("\\".to_owned()),
        Just("#".to_owned()),
        Just("\n---\n".to_owned()),
        Just(": ".to_owned()),
        Just("- ".to_owned()),
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\u{85}".to_owned()),
        Just("\u{2028}".to_owned()),
        Just("\u{1}".to_owned()),
        Just("\u{2}".to_owned()),
        Just("\t".to_owned()),
        Just("${".to_owned()),
        Just("%{".to_owned()),
        Just("$(API_TOKEN)".to_owned()),
        Just("}".to_owned()),
        Just("&a *a !!str |".to_owned()),
        Just(" ".to_owned()),
        any::<char>().prop_map(String::from),
        "[a-z]{1,4}",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// Each Terraform file's path and number of lines, after checking that
/// every live `${` is one of exo's own (`local.`, `var.`) and no `%{` is
/// live.
fn terraform_lines(app: &Application) -> Vec<(String, usize)> {
    let files = crate::core::terraform::generate(app, &["production".to_owned()])
        .expect("the fixture generates");
    for (path, text) in &files.files {
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices("${") {
            let escaped = text[..i].bytes().rev().take_while(|b| *b == b'$').count() % 2 == 1;
            let rest = &text[i + 2..];
            assert!(
                escaped || rest.starts_with("local.") || rest.starts_with("var."),
                "{path}: a live interpolation: {}",
                &rest[..rest.len().min(60)]
            );
        }
        for (i, _) in text.match_indices("%{") {
            assert!(i > 0 && bytes[i - 1] == b'%', "{path}: a live directive");
        }
    }
    files
        .files
        .into_iter()
        .map(|(path, text)| (path, text.lines().count()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_text_opens_an_expression_or_a_line_in_terraform(text in hostile_text()) {
        prop_assert_eq!(terraform_lines(&with_text("plain")), terraform_lines(&with_text(&text)));
    }

    #[test]
    fn no_text_changes_the_structure_of_the_manifests(text in hostile_text()) {
        let plain = shapes(&with_text("plain"));
        let hostile = shapes(&with_text(&text));
        prop_assert_eq!(plain.len(), hostile.len());
        for ((path, expected), (_, found)) in plain.iter().zip(&hostile) {
            prop_assert_eq!(expected, found, "{} with {:?}", path, text);
        }
    }
}
