//! `exo test --security --static` through the binary: tests/apps/insecure
//! has one problem per rule, tests/apps/secure the same fixed. PATH is
//! emptied so that hadolint and Trivy are skipped the same way everywhere.

use crate::common::{exo, root, temp_copy};
use std::path::Path;

struct Scanned {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn scan(dir: &Path, extra: &[&str]) -> Scanned {
    let empty = tempfile::tempdir().expect("an empty PATH directory");
    scan_with_path(dir, empty.path(), extra)
}

fn scan_with_path(dir: &Path, path: &Path, extra: &[&str]) -> Scanned {
    let output = exo()
        .current_dir(dir)
        .env("PATH", path)
        .args(["test", "--security", "--static"])
        .args(extra)
        .output()
        .expect("run exo");
    Scanned {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `(rule, file:line:col)` of each finding, from the SARIF report.
fn found(dir: &Path, extra: &[&str]) -> (Scanned, Vec<(String, String)>, serde_json::Value) {
    let out = tempfile::tempdir().expect("a report directory");
    let sarif = out.path().join("report.sarif");
    let mut args = vec!["--sarif", sarif.to_str().expect("utf-8 path")];
    args.extend(extra);
    let scanned = scan(dir, &args);
    let text = std::fs::read_to_string(&sarif).expect("the SARIF report is written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let mut found: Vec<(String, String)> = json["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let l = &r["locations"][0]["physicalLocation"];
            let place = format!(
                "{}:{}:{}",
                l["artifactLocation"]["uri"].as_str().unwrap_or_default(),
                l["region"]["startLine"],
                l["region"]["startColumn"]
            );
            (r["ruleId"].as_str().unwrap_or_default().to_owned(), place)
        })
        .collect();
    found.sort();
    (scanned, found, json)
}

#[test]
fn each_rule_is_found_once_at_its_place() {
    let (scanned, found, _) = found(&root().join("tests/apps/insecure"), &[]);
    let expected = [
        ("EXO-S001", "application.yml:8:14"),
        ("EXO-S002", "web/Dockerfile.prod:1:1"),
        ("EXO-S003", "web/service.yml:8:24"),
        ("EXO-S004", "application.yml:11:28"),
        ("EXO-S005", "application.yml:9:18"),
        ("EXO-S006", "web/service.yml:4:1"),
        ("EXO-S007", "web/service.yml:1:1"),
        ("EXO-S008", "web/Dockerfile.prod:2:1"),
        ("EXO-S009", "web/Dockerfile.prod:3:1"),
        ("EXO-S010", "web/Dockerfile.prod:4:1"),
    ]
    .map(|(rule, place)| (rule.to_owned(), place.to_owned()));
    assert_eq!(found, expected, "{}", scanned.stdout);
    assert_eq!(scanned.code, Some(1), "{}", scanned.stderr);
    assert!(
        scanned.stdout.contains("\nweb\n"),
        "grouped by service: {}",
        scanned.stdout
    );
    assert!(
        scanned.stderr.contains("hadolint: skipped: not installed"),
        "{}",
        scanned.stderr
    );
    assert!(
        scanned.stderr.contains("trivy: skipped: not installed"),
        "{}",
        scanned.stderr
    );
}

#[test]
fn the_fixed_application_has_no_finding() {
    let (scanned, found, _) = found(&root().join("tests/apps/secure"), &[]);
    assert_eq!(found, [], "{}", scanned.stdout);
    assert_eq!(scanned.code, Some(0), "{}", scanned.stderr);
}

#[test]
fn fail_on_sets_the_exit_code_and_plain_security_needs_docker_for_its_dynamic_part() {
    let app = temp_copy(&root().join("tests/apps/insecure"));
    let empty = tempfile::tempdir().expect("an empty PATH directory");
    let output = exo()
        .current_dir(app.path())
        .env("PATH", empty.path())
        .args(["test", "--security"])
        .output()
        .expect("run exo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`docker` was not found"), "{stderr}");
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    let secure = root().join("tests/apps/secure");
    let (scanned, _, _) = found(&secure, &["--fail-on", "low"]);
    assert_eq!(scanned.code, Some(0), "{}", scanned.stderr);
}

/// A copy of the application `app` with a worker `admin` in `directory`,
/// built from `dockerfile`.
fn with_worker(app: &str, directory: &str, dockerfile: &str) -> tempfile::TempDir {
    let copy = temp_copy(&root().join(app));
    let dir = copy.path().join(directory);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("service.yml"), "type: worker\n").expect("service.yml");
    std::fs::write(dir.join("Dockerfile.prod"), dockerfile).expect("Dockerfile.prod");
    let file = copy.path().join("application.yml");
    let text = std::fs::read_to_string(&file).expect("application.yml");
    let added = format!("{text}  admin:\n    location: ./{directory}\n");
    std::fs::write(&file, added).expect("write application.yml");
    copy
}

#[test]
fn roles_narrow_the_scan_to_their_services_and_dependencies() {
    let app = with_worker("tests/apps/insecure", "admin", "FROM exo-base/busybox:1\n");
    let places = |roles: &[&str]| -> Vec<String> {
        let (_, found, _) = found(app.path(), roles);
        found
            .into_iter()
            .map(|(rule, place)| format!("{rule} {place}"))
            .collect()
    };
    let all = places(&[]);
    assert!(
        all.contains(&"EXO-S002 admin/Dockerfile.prod:1:1".to_owned()),
        "{all:?}"
    );
    let web = places(&["web"]);
    assert!(web.iter().all(|f| !f.contains("admin/")), "{web:?}");
    // web's own problems and those of the dependency it uses stay.
    assert!(
        web.contains(&"EXO-S002 web/Dockerfile.prod:1:1".to_owned()),
        "{web:?}"
    );
    assert!(
        web.contains(&"EXO-S005 application.yml:9:18".to_owned()),
        "{web:?}"
    );
    let unknown = scan(app.path(), &["nosuch"]);
    assert_eq!(unknown.code, Some(2), "{}", unknown.stderr);
    assert!(unknown.stderr.contains("nosuch"), "{}", unknown.stderr);
}

#[test]
fn an_expired_suppression_is_a_finding_again_and_a_current_one_holds() {
    let app = temp_copy(&root().join("tests/apps/insecure"));
    let service = app.path().join("web/service.yml");
    let mut text = std::fs::read_to_string(&service).expect("service.yml");
    text.push_str(
        "security:\n  ignore:\n    - rule: EXO-S003\n      reason: an example key\n      until: 2020-01-01\n    - rule: EXO-S010\n      reason: a sample file\n      until: 2999-12-31\n",
    );
    std::fs::write(&service, text).expect("write service.yml");
    let (scanned, found, _) = found(app.path(), &[]);
    let rules: Vec<&str> = found.iter().map(|(rule, _)| rule.as_str()).collect();
    assert!(rules.contains(&"EXO-S003"), "{rules:?}");
    assert!(!rules.contains(&"EXO-S010"), "{rules:?}");
    assert!(
        scanned.stdout.contains("expired on 2020-01-01"),
        "{}",
        scanned.stdout
    );
}

#[test]
fn an_unknown_rule_is_a_configuration_error_with_its_place() {
    let app = temp_copy(&root().join("tests/apps/secure"));
    let service = app.path().join("web/service.yml");
    let text = std::fs::read_to_string(&service).expect("service.yml");
    std::fs::write(&service, text.replace("EXO-S010", "EXO-S999")).expect("write");
    let scanned = scan(app.path(), &[]);
    assert_eq!(scanned.code, Some(2), "{}", scanned.stderr);
    assert!(
        scanned.stderr.contains("unknown security rule `EXO-S999`"),
        "{}",
        scanned.stderr
    );
    assert!(
        scanned.stderr.contains("web/service.yml:14:13"),
        "{}",
        scanned.stderr
    );
}

/// Checks `sarif` against the SARIF 2.1.0 schema kept in tests/schemas.
pub(crate) fn assert_valid_sarif(sarif: &serde_json::Value) {
    let schema_text = std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json"))
        .expect("the SARIF schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("a schema validator");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors, Vec::<String>::new());
}

#[test]
fn sarif_is_valid_sarif_2_1_0_and_junit_matches_its_schema() {
    let out = tempfile::tempdir().expect("a report directory");
    let junit = out.path().join("security.xml");
    let (_, _, sarif) = found(
        &root().join("tests/apps/insecure"),
        &["--junit", junit.to_str().expect("utf-8 path")],
    );
    assert_valid_sarif(&sarif);
    let xmllint = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("tests/schemas/junit.xsd"))
        .arg(&junit)
        .output()
        .expect("xmllint runs (libxml2-utils)");
    assert!(
        xmllint.status.success(),
        "{}",
        String::from_utf8_lossy(&xmllint.stderr)
    );
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    assert!(
        xml.contains("<testcase name=\"EXO-S002\" classname=\"insecure.security.web\""),
        "{xml}"
    );
}

#[test]
fn hadolints_findings_are_merged_and_a_missing_trivy_is_skipped() {
    let hadolint = crate::deployment::tool("hadolint");
    // The tools' directory holds Trivy too: a PATH with hadolint alone.
    let bin = tempfile::tempdir().expect("a PATH directory");
    std::os::unix::fs::symlink(&hadolint, bin.path().join("hadolint")).expect("link hadolint");
    let scanned = scan_with_path(&root().join("tests/apps/insecure"), bin.path(), &[]);
    assert!(
        scanned
            .stdout
            .contains("DL4006    web/Dockerfile.prod:3:1:"),
        "{}",
        scanned.stdout
    );
    assert!(
        scanned.stderr.contains("Ran hadolint"),
        "{}",
        scanned.stderr
    );
    assert!(
        scanned.stderr.contains("trivy: skipped: not installed"),
        "{}",
        scanned.stderr
    );
}

#[test]
fn a_suppression_without_a_date_for_until_is_a_configuration_error() {
    let app = temp_copy(&root().join("tests/apps/secure"));
    let service = app.path().join("web/service.yml");
    let mut text = std::fs::read_to_string(&service).expect("service.yml");
    text.push_str("      until: soon\n");
    std::fs::write(&service, text).expect("write");
    let scanned = scan(app.path(), &[]);
    assert_eq!(scanned.code, Some(2), "{}", scanned.stderr);
    assert!(
        scanned
            .stderr
            .contains("`security.ignore[].until` must be a date"),
        "{}",
        scanned.stderr
    );
}

#[test]
fn the_schema_takes_every_rule_id_and_no_other() {
    let text = std::fs::read_to_string(root().join("schemas/service.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("a schema validator");
    let with = |rule: &str| serde_json::json!({"type": "public", "security": {"ignore": [{"rule": rule, "reason": "x"}]}});
    for rule in exo::core::model::security::RULES {
        assert!(validator.is_valid(&with(rule.id)), "{}", rule.id);
    }
    assert!(!validator.is_valid(&with("EXO-S024")));
    assert!(!validator.is_valid(&with("EXO-S000")));
}

#[test]
fn a_scanners_finding_belongs_to_the_service_whose_directory_holds_the_file() {
    let app = with_worker(
        "tests/apps/secure",
        "admin-service",
        "FROM exo-base/busybox:1\nRUN cd /tmp && touch x\nUSER 1000\n",
    );
    let hadolint = crate::deployment::tool("hadolint");
    let bin = tempfile::tempdir().expect("a PATH directory");
    std::os::unix::fs::symlink(&hadolint, bin.path().join("hadolint")).expect("link hadolint");
    let admin = scan_with_path(app.path(), bin.path(), &["admin"]);
    assert!(
        admin
            .stdout
            .contains("\nadmin\n  medium   DL3003    admin-service/Dockerfile.prod:2:1"),
        "{}",
        admin.stdout
    );
    let web = scan_with_path(app.path(), bin.path(), &["web"]);
    assert!(!web.stdout.contains("DL3003"), "{}", web.stdout);
}
