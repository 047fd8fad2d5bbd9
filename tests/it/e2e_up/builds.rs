//! Building only what changed: a second start with nothing changed builds
//! nothing, and one after a file of the service changed builds it again.

use super::*;

/// fixtures/minimal, started three times: built, not built, built after
/// `worker.sh` changed; the last start runs the new file.
#[test]
fn an_unchanged_image_is_not_built_again_and_a_changed_file_is() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("builds", &root().join("fixtures/minimal"));
    let building = "Building images of worker";
    let first = project.up(&[]);
    first.assert_code(0);
    first.assert_stderr_has(&[building]);

    let again = project.up(&[]);
    again.assert_code(0);
    assert!(!again.stderr.contains(building), "built again\n{again}");

    let script = project.dir().join("worker/worker.sh");
    let text = std::fs::read_to_string(&script).expect("read worker.sh");
    std::fs::write(&script, format!("{text}\n# changed\n")).expect("write worker.sh");
    let changed = project.up(&[]);
    changed.assert_code(0);
    changed.assert_stderr_has(&[building]);

    let down = project.exo_compose(&["down"]);
    down.assert_code(0);
    project.assert_nothing_left(&down);
}
