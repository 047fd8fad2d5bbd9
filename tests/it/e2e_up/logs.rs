//! A database waited for through the catalog, and `exo run`'s log output.

use super::*;

/// tests/apps/cache: Redis from exo-base/redis:1 with no health-check of its
/// own, and `pinger`, which pings it once the moment it starts (at
/// CACHE_HOST:CACHE_PORT, which exo injects) and exits 1 without PONG.
#[test]
fn a_database_is_waited_for_through_the_catalogs_probe() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("cache", &root().join("tests/apps/cache"));
    let written = std::fs::read_to_string(project.dir().join("application.yml"))
        .expect("read application.yml");
    assert!(
        !written
            .lines()
            .any(|l| l.contains("health-check") && !l.trim_start().starts_with('#')),
        "the application must rely on the catalog's health check"
    );
    let up = project.up(&[]);
    up.assert_code(0);
    up.assert_ready_line("cache", "(healthcheck)");
    up.assert_ready_line("pinger", "(log \"answered: PONG\")");
    let file = std::fs::read_to_string(project.file()).expect("read the generated file");
    assert!(
        file.contains("redis-cli -h 127.0.0.1 ping"),
        "the catalog's health check is not in the generated file"
    );
    let logs = docker(&["logs", &project.container("pinger")]);
    assert!(
        logs.contains("pinger: cache:6379 answered: PONG"),
        "pinger's log: {logs}"
    );
    // The first health check that passed ended before pinger started.
    let health = docker(&[
        "inspect",
        "--format",
        "{{json .State.Health}}",
        &project.container("cache"),
    ]);
    let health: serde_json::Value = serde_json::from_str(&health).expect("health JSON");
    let healthy = health["Log"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|check| check["ExitCode"] == 0)
        .filter_map(|check| check["End"].as_str().map(parse_time))
        .min()
        .unwrap_or_else(|| panic!("no passing health check: {health}"));
    let pinger = project.started_at("pinger");
    assert!(
        pinger > healthy,
        "pinger started {:.3} s before Redis was healthy\n{up}",
        seconds(healthy - pinger)
    );
    // Up again: everything is ready already, nothing restarts.
    let again = project.up(&[]);
    again.assert_code(0);
    again.assert_ready_line("cache", "(healthcheck)");
    assert!(
        again.elapsed < Duration::from_secs(10),
        "a second up took {:?}\n{again}",
        again.elapsed
    );
    assert_eq!(
        project.started_at("pinger"),
        pinger,
        "the second up restarted pinger\n{again}"
    );
}

/// The lines tests/apps/chatty's services print.
const CHATTY: [(&str, &str); 6] = [
    ("api", "api line 1"),
    ("api", "api line 2"),
    ("api", "api line 3"),
    ("scheduler", "scheduler line 1"),
    ("scheduler", "scheduler line 2"),
    ("scheduler", "scheduler line 3"),
];

/// `exo run` shows each service's lines (stdout and stderr) on stdout,
/// after `role |` padded to the longest role, and nothing else there.
#[test]
fn exo_run_prefixes_log_lines_with_the_padded_role() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("logs", &root().join("tests/apps/chatty"));
    let (ran, stdout) = run_until_chatty_said_all(&project, &[], "INT");
    ran.assert_code(130);
    let expected: Vec<String> = CHATTY
        .iter()
        .map(|(role, text)| format!("{role:9} | {text}"))
        .collect();
    assert_same_lines(&stdout, &expected, &ran);
    ran.assert_stderr_has(&["all 2 containers are ready in"]);
}

/// `--no-log-prefix`: the lines as the services printed them. (Stopped with
/// SIGTERM, which ends `exo run` as Ctrl-C does.)
#[test]
fn exo_run_without_log_prefix_prints_the_bare_lines() {
    if require_docker().is_none() {
        return;
    }
    let project = Project::new("no-prefix", &root().join("tests/apps/chatty"));
    let (ran, stdout) = run_until_chatty_said_all(&project, &["--no-log-prefix"], "TERM");
    ran.assert_code(130);
    project.assert_nothing_left(&ran);
    let expected: Vec<String> = CHATTY.iter().map(|(_, text)| text.to_string()).collect();
    assert_same_lines(&stdout, &expected, &ran);
}

/// With NO_COLOR and stderr on a terminal (where exo colours), no colour
/// anywhere: stdout has no escape code at all, and the terminal none of
/// exo's colours. Without NO_COLOR, the same run colours exo's status lines,
/// which shows that the terminal is one exo colours.
#[test]
fn no_color_turns_colours_off_on_a_terminal() {
    if require_docker().is_none() || !require_program("script") {
        return;
    }
    let project = Project::new("no-color", &root().join("tests/apps/chatty"));
    let plain = run_on_terminal(&project, true);
    plain.ran.assert_code(130);
    assert!(
        !plain.stdout.contains('\x1b'),
        "escape codes on stdout with NO_COLOR: {:?}",
        plain.stdout
    );
    // Compose's own warnings colour `WARN` whatever NO_COLOR says (e.g. that
    // buildx is missing); they are not exo's.
    let terminal = plain.terminal.replace("\x1b[33mWARN\x1b[0m", "WARN");
    let colours = sgr_sequences(&terminal);
    assert!(
        colours.is_empty(),
        "colours on the terminal with NO_COLOR: {colours:?}\n{}",
        plain.ran
    );
    // The second run builds nothing (its images are current), so what is
    // coloured is whichever status lines it prints, not `Building`.
    let coloured = run_on_terminal(&project, false);
    coloured.ran.assert_code(130);
    let terminal = coloured.terminal.replace("\x1b[33mWARN\x1b[0m", "WARN");
    assert!(
        !sgr_sequences(&terminal).is_empty(),
        "exo did not colour the terminal without NO_COLOR\n{}",
        coloured.ran
    );
}

/// Colours on stdout follow whether stdout is a terminal, as Compose's do:
/// `exo run > file` from a terminal writes no escape codes into the file.
#[test]
fn log_lines_piped_from_a_terminal_session_are_not_coloured() {
    if require_docker().is_none() || !require_program("script") {
        return;
    }
    let project = Project::new("color", &root().join("tests/apps/chatty"));
    let run = run_on_terminal(&project, false);
    run.ran.assert_code(130);
    assert!(
        !run.stdout.contains('\x1b'),
        "escape codes in stdout, which is a file, not a terminal: {:?}",
        run.stdout
    );
}

/// Runs `exo run ARGS` on tests/apps/chatty until every line of [`CHATTY`]
/// is on stdout, then sends it `stop` (`INT` or `TERM`); returns how it
/// ended and its stdout.
fn run_until_chatty_said_all(project: &Project, args: &[&str], stop: &str) -> (Ran, String) {
    let mut run = Background::spawn(project.exo_run(args));
    run.wait_until("every line of chatty, and both ready", UP_TIMEOUT, |r| {
        let stdout = r.stdout();
        CHATTY.iter().all(|(_, text)| stdout.contains(text))
            && r.stderr().contains("Ctrl-C stops them")
    });
    signal(run.pid(), stop);
    let ran = run.finish(STOP_TIMEOUT);
    let stdout = ran.stdout.clone();
    (ran, stdout)
}

/// What `exo run` printed with its stderr on a terminal.
struct TerminalRun {
    /// How `script` ended (with exo's exit code).
    ran: Ran,
    /// Everything on the terminal: exo's stderr (and Compose's).
    terminal: String,
    /// exo's stdout, redirected to a file.
    stdout: String,
}

/// `exo run` on tests/apps/chatty with stderr on a pseudo-terminal (from
/// `script`) and stdout to a file, until every line of [`CHATTY`] is in the
/// file; then Ctrl-C.
fn run_on_terminal(project: &Project, no_color: bool) -> TerminalRun {
    let files = tempfile::tempdir().expect("create a directory");
    let (pid_file, out_file) = (files.path().join("pid"), files.path().join("stdout"));
    let inner = format!(
        "echo $$ > {}; exec {} -C {} run -p {} > {}",
        quote(&pid_file),
        quote(Path::new(EXO)),
        quote(project.dir()),
        project.name,
        quote(&out_file),
    );
    let mut script = Command::new("script");
    script
        .args(["-q", "-e", "-f", "-c", &inner, "/dev/null"])
        .env("SHELL", "/bin/sh")
        .env("TERM", "xterm-256color")
        .env_remove("EXO_APP");
    for name in COMPOSE_OVERRIDES {
        script.env_remove(name);
    }
    if no_color {
        script.env("NO_COLOR", "1");
    } else {
        script.env_remove("NO_COLOR");
    }
    let mut run = Background::spawn(script);
    let read_pid = || std::fs::read_to_string(&pid_file).ok()?.trim().parse().ok();
    run.wait_until("exo's PID", DOCKER_TIMEOUT, |_| read_pid().is_some());
    let pid: u32 = read_pid().expect("the shell wrote its PID");
    // `script` makes exo a session leader: its process group is its PID.
    run.groups.push(pid);
    let read_out = || std::fs::read_to_string(&out_file).unwrap_or_default();
    run.wait_until("every line of chatty", UP_TIMEOUT, |_| {
        let stdout = read_out();
        CHATTY.iter().all(|(_, text)| stdout.contains(text))
    });
    signal(pid, "INT");
    let ran = run.finish(STOP_TIMEOUT);
    TerminalRun {
        terminal: ran.stdout.clone(),
        ran,
        stdout: read_out(),
    }
}

/// `text`'s lines, in any order, are exactly `expected`.
fn assert_same_lines(text: &str, expected: &[String], ran: &Ran) {
    let mut got: Vec<&str> = text.lines().collect();
    let mut want: Vec<&str> = expected.iter().map(String::as_str).collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "stdout's lines\n{ran}");
}

/// The colour (SGR) escape sequences in `text`, e.g. `\x1b[1;32m`.
fn sgr_sequences(text: &str) -> Vec<String> {
    text.match_indices("\x1b[")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            (rest[end..].starts_with('m')).then(|| format!("\\x1b[{}m", &rest[..end]))
        })
        .collect()
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}
