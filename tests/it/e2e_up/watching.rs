//! Watching files: restarts, rebuilds, ignored files, polling, bursts.

use super::*;

/// tests/apps/watched under `exo run`, both services ready (workers: once
/// they have run a second) after `alpha says hello (image v1)` and the same
/// of `beta` printed.
fn run_watched(test: &str, args: &[&str]) -> (Project, Background) {
    let project = Project::new(test, &root().join("tests/apps/watched"));
    let mut run = Background::spawn(project.exo_run(args));
    run.wait_until("both services to say hello and be ready", UP_TIMEOUT, |r| {
        let out = r.stdout();
        out.contains("alpha says hello")
            && out.contains("beta says hello")
            && r.stderr().contains("Ctrl-C stops them")
    });
    (project, run)
}

/// Ctrl-C, exit 130, nothing left.
fn interrupt(project: &Project, mut run: Background) -> Ran {
    signal(run.pid(), "INT");
    let ran = run.finish(STOP_TIMEOUT);
    ran.assert_code(130);
    project.assert_nothing_left(&ran);
    ran
}

#[test]
fn a_file_change_restarts_only_its_service() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-one", &[]);
    let beta_started = project.started_at("beta");
    std::fs::write(project.dir().join("alpha/message.txt"), "changed\n").unwrap();
    run.wait_until("alpha to say what changed", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says changed")
    });
    assert_eq!(project.started_at("beta"), beta_started, "beta restarted");
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&[
        "alpha changed: message.txt",
        "alpha files changed, restarting",
    ]);
    assert!(!ran.stderr.contains("beta  changed"), "{ran}");
    assert_eq!(ran.stdout.matches("beta says").count(), 1, "{ran}");
}

#[test]
fn a_dockerfile_change_rebuilds_the_image() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-rebuild", &[]);
    let before = project.container("alpha");
    let dockerfile = project.dir().join("alpha/Dockerfile.dev");
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    std::fs::write(&dockerfile, text.replace("v1", "v2")).unwrap();
    run.wait_until("alpha to run the new image", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says hello (image v2)")
    });
    assert_ne!(
        project.container("alpha"),
        before,
        "the container was not replaced"
    );
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&[
        "alpha changed: Dockerfile.dev",
        "alpha files changed, rebuilding",
        "alpha rebuilt, starting",
    ]);
    assert!(!ran.stderr.contains("beta  changed"), "{ran}");
}

#[test]
fn a_failed_rebuild_keeps_the_old_container_running() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-broken", &[]);
    let before = project.container("alpha");
    let dockerfile = project.dir().join("alpha/Dockerfile.dev");
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    std::fs::write(&dockerfile, text.replace("RUN echo v1", "RUN exit 3; echo")).unwrap();
    run.wait_until("the rebuild to fail", UP_TIMEOUT, |r| {
        r.stderr().contains("rebuild failed")
    });
    assert_eq!(
        project.container("alpha"),
        before,
        "the container was replaced"
    );
    let running = docker(&["inspect", "--format", "{{.State.Running}}", &before]);
    assert_eq!(running.trim(), "true", "the old container stopped");
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&["alpha rebuild failed; the old container keeps running"]);
    assert!(
        ran.stdout.contains("alpha | rebuild: "),
        "no build output\n{ran}"
    );
}

/// `*.tmp` is in alpha's `.gitignore` and `logs/` in its `ignore`: changing
/// them does nothing; a change after them shows the watch was on.
#[test]
fn an_ignored_file_does_nothing() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-ignored", &[]);
    let alpha = project.dir().join("alpha");
    std::fs::write(alpha.join("scratch.tmp"), "x\n").unwrap();
    std::fs::create_dir(alpha.join("logs")).unwrap();
    std::fs::write(alpha.join("logs/today.log"), "x\n").unwrap();
    // Editors' and `sed -i`'s temporary files are ignored by default.
    std::fs::write(alpha.join("sedNSQqAZ"), "x\n").unwrap();
    std::fs::write(alpha.join(".message.txt.swp"), "x\n").unwrap();
    // Ten debounce periods.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!run.stderr().contains("changed:"), "{}", run.stderr());
    std::fs::write(alpha.join("message.txt"), "noticed\n").unwrap();
    run.wait_until("alpha to notice a watched file", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says noticed")
    });
    let ran = interrupt(&project, run);
    assert_eq!(ran.stderr.matches("alpha changed:").count(), 1, "{ran}");
    assert!(
        !ran.stderr.contains(".tmp")
            && !ran.stderr.contains("today.log")
            && !ran.stderr.contains("sedNSQqAZ")
            && !ran.stderr.contains(".swp"),
        "{ran}"
    );
}

/// `public/` has `action: none` in alpha's rules: a page changed there
/// reaches the running container through the mount, and nothing restarts.
#[test]
fn a_change_with_action_none_only_reaches_the_mount() {
    if require_docker().is_none() {
        return;
    }
    let (project, run) = run_watched("watch-none", &[]);
    let before = project.started_at("alpha");
    let public = project.dir().join("alpha/public");
    std::fs::create_dir(&public).unwrap();
    std::fs::write(public.join("index.html"), "<p>new page</p>\n").unwrap();
    // Ten debounce periods.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!run.stderr().contains("changed:"), "{}", run.stderr());
    let container = project.container("alpha");
    let served = docker(&["exec", &container, "cat", "/mnt/public/index.html"]);
    assert_eq!(served, "<p>new page</p>\n");
    assert_eq!(project.started_at("alpha"), before, "alpha restarted");
    let ran = interrupt(&project, run);
    assert!(!ran.stderr.contains("alpha changed:"), "{ran}");
    assert_eq!(ran.stdout.matches("alpha says").count(), 1, "{ran}");
}

/// `--poll`: the fallback where native file events are unavailable notices
/// changes too, and says how it watches.
#[test]
fn polling_notices_a_change() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-poll", &["--poll"]);
    std::fs::write(project.dir().join("beta/message.txt"), "polled\n").unwrap();
    run.wait_until("beta to say what changed", UP_TIMEOUT, |r| {
        r.stdout().contains("beta says polled")
    });
    let ran = interrupt(&project, run);
    ran.assert_stderr_has(&[
        "Watching files of alpha, beta by polling every 500ms (as asked by --poll)",
        "beta  files changed, restarting",
    ]);
}

/// `--no-watch`: a change does nothing.
#[test]
fn no_watch_leaves_changes_alone() {
    if require_docker().is_none() {
        return;
    }
    let (project, run) = run_watched("watch-off", &["--no-watch"]);
    std::fs::write(project.dir().join("alpha/message.txt"), "unseen\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let ran = interrupt(&project, run);
    assert!(
        !ran.stderr.contains("Watching") && !ran.stderr.contains("changed"),
        "{ran}"
    );
    assert_eq!(ran.stdout.matches("alpha says").count(), 1, "{ran}");
}

/// The first change acts at once; the other 49 follow within the debounce
/// and act once more, unless they arrive while the first restart still
/// stops the container, which then starts with them: one restart or two,
/// never more.
#[test]
fn a_burst_of_50_changes_restarts_at_most_twice() {
    if require_docker().is_none() {
        return;
    }
    let (project, mut run) = run_watched("watch-burst", &[]);
    let message = project.dir().join("alpha/message.txt");
    for n in 1..=50 {
        std::fs::write(&message, format!("burst {n}\n")).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    run.wait_until("alpha to say the last change", UP_TIMEOUT, |r| {
        r.stdout().contains("alpha says burst 50")
    });
    // Room for the second restart (after the first is ready, 1.4 s) and
    // for a third, which must not come.
    std::thread::sleep(Duration::from_millis(4000));
    let ran = interrupt(&project, run);
    let restarts = ran.stderr.matches("alpha restarting").count();
    assert!((1..=2).contains(&restarts), "{restarts} restarts\n{ran}");
    let last = ran.stdout.lines().rfind(|l| l.contains("alpha says"));
    assert!(last.is_some_and(|l| l.contains("burst 50")), "{ran}");
}
