//! The module graph of `xtask/src`, at folder level: data flows one way,
//! and so do the folders' imports (read from their `crate::` paths), in the
//! order `lib.rs` draws. A module in a folder counts as its folder. And the
//! house stays readable: no folder over 12 Rust files, no file over 500
//! lines of code.

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
    // Items re-exported at the crate root (`crate::Error`) are base's.
    out.into_iter()
        .filter(|m| !m.is_empty())
        .map(|m| {
            if m.starts_with(char::is_uppercase) {
                "base".into()
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

/// The folders (and root modules) from the top down, as `lib.rs` draws
/// them: each imports only what comes after it.
const ORDER: &[&str] = &[
    "cmd", "pipeline", "reports", "codegen", "pages", "spec", "base",
];

#[test]
fn modules_import_each_other_one_way() {
    let graph = graph();
    assert!(graph.contains_key("pipeline") && graph.contains_key("base"));
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
fn each_folder_imports_only_folders_below_it() {
    let graph = graph();
    let unknown: Vec<&String> = graph
        .keys()
        .filter(|m| !ORDER.contains(&m.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "not placed in lib.rs's map (and ORDER): {unknown:?}"
    );
    for (from, uses) in &graph {
        let at = ORDER.iter().position(|m| m == from).unwrap();
        // A `crate::` path of another crate, in a string of generated code
        // (`crate::http::...`), is not ours.
        for used in uses.iter().filter(|u| graph.contains_key(*u)) {
            let below = ORDER.iter().position(|m| m == used);
            assert!(
                below.is_some_and(|b| b > at),
                "{from} imports {used}, which is not below it ({})",
                ORDER.join(" > ")
            );
        }
    }
}

#[test]
fn no_folder_holds_more_than_12_rust_files() {
    let mut folders = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(folder) = folders.pop() {
        let mut files = 0;
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
            }
        }
        assert!(files <= 12, "{} holds {files} Rust files", folder.display());
    }
}

/// Lines of code: neither blank nor a comment, outside `#[cfg(test)]` modules.
fn code_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let (mut count, mut i) = (0, 0);
    while i < lines.len() {
        let line = lines[i].trim();
        if line.starts_with("#[cfg(test)]") {
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim().starts_with("#[") {
                j += 1;
            }
            let item = lines.get(j).map_or("", |l| l.trim());
            if (item.starts_with("mod ") || item.starts_with("pub mod ")) && item.ends_with('{') {
                let mut depth = 0i64;
                let mut k = j;
                while k < lines.len() {
                    depth += lines[k].matches('{').count() as i64;
                    depth -= lines[k].matches('}').count() as i64;
                    if depth <= 0 {
                        break;
                    }
                    k += 1;
                }
                i = k + 1;
                continue;
            }
        }
        if !line.is_empty() && !line.starts_with("//") {
            count += 1;
        }
        i += 1;
    }
    count
}

#[test]
fn no_file_holds_more_than_500_lines_of_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut folders: Vec<_> = ["xtask", "kizen-api", "kizen-api-httpmock"]
        .iter()
        .map(|c| root.join(c))
        .collect();
    let mut long = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "fixtures" && name != "snapshots" {
                    folders.push(path);
                }
            } else if name.ends_with(".rs") && name != "generated.rs" {
                let lines = code_lines(&std::fs::read_to_string(&path).unwrap());
                if lines > 500 {
                    long.push(format!("{}: {lines}", path.display()));
                }
            }
        }
    }
    assert!(
        long.is_empty(),
        "over 500 lines of code: split by concern:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_counter_skips_comments_blanks_and_test_modules() {
    let text = "fn a() {}\n\n// note\n/// doc\n#[cfg(test)]\nmod tests {\n    fn b() {\n    }\n}\nfn c() {}\n";
    assert_eq!(code_lines(text), 2);
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
        "use crate::{base::{files::{self, Output}, json}, spec::load};\nlet x = crate::pages::import::plan(v); crate::Error::io",
    );
    assert_eq!(paths, ["base", "pages", "spec"].map(String::from).into());
}
