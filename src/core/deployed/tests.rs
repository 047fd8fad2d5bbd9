use super::*;
use crate::core::model::{Application, Service, Target as Engine};
use std::path::Path;

fn fixture() -> Application {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/remote");
    crate::core::config::load(&dir).expect("the remote fixture loads")
}

fn hosts(name: &str) -> String {
    format!("{name}.test.svc")
}

fn plan(app: &Application, environment: &str) -> Result<Deployment, DeploymentError> {
    deploy(
        app,
        Target::Remote {
            environment,
            hosts: &hosts,
        },
    )
}

fn workload<'a>(plan: &'a Deployment, name: &str) -> &'a Container {
    plan.containers.iter().find(|w| w.name == name).unwrap()
}

#[test]
fn dependencies_come_first_then_services_each_sorted() {
    let plan = plan(&fixture(), "staging").unwrap();
    let names: Vec<&str> = plan.containers.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["cache", "db", "api", "jobs", "mailer", "web"]);
}

#[test]
fn a_service_waits_for_its_dependencies_then_its_depends_on() {
    let plan = plan(&fixture(), "staging").unwrap();
    let web = workload(&plan, "web");
    let order: Vec<&str> = web.waits_for.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(order, ["cache", "db", "api"]);
    assert_eq!(web.waits_for[2].host, "api.test.svc");
    assert_eq!(web.waits_for[2].port, Some(4000));
    // A dependency waits for nothing.
    assert!(workload(&plan, "db").waits_for.is_empty());
}

#[test]
fn an_http_checked_target_is_waited_for_over_http() {
    let mut app = fixture();
    let api = app.services.get_mut("api").unwrap();
    api.config.development.depends_on = vec!["web".into()];
    app.services
        .get_mut("web")
        .unwrap()
        .config
        .development
        .depends_on
        .clear();
    let plan = plan(&app, "staging").unwrap();
    let wait = workload(&plan, "api").waits_for.last().unwrap().clone();
    assert_eq!(wait.http_path.as_deref(), Some("/health"));
    assert_eq!(wait.entry().unwrap(), "web web.test.svc 8080 /health");
    let tcp = workload(&plan, "api").waits_for[0].clone();
    assert_eq!(tcp.entry().unwrap(), "cache cache.test.svc 6379");
}

#[test]
fn a_cycle_is_an_error_naming_it() {
    let mut app = fixture();
    app.services
        .get_mut("mailer")
        .unwrap()
        .config
        .development
        .depends_on = vec!["web".into()];
    let err = plan(&app, "staging").unwrap_err();
    assert_eq!(
        err,
        DeploymentError::Cycle(vec![
            "web".into(),
            "api".into(),
            "mailer".into(),
            "web".into()
        ])
    );
}

#[test]
fn waiting_for_a_workload_without_a_port_is_a_warning() {
    let mut app = fixture();
    app.services
        .get_mut("web")
        .unwrap()
        .config
        .development
        .depends_on = vec!["jobs".into()];
    let plan = plan(&app, "staging").unwrap();
    assert!(plan.warnings.contains(&Warning::CannotWait {
        workload: "web".into(),
        target: "jobs".into()
    }));
    assert!(plan.warnings.contains(&Warning::LogCheck {
        workload: "jobs".into(),
        text: "jobs ready".into()
    }));
}

#[test]
fn secrets_are_names_and_values_built_from_them_are_templates() {
    let plan = plan(&fixture(), "staging").unwrap();
    let web = workload(&plan, "web");
    assert_eq!(
        web.variables["API_TOKEN"],
        Value::Secret("API_TOKEN".into())
    );
    // The application's dependencies' variables are shared by every service.
    assert!(!web.variables.contains_key("DB_URL"));
    assert_eq!(
        plan.variables(web)["DB_URL"],
        Value::Template(vec![
            Part::Text("postgres://postgres:".into()),
            Part::Secret("POSTGRES_PASSWORD".into()),
            Part::Text("@db.test.svc:5432/postgres".into()),
        ])
    );
    let secrets: Vec<String> = plan.secrets(web).into_iter().collect();
    assert_eq!(secrets, ["API_TOKEN", "POSTGRES_PASSWORD"]);
}

#[test]
fn endpoints_use_the_target_hosts_and_the_environment_url() {
    let plan = plan(&fixture(), "staging").unwrap();
    let variables = plan.variables(workload(&plan, "jobs"));
    let literal = |name: &str| match &variables[name] {
        Value::Literal(text) => text.clone(),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(literal("API_INTERNAL_ORIGIN"), "http://api.test.svc:4000");
    assert_eq!(
        literal("WEB_EXTERNAL_ORIGIN"),
        "https://staging.shop.example.com"
    );
    assert_eq!(literal("MAILER_HOST"), "mailer.test.svc:2525");
    assert_eq!(literal("DB_HOST"), "db.test.svc");
    assert_eq!(literal("LOG_LEVEL"), "info");
}

#[test]
fn the_service_variables_win_over_the_environment_ones() {
    let mut app = fixture();
    let production = app.services.get_mut("web").unwrap();
    let env = production
        .config
        .remote
        .environments
        .get_mut("production")
        .unwrap();
    env.environment.insert("LOG_LEVEL".into(), "debug".into());
    let plan = plan(&app, "production").unwrap();
    assert_eq!(
        plan.variables(workload(&plan, "web"))["LOG_LEVEL"],
        Value::Literal("debug".into())
    );
}

#[test]
fn environments_are_chosen_by_target() {
    let app = fixture();
    assert_eq!(
        environments(&app, Engine::Kubernetes, None).unwrap(),
        ["staging"]
    );
    assert_eq!(
        environments(&app, Engine::Aws, None).unwrap(),
        ["production"]
    );
    assert!(matches!(
        environments(&app, Engine::Aws, Some("staging")),
        Err(DeploymentError::WrongTarget { .. })
    ));
    assert!(matches!(
        environments(&app, Engine::Swarm, None),
        Err(DeploymentError::NoEnvironment { target: "swarm" })
    ));
    assert!(matches!(
        environments(&app, Engine::Aws, Some("qa")),
        Err(DeploymentError::UnknownEnvironment { .. })
    ));
}

#[test]
fn names_that_clusters_refuse_are_errors() {
    let mut app = fixture();
    let web = app.services.shift_remove("web").unwrap();
    app.services.insert(
        "2fa".into(),
        Service {
            role: "2fa".into(),
            ..web.clone()
        },
    );
    assert!(matches!(
        plan(&app, "staging"),
        Err(DeploymentError::BadName { .. })
    ));
    app.services.shift_remove("2fa");
    app.services.insert(
        "Web".into(),
        Service {
            role: "Web".into(),
            ..web.clone()
        },
    );
    app.services.insert("web".into(), web);
    assert!(matches!(
        plan(&app, "staging"),
        Err(DeploymentError::NameClash { .. })
    ));
}

#[test]
fn without_a_health_check_a_port_is_the_probe_as_locally() {
    let mut app = fixture();
    app.services
        .get_mut("api")
        .unwrap()
        .config
        .development
        .health_check = None;
    let first = plan(&app, "staging").unwrap();
    let readiness = &workload(&first, "api").readiness;
    assert_eq!(readiness.check, ReadyCheck::Tcp { port: 4000 });
    assert!(!readiness.declared);
    // Nothing to probe without a port.
    app.services
        .get_mut("jobs")
        .unwrap()
        .config
        .development
        .health_check = None;
    let plan = plan(&app, "staging").unwrap();
    assert_eq!(workload(&plan, "jobs").readiness.check, ReadyCheck::Running);
}

#[test]
fn compose_keys_reach_the_local_files_only_and_remote_targets_warn() {
    let mut app = fixture();
    let keys = |value: serde_json::Value| crate::core::model::ComposeKeys {
        base: "web".to_owned(),
        keys: [("cap_add".to_owned(), value)].into_iter().collect(),
    };
    let web = &mut app.services["web"].config;
    web.compose = keys(serde_json::json!(["NET_ADMIN"]));
    web.development.compose = keys(serde_json::json!(["SYS_PTRACE"]));
    let local = |mode| deploy(&app, Target::Local(mode)).unwrap();
    let development = local(Mode::Development);
    assert_eq!(
        development.get("web").unwrap().compose.keys["cap_add"],
        serde_json::json!(["NET_ADMIN", "SYS_PTRACE"])
    );
    let production = local(Mode::Production);
    assert_eq!(
        production.get("web").unwrap().compose.keys["cap_add"],
        serde_json::json!(["NET_ADMIN"])
    );
    let remote = plan(&app, "staging").unwrap();
    assert!(workload(&remote, "web").compose.keys.is_empty());
    assert!(remote.warnings.contains(&Warning::ComposeOnly {
        workload: "web".to_owned(),
        keys: vec!["cap_add".to_owned()],
    }));
}

#[test]
fn the_services_data_most_dependencies_have_is_shared() {
    let mut app = fixture();
    let web = app.services.get_mut("web").unwrap();
    web.dependency_data
        .insert("cache".into(), serde_json::json!({"prefix": "web:"}));
    let plan = plan(&app, "staging").unwrap();
    let none = Value::Literal(r#"{"api":{},"jobs":{},"mailer":{},"web":{}}"#.into());
    assert_eq!(plan.shared_by_dependencies["SERVICE_DATA"], none);
    let db = workload(&plan, "db");
    assert!(!db.variables.contains_key("SERVICE_DATA"));
    assert_eq!(plan.variables(db)["SERVICE_DATA"], none);
    let cache =
        Value::Literal(r#"{"api":{},"jobs":{},"mailer":{},"web":{"prefix":"web:"}}"#.into());
    assert_eq!(workload(&plan, "cache").variables["SERVICE_DATA"], cache);
    assert_eq!(
        plan.variables(workload(&plan, "cache"))["SERVICE_DATA"],
        cache
    );
}

#[test]
fn services_share_the_applications_dependencies_variables_and_waits() {
    let mut app = fixture();
    let api = app.services.get_mut("api").unwrap();
    let own = api
        .config
        .remote
        .environments
        .entry("staging".into())
        .or_default();
    own.environment.insert("CACHE_HOST".into(), "mine".into());
    let plan = plan(&app, "staging").unwrap();
    let shared: Vec<&str> = plan.shared_waits.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(shared, ["cache", "db"]);
    let api = workload(&plan, "api");
    let (starts_with_shared, own_waits) = plan.own_waits(api);
    assert!(starts_with_shared);
    let own_waits: Vec<&str> = own_waits.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(own_waits, ["mailer"]);
    // The same wait, not a copy, for every service.
    let web = workload(&plan, "web");
    assert!(std::sync::Arc::ptr_eq(&api.waits_for[0], &web.waits_for[0]));
    assert_eq!(
        plan.dependency_variables["CACHE_HOST"],
        Value::Literal("cache.test.svc".into())
    );
    assert!(!web.variables.contains_key("CACHE_HOST"));
    // A service's own value wins over the shared one.
    assert_eq!(
        plan.variables(api)["CACHE_HOST"],
        Value::Literal("mine".into())
    );
    assert_eq!(
        plan.variables(web)["CACHE_HOST"],
        Value::Literal("cache.test.svc".into())
    );
    // A dependency waits for nothing and shares nothing of the services'.
    let (shared, none) = plan.own_waits(workload(&plan, "db"));
    assert!(!shared && none.is_empty());
}
