//! Turns a burst of file changes into as few actions as keep the service
//! current: the first change after a quiet spell acts at once (leading
//! edge, after [`SETTLE`], within which one save's events arrive: an
//! editor's write of a temporary file and its rename over the original);
//! changes that follow it within `quiet` of each other act once more, once
//! no other has come for `quiet`, or `max_wait` after the first of them.
//! Changes that arrive while the service restarts are coalesced again by
//! its supervisor. Pure: time is passed in.

use crate::core::model::WatchAction;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long the first change of a burst waits for the rest of the same
/// save: editors that write through a temporary file rename it over the
/// original within a few milliseconds.
pub const SETTLE: Duration = Duration::from_millis(10);

/// Changes of one service waiting to be acted on.
#[derive(Debug)]
pub struct Debounce {
    quiet: Duration,
    max_wait: Duration,
    first: Option<Instant>,
    last: Option<Instant>,
    /// When the last burst was acted on, while changes still follow it.
    acted: Option<Instant>,
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
            acted: None,
            action: None,
            paths: Vec::new(),
        }
    }

    pub fn add(&mut self, now: Instant, path: PathBuf, action: WatchAction) {
        if self.first.is_none() && self.acted.is_some_and(|at| now >= at + self.quiet) {
            self.acted = None;
        }
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

    /// When the pending burst is due, if there is one: a burst after a
    /// quiet spell at once (after [`SETTLE`]), one following another once
    /// quiet.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        if self.acted.is_none() {
            return Some(first + SETTLE.min(self.quiet));
        }
        Some((last + self.quiet).min(first + self.max_wait))
    }

    /// The burst, if it is due at `now`; it is then forgotten.
    pub fn take_due(&mut self, now: Instant) -> Option<Burst> {
        if self.deadline()? > now {
            return None;
        }
        self.first = None;
        self.last = None;
        self.acted = Some(now);
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
    fn the_first_change_acts_at_once_and_a_burst_after_it_once_more_when_quiet() {
        let start = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        assert_eq!(debounce.deadline(), None);
        debounce.add(start, "f0".into(), WatchAction::Restart);
        assert_eq!(debounce.deadline(), Some(start + SETTLE));
        let first = debounce.take_due(start + SETTLE).unwrap();
        assert_eq!(first.paths, [PathBuf::from("f0")]);
        for i in 1..50 {
            let now = start + SETTLE + Duration::from_millis(i * 2);
            debounce.add(
                now,
                PathBuf::from(format!("f{}", i % 5)),
                WatchAction::Restart,
            );
            assert_eq!(debounce.take_due(now), None);
        }
        let last = start + SETTLE + Duration::from_millis(98);
        assert_eq!(debounce.deadline(), Some(last + QUIET));
        let burst = debounce.take_due(last + QUIET).unwrap();
        assert_eq!(burst.action, WatchAction::Restart);
        assert_eq!(burst.paths.len(), 5);
        assert_eq!(debounce.take_due(last + QUIET * 2), None);
    }

    #[test]
    fn a_change_after_a_quiet_spell_acts_at_once_again() {
        let start = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        debounce.add(start, "a.js".into(), WatchAction::Restart);
        assert!(debounce.take_due(start + SETTLE).is_some());
        let later = start + SETTLE + QUIET;
        debounce.add(later, "a.js".into(), WatchAction::Restart);
        assert_eq!(debounce.deadline(), Some(later + SETTLE));
    }

    #[test]
    fn a_save_through_a_temporary_file_acts_once() {
        let start = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        debounce.add(start, "a.js.tmp".into(), WatchAction::Restart);
        debounce.add(
            start + Duration::from_millis(3),
            "a.js".into(),
            WatchAction::Restart,
        );
        let burst = debounce.take_due(start + SETTLE).unwrap();
        assert_eq!(
            burst.paths,
            [PathBuf::from("a.js.tmp"), PathBuf::from("a.js")]
        );
        assert_eq!(debounce.deadline(), None);
    }

    #[test]
    fn a_rebuild_anywhere_in_the_burst_wins() {
        let now = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        debounce.add(now, "a.js".into(), WatchAction::Restart);
        debounce.add(now, "Dockerfile".into(), WatchAction::Rebuild);
        debounce.add(now, "b.js".into(), WatchAction::Restart);
        let burst = debounce.take_due(now + SETTLE).unwrap();
        assert_eq!(burst.action, WatchAction::Rebuild);
    }

    #[test]
    fn changes_without_pause_are_acted_on_after_the_longest_wait() {
        let start = Instant::now();
        let mut debounce = Debounce::new(QUIET);
        debounce.add(start, "log.txt".into(), WatchAction::Restart);
        assert!(debounce.take_due(start + SETTLE).is_some());
        let follow = start + SETTLE;
        let mut now = follow;
        while now < follow + QUIET * 10 {
            debounce.add(now, "log.txt".into(), WatchAction::Restart);
            now += Duration::from_millis(100);
        }
        assert_eq!(debounce.deadline(), Some(follow + QUIET * 10));
        assert!(debounce.take_due(follow + QUIET * 10).is_some());
    }
}
