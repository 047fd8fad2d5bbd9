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

fn one(text: &str) -> Result<Imported, ImportError> {
    import(
        &[ComposeText {
            name: "compose.yaml",
            text,
        }],
        "x",
    )
}

fn shop() -> Imported {
    import(
        &[ComposeText {
            name: "docker-compose.yml",
            text: SHOP,
        }],
        "Shop App",
    )
    .unwrap()
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
    let imported = one(text).unwrap();
    assert_eq!(imported.services[0].role, "my-api");
    assert!(imported.application.contains("cache-v2:"));
    let clash = one("services:\n  a_b:\n    image: x\n  a-b:\n    image: y\n");
    assert!(matches!(clash, Err(ImportError::NameClash { .. })));
}

#[test]
fn files_without_services_or_with_shared_contexts_are_refused() {
    assert_eq!(
        one("name: x\n").unwrap_err(),
        ImportError::NoServices {
            file: "compose.yaml".to_owned()
        }
    );
    let shared = "services:\n  a:\n    build: ./app\n  b:\n    build: {context: app}\n";
    assert!(matches!(
        one(shared),
        Err(ImportError::SharedLocation { .. })
    ));
    assert!(matches!(
        one("services: [\n"),
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

#[test]
fn an_override_file_merges_as_compose_merges_it() {
    let base = "services:\n  web:\n    build: ./web\n    command: [serve]\n    ports: ['3000:80']\n    environment: {A: '1', B: '2'}\n";
    let over = "services:\n  web:\n    command: [serve, --dev]\n    ports: ['3000:80', '9229:9229']\n    environment: {B: '3'}\n  cache:\n    image: redis:7\n";
    let files = [
        ComposeText {
            name: "docker-compose.yml",
            text: base,
        },
        ComposeText {
            name: "docker-compose.override.yml",
            text: over,
        },
    ];
    let imported = import(&files, "x").unwrap();
    let web = &imported.services[0].text;
    assert!(web.contains("run: serve --dev"), "{web}");
    assert!(
        web.contains("A: \"1\"") && web.contains("B: \"3\""),
        "{web}"
    );
    assert!(
        web.contains("9229:9229") && web.matches("3000").count() == 1,
        "{web}"
    );
    assert!(imported.application.contains("cache:"));
    assert!(
        imported
            .application
            .starts_with("# Imported from docker-compose.yml + docker-compose.override.yml")
    );
}
