use super::*;

const SHOP: &str = r#"
name: shop
services:
  web:
    build: ./web
    image: shop-web
    ports: ["3000:8080", "9229:9229"]
    command: ["node", "server.js", "--port", "8080"]
    environment:
      LOG_LEVEL: debug
      API_TOKEN: ${API_TOKEN}
      PRICE: "$$5"
    env_file: [./web/.env, ./common.env]
    depends_on:
      db: {condition: service_healthy}
      worker: {condition: service_started}
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://localhost:8080/health"]
      interval: 5s
      retries: 3
    volumes: [./web:/app, cache:/root/.cache]
    extra_hosts: ["payments.local:host-gateway"]
    cap_add: [NET_ADMIN]
    x-team: payments
    container_name: shop-web
  worker:
    build: {context: ./worker, dockerfile: Dockerfile.worker, args: {V: 1}}
    restart: "no"
    profiles: [jobs]
  db:
    image: postgres:16
    environment: [POSTGRES_PASSWORD=secret]
    volumes: [db-data:/var/lib/postgresql/data, ./init.sql:/docker-entrypoint-initdb.d/init.sql]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
  cache:
    image: redis:7
    command: redis-server --appendonly yes
    ports: ["6379"]
volumes:
  db-data:
  cache:
    driver: local
secrets:
  token: {file: ./token.txt}
"#;

fn shop() -> Imported {
    import(SHOP, "docker-compose.yml", "Shop App").unwrap()
}

#[test]
fn built_services_and_dependencies_are_written_in_exo_words() {
    let imported = shop();
    assert_eq!(imported.name, "shop");
    insta::assert_snapshot!("application", imported.application);
    let web = &imported.services[0];
    assert_eq!((web.role.as_str(), web.location.as_str()), ("web", "web"));
    assert_eq!(web.dockerfile, "web/Dockerfile");
    insta::assert_snapshot!("web", web.text);
    let worker = &imported.services[1];
    assert_eq!(worker.dockerfile, "worker/Dockerfile.worker");
    insta::assert_snapshot!("worker", worker.text);
}

#[test]
fn every_key_is_accounted_for() {
    let notes: Vec<String> = shop()
        .notes
        .iter()
        .map(|note| match note {
            Note::Mapped { service, key, to } => format!("mapped {service}.{key} -> {to}"),
            Note::PassedThrough { service, keys } => {
                format!("passed {service}: {}", keys.join(", "))
            }
            Note::Dropped { service, key, why } => format!("dropped {service}.{key}: {why}"),
        })
        .collect();
    insta::assert_snapshot!("notes", notes.join("\n"));
}

#[test]
fn names_that_are_not_roles_are_renamed_and_clashes_refused() {
    let text = "services:\n  my_api:\n    build: .\n  cache.v2:\n    image: redis:7\n";
    let imported = import(text, "compose.yaml", "x").unwrap();
    assert_eq!(imported.services[0].role, "my-api");
    assert!(imported.application.contains("cache-v2:"));
    let clash = import(
        "services:\n  a_b:\n    image: x\n  a-b:\n    image: y\n",
        "c",
        "x",
    );
    assert!(matches!(clash, Err(ImportError::NameClash { .. })));
}

#[test]
fn files_without_services_or_with_shared_contexts_are_refused() {
    assert_eq!(
        import("name: x\n", "compose.yaml", "x").unwrap_err(),
        ImportError::NoServices {
            file: "compose.yaml".to_owned()
        }
    );
    let shared = "services:\n  a:\n    build: ./app\n  b:\n    build: {context: app}\n";
    assert!(matches!(
        import(shared, "c", "x"),
        Err(ImportError::SharedLocation { .. })
    ));
    assert!(matches!(
        import("services: [\n", "c", "x"),
        Err(ImportError::Syntax { .. })
    ));
}

#[test]
fn paths_are_rewritten_from_the_service_directory() {
    assert_eq!(relative_to("./web/.env", "web"), "./.env");
    assert_eq!(relative_to("./common.env", "web"), "../common.env");
    assert_eq!(relative_to("./web", "web"), ".");
    assert_eq!(relative_to("./a/b", "a/c"), "../b");
    assert_eq!(relative_to("/etc/x", "web"), "/etc/x");
    assert_eq!(relative_to("./x", "."), "./x");
}
