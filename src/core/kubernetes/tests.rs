use super::*;
use crate::core::model::{Check, CommandLine, Probe};
use std::path::Path;

fn fixture() -> Application {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/remote");
    crate::core::config::load(&dir).expect("the remote fixture loads")
}

fn file<'a>(manifests: &'a Manifests, name: &str) -> &'a str {
    file_at(manifests, &format!("{name}.yaml"))
}

fn file_at<'a>(manifests: &'a Manifests, name: &str) -> &'a str {
    let path = format!("kubernetes/staging/manifests/{name}");
    manifests
        .files
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| panic!("no {path}"))
}

/// The YAML documents of a file, as JSON values.
fn documents(text: &str) -> Vec<serde_json::Value> {
    text.split("\n---\n")
        .map(|doc| serde_saphyr::from_str(doc).expect("valid YAML"))
        .collect()
}

fn kinds(text: &str) -> Vec<String> {
    documents(text)
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn container(text: &str) -> serde_json::Value {
    let docs = documents(text);
    let workload = docs
        .iter()
        .find(|d| d["kind"] == "Deployment" || d["kind"] == "StatefulSet")
        .unwrap();
    workload["spec"]["template"]["spec"]["containers"][0].clone()
}

fn probe_of(app: &mut Application, check: Check) -> serde_json::Value {
    let mailer = app.services.get_mut("mailer").unwrap();
    mailer.config.development.health_check = Some(Probe {
        interval: std::time::Duration::from_millis(1500),
        start_period: std::time::Duration::from_secs(6),
        ..Probe::new(check)
    });
    let manifests = generate(app, "staging").unwrap();
    container(file(&manifests, "mailer"))
}

#[test]
fn each_probe_kind_maps_to_its_kubernetes_action() {
    let mut app = fixture();
    let http = probe_of(
        &mut app,
        Check::Http {
            path: "/up".into(),
            port: None,
        },
    );
    assert_eq!(http["readinessProbe"]["httpGet"]["path"], "/up");
    assert_eq!(http["readinessProbe"]["httpGet"]["port"], 2525);
    // Production timing: every 10 s (not the development check's 1.5 s);
    // its 6 s start period is one more interval.
    assert_eq!(http["readinessProbe"]["periodSeconds"], 10);
    assert_eq!(http["livenessProbe"]["failureThreshold"], 3);
    assert_eq!(http["startupProbe"]["failureThreshold"], 4);
    let tcp = probe_of(&mut app, Check::Tcp { port: Some(2626) });
    assert_eq!(tcp["readinessProbe"]["tcpSocket"]["port"], 2626);
    let shell = probe_of(
        &mut app,
        Check::Command(CommandLine::Shell("check ok".into())),
    );
    assert_eq!(
        shell["readinessProbe"]["exec"]["command"],
        serde_json::json!(["/bin/sh", "-c", "check ok"])
    );
    let exec = probe_of(
        &mut app,
        Check::Command(CommandLine::Exec(vec!["check".into(), "ok".into()])),
    );
    assert_eq!(
        exec["livenessProbe"]["exec"]["command"],
        serde_json::json!(["check", "ok"])
    );
    let log = probe_of(&mut app, Check::Log { text: "up".into() });
    assert!(log.get("readinessProbe").is_none());
    assert!(log.get("startupProbe").is_none());
}

#[test]
fn probes_have_production_timing_settable_per_service() {
    let mut app = fixture();
    let mailer = app.services.get_mut("mailer").unwrap();
    mailer.config.development.health_check = Some(Probe::new(Check::Tcp { port: None }));
    let default = container(file(&generate(&app, "staging").unwrap(), "mailer"));
    // Without a start period, a minute to start: 6 periods, then 3 failures.
    assert_eq!(default["livenessProbe"]["periodSeconds"], 10);
    assert_eq!(default["startupProbe"]["failureThreshold"], 9);
    let mailer = app.services.get_mut("mailer").unwrap();
    mailer.config.remote.probe_timing = crate::core::model::ProbeTiming {
        interval: Some(std::time::Duration::from_secs(5)),
        timeout: Some(std::time::Duration::from_secs(2)),
        start_period: Some(std::time::Duration::from_secs(120)),
        retries: Some(5),
    };
    let set = container(file(&generate(&app, "staging").unwrap(), "mailer"));
    assert_eq!(set["readinessProbe"]["periodSeconds"], 5);
    assert_eq!(set["readinessProbe"]["timeoutSeconds"], 2);
    assert_eq!(set["livenessProbe"]["failureThreshold"], 5);
    assert_eq!(set["startupProbe"]["failureThreshold"], 24 + 5);
}

#[test]
fn a_log_check_is_said_in_a_comment_and_a_warning() {
    let manifests = generate(&fixture(), "staging").unwrap();
    assert!(file(&manifests, "jobs").contains("# jobs is ready once it prints \"jobs ready\""));
    assert!(manifests.warnings.contains(&Warning::LogCheck {
        workload: "jobs".into(),
        text: "jobs ready".into()
    }));
}

#[test]
fn one_init_container_waits_for_the_shared_then_its_own_in_start_order() {
    let manifests = generate(&fixture(), "staging").unwrap();
    let docs = documents(file(&manifests, "web"));
    let pod = &docs[1]["spec"]["template"]["spec"];
    let init = pod["initContainers"].as_array().unwrap();
    assert_eq!(init.len(), 1);
    assert_eq!(init[0]["name"], "wait");
    let command = init[0]["command"].as_array().unwrap();
    assert_eq!(command[..2], ["sh", "-c"]);
    assert_eq!(command[2], crate::core::deployed::WAIT_SCRIPT);
    assert_eq!(command[3], "wait");
    // First the application's dependencies, from the shared file...
    assert_eq!(init[0]["volumeMounts"][0]["mountPath"], "/etc/exo");
    assert_eq!(pod["volumes"][0]["configMap"]["name"], SHARED_WAITS);
    let shared = documents(file_at(&manifests, SHARED_FILE));
    let waits = shared
        .iter()
        .find(|d| d["metadata"]["name"] == SHARED_WAITS);
    assert_eq!(
        waits.unwrap()["data"]["waits"],
        "cache cache.shop-staging.svc 6379\ndb db.shop-staging.svc 5432\n"
    );
    // ... then its own `depends-on`.
    assert_eq!(
        init[0]["args"],
        serde_json::json!(["api api.shop-staging.svc 4000"])
    );
    assert_eq!(pod["enableServiceLinks"], false);
    // A dependency starts at once.
    let db = documents(file(&manifests, "db"));
    let db = &db[1]["spec"]["template"]["spec"];
    assert!(db.get("initContainers").is_none() && db.get("volumes").is_none());
}

#[test]
fn shared_variables_are_written_once_and_a_services_own_win() {
    let mut app = fixture();
    let web = app.services.get_mut("web").unwrap();
    let own = &mut web.config.remote.environments.get_mut("staging").unwrap();
    own.environment.insert("CACHE_HOST".into(), "mine".into());
    own.environment
        .insert("DB_URL".into(), "postgres://elsewhere".into());
    let manifests = generate(&app, "staging").unwrap();
    let shared = documents(file_at(&manifests, SHARED_FILE));
    let variables = &shared[0];
    assert_eq!(variables["metadata"]["name"], SHARED_VARIABLES);
    assert_eq!(variables["data"]["CACHE_HOST"], "cache.shop-staging.svc");
    assert_eq!(
        variables["data"]["API_INTERNAL_ORIGIN"],
        "http://api.shop-staging.svc:4000"
    );
    // Built from a secret, it cannot be in a ConfigMap.
    assert!(variables["data"].get("DB_URL").is_none());
    let web = container(file(&manifests, "web"));
    let sources: Vec<&str> = web["envFrom"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["configMapRef"]["name"].as_str().unwrap())
        .collect();
    // The last source wins: the service's own ConfigMap.
    assert_eq!(sources, [SHARED_VARIABLES, "web"]);
    let own = documents(file(&manifests, "web"));
    assert_eq!(own[0]["data"]["CACHE_HOST"], "mine");
    assert_eq!(own[0]["data"]["DB_URL"], "postgres://elsewhere");
    let env = web["env"].as_array().unwrap();
    assert!(!env.iter().any(|e| e["name"] == "DB_URL"), "{env:?}");
    // Another service takes the shared value built from the secret.
    let api = container(file(&manifests, "api"));
    assert!(
        api["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "DB_URL")
    );
    // Dependencies take none of it, but the services' data they share.
    let db = container(file(&manifests, "db"));
    assert_eq!(
        db["envFrom"],
        serde_json::json!([
            {"configMapRef": {"name": DEPENDENCY_VARIABLES}},
            {"configMapRef": {"name": "db"}},
        ])
    );
    let data = &shared[1];
    assert_eq!(data["metadata"]["name"], DEPENDENCY_VARIABLES);
    assert_eq!(
        data["data"]["SERVICE_DATA"],
        r#"{"api":{},"jobs":{},"mailer":{},"web":{}}"#
    );
}

#[test]
fn a_persisted_dependency_is_a_stateful_set_with_a_claim() {
    let manifests = generate(&fixture(), "staging").unwrap();
    let db = file(&manifests, "db");
    assert_eq!(kinds(db), ["ConfigMap", "StatefulSet", "Service"]);
    let set = &documents(db)[1];
    let claim = &set["spec"]["volumeClaimTemplates"][0];
    assert_eq!(claim["metadata"]["name"], "data");
    assert_eq!(
        claim["spec"]["resources"]["requests"]["storage"],
        VOLUME_SIZE
    );
    let mount = &set["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0];
    assert_eq!(mount["mountPath"], "/var/lib/postgresql/data");
    assert_eq!(mount["name"], "data");
    // Nothing of its own to set: the services' data is shared.
    assert_eq!(kinds(file(&manifests, "cache")), ["Deployment", "Service"]);
}

#[test]
fn a_worker_without_a_port_has_no_service() {
    let manifests = generate(&fixture(), "staging").unwrap();
    assert_eq!(kinds(file(&manifests, "jobs")), ["ConfigMap", "Deployment"]);
    assert_eq!(
        kinds(file(&manifests, "mailer")),
        ["ConfigMap", "Deployment", "Service"]
    );
    assert_eq!(
        kinds(file(&manifests, "web")),
        ["ConfigMap", "Deployment", "Service", "Ingress"]
    );
}

#[test]
fn secrets_are_referenced_by_name_and_never_hold_a_value() {
    let manifests = generate(&fixture(), "staging").unwrap();
    let web = container(file(&manifests, "web"));
    let env = web["env"].as_array().unwrap();
    let token = env.iter().find(|e| e["name"] == "API_TOKEN").unwrap();
    assert_eq!(
        token["valueFrom"]["secretKeyRef"],
        serde_json::json!({"name": "remote-shop-secrets", "key": "API_TOKEN"})
    );
    assert!(token.get("value").is_none());
    // Built from a secret: filled in by Kubernetes from the entry before it.
    let url = env.iter().position(|e| e["name"] == "DB_URL").unwrap();
    let password = env
        .iter()
        .position(|e| e["name"] == "POSTGRES_PASSWORD")
        .unwrap();
    assert!(password < url);
    assert_eq!(
        env[url]["value"],
        "postgres://postgres:$(POSTGRES_PASSWORD)@db.shop-staging.svc:5432/postgres"
    );
    for (path, text) in &manifests.files {
        assert!(!text.contains("kind: Secret\n"), "{path} holds a Secret");
    }
}

#[test]
fn resources_replicas_and_labels() {
    let manifests = generate(&fixture(), "staging").unwrap();
    let docs = documents(file(&manifests, "web"));
    assert_eq!(docs[1]["spec"]["replicas"], 2);
    let web = container(file(&manifests, "web"));
    assert_eq!(web["resources"]["requests"]["cpu"], "250m");
    assert_eq!(web["resources"]["requests"]["memory"], "512Mi");
    assert_eq!(
        web["image"],
        "registry.example.com/shop/remoteshop-web:production"
    );
    let labels = &docs[1]["metadata"]["labels"];
    assert_eq!(labels["app.kubernetes.io/name"], "web");
    assert_eq!(labels["app.kubernetes.io/part-of"], "remote-shop");
    assert_eq!(labels["app.kubernetes.io/managed-by"], "exo");
    assert_eq!(labels["app.kubernetes.io/component"], "public");
}

#[test]
fn the_kustomization_lists_every_manifest() {
    let manifests = generate(&fixture(), "staging").unwrap();
    let (path, text) = manifests.files.last().unwrap();
    assert_eq!(path, "kubernetes/staging/kustomization.yaml");
    for (other, _) in &manifests.files[..manifests.files.len() - 1] {
        let relative = other.strip_prefix("kubernetes/staging/").unwrap();
        assert!(
            text.contains(&format!("- {relative}\n")),
            "{relative} missing"
        );
    }
}

#[test]
fn literal_dollars_stay_literal() {
    let mut app = fixture();
    let staging = app.remote.environments.get_mut("staging").unwrap();
    staging
        .environment
        .insert("PRICE".into(), "$(HOME) $5".into());
    let manifests = generate(&app, "staging").unwrap();
    // In a ConfigMap nothing is expanded, so the value is written as is.
    assert!(file(&manifests, "web").contains("PRICE: $(HOME) $5\n"));
}

#[test]
fn a_change_of_variables_changes_the_pod_template() {
    let checksum = |app: &Application| {
        let manifests = generate(app, "staging").unwrap();
        let docs = documents(file(&manifests, "web"));
        docs[1]["spec"]["template"]["metadata"]["annotations"]["checksum/config"].clone()
    };
    let mut app = fixture();
    let before = checksum(&app);
    assert_eq!(before.as_str().map(str::len), Some(64));
    let staging = app.remote.environments.get_mut("staging").unwrap();
    staging
        .environment
        .insert("LOG_LEVEL".into(), "debug".into());
    assert_ne!(checksum(&app), before);
}

#[test]
fn the_wait_image_is_the_environments_or_busybox() {
    let mut app = fixture();
    let web = file(&generate(&app, "staging").unwrap(), "web").to_owned();
    assert!(web.contains(&format!("image: {}", crate::core::deployed::WAIT_IMAGE)));
    app.remote.environments["staging"].wait_image = Some("mirror.example.com/busybox:1.36".into());
    let web = file(&generate(&app, "staging").unwrap(), "web").to_owned();
    assert!(
        web.contains("image: mirror.example.com/busybox:1.36"),
        "{web}"
    );
}

#[test]
fn an_image_no_registry_serves_is_a_warning() {
    let mut app = fixture();
    assert!(
        !generate(&app, "staging")
            .unwrap()
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::Unpullable { .. }))
    );
    app.remote.environments["staging"].registry = None;
    let warnings = generate(&app, "staging").unwrap().warnings;
    assert!(
        warnings
            .iter()
            .any(|w| matches!(w, Warning::Unpullable { workload, .. } if workload == "web")),
        "{warnings:?}"
    );
}
