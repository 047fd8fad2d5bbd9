//! Warnings through the binary: what loads but probably does not mean what
//! it says is shown with its place, and the command still succeeds.

use crate::common::exo;

/// An application whose web service sets `PRICE` as 0.37 wrote a literal
/// `$5`: `$$5`.
fn doubled_dollar_app() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("application.yml"),
        "name: shop\nservices:\n  web:\n    location: ./web\n",
    )
    .unwrap();
    std::fs::create_dir(temp.path().join("web")).unwrap();
    std::fs::write(
        temp.path().join("web/service.yml"),
        "type: worker\nlocal:\n  environment-variables:\n    PRICE: \"$$5\"\n",
    )
    .unwrap();
    std::fs::write(temp.path().join("web/Dockerfile.dev"), "FROM scratch\n").unwrap();
    temp
}

#[test]
fn a_doubled_dollar_is_a_warning_with_its_place_and_check_passes() {
    let app = doubled_dollar_app();
    let output = exo()
        .arg("-C")
        .arg(app.path())
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("⚠"), "{stderr}");
    assert!(stderr.contains("web/service.yml:4:"), "{stderr}");
    assert!(
        stderr.contains("which exo passes on as two dollars: it writes `$$$$5`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("for one literal `$`, write `$` alone"),
        "{stderr}"
    );
    assert!(stderr.contains("Valid shop"), "{stderr}");
}

#[test]
fn generate_warns_and_writes_what_it_said() {
    let app = doubled_dollar_app();
    let output = exo()
        .arg("-C")
        .arg(app.path())
        .arg("generate")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("holds `$$`"), "{stderr}");
    let written =
        std::fs::read_to_string(app.path().join("docker-compose/run_development.yml")).unwrap();
    assert!(written.contains("$$$$5"), "{written}");
}
