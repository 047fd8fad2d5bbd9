use super::*;
use crate::core::model::{Environment, Target};
use std::path::Path;

fn shop() -> Application {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop");
    crate::core::config::load(&dir).expect("the shop fixture loads")
}

fn staging(app: &Application) -> StackFile {
    compile_stack(&swarm(app, "staging").unwrap())
}

#[test]
fn the_shop_stack_file() {
    let app = shop();
    insta::assert_snapshot!(render_stack(&staging(&app)));
}

#[test]
fn services_come_after_what_they_need() {
    let app = shop();
    let stack = staging(&app);
    assert_eq!(stack.services["web"].exo.after, ["api"]);
    assert_eq!(stack.services["api"].exo.after, ["cache"]);
    assert!(stack.services["cache"].exo.after.is_empty());
    assert_eq!(stack.exo.stack, "shop-staging");
}

#[test]
fn images_carry_the_registry_and_a_tag_variable() {
    let app = shop();
    let stack = staging(&app);
    assert_eq!(
        stack.services["api"].image,
        "127.0.0.1:5000/shop-api:${EXO_TAG_API:-latest}"
    );
    assert_eq!(stack.services["cache"].image, "exo-base/redis:1");
}

#[test]
fn host_ports_stop_first_and_others_start_first() {
    let app = shop();
    let stack = staging(&app);
    let web = &stack.services["web"];
    assert_eq!(web.ports[0].mode, "host");
    assert_eq!(web.deploy.update_config.order, "stop-first");
    assert_eq!(
        stack.services["api"].deploy.update_config.order,
        "start-first"
    );
    for service in stack.services.values() {
        assert_eq!(service.deploy.endpoint_mode, "dnsrr");
    }
}

#[test]
fn http_and_tcp_checks_run_inside_the_container() {
    let app = shop();
    let stack = staging(&app);
    let test = |role: &str| {
        stack.services[role]
            .healthcheck
            .as_ref()
            .map(|h| h.test.0.join(" "))
    };
    assert!(
        test("api")
            .unwrap()
            .contains("http://127.0.0.1:4000/health")
    );
    assert!(test("cache").unwrap().contains("redis-cli"));
    // The worker says it is ready in its log: exo deploy reads the tasks' logs.
    assert_eq!(test("worker"), None);
    assert_eq!(stack.services["worker"].exo.readiness, "log");
    assert_eq!(
        stack.services["worker"].exo.ready_log.as_deref(),
        Some("worker ready")
    );
}

#[test]
fn environment_settings_secrets_and_limits() {
    let mut app = shop();
    let mut deployment = Environment::new(Target::Swarm);
    deployment.secrets = vec!["API_TOKEN".to_owned()];
    deployment
        .environment
        .insert("PRICE".to_owned(), "$5".to_owned());
    let api = &mut app.services["api"].config.remote;
    api.cpu = Some(512);
    api.memory = Some(256);
    api.replicas = 3;
    api.placement = vec!["node.role == worker".to_owned()];
    app.remote
        .environments
        .insert("prod".to_owned(), deployment);
    let stack = compile_stack(&swarm(&app, "prod").unwrap());
    let api = &stack.services["api"];
    assert_eq!(api.environment.variables["API_TOKEN"], "${API_TOKEN}");
    assert_eq!(api.environment.variables["PRICE"], "$$5");
    assert_eq!(api.deploy.replicas, 3);
    let limits = &api.deploy.resources.as_ref().unwrap().limits;
    assert_eq!(limits.cpus.as_deref(), Some("0.5"));
    assert_eq!(limits.memory.as_deref(), Some("256M"));
    assert_eq!(
        api.deploy.placement.as_ref().unwrap().constraints,
        ["node.role == worker"]
    );
    assert_eq!(api.image, "shop-api:${EXO_TAG_API:-latest}");
}

#[test]
fn persisted_dependencies_are_pinned_to_a_labelled_node() {
    let mut app = shop();
    app.dependencies.insert(
        "db".to_owned(),
        crate::core::model::Dependency {
            image: "postgres:16".to_owned(),
            persist: vec!["/var/lib/postgresql/data".to_owned()],
            environment: indexmap::IndexMap::new(),
            secrets: Vec::new(),
            port: Some(5432),
            host_port: None,
            health_check: None,
            compose: Default::default(),
        },
    );
    let stack = staging(&app);
    let db = &stack.services["db"];
    assert_eq!(db.exo.node_label.as_deref(), Some("exo.shop-staging.db"));
    assert_eq!(
        db.deploy.placement.as_ref().unwrap().constraints,
        ["node.labels.exo.shop-staging.db == true"]
    );
    assert_eq!(
        db.volumes,
        ["db__var_lib_postgresql_data:/var/lib/postgresql/data"]
    );
    assert!(stack.volumes.contains_key("db__var_lib_postgresql_data"));
}

#[test]
fn only_swarm_environments_get_a_file() {
    let mut app = shop();
    app.remote
        .environments
        .insert("prod".to_owned(), Environment::new(Target::Aws));
    let files: Vec<String> = render_stacks(&app)
        .unwrap()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(files, ["docker-compose/deploy_staging.yml"]);
}
