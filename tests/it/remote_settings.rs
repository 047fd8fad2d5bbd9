//! The remote settings that change what a cluster runs, through the binary:
//! the probes' timing, the wait image, HTTPS only with a certificate, and a
//! warning for an image that only this machine has.

use crate::common::exo;
use crate::deployment::{terraform_fmt_check, validate_manifests};
use crate::docker::require_docker;
use std::path::Path;

/// A public web service waiting for a cache, deployed to Kubernetes
/// (`staging`) and AWS (`production`); `environments` is added under
/// `remote.environments` and `web_remote` under the service's `remote`.
fn app(cache_image: &str, environments: &str, web_remote: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("application.yml"),
        format!(
            "name: shop
local:
  dependencies:
    cache:
      image: {cache_image}
      port: 6379
remote:
  environments:
{environments}services:
  web:
    location: ./web
"
        ),
    )
    .unwrap();
    std::fs::create_dir(temp.path().join("web")).unwrap();
    let mut urls = String::new();
    for (environment, url) in [
        ("staging", "staging.shop.example.com"),
        ("production", "shop.example.com"),
    ] {
        if environments.contains(&format!("    {environment}:\n")) {
            urls.push_str(&format!("    {environment}:\n      url: {url}\n"));
        }
    }
    std::fs::write(
        temp.path().join("web/service.yml"),
        format!(
            "type: public
development:
  port: 8080
  health-check: /health
remote:
  cpu: 256
  memory: 512
{web_remote}  environments:
{urls}"
        ),
    )
    .unwrap();
    temp
}

const STAGING: &str = "    staging:
      target: kubernetes
      registry: registry.example.com/shop
";

fn production(certificate: bool) -> String {
    let certificate = if certificate {
        "      ssl-certificate-arn: arn:aws:acm:eu-west-1:123456789012:certificate/abc\n"
    } else {
        ""
    };
    format!(
        "    production:
      target: aws
      region: eu-west-1
      account-id: \"123456789012\"
      registry: 123456789012.dkr.ecr.eu-west-1.amazonaws.com
{certificate}"
    )
}

/// Runs `exo generate TARGET` in `dir`; its stderr.
fn generate(dir: &Path, target: &str) -> String {
    let output = exo()
        .args(["generate", target])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// The value of `key:` on the first line after `after` that has it.
fn value_after(text: &str, after: &str, key: &str) -> String {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("no {after} in {text}"));
    text[start..]
        .lines()
        .find_map(|line| line.trim().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} after {after}"))
        .to_owned()
}

#[test]
fn probes_get_production_timing_and_the_settings_of_remote_health_check() {
    let defaults = app("redis:7", STAGING, "");
    generate(defaults.path(), "kubernetes");
    let web = read(defaults.path(), "kubernetes/staging/manifests/web.yaml");
    // Not the development check's one second: a cluster's default.
    assert_eq!(value_after(&web, "readinessProbe:", "periodSeconds"), "10");
    assert_eq!(value_after(&web, "livenessProbe:", "periodSeconds"), "10");
    assert!(web.contains("startupProbe:"), "{web}");

    let set = app(
        "redis:7",
        STAGING,
        "  health-check:\n    interval: 30s\n    retries: 5\n    start-period: 2m\n",
    );
    generate(set.path(), "kubernetes");
    let manifest = set.path().join("kubernetes/staging/manifests/web.yaml");
    let web = std::fs::read_to_string(&manifest).unwrap();
    for probe in ["readinessProbe:", "livenessProbe:", "startupProbe:"] {
        assert_eq!(value_after(&web, probe, "periodSeconds"), "30", "{probe}");
    }
    assert_eq!(value_after(&web, "livenessProbe:", "failureThreshold"), "5");
    // Two minutes of start allowance at 30 s a probe (four), then the
    // five failures that liveness allows.
    assert_eq!(value_after(&web, "startupProbe:", "failureThreshold"), "9");
    validate_manifests(&[manifest]);
}

#[test]
fn the_wait_image_of_an_environment_reaches_both_targets() {
    let environments = format!(
        "{STAGING}      wait-image: mirror.example.com/tools/busybox:1.36\n{}      wait-image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/busybox:1.36\n",
        production(true)
    );
    let temp = app("redis:7", &environments, "");
    generate(temp.path(), "kubernetes");
    let web = read(temp.path(), "kubernetes/staging/manifests/web.yaml");
    assert!(
        web.contains("image: mirror.example.com/tools/busybox:1.36"),
        "{web}"
    );
    assert!(!web.contains("image: busybox"), "{web}");

    generate(temp.path(), "terraform");
    assert!(read(temp.path(), "terraform/main.tf").contains("= var.wait_image"));
    let values = read(temp.path(), "terraform/production.tfvars");
    assert!(
        values.contains("\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/busybox:1.36\""),
        "{values}"
    );
    terraform_fmt_check(&temp.path().join("terraform"));
}

#[test]
fn https_only_with_a_certificate() {
    let with = app("redis:7", &production(true), "");
    let stderr = generate(with.path(), "terraform");
    assert!(!stderr.contains("plain HTTP"), "{stderr}");
    let values = read(with.path(), "terraform/production.tfvars");
    assert!(
        values.contains("WEB_EXTERNAL_ORIGIN = \"https://shop.example.com\""),
        "{values}"
    );

    let without = app("redis:7", &production(false), "");
    let stderr = generate(without.path(), "terraform");
    assert!(
        stderr.contains(
            "the environment `production` has no `ssl-certificate-arn`: its load balancer listens on plain HTTP (port 80)"
        ),
        "{stderr}"
    );
    let values = read(without.path(), "terraform/production.tfvars");
    assert!(
        values.contains("WEB_EXTERNAL_ORIGIN = \"http://shop.example.com\""),
        "{values}"
    );
    assert!(!values.contains("https://"), "{values}");
    // The listener follows the certificate variable, which stays null.
    let main = read(without.path(), "terraform/main.tf");
    assert!(
        main.contains("protocol          = var.certificate_arn == null ? \"HTTP\" : \"HTTPS\""),
        "{main}"
    );
    assert!(values.contains("certificate_arn = null"), "{values}");
}

/// `exo-base/redis:1` is built by scripts/provision.sh: the engine has it
/// without a registry's digest. `redis:7` is not on this machine at all,
/// so a cluster may well pull it from Docker Hub: no word.
#[test]
fn an_image_that_only_this_machine_has_is_a_warning() {
    if require_docker().is_none() {
        return;
    }
    let local = app("exo-base/redis:1", STAGING, "");
    let stderr = generate(local.path(), "kubernetes");
    assert!(
        stderr.contains(
            "exo-base/redis:1 (used by cache) exists on this machine but came from no registry: Kubernetes cannot pull it"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("busybox"), "{stderr}");

    let pulled = app("redis:7", STAGING, "");
    let stderr = generate(pulled.path(), "kubernetes");
    assert!(!stderr.contains("came from no registry"), "{stderr}");
}

const HARDENING: &str = "  hardening:
    add-capabilities: [NET_ADMIN, CAP_SYS_PTRACE]
    privilege-escalation: true
    read-only-root: true
    run-as-non-root: true
";

#[test]
fn remote_hardening_tightens_and_relaxes_the_secure_defaults() {
    let environments = format!("{STAGING}{}", production(true));
    let defaults = app("redis:7", &environments, "");
    generate(defaults.path(), "kubernetes");
    generate(defaults.path(), "terraform");
    let web = read(defaults.path(), "kubernetes/staging/manifests/web.yaml");
    assert!(web.contains("allowPrivilegeEscalation: false"), "{web}");
    assert!(!web.contains("NET_ADMIN"), "{web}");
    let read_only = |dir: &Path| {
        read(dir, "terraform/main.tf")
            .matches("readonlyRootFilesystem")
            .count()
    };

    let hardened = app("redis:7", &environments, HARDENING);
    generate(hardened.path(), "kubernetes");
    let manifest = hardened
        .path()
        .join("kubernetes/staging/manifests/web.yaml");
    let web = std::fs::read_to_string(&manifest).unwrap();
    let container = &web[web.find("\n      containers:").unwrap()..];
    for expected in [
        "allowPrivilegeEscalation: true",
        "- NET_BIND_SERVICE",
        "- NET_ADMIN",
        "- SYS_PTRACE",
        "readOnlyRootFilesystem: true",
        "runAsNonRoot: true",
    ] {
        assert!(
            container.contains(expected),
            "{expected} missing:\n{container}"
        );
    }
    // The dependency keeps exo's defaults.
    let cache = read(hardened.path(), "kubernetes/staging/manifests/cache.yaml");
    assert!(cache.contains("allowPrivilegeEscalation: false"), "{cache}");
    assert!(!cache.contains("NET_ADMIN"), "{cache}");
    validate_manifests(&[manifest]);

    // ECS has a read-only root of all four: one more container has it.
    generate(hardened.path(), "terraform");
    assert_eq!(read_only(hardened.path()), read_only(defaults.path()) + 1);
    terraform_fmt_check(&hardened.path().join("terraform"));
}

#[test]
fn a_capability_that_is_no_linux_name_is_refused_with_its_place() {
    let temp = app(
        "redis:7",
        STAGING,
        "  hardening:\n    add-capabilities: [net-admin]\n",
    );
    let output = exo()
        .arg("check")
        .current_dir(temp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("web/service.yml:9:24"), "{stderr}");
    assert!(
        stderr.contains("`net-admin` is not a Linux capability's name"),
        "{stderr}"
    );
}
