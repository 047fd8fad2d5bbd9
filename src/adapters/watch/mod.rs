//! File watching for `exo run`: native file events (inotify), or polling
//! where they are unavailable, routed to the service whose files changed,
//! debounced per service: the first change acts at once.

mod debounce;
mod rules;

use crate::core::model::{WatchAction, WatchPolicy};
use debounce::Debounce;
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use rules::ServiceFiles;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// One service's files to watch.
#[derive(Debug, Clone)]
pub struct Target {
    pub service: String,
    /// The service's directory.
    pub root: PathBuf,
    pub policy: WatchPolicy,
}

/// A debounced change of one service's files.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub service: String,
    pub action: WatchAction,
    /// From the service's directory.
    pub paths: Vec<PathBuf>,
}

/// How changes are noticed.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    Native,
    /// Every `interval`, because native events were turned off or failed.
    Polling {
        interval: Duration,
        reason: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("bad ignore pattern in {}: {source}", path.display())]
    Pattern {
        path: PathBuf,
        source: ignore::Error,
    },
    #[error("bad watch glob `{pattern}`: {source}")]
    Glob {
        pattern: String,
        source: globset::Error,
    },
    #[error("cannot watch {}: {source}", path.display())]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
}

/// Watching in progress; dropping it stops.
pub struct FileWatch {
    _watcher: Box<dyn Watcher + Send>,
    pub method: Method,
    pub changes: mpsc::UnboundedReceiver<Change>,
}

/// Starts watching every target; polls instead of native events when
/// `poll` is set or native events cannot be had.
pub fn start(targets: Vec<Target>, poll: bool) -> Result<FileWatch, WatchError> {
    let services = targets
        .iter()
        .map(|t| {
            // Events name absolute, resolved paths; so must the roots.
            let root = std::fs::canonicalize(&t.root).unwrap_or_else(|_| t.root.clone());
            Ok((t.service.clone(), ServiceFiles::new(&root, &t.policy)?))
        })
        .collect::<Result<Vec<_>, WatchError>>()?;
    let interval = targets
        .iter()
        .map(|t| t.policy.poll_interval)
        .min()
        .unwrap_or(WatchPolicy::default().poll_interval);
    let (raw_tx, raw_rx) = mpsc::unbounded_channel::<PathBuf>();
    let handler = move |result: notify::Result<notify::Event>| {
        if let Ok(event) = result
            && !matches!(event.kind, EventKind::Access(_))
        {
            for path in event.paths {
                let _ = raw_tx.send(path);
            }
        }
    };
    let roots: Vec<PathBuf> = services
        .iter()
        .flat_map(|(_, files)| files.watched.iter().cloned())
        .filter(|path| path.exists())
        .collect();
    let native = if poll {
        Err("as asked by --poll".to_owned())
    } else {
        RecommendedWatcher::new(handler.clone(), notify::Config::default())
            .map_err(|err| err.to_string())
            .and_then(|mut watcher| {
                for root in &roots {
                    watcher
                        .watch(root, RecursiveMode::Recursive)
                        .map_err(|err| format!("{}: {err}", root.display()))?;
                }
                Ok(watcher)
            })
    };
    let (watcher, method): (Box<dyn Watcher + Send>, Method) = match native {
        Ok(watcher) => (Box::new(watcher), Method::Native),
        Err(reason) => {
            // The poller compares modification times in whole seconds: a
            // second write within the same second would go unnoticed
            // without comparing contents too.
            let config = notify::Config::default()
                .with_poll_interval(interval)
                .with_compare_contents(true);
            let mut watcher =
                PollWatcher::new(handler, config).map_err(|source| WatchError::Watch {
                    path: PathBuf::new(),
                    source,
                })?;
            for root in &roots {
                watcher
                    .watch(root, RecursiveMode::Recursive)
                    .map_err(|source| WatchError::Watch {
                        path: root.clone(),
                        source,
                    })?;
            }
            (Box::new(watcher), Method::Polling { interval, reason })
        }
    };
    let (tx, changes) = mpsc::unbounded_channel();
    let debounces = targets
        .iter()
        .map(|t| Debounce::new(t.policy.debounce))
        .collect();
    tokio::spawn(route(services, debounces, raw_rx, tx));
    Ok(FileWatch {
        _watcher: watcher,
        method,
        changes,
    })
}

/// Routes each changed path to the services it belongs to, and sends each
/// service's burst once it is due.
async fn route(
    services: Vec<(String, ServiceFiles)>,
    mut debounces: Vec<Debounce>,
    mut raw: mpsc::UnboundedReceiver<PathBuf>,
    changes: mpsc::UnboundedSender<Change>,
) {
    loop {
        let next_due = debounces.iter().filter_map(Debounce::deadline).min();
        let due = async {
            match next_due {
                Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            path = raw.recv() => {
                let Some(path) = path else { return };
                let is_dir = path.is_dir();
                let now = tokio::time::Instant::now().into_std();
                for ((_, files), debounce) in services.iter().zip(&mut debounces) {
                    if let Some(action) = files.classify(&path, is_dir) {
                        debounce.add(now, files.relative(&path), action);
                    }
                }
            }
            () = due => {
                let now = tokio::time::Instant::now().into_std();
                for ((service, _), debounce) in services.iter().zip(&mut debounces) {
                    if let Some(burst) = debounce.take_due(now) {
                        let change = Change {
                            service: service.clone(),
                            action: burst.action,
                            paths: burst.paths,
                        };
                        if changes.send(change).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service directory given relative to the current directory (as
    /// `exo -C fixtures/shop` does) still has its changes noticed.
    #[tokio::test]
    async fn changes_under_a_relative_root_are_noticed() {
        let dir = tempfile::Builder::new()
            .prefix(".watch-test-")
            .tempdir_in(".")
            .expect("a directory under the current one");
        let relative = PathBuf::from(".").join(dir.path().file_name().expect("a name"));
        assert!(relative.is_relative());
        let policy = WatchPolicy {
            debounce: Duration::from_millis(20),
            ..WatchPolicy::default()
        };
        for poll in [false, true] {
            let target = Target {
                service: "api".into(),
                root: relative.clone(),
                policy: policy.clone(),
            };
            let mut files = start(vec![target], poll).expect("watching starts");
            // The poller's first scan must see the file before it changes.
            tokio::time::sleep(Duration::from_millis(700)).await;
            std::fs::write(dir.path().join("server.js"), format!("{poll}")).unwrap();
            let change = tokio::time::timeout(Duration::from_secs(10), files.changes.recv())
                .await
                .expect("a change within 10 s")
                .expect("the watch still runs");
            assert_eq!(change.service, "api");
            assert_eq!(change.action, WatchAction::Restart);
            assert_eq!(change.paths, [PathBuf::from("server.js")]);
        }
    }

    /// On tokio's paused clock: a saved file reaches the service after
    /// [`debounce::SETTLE`], not a whole quiet period; an editor's
    /// temporary file and its rename are one change; changes that follow
    /// at once are one more change, once quiet.
    #[tokio::test(start_paused = true)]
    async fn the_router_acts_at_once_and_coalesces_what_follows() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let policy = WatchPolicy::default();
        let files = ServiceFiles::new(dir.path(), &policy).expect("rules");
        let (raw_tx, raw_rx) = mpsc::unbounded_channel();
        let (tx, mut changes) = mpsc::unbounded_channel();
        let debounces = vec![Debounce::new(policy.debounce)];
        tokio::spawn(route(vec![("api".into(), files)], debounces, raw_rx, tx));
        let began = tokio::time::Instant::now();
        raw_tx.send(dir.path().join("server.js.tmp")).unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
        raw_tx.send(dir.path().join("server.js")).unwrap();
        let change = changes.recv().await.expect("a change");
        assert_eq!(began.elapsed(), debounce::SETTLE);
        assert_eq!(
            change.paths,
            [PathBuf::from("server.js.tmp"), PathBuf::from("server.js")]
        );
        for name in ["a.js", "b.js", "a.js"] {
            tokio::time::sleep(Duration::from_millis(20)).await;
            raw_tx.send(dir.path().join(name)).unwrap();
        }
        let last = tokio::time::Instant::now();
        let change = changes.recv().await.expect("one more change");
        assert_eq!(last.elapsed(), policy.debounce);
        assert_eq!(change.paths, [PathBuf::from("a.js"), PathBuf::from("b.js")]);
        tokio::time::sleep(policy.debounce * 2).await;
        assert!(changes.try_recv().is_err(), "a change too many");
    }

    /// The poller's times are whole seconds: a write that leaves the
    /// modification time in the same second is still noticed.
    #[tokio::test]
    async fn polling_notices_a_write_within_the_same_second() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let elsewhere = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("server.js");
        let same_second = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // Written aside and moved in whole, so that the poller never sees
        // it with another time.
        let write = |text: &str| {
            let aside = elsewhere.path().join("server.js");
            std::fs::write(&aside, text).unwrap();
            let opened = std::fs::File::options().write(true).open(&aside).unwrap();
            opened.set_modified(same_second).unwrap();
            std::fs::rename(&aside, &file).unwrap();
        };
        write("before");
        let target = Target {
            service: "api".into(),
            root: dir.path().to_owned(),
            policy: WatchPolicy {
                debounce: Duration::from_millis(20),
                poll_interval: Duration::from_millis(50),
                ..WatchPolicy::default()
            },
        };
        let mut files = start(vec![target], true).expect("watching starts");
        write("later!");
        let change = tokio::time::timeout(Duration::from_secs(10), files.changes.recv())
            .await
            .expect("a change within 10 s")
            .expect("the watch still runs");
        assert_eq!(change.paths, [PathBuf::from("server.js")]);
    }
}
