//! Running exo, with time limits, and reading the engine's times.

use super::*;

/// How a run of exo ended.
pub(crate) struct Ran {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: Duration,
}

impl Ran {
    pub(crate) fn assert_code(&self, code: i32) {
        assert_eq!(self.code, Some(code), "exit code\n{self}");
    }

    pub(crate) fn assert_stderr_has(&self, parts: &[&str]) {
        for part in parts {
            assert!(self.stderr.contains(part), "stderr lacks {part:?}\n{self}");
        }
    }

    /// A progress line `<service> ready in N s <how>...`.
    pub(crate) fn assert_ready_line(&self, service: &str, how: &str) {
        let found = self.stderr.lines().any(|line| {
            line.split_once(' ').is_some_and(|(name, rest)| {
                name == service && rest.trim_start().starts_with("ready in ") && rest.contains(how)
            })
        });
        assert!(found, "no `{service} ready in N s {how}...` line\n{self}");
    }
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "exit code {:?} after {:?}", self.code, self.elapsed)?;
        writeln!(f, "--- stdout\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr\n{}", self.stderr.trim_end())
    }
}

/// Runs `command` to its end, killing it after `timeout`.
pub(crate) fn finish(command: Command, timeout: Duration) -> Ran {
    let mut run = Background::spawn(command);
    run.finish(timeout)
}

/// A running process whose output is collected as it comes. It runs in a
/// process group of its own, so that killing it kills what it started too
/// (an orphaned `docker events` would never end).
pub(crate) struct Background {
    pub(crate) child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
    began: Instant,
    describe: String,
    /// Other process groups to kill with it (exo under `script`).
    pub(crate) groups: Vec<u32>,
}

impl Background {
    pub(crate) fn spawn(mut command: Command) -> Background {
        use std::os::unix::process::CommandExt;
        let describe = format!("{command:?}");
        let mut child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {describe}: {err}"));
        let (stdout, stderr) = (Arc::default(), Arc::default());
        let readers = vec![
            collect(child.stdout.take(), Arc::clone(&stdout)),
            collect(child.stderr.take(), Arc::clone(&stderr)),
        ];
        Background {
            child,
            stdout,
            stderr,
            readers,
            began: Instant::now(),
            describe,
            groups: Vec::new(),
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn stdout(&self) -> String {
        text(&self.stdout)
    }

    pub(crate) fn stderr(&self) -> String {
        text(&self.stderr)
    }

    /// Waits until `done` holds; after `timeout`, or if the process ended
    /// first, kills it and fails the test.
    pub(crate) fn wait_until(
        &mut self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&Self) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        while !done(self) {
            let exited = matches!(self.child.try_wait(), Ok(Some(_)));
            if exited || Instant::now() >= deadline {
                let ran = self.finish(Duration::ZERO);
                panic!(
                    "waited {:?} for {what}; {}\n{ran}",
                    self.began.elapsed(),
                    if exited { "it ended" } else { "gave up" }
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the end; after `timeout`, kills the process and fails.
    pub(crate) fn finish(&mut self, timeout: Duration) -> Ran {
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => break None,
            }
        };
        let elapsed = self.began.elapsed();
        if status.is_none() {
            self.kill();
        }
        // The pipes close when the last process holding them ends.
        let readers_deadline = Instant::now() + Duration::from_secs(10);
        while self.readers.iter().any(|r| !r.is_finished()) && Instant::now() < readers_deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let ran = Ran {
            code: status.and_then(|s| s.code()),
            stdout: self.stdout(),
            stderr: self.stderr(),
            elapsed,
        };
        assert!(
            status.is_some() || timeout.is_zero(),
            "{} did not end within {timeout:?}; killed\n{ran}",
            self.describe
        );
        ran
    }

    /// SIGKILL to its process group and to [`Background::groups`].
    pub(crate) fn kill(&mut self) {
        for group in std::iter::once(self.pid()).chain(self.groups.iter().copied()) {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{group}")])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

pub(crate) fn collect(
    pipe: Option<impl Read + Send + 'static>,
    into: Arc<Mutex<Vec<u8>>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let Some(mut pipe) = pipe else { return };
        let mut buffer = [0; 8192];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(&buffer[..n]);
        }
    })
}

pub(crate) fn text(bytes: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&bytes.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

/// Nanoseconds since the Unix epoch of an engine time such as
/// `2026-11-25T02:33:21.282011851Z` (always UTC).
pub(crate) fn parse_time(text: &str) -> i128 {
    try_parse_time(text).unwrap_or_else(|| panic!("not an engine time: {text:?}"))
}

pub(crate) fn try_parse_time(text: &str) -> Option<i128> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let (time, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let numbers =
        |s: &str, sep: char| -> Option<Vec<i64>> { s.split(sep).map(|n| n.parse().ok()).collect() };
    let [year, month, day] = numbers(date, '-')?[..] else {
        return None;
    };
    let [hour, minute, second] = numbers(time, ':')?[..] else {
        return None;
    };
    let digits = fraction.get(..fraction.len().min(9))?;
    let nanos: i128 = format!("{digits:0<9}").parse().ok()?;
    // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(i128::from(seconds) * 1_000_000_000 + nanos)
}

pub(crate) fn seconds(nanos: i128) -> f64 {
    nanos as f64 / 1e9
}

#[test]
pub(crate) fn engine_times_are_read_to_the_nanosecond() {
    assert_eq!(parse_time("1970-01-01T00:00:00Z"), 0);
    assert_eq!(
        parse_time("2026-11-25T02:33:21.282011851Z"),
        1_795_574_001_282_011_851
    );
    assert_eq!(
        parse_time("2000-03-01T00:00:01.5Z") - parse_time("2000-02-29T23:59:59Z"),
        2_500_000_000
    );
}
