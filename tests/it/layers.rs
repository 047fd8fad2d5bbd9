//! The layers of `src/` hold: no top-level module reaches itself again
//! through the `crate::` paths of other modules (tests and comments aside),
//! so that each layer can be read and changed on its own.

use crate::common::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// For each top-level module of `src/`, the other top-level modules its
/// code names through `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let module = top_module(&src, &path);
                let used = imports.entry(module.clone()).or_default();
                used.extend(named_modules(&path).into_iter().filter(|m| *m != module));
            }
        }
    }
    imports
}

fn top_module(src: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(src).expect("under src");
    let first = relative.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_owned()
}

/// The modules a file names as `crate::name`, before its tests.
fn named_modules(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).expect("read source");
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut named = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                named.insert(name);
            }
        }
    }
    named
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
fn no_module_imports_itself_through_others() {
    let imports = imports();
    assert!(imports.contains_key("up") && imports["up"].contains("output"));
    let circles: Vec<String> = imports
        .keys()
        .filter_map(|module| circle(&imports, module))
        .map(|path| path.join(" -> "))
        .collect();
    assert!(circles.is_empty(), "import circles: {circles:#?}");
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
