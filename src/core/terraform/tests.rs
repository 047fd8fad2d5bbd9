use super::*;
use std::path::Path;

fn fixture() -> Application {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/remote");
    crate::core::config::load(&dir).expect("the remote fixture loads")
}

fn text<'a>(files: &'a TerraformFiles, name: &str) -> &'a str {
    files
        .files
        .iter()
        .find(|(p, _)| p == &format!("terraform/{name}"))
        .map(|(_, t)| t.as_str())
        .unwrap()
}

#[test]
fn services_wait_through_one_waiter_container_and_terraform_order() {
    let files = generate(&fixture(), &["production".into()]).unwrap();
    let main = text(&files, "main.tf");
    // The application's dependencies, once, for every service's waiter.
    assert!(main.contains(
        "  shared_waits = [\n    \"cache cache.${local.namespace} 6379\",\n    \"db db.${local.namespace} 5432\",\n  ]\n"
    ));
    let web = &main[main
        .find("resource \"aws_ecs_task_definition\" \"web\"")
        .unwrap()..];
    let web = &web[..web.find("\n}\n").unwrap()];
    let waiters = web
        .lines()
        .filter(|l| l.trim() == "name                   = \"wait\"");
    assert_eq!(waiters.count(), 1, "{web}");
    assert!(
        web.contains(", \"wait\"], local.shared_waits, [\"api api.${local.namespace} 4000\"])")
    );
    assert!(web.contains("containerName = \"wait\"\n          condition     = \"SUCCESS\""));
    let service = &main[main.find("resource \"aws_ecs_service\" \"web\"").unwrap()..];
    assert!(service.contains(
        "  depends_on = [\n    terraform_data.application_dependencies,\n    aws_ecs_service.api,\n"
    ));
    assert!(service.contains("wait_for_steady_state = true"));
    assert!(main.contains(
        "resource \"terraform_data\" \"application_dependencies\" {\n  depends_on = [\n    aws_ecs_service.cache,\n    aws_ecs_service.db,\n  ]\n}\n"
    ));
    // A dependency waits for nothing.
    let db = &main[main
        .find("resource \"aws_ecs_task_definition\" \"db\"")
        .unwrap()..];
    assert!(!db[..db.find("\n}\n").unwrap()].contains("wait"));
}

#[test]
fn shared_variables_are_written_once_and_a_services_own_win() {
    let files = generate(&fixture(), &["production".into()]).unwrap();
    let values = text(&files, "production.tfvars");
    let shared = &values[values.find("shared_variables = {").unwrap()..];
    let shared = &shared[..shared.find("\n}\n").unwrap()];
    assert!(shared.contains("CACHE_HOST          = \"cache.production-remote-shop.local\""));
    assert!(
        shared.contains("API_INTERNAL_ORIGIN = \"http://api.production-remote-shop.local:4000\"")
    );
    let web = &values[values.find("  web = {").unwrap()..];
    assert!(!web[..web.find("\n  }\n").unwrap()].contains("CACHE_HOST"));
    let main = text(&files, "main.tf");
    assert!(main.contains(
        "environment = [for name, value in merge(var.shared_variables, var.variables[\"web\"]) : { name = name, value = value } if !contains(keys(var.secrets[\"web\"]), name)]"
    ));
    assert!(main.contains(
        "secrets     = [for name, arn in merge(var.shared_secrets, var.secrets[\"web\"]) : { name = name, valueFrom = arn } if !contains(keys(var.variables[\"web\"]), name)]"
    ));
}

#[test]
fn a_command_check_is_the_container_health_check() {
    let files = generate(&fixture(), &["production".into()]).unwrap();
    let main = text(&files, "main.tf");
    let mailer = &main[main
        .find("resource \"aws_ecs_task_definition\" \"mailer\"")
        .unwrap()..];
    assert!(mailer.contains(
        "healthCheck = {\n        command = [\n          \"CMD-SHELL\",\n          \"nc -z localhost 2525\",\n        ]"
    ));
    assert!(mailer.contains("retries     = 5"));
}

#[test]
fn a_persisted_dependency_gets_a_file_system() {
    let files = generate(&fixture(), &["production".into()]).unwrap();
    let main = text(&files, "main.tf");
    assert!(main.contains("resource \"aws_efs_file_system\" \"db\""));
    assert!(main.contains("containerPath = \"/var/lib/postgresql/data\""));
    assert!(!main.contains("resource \"aws_efs_file_system\" \"cache\""));
}

#[test]
fn secrets_are_arns_from_the_environment_or_its_ssm_path() {
    let files = generate(&fixture(), &["production".into()]).unwrap();
    let values = text(&files, "production.tfvars");
    let line = |name: &str| {
        values
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap()
            .split_once(" = ")
            .unwrap()
            .1
            .to_owned()
    };
    assert_eq!(
        line("API_TOKEN"),
        "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/api-token\""
    );
    assert_eq!(
        line("STRIPE_KEY"),
        "\"arn:aws:ssm:eu-west-1:123456789012:parameter/remote-shop/production/STRIPE_KEY\""
    );
    // A value built from a secret cannot be assembled by ECS.
    assert!(!values.contains("DB_URL"));
    assert!(files.warnings.contains(&Warning::SecretInValue {
        workload: "web".into(),
        variable: "DB_URL".into()
    }));
}

#[test]
fn a_public_service_needs_its_url_and_secrets_an_arn() {
    let mut app = fixture();
    let web = app.services.get_mut("web").unwrap();
    web.config.remote.environments.shift_remove("production");
    assert!(matches!(
        generate(&app, &["production".into()]),
        Err(DeploymentError::MissingUrl { .. })
    ));
    let mut app = fixture();
    let production = app.remote.environments.get_mut("production").unwrap();
    production.region = None;
    assert!(matches!(
        generate(&app, &["production".into()]),
        Err(DeploymentError::MissingSecretArn { .. })
    ));
}

#[test]
fn template_syntax_in_values_is_escaped() {
    let files = generate(&fixture(), &["production".into()]).unwrap();
    assert!(text(&files, "production.tfvars").contains("\"checkout,$${not-a-template}\""));
}

/// HTTPS only with a certificate: without one the load balancer listens on
/// plain HTTP, the external origins say http://, and a warning says why.
#[test]
fn origins_follow_the_certificate() {
    let mut app = fixture();
    let files = generate(&app, &["production".to_owned()]).unwrap();
    assert!(text(&files, "production.tfvars").contains("\"https://"));
    assert!(
        !files
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::PlainHttp { .. }))
    );
    app.remote.environments["production"].ssl_certificate_arn = None;
    let files = generate(&app, &["production".to_owned()]).unwrap();
    let values = text(&files, "production.tfvars");
    assert!(
        values.contains("\"http://") && !values.contains("https://"),
        "{values}"
    );
    assert!(files.warnings.contains(&Warning::PlainHttp {
        environment: "production".into()
    }));
}

#[test]
fn the_wait_image_is_a_variable_each_environment_sets() {
    let mut app = fixture();
    app.remote.environments["production"].wait_image =
        Some("mirror.example.com/busybox:1.36".into());
    let files = generate(&app, &["production".to_owned()]).unwrap();
    assert!(text(&files, "main.tf").contains("= var.wait_image"));
    assert!(text(&files, "variables.tf").contains("variable \"wait_image\""));
    assert!(
        text(&files, "production.tfvars")
            .contains("wait_image      = \"mirror.example.com/busybox:1.36\"")
    );
}
