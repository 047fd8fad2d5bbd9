//! Which files of a service matter and what a change to each does: its
//! watched paths, minus `.gitignore`, `.dockerignore` and the `ignore`
//! globs, then the first rule whose globs match, else the default action.
//! Pure apart from reading the two ignore files.

use super::WatchError;
use crate::core::model::{WatchAction, WatchPolicy};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::{Path, PathBuf};

/// The files editors and tools write beside the one being saved and remove
/// or rename a moment later (in `.gitignore` syntax). A change to them is
/// never what the user meant, and their names would only puzzle in messages.
pub const EDITOR_TEMPORARY_FILES: [&str; 14] = [
    ".*.sw[a-p]", // vim's swap files
    "*.swp",      // vim's swap files with `directory=.`
    "4913",       // vim's probe that the directory is writable
    "*~",         // backups of vim, emacs, nano, gedit
    ".#*",        // emacs's lock files
    "\\#*#",      // emacs's auto-save files
    // `sed -i`: `sed` and six letters or digits
    "sed[a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9]",
    ".goutputstream-*", // gedit and other GLib programs
    "*.kate-swp",       // Kate
    "*___jb_tmp___",    // JetBrains IDEs' safe write
    "*___jb_old___",
    ".*.tmp.[0-9]*", // atomic writes of VS Code and others, `.name.tmp.1234`
    "*.crswap",      // Chromium's File System Access API
    ".DS_Store",
];

/// The watched files of one service.
#[derive(Debug)]
pub struct ServiceFiles {
    root: PathBuf,
    /// Where to listen for changes: the service root, or its `paths`.
    pub watched: Vec<PathBuf>,
    ignored: Gitignore,
    rules: Vec<(GlobSet, WatchAction)>,
    action: WatchAction,
}

impl ServiceFiles {
    pub fn new(root: &Path, policy: &WatchPolicy) -> Result<ServiceFiles, WatchError> {
        let watched = if policy.paths.is_empty() {
            vec![root.to_path_buf()]
        } else {
            policy.paths.iter().map(|p| root.join(p)).collect()
        };
        let mut ignored = GitignoreBuilder::new(root);
        for file in [".gitignore", ".dockerignore"] {
            let path = root.join(file);
            if path.is_file()
                && let Some(err) = ignored.add(&path)
            {
                return Err(WatchError::Pattern { path, source: err });
            }
        }
        for line in [".git/"]
            .into_iter()
            .chain(EDITOR_TEMPORARY_FILES)
            .chain(policy.ignore.iter().map(String::as_str))
        {
            ignored
                .add_line(None, line)
                .map_err(|source| WatchError::Pattern {
                    path: PathBuf::from(line),
                    source,
                })?;
        }
        let ignored = ignored.build().map_err(|source| WatchError::Pattern {
            path: root.to_path_buf(),
            source,
        })?;
        let rules = policy
            .effective_rules()
            .iter()
            .map(|rule| Ok((glob_set(&rule.paths)?, rule.action)))
            .collect::<Result<_, WatchError>>()?;
        Ok(ServiceFiles {
            root: root.to_path_buf(),
            watched,
            ignored,
            rules,
            action: policy.action,
        })
    }

    /// `path` from the service's directory, for messages.
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// What a change of `path` does to the service, if anything: `none`
    /// leaves it to the mount, so it is not reported at all.
    pub fn classify(&self, path: &Path, is_dir: bool) -> Option<WatchAction> {
        if !self.watched.iter().any(|w| path.starts_with(w)) {
            return None;
        }
        let relative = path.strip_prefix(&self.root).ok()?;
        if relative.as_os_str().is_empty()
            || self
                .ignored
                .matched_path_or_any_parents(relative, is_dir)
                .is_ignore()
        {
            return None;
        }
        let action = self
            .rules
            .iter()
            .find(|(globs, _)| globs.is_match(relative))
            .map_or(self.action, |(_, action)| *action);
        (action != WatchAction::None).then_some(action)
    }
}

/// A pattern with no `/` matches a file name at any depth, as in
/// `.gitignore`; one with a `/` matches the path from the service root.
fn glob_set(patterns: &[String]) -> Result<GlobSet, WatchError> {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        let anchored = if trimmed.contains('/') {
            trimmed.to_owned()
        } else {
            format!("**/{trimmed}")
        };
        let glob = GlobBuilder::new(&anchored)
            .literal_separator(true)
            .build()
            .map_err(|source| WatchError::Glob {
                pattern: pattern.clone(),
                source,
            })?;
        set.add(glob);
        // A directory pattern covers what is inside it.
        set.add(
            GlobBuilder::new(&format!("{anchored}/**"))
                .literal_separator(true)
                .build()
                .map_err(|source| WatchError::Glob {
                    pattern: pattern.clone(),
                    source,
                })?,
        );
    }
    set.build().map_err(|source| WatchError::Glob {
        pattern: patterns.join(", "),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::WatchRule;

    fn files(
        policy: &WatchPolicy,
        ignore_files: &[(&str, &str)],
    ) -> (tempfile::TempDir, ServiceFiles) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in ignore_files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let files = ServiceFiles::new(dir.path(), policy).unwrap();
        (dir, files)
    }

    #[test]
    fn manifests_rebuild_and_other_files_restart_by_default() {
        let (dir, files) = files(&WatchPolicy::default(), &[]);
        let root = dir.path();
        let classify = |p: &str| files.classify(&root.join(p), false);
        assert_eq!(classify("server.js"), Some(WatchAction::Restart));
        assert_eq!(classify("src/lib/a.py"), Some(WatchAction::Restart));
        assert_eq!(classify("Dockerfile.dev"), Some(WatchAction::Rebuild));
        assert_eq!(classify("package.json"), Some(WatchAction::Rebuild));
        assert_eq!(
            classify("sub/requirements-dev.txt"),
            Some(WatchAction::Rebuild)
        );
        assert_eq!(classify(".git/index"), None);
        assert_eq!(files.classify(Path::new("/elsewhere/a.js"), false), None);
    }

    #[test]
    fn gitignore_dockerignore_and_ignore_globs_are_left_alone() {
        let policy = WatchPolicy {
            ignore: vec!["*.log".into(), "tmp/".into()],
            ..WatchPolicy::default()
        };
        let (dir, files) = files(
            &policy,
            &[
                (".gitignore", "node_modules/\n*.swp\n"),
                (".dockerignore", "coverage\n"),
            ],
        );
        let root = dir.path();
        let classify = |p: &str| files.classify(&root.join(p), false);
        assert_eq!(classify("node_modules/x/index.js"), None);
        assert_eq!(classify("src/.main.rs.swp"), None);
        assert_eq!(classify("coverage/report.html"), None);
        assert_eq!(classify("debug.log"), None);
        assert_eq!(classify("tmp/cache"), None);
        assert_eq!(classify("src/main.rs"), Some(WatchAction::Restart));
    }

    #[test]
    fn editors_temporary_files_are_left_alone() {
        let (dir, files) = files(&WatchPolicy::default(), &[]);
        let root = dir.path();
        let classify = |p: &str| files.classify(&root.join(p), false);
        for temporary in [
            "sedNSQqAZ",
            "src/.main.rs.swp",
            "src/.main.rs.swo",
            "4913",
            "index.js~",
            ".#index.js",
            "#index.js#",
            ".goutputstream-ABC123",
            "index.js___jb_tmp___",
            ".index.js.tmp.2841",
            ".DS_Store",
        ] {
            assert_eq!(classify(temporary), None, "{temporary}");
        }
        for real in ["sed.txt", "sedan.txt", "src/main.swift", "4913.txt"] {
            assert_eq!(classify(real), Some(WatchAction::Restart), "{real}");
        }
    }

    #[test]
    fn the_first_matching_rule_wins_over_the_default_action() {
        let policy = WatchPolicy {
            paths: vec!["src".into(), "Dockerfile.dev".into()],
            rules: vec![
                WatchRule {
                    paths: vec!["src/generated".into()],
                    action: WatchAction::Restart,
                },
                WatchRule {
                    paths: vec!["*.proto".into(), "Dockerfile.dev".into()],
                    action: WatchAction::Rebuild,
                },
            ],
            ..WatchPolicy::default()
        };
        let (dir, files) = files(&policy, &[]);
        let root = dir.path();
        let classify = |p: &str| files.classify(&root.join(p), false);
        assert_eq!(
            classify("src/generated/a.proto"),
            Some(WatchAction::Restart)
        );
        assert_eq!(classify("src/api.proto"), Some(WatchAction::Rebuild));
        assert_eq!(classify("Dockerfile.dev"), Some(WatchAction::Rebuild));
        assert_eq!(classify("src/main.go"), Some(WatchAction::Restart));
        // Outside the watched paths.
        assert_eq!(classify("README.md"), None);
    }

    #[test]
    fn a_change_whose_action_is_none_is_left_to_the_mount() {
        let policy = WatchPolicy {
            rules: vec![WatchRule {
                paths: vec!["public".into()],
                action: WatchAction::None,
            }],
            ..WatchPolicy::default()
        };
        let (dir, static_files) = files(&policy, &[]);
        let classify = |p: &str| static_files.classify(&dir.path().join(p), false);
        assert_eq!(classify("public/index.html"), None);
        assert_eq!(classify("server.js"), Some(WatchAction::Restart));
        let quiet = WatchPolicy {
            action: WatchAction::None,
            ..WatchPolicy::default()
        };
        let (dir, quiet_files) = files(&quiet, &[]);
        let classify = |p: &str| quiet_files.classify(&dir.path().join(p), false);
        assert_eq!(classify("server.js"), None);
        assert_eq!(classify("Dockerfile.dev"), Some(WatchAction::Rebuild));
    }
}
