//! End-to-end test of `exo test --security --dynamic` on the real Docker
//! Engine with tests/apps/exposed: busybox httpd as root with pages
//! without security headers and a second, undeclared listener, and a Redis
//! that serves a client without a password; Trivy (from
//! scripts/provision.sh) finds the token left in the web image. The [`Project`] guard removes
//! everything of its project, passed or failed.

use crate::common::root;
use crate::docker::require_docker;
use crate::e2e_test::assert_valid_junit;
use crate::e2e_up::{Project, UP_TIMEOUT, finish};

#[test]
fn e2e_security_dynamic_finds_each_problem_of_the_running_application() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("security", &root().join("tests/apps/exposed"));
    let sarif = project.dir().join("security.sarif");
    let junit = project.dir().join("security.xml");
    let trivy = crate::deployment::tool("trivy");
    let tools = trivy.parent().expect("the tools' directory");
    let path = format!(
        "{}:{}",
        tools.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut exo = project.exo();
    // A cache of its own: no vulnerability database a developer may have.
    exo.env("PATH", path)
        .env("TRIVY_CACHE_DIR", project.dir().join("trivy-cache"))
        .args(["test", "--security", "--dynamic", "-p", &project.name])
        .arg("--sarif")
        .arg(&sarif)
        .arg("--junit")
        .arg(&junit);
    let ran = finish(exo, UP_TIMEOUT);
    project.assert_nothing_left(&ran);
    ran.assert_code(1);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap_or_default())
            .unwrap_or_else(|err| panic!("the SARIF report: {err}\n{ran}"));
    let mut found: Vec<String> = report["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let l = &r["locations"][0]["physicalLocation"];
            format!(
                "{} {}:{}:{}",
                r["ruleId"].as_str().unwrap_or_default(),
                l["artifactLocation"]["uri"].as_str().unwrap_or_default(),
                l["region"]["startLine"],
                l["region"]["startColumn"]
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "EXO-S011 web/service.yml:5:9",
            "EXO-S012 web/service.yml:5:9",
            "EXO-S013 web/service.yml:5:9",
            "EXO-S021 web/service.yml:5:9",
            "EXO-S022 application.yml:10:14",
            "EXO-S022 web/Dockerfile.prod:1:1",
            "EXO-S023 application.yml:10:14",
            "github-pat web/Dockerfile.prod:1:1",
        ],
        "{ran}"
    );
    assert!(ran.stdout.contains("9229"), "{ran}");
    // No vulnerability database here: that scan is skipped, not passed.
    assert!(
        ran.stderr.contains(
            "trivy image --scanners vuln (the built images): skipped: no vulnerability database"
        ),
        "{ran}"
    );
    crate::security::assert_valid_sarif(&report);
    let zap = &report["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|rule| rule["id"] == "EXO-S011")
        .expect("EXO-S011 is listed")["properties"]["zap"];
    assert_eq!(zap, 10021, "{ran}");
    assert_valid_junit(&std::fs::read_to_string(&junit).unwrap_or_default(), &ran);
}
