//! Order and cycles in the `depends-on` graph between services.

use indexmap::IndexMap;

/// Edges from each node to the nodes it depends on. Nodes missing from the
/// map have no edges; edges to unknown nodes are ignored.
pub type Edges = IndexMap<String, Vec<String>>;

/// The first cycle found, as the path `a, b, c, a`, walking nodes in map
/// order so that the answer is the same on every run.
pub fn find_cycle(edges: &Edges) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        node: &str,
        edges: &Edges,
        marks: &mut IndexMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node).copied().unwrap_or(Mark::New) {
            Mark::Done => return None,
            Mark::OnPath => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            Mark::New => {}
        }
        marks.insert(node.to_owned(), Mark::OnPath);
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if edges.contains_key(next)
                && let Some(cycle) = visit(next, edges, marks, path)
            {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = IndexMap::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut marks, &mut Vec::new()))
}

/// Nodes grouped in levels: each node comes after everything it depends on;
/// nodes of one level can start together. `None` if there is a cycle.
pub fn levels(edges: &Edges) -> Option<Vec<Vec<String>>> {
    let mut remaining: IndexMap<&str, Vec<&str>> = edges
        .iter()
        .map(|(node, deps)| {
            let known = deps
                .iter()
                .filter(|d| edges.contains_key(*d))
                .map(String::as_str);
            (node.as_str(), known.collect())
        })
        .collect();
    let mut levels = Vec::new();
    while !remaining.is_empty() {
        let ready: Vec<&str> = remaining
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| !remaining.contains_key(d)))
            .map(|(node, _)| *node)
            .collect();
        if ready.is_empty() {
            return None;
        }
        for node in &ready {
            remaining.shift_remove(node);
        }
        levels.push(ready.into_iter().map(str::to_owned).collect());
    }
    Some(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(list: &[(&str, &[&str])]) -> Edges {
        list.iter()
            .map(|(n, d)| (n.to_string(), d.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn no_cycle_in_a_chain() {
        let e = edges(&[("web", &["api"]), ("api", &["db"]), ("db", &[])]);
        assert_eq!(find_cycle(&e), None);
        assert_eq!(
            levels(&e),
            Some(vec![
                vec!["db".to_string()],
                vec!["api".to_string()],
                vec!["web".to_string()]
            ])
        );
    }

    #[test]
    fn reports_the_whole_cycle() {
        let e = edges(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]);
        assert_eq!(find_cycle(&e).unwrap(), ["a", "b", "c", "a"]);
        assert_eq!(levels(&e), None);
    }

    #[test]
    fn self_loop_is_a_cycle() {
        let e = edges(&[("a", &["a"])]);
        assert_eq!(find_cycle(&e).unwrap(), ["a", "a"]);
    }

    #[test]
    fn cycle_reached_from_outside_starts_at_its_first_member() {
        let e = edges(&[("x", &["a"]), ("a", &["b"]), ("b", &["a"])]);
        assert_eq!(find_cycle(&e).unwrap(), ["a", "b", "a"]);
    }

    #[test]
    fn independent_branches_share_a_level() {
        let e = edges(&[("web", &["api", "auth"]), ("api", &[]), ("auth", &[])]);
        let levels = levels(&e).unwrap();
        assert_eq!(levels[0], ["api", "auth"]);
        assert_eq!(levels[1], ["web"]);
    }
}
