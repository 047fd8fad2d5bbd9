//! Internal links of the README, the developer documents and the book lead
//! somewhere: every relative link names a file that exists (inside the book
//! for the book's pages, which are published without the rest of the
//! repository), every `#anchor` a heading of its page (with mdBook's ids),
//! and every page of the book is in its SUMMARY.md. mdBook warns of neither.

use crate::common::root;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

const DOCUMENTS: [&str; 4] = [
    "README.md",
    "ARCHITECTURE.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
];
const BOOK: &str = "docs/src";

fn book_pages() -> Vec<PathBuf> {
    let mut pages = Vec::new();
    let mut pending = vec![root().join(BOOK)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the book") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// The text of `markdown` outside fenced code blocks, line by line.
fn prose_lines(markdown: &str) -> Vec<&str> {
    let mut in_fence = false;
    markdown
        .lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
                return false;
            }
            !in_fence
        })
        .collect()
}

/// `line` without its code spans.
fn without_code(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The targets of the Markdown links `[text](target)` of `markdown`.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose_lines(markdown) {
        let line = without_code(line);
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            targets.push(after[..end].trim().to_owned());
            rest = &after[end..];
        }
    }
    targets
}

/// The ids mdBook gives the headings of `markdown`: the heading's text,
/// lowercase, spaces as `-`, other punctuation dropped, repeats numbered.
fn heading_ids(markdown: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for line in prose_lines(markdown) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let text = heading.trim_start_matches('#').trim();
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let text = match (text.find("]("), text.starts_with('[')) {
            (Some(end), true) => text[1..end].to_owned(),
            _ => text,
        };
        let id: String = text
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
                c if c.is_whitespace() => Some('-'),
                _ => None,
            })
            .collect();
        let mut unique = id.clone();
        let mut counter = 1;
        while !ids.insert(unique.clone()) {
            unique = format!("{id}-{counter}");
            counter += 1;
        }
    }
    ids
}

/// `path` with `.` and `..` taken away, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The problems of the links of the page at `page` (relative to the root).
fn broken_links(page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(page)).expect("read a page");
    let in_book = page.starts_with(BOOK);
    let mut problems = Vec::new();
    for target in link_targets(&text) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
        let linked = if file.is_empty() {
            page.to_path_buf()
        } else {
            normalise(&page.parent().expect("a parent").join(file))
        };
        if in_book && !linked.starts_with(BOOK) {
            problems.push(format!("{}: `{target}` leaves the book", page.display()));
        } else if !root().join(&linked).exists() {
            problems.push(format!("{}: `{target}` does not exist", page.display()));
        } else if !anchor.is_empty() {
            let linked_text = std::fs::read_to_string(root().join(&linked)).unwrap_or_default();
            if !heading_ids(&linked_text).contains(anchor) {
                problems.push(format!(
                    "{}: `{target}`: no heading has that id",
                    page.display()
                ));
            }
        }
    }
    problems
}

#[test]
fn every_internal_link_and_anchor_leads_somewhere() {
    let mut pages: Vec<PathBuf> = DOCUMENTS.iter().map(PathBuf::from).collect();
    pages.extend(book_pages().into_iter().map(|page| {
        page.strip_prefix(root())
            .expect("under the root")
            .to_path_buf()
    }));
    let problems: Vec<String> = pages.iter().flat_map(|page| broken_links(page)).collect();
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_page_of_the_book_is_in_its_summary() {
    let summary = std::fs::read_to_string(root().join(BOOK).join("SUMMARY.md")).unwrap();
    let listed: BTreeSet<PathBuf> = link_targets(&summary)
        .into_iter()
        .map(|target| root().join(BOOK).join(target))
        .collect();
    let missing: Vec<PathBuf> = book_pages()
        .into_iter()
        .filter(|page| !page.ends_with("SUMMARY.md") && !listed.contains(page))
        .collect();
    assert!(missing.is_empty(), "pages not in SUMMARY.md: {missing:?}");
}

#[test]
fn heading_ids_are_made_as_mdbook_makes_them() {
    let ids =
        heading_ids("# `exo generate`\n## Exit codes\n## Exit codes\n```\n# not a heading\n```\n");
    assert_eq!(
        ids,
        BTreeSet::from([
            "exo-generate".to_owned(),
            "exit-codes".to_owned(),
            "exit-codes-1".to_owned()
        ])
    );
}
