//! The module graph of `xtask/src` has no cycle: data flows one way, and so
//! do the modules' imports (read from their `crate::` paths). A module in a
//! folder (`cmd/`, `diff/`) counts as its folder's module.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module -> the modules it names through `crate::`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let module = match rel.components().next() {
            Some(first) if rel.components().count() > 1 => first.as_os_str(),
            _ => rel.file_stem().unwrap(),
        }
        .to_string_lossy()
        .into_owned();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let uses: &mut BTreeSet<String> = graph.entry(module.clone()).or_default();
        uses.extend(crate_paths(&text).into_iter().filter(|m| *m != module));
    }
    graph
}

/// The first segment of every `crate::` path in `text`, braces expanded.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => return true,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    false
                })
                .map_or(group.len(), |(i, _)| i);
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(&group[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            out.insert(ident(&group[start..end]));
        } else {
            out.insert(ident(rest));
        }
    }
    // Items re-exported at the crate root (`crate::Error`) are error's.
    out.into_iter()
        .filter(|m| !m.is_empty())
        .map(|m| {
            if m.starts_with(char::is_uppercase) {
                "error".into()
            } else {
                m
            }
        })
        .collect()
}

fn ident(text: &str) -> String {
    text.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A cycle through `node`, if any (depth-first, with the path so far).
fn cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    node: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut found = path[at..].to_vec();
        found.push(node.to_string());
        return Some(found);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_string());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(found) = cycle(graph, next, path, done) {
            return Some(found);
        }
    }
    path.pop();
    done.insert(node.to_string());
    None
}

#[test]
fn modules_import_each_other_one_way() {
    let graph = graph();
    assert!(graph.contains_key("pipeline") && graph.contains_key("walk"));
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(found) = cycle(&graph, node, &mut Vec::new(), &mut done) {
            panic!(
                "modules import each other in a circle: {}",
                found.join(" -> ")
            );
        }
    }
}

#[test]
fn leaves_import_no_stage() {
    let graph = graph();
    for leaf in ["error", "json", "walk", "layout", "files", "page"] {
        let uses = &graph[leaf];
        let allowed: BTreeSet<&str> = ["error", "json"].into();
        let extra: Vec<&String> = uses
            .iter()
            .filter(|m| !allowed.contains(m.as_str()))
            .collect();
        assert!(extra.is_empty(), "leaf module {leaf} imports {extra:?}");
    }
}

#[test]
fn the_reader_finds_a_cycle() {
    let mut graph = BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a")] {
        graph
            .entry(from.to_string())
            .or_insert_with(BTreeSet::new)
            .insert(to.to_string());
    }
    let found = cycle(&graph, "a", &mut Vec::new(), &mut BTreeSet::new());
    assert_eq!(found.unwrap(), ["a", "b", "c", "a"]);
    let paths = crate_paths(
        "use crate::{files::{self, Output}, json};\nlet x = crate::walk::refs(v); crate::Error::io",
    );
    assert_eq!(
        paths,
        ["error", "files", "json", "walk"].map(String::from).into()
    );
}
