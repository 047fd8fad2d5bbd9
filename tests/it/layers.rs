//! The layers of `src/` hold. Its folders are the layers, each using only
//! those below it: `interface` over `ops` over `adapters` over `core`; and
//! within any folder, no module reaches itself again through its siblings
//! (tests and comments aside), so that each part can be read and changed on
//! its own.

use crate::common::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first.
const LAYERS: [&str; 4] = ["core", "adapters", "ops", "interface"];

/// Each source file as its module path (`core::config::reader`) with the
/// module paths its code names (`crate::...` and `super::...`), before its
/// tests.
fn files() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = root().join("src");
    let mut files = BTreeMap::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !is_tests(&path) {
                let module = module_of(&src, &path);
                let text = std::fs::read_to_string(&path).expect("read source");
                files.insert(module.clone(), named(&module, &path, &text));
            }
        }
    }
    files
}

/// A file of unit tests (`tests.rs`, `*_tests.rs`), compiled with its
/// parent's tests only.
fn is_tests(path: &Path) -> bool {
    path.file_stem()
        .is_some_and(|s| s == "tests" || s.to_string_lossy().ends_with("_tests"))
}

fn module_of(src: &Path, path: &Path) -> Vec<String> {
    let relative = path.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned()
        })
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// The module paths named in `text`, absolute.
fn named(module: &[String], path: &Path, text: &str) -> BTreeSet<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let is_mod_file = path.file_stem().is_some_and(|s| s == "mod");
    let mut named = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (prefix, base) in [
            ("crate::", Vec::new()),
            ("super::", parent(module, is_mod_file)),
        ] {
            for (at, _) in line.match_indices(prefix) {
                if prefix == "super::" && line[..at].ends_with("super::") {
                    continue;
                }
                let mut path = base.clone();
                let mut rest = &line[at + prefix.len()..];
                while let Some(more) = rest.strip_prefix("super::") {
                    path.pop();
                    rest = more;
                }
                for item in items(rest) {
                    let mut full = path.clone();
                    full.extend(item);
                    named.insert(full);
                }
            }
        }
    }
    named
}

/// The module paths after `crate::` or `super::`: one, or each of a
/// `{...}` group, as lowercase words up to the first that is not.
fn items(rest: &str) -> Vec<Vec<String>> {
    let words = |text: &str| -> Vec<String> {
        text.split("::")
            .map(|w| {
                w.trim()
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|w| !w.is_empty())
            .collect()
    };
    match rest.strip_prefix('{') {
        Some(group) => group
            .split('}')
            .next()
            .unwrap_or_default()
            .split(',')
            .map(words)
            .collect(),
        None => vec![words(rest)],
    }
}

/// The module `super` names: the parent of a file's module, where a
/// `mod.rs` is its folder's module.
fn parent(module: &[String], _is_mod_file: bool) -> Vec<String> {
    module[..module.len().saturating_sub(1)].to_vec()
}

/// Within each folder, which of its children name which others.
fn sibling_edges(
    files: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> {
    let mut folders: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (module, uses) in files {
        for used in uses {
            let common = module.iter().zip(used).take_while(|(a, b)| a == b).count();
            if common < module.len() && common < used.len() {
                let folder = module[..common].to_vec();
                folders
                    .entry(folder)
                    .or_default()
                    .entry(module[common].clone())
                    .or_default()
                    .insert(used[common].clone());
            }
        }
    }
    folders
}

/// A path from `from` back to itself, if there is one.
fn circle(imports: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut pending = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = pending.pop() {
        let last = path.last().expect("non-empty");
        for next in imports.get(last).into_iter().flatten() {
            if next == from {
                let mut found = path.clone();
                found.push(next.clone());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                pending.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_reaches_itself_through_its_siblings() {
    let files = files();
    let mut circles = Vec::new();
    for (folder, edges) in sibling_edges(&files) {
        for child in edges.keys() {
            if let Some(path) = circle(&edges, child) {
                circles.push(format!("in {}: {}", folder.join("::"), path.join(" -> ")));
            }
        }
    }
    circles.sort();
    circles.dedup_by(|a, b| a.split(": ").next() == b.split(": ").next());
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn every_layer_uses_only_those_below_it() {
    let rank = |name: &str| LAYERS.iter().position(|l| *l == name);
    let mut upwards = Vec::new();
    for (module, uses) in files() {
        let Some(own) = module.first().and_then(|l| rank(l)) else {
            continue;
        };
        for used in uses {
            if used.first().and_then(|l| rank(l)).is_some_and(|r| r > own) {
                upwards.push(format!("{} uses {}", module.join("::"), used.join("::")));
            }
        }
    }
    assert!(upwards.is_empty(), "imports up the layers: {upwards:#?}");
}

#[test]
fn the_folders_are_the_layers() {
    let src = root().join("src");
    let mut loose: Vec<String> = std::fs::read_dir(&src)
        .expect("read src")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !["lib.rs", "main.rs"].contains(&name.as_str()))
        .filter(|name| !LAYERS.contains(&name.as_str()))
        .collect();
    loose.sort();
    assert!(loose.is_empty(), "outside the layers: {loose:?}");
}

#[test]
fn a_circle_is_found() {
    let mut imports = BTreeMap::new();
    imports.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    imports.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    imports.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(
        circle(&imports, "a"),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    imports.insert("c".to_owned(), BTreeSet::new());
    assert_eq!(circle(&imports, "a"), None);
}

#[test]
fn paths_are_resolved_from_where_they_are_written() {
    let module: Vec<String> = ["core", "compose", "stack"].map(String::from).to_vec();
    let named = named(
        &module,
        Path::new("src/core/compose/stack/mod.rs"),
        "use super::document::Environment;\nuse super::super::deployed::Mode;\nuse crate::adapters::docker::Engine;\n",
    );
    let expected: BTreeSet<Vec<String>> = [
        vec!["core", "compose", "document"],
        vec!["core", "deployed"],
        vec!["adapters", "docker"],
    ]
    .into_iter()
    .map(|path| path.into_iter().map(String::from).collect())
    .collect();
    assert_eq!(named, expected);
}

/// Small modules with one job each: no source file over 500 lines.
#[test]
fn no_source_file_is_over_500_lines() {
    let mut long = Vec::new();
    // The tests' and benchmarks' code too.
    let mut pending = vec![
        root().join("src"),
        root().join("tests"),
        root().join("benches"),
    ];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let lines = std::fs::read_to_string(&path)
                    .expect("read")
                    .lines()
                    .count();
                if lines > 500 {
                    long.push(format!("{}: {lines}", path.display()));
                }
            }
        }
    }
    assert!(long.is_empty(), "files over 500 lines: {long:#?}");
}
