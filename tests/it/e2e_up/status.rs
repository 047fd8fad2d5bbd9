//! `exo status` on a running project: every kind of readiness check judged
//! as exo judges it, and a stopped container named.

use super::*;

#[test]
fn status_judges_every_kind_of_check_and_names_a_stopped_container() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("status", &root().join("tests/apps/probes"));
    project.up(&[]).assert_code(0);
    let status = |format: &str| {
        let mut exo = project.exo();
        exo.args(["status", "-p", &project.name, "--format", format]);
        finish(exo, DOCKER_TIMEOUT)
    };

    let ran = status("json");
    ran.assert_code(0);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON on stdout");
    assert_eq!(report["project"], project.name.as_str());
    let entries = report["entries"].as_array().expect("entries");
    for entry in entries {
        assert_eq!(entry["state"], "running", "{entry}");
        assert_eq!(entry["ready"]["result"], "ready", "{entry}");
    }
    // The healthcheck's command ran in the container now.
    let cmd = entries.iter().find(|e| e["name"] == "cmd").expect("cmd");
    let detail = cmd["ready"]["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("healthcheck exited with 0"), "{cmd}");
    let checks: Vec<&str> = entries.iter().filter_map(|e| e["check"].as_str()).collect();
    for kind in ["http :", "tcp :", "log \"", "healthcheck", "running"] {
        assert!(
            checks.iter().any(|c| c.starts_with(kind)),
            "{kind} in {checks:?}"
        );
    }

    docker(&["stop", "-t", "0", &project.container("http")]);
    let ran = status("table");
    ran.assert_code(1);
    let http = ran
        .stdout
        .lines()
        .find(|line| line.starts_with("http "))
        .unwrap_or_else(|| panic!("no line for http in\n{}", ran.stdout));
    assert!(http.contains("exited") && http.contains(" no "), "{http}");
}
