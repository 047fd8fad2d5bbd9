//! Turns a burst of file changes into one: a change is acted on once no
//! other has come for `quiet`, or `max_wait` after the first, whichever is
//! sooner. Pure: time is passed in.

use crate::core::model::WatchAction;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Changes of one service waiting to be acted on.
#[derive(Debug)]
pub struct Debounce {
    quiet: Duration,
    max_wait: Duration,
    first: Option<Instant>,
    last: Option<Instant>,
    action: Option<WatchAction>,
    paths: Vec<PathBuf>,
}

/// The changes of one burst.
#[derive(Debug, Clone, PartialEq)]
pub struct Burst {
    /// A rebuild if any change asked for one.
    pub action: WatchAction,
    /// The changed paths, each once, in the order first seen.
    pub paths: Vec<PathBuf>,
}

impl Debounce {
    /// `max_wait` is ten quiet periods: a file written without pause still
    /// gets its service restarted.
    pub fn new(quiet: Duration) -> Self {
        Debounce {
            quiet,
            max_wait: quiet * 10,
            first: None,
            last: None,
            action: None,
            paths: Vec::new(),
        }
    }

    pub fn add(&mut self, now: Instant, path: PathBuf, action: WatchAction) {
        self.first.get_or_insert(now);
        self.last = Some(now);
        self.action = match (self.action, action) {
            (Some(WatchAction::Rebuild), _) | (_, WatchAction::Rebuild) => {
                Some(WatchAction::Rebuild)
            }
            _ => Some(WatchAction::Restart),
        };
        if !self.paths.contains(&path) {
            self.paths.push(path);
        }
    }

    /// When the pending burst is due, if there is one.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        Some((last + self.quiet).min(first + self.max_wait))
    }

    /// The burst, if it is due at `now`; it is then forgotten.
    pub fn take_due(&mut self, now: Instant) -> Option<Burst> {
        if self.deadline()? > now {
            return None;
        }
        self.first = None;
        self.last = None;
        Some(Burst {
            action: self.action.take()?,
            paths: std::mem::take(&mut self.paths),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIET: Duration = Duration::from_millis(150);

    #[test]
    fn a_burst_of_changes_is_one_once_quiet() {
        let start = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        assert_eq!(debounce.deadline(), None);
        for i in 0..50 {
            let now = start + Duration::from_millis(i * 2);
            debounce.add(
                now,
                PathBuf::from(format!("f{}", i % 5)),
                WatchAction::Restart,
            );
            assert_eq!(debounce.take_due(now), None);
        }
        let last = start + Duration::from_millis(98);
        assert_eq!(debounce.deadline(), Some(last + QUIET));
        let burst = debounce.take_due(last + QUIET).unwrap();
        assert_eq!(burst.action, WatchAction::Restart);
        assert_eq!(burst.paths.len(), 5);
        assert_eq!(debounce.take_due(last + QUIET * 2), None);
    }

    #[test]
    fn a_rebuild_anywhere_in_the_burst_wins() {
        let now = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        debounce.add(now, "a.js".into(), WatchAction::Restart);
        debounce.add(now, "Dockerfile".into(), WatchAction::Rebuild);
        debounce.add(now, "b.js".into(), WatchAction::Restart);
        let burst = debounce.take_due(now + QUIET).unwrap();
        assert_eq!(burst.action, WatchAction::Rebuild);
    }

    #[test]
    fn changes_without_pause_are_acted_on_after_the_longest_wait() {
        let start = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        let mut now = start;
        while now < start + QUIET * 10 {
            debounce.add(now, "log.txt".into(), WatchAction::Restart);
            now += Duration::from_millis(100);
        }
        assert_eq!(debounce.deadline(), Some(start + QUIET * 10));
        assert!(debounce.take_due(start + QUIET * 10).is_some());
    }
}
