//! The JSON Schemas and the loader give the same verdict on values: every
//! case below is taken by both or refused by both.

use crate::schema::validator;

/// A value of application.yml (`Application`) or of the web service's
/// service.yml (`Service`), and whether it is valid.
enum Case {
    Application(String, bool),
    Service(String, bool),
}

/// Values the loader refuses or takes (remote settings, numbers of the
/// wrong kind, nulls, names, ports as text, durations): the schema gives
/// the same verdict on each.
fn value_cases() -> Vec<Case> {
    let environment = |setting: &str| {
        let target = if setting.starts_with("target:") {
            ""
        } else {
            "target: kubernetes\n      "
        };
        format!("name: a\nremote:\n  environments:\n    qa:\n      {target}{setting}\n")
    };
    let named =
        |name: &str| format!("name: a\nremote:\n  environments:\n    {name}: {{target: swarm}}\n");
    let remote = |setting: &str| format!("type: public\nremote:\n  {setting}\n");
    let development =
        |setting: &str| format!("type: public\ndevelopment:\n  port: 80\n  {setting}\n");
    let mut cases = Vec::new();
    let bad_environments = [
        "target:",
        "region:",
        "url:",
        "registry:",
        "account-id: 123",
        "region: 5",
        "namespace: Shop",
        "namespace:",
        "namespace: shop-",
        "wait-image:",
    ];
    let good_environments = ["namespace: shop-staging", "url: shop.example.com"];
    for (settings, valid) in [
        (&bad_environments[..], false),
        (&good_environments[..], true),
    ] {
        cases.extend(
            settings
                .iter()
                .map(|s| Case::Application(environment(s), valid)),
        );
    }
    let long = format!("q{}b", "-a".repeat(31));
    let bad_names = ["Qa", "qa_2", "-qa", "qa-", "qa--2", long.as_str()];
    cases.extend(bad_names.iter().map(|n| Case::Application(named(n), false)));
    cases.extend(
        ["qa-2", "q1", &long[..63]]
            .iter()
            .map(|n| Case::Application(named(n), true)),
    );
    cases.push(Case::Application(
        "name: a\nremote:\n  dependencies:\n    x:\n      type:\n".to_owned(),
        false,
    ));
    let bad_remote = [
        "cpu: true",
        "cpu: 1.5",
        "cpu: '1.5'",
        "cpu: 0",
        "cpu: 2147483648",
        "cpu: '2147483648'",
        "memory: 0",
        "replicas:",
        "replicas: -1",
        "replicas: 3000000000",
        "replicas: '3'",
        "placement: [node.role]",
    ];
    let good_remote = [
        "cpu: 512",
        "cpu: ' 512 '",
        "cpu: 2147483647",
        "memory: '256'",
        "replicas: 0",
        "replicas: 3",
        "replicas: 3.0",
        "cpu: 512.0",
        "placement: [node.role == worker]",
    ];
    for (settings, valid) in [(&bad_remote[..], false), (&good_remote[..], true)] {
        cases.extend(settings.iter().map(|s| Case::Service(remote(s), valid)));
    }
    let bad_development = [
        "host-port: '80x'",
        "host-port: '0'",
        "host-port: 70000",
        "health-check: {tcp: true, interval: 0s}",
        "health-check: {tcp: true, timeout: 0ms}",
        "health-check: {tcp: true, interval: 5}",
        "health-check: {tcp: true, start-period: 5 s}",
        "health-check:",
        "host-port:",
    ];
    let good_development = [
        "host-port: '8080'",
        "host-port: 8080",
        "health-check: {tcp: true, interval: 500ms, start-period: 0s}",
        "health-check: {tcp: true, timeout: 1.5s}",
    ];
    for (settings, valid) in [(&bad_development[..], false), (&good_development[..], true)] {
        cases.extend(
            settings
                .iter()
                .map(|s| Case::Service(development(s), valid)),
        );
    }
    cases.push(Case::Service("type:\n".to_owned(), false));
    cases.push(Case::Service(
        "type: public\ndevelopment:\n  port:\n".to_owned(),
        false,
    ));
    cases.push(Case::Service(
        "type: public\nproduction:\n  health-check:\n".to_owned(),
        false,
    ));
    cases.push(Case::Application(
        "name: a\nlocal:\n  dependencies:\n    db:\n      image: redis:7\n      health-check:\n"
            .to_owned(),
        false,
    ));
    cases
}

#[test]
fn the_loader_and_the_schemas_agree_on_values() {
    let app = "name: a\nservices:\n  web:\n    location: ./web\n";
    let (application, service) = (
        validator("application.schema.json"),
        validator("service.schema.json"),
    );
    let as_json =
        |text: &str| exo::core::config::json_of(&exo::core::config::yaml::parse(text).unwrap());
    let mut disagreements = Vec::new();
    for case in value_cases() {
        let dir = tempfile::tempdir().unwrap();
        let (text, valid, schema_valid) = match &case {
            Case::Application(text, valid) => {
                std::fs::write(dir.path().join("application.yml"), text).unwrap();
                (text, *valid, application.is_valid(&as_json(text)))
            }
            Case::Service(text, valid) => {
                std::fs::write(dir.path().join("application.yml"), app).unwrap();
                std::fs::create_dir(dir.path().join("web")).unwrap();
                std::fs::write(dir.path().join("web/service.yml"), text).unwrap();
                (text, *valid, service.is_valid(&as_json(text)))
            }
        };
        let loaded = exo::core::config::load(dir.path()).is_ok();
        if loaded != valid || schema_valid != valid {
            disagreements.push(format!(
                "{text:?}: expected {valid}, loader {loaded}, schema {schema_valid}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// A scenario is exo's load (`request`, `rate`, `duration`) or a k6
/// script (`runner: k6`, `script`), never both: the loader and the schema
/// accept and refuse the same scenarios.
#[test]
fn the_loader_and_the_schema_agree_on_k6_scenarios() {
    let service = validator("service.schema.json");
    let cases = [
        ("runner: k6, script: perf/a.js", true),
        (
            "runner: exo, request: {path: /}, rate: 1/s, duration: 1s",
            true,
        ),
        ("runner: k6, script: perf/a.js, request: {path: /}", false),
        ("runner: k6, script: perf/a.js, duration: 1s", false),
        ("runner: k6", false),
        (
            "script: perf/a.js, request: {path: /}, rate: 1/s, duration: 1s",
            false,
        ),
        ("request: {path: /}, rate: 1/s", false),
        ("runner: k7, script: perf/a.js", false),
    ];
    for (scenario, valid) in cases {
        let text =
            format!("type: private\nperformance:\n  scenarios:\n    - {{name: a, {scenario}}}\n");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("application.yml"),
            "name: a\nservices:\n  web:\n    location: ./web\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("web/perf")).unwrap();
        std::fs::write(dir.path().join("web/perf/a.js"), "").unwrap();
        std::fs::write(dir.path().join("web/service.yml"), &text).unwrap();
        let json = exo::core::config::json_of(&exo::core::config::yaml::parse(&text).unwrap());
        let loaded = exo::core::config::load(dir.path()).is_ok();
        let schema_valid = service.is_valid(&json);
        assert_eq!(
            (loaded, schema_valid),
            (valid, valid),
            "{scenario}: loader accepts: {loaded}, schema accepts: {schema_valid}"
        );
    }
}
