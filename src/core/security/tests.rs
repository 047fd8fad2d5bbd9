use super::*;
use crate::core::model::security::Suppression;

fn app_with(suppression: Suppression) -> Application {
    let mut app = Application {
        name: "shop".into(),
        dependencies: Default::default(),
        environment: Default::default(),
        secrets: Vec::new(),
        services: Default::default(),
        shared_directories: Vec::new(),
        tests: None,
        remote: Default::default(),
        performance: Default::default(),
        security: Vec::new(),
    };
    app.security.push(suppression);
    app
}

fn sources() -> Sources {
    let text = "name: shop\nlocal:\n  environment-variables:\n    KEY: AKIAIOSFODNN7EXAMPLE\n";
    Sources {
        yaml: vec![YamlFile::new("application.yml", None, text.to_owned())],
        dockerfiles: Vec::new(),
    }
}

fn date(text: &str) -> jiff::civil::Date {
    text.parse().expect("date")
}

#[test]
fn a_suppression_holds_until_its_day_and_the_finding_comes_back_after() {
    let app = app_with(Suppression {
        rule: "EXO-S003".into(),
        reason: "a documented example key".into(),
        until: Some(date("2027-03-01")),
    });
    assert_eq!(check(&app, &sources(), date("2027-03-01")), []);
    let found = check(&app, &sources(), date("2027-03-02"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "EXO-S003");
    assert_eq!((found[0].location.line, found[0].location.column), (4, 10));
    assert!(
        found[0].message.contains("expired on 2027-03-01"),
        "{}",
        found[0].message
    );
}
