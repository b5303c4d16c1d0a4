//! Merges the per-endpoint vendor documents into one OpenAPI document.
//!
//! The vendor repeats, in every document, the components that endpoint uses
//! and the same `info`. Merging is a union that insists on agreement: a
//! repeated definition must be identical, or the documents contradict each
//! other and a human must decide which is right.
//!
//! Top-level `security` is different: it is each document's default for its
//! own operations, and pages differ on it (S3's operations accept anonymous
//! calls, the others do not). Where every document has the same, it stays
//! top-level; otherwise each operation gets its document's requirement
//! (unless it has its own), and the merged spec has no top-level default.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::base::error::{Error, Result};
use crate::base::json;
use crate::base::walk::METHODS;
use crate::spec::load::Document;

/// Top-level fields merged by union, or per document (`security`); every
/// other one must agree.
const SECTIONS: &[&str] = &["paths", "components", "tags", "security"];

/// The merged document, with the file each operation and component came from
/// so that later stages can name the vendor document behind a problem.
#[derive(Debug, Clone)]
pub struct Merged {
    pub spec: Value,
    /// JSON pointer (of an operation or a component) -> first file defining it.
    pub origins: BTreeMap<String, String>,
}

impl Merged {
    /// The vendor file behind `pointer`, if it lies inside a known operation or
    /// component; `fallback` otherwise (e.g. a top-level field, or the overlay).
    pub fn origin_of<'a>(&'a self, pointer: &str, fallback: &'a str) -> &'a str {
        self.origins
            .range(..=pointer.to_string())
            .rev()
            .find(|(prefix, _)| {
                pointer == prefix.as_str()
                    || pointer.starts_with(prefix.as_str())
                        && pointer[prefix.len()..].starts_with('/')
            })
            .map_or(fallback, |(_, file)| file.as_str())
    }
}

/// Merges documents (already repaired) in the order given; output keys
/// sorted. The documents are consumed: their values move into the result.
pub fn documents(documents: Vec<Document>) -> Result<Merged> {
    let mut state = State::default();
    for doc in documents {
        state.add(doc)?;
    }
    state.security();
    let mut spec = Value::Object(state.out);
    json::canonical(&mut spec);
    Ok(Merged {
        spec,
        origins: state.origins,
    })
}

#[derive(Default)]
struct State {
    out: Map<String, Value>,
    origins: BTreeMap<String, String>,
    /// Top-level field -> first file that set it (absent counts as a value).
    first_file: Option<String>,
    operation_ids: BTreeMap<String, String>,
    tags_from: BTreeMap<String, String>,
    /// Each document's top-level `security` (absent: none), and the
    /// operations (path, method) it brought.
    security: Vec<(Option<Value>, Vec<Operation>)>,
}

/// An operation by (path, method).
type Operation = (String, String);

/// Names the first definer of something whose origin was not recorded
/// (cannot happen: every insertion records one), rather than an empty name.
const EARLIER: &str = "an earlier document";

/// The file that first defined what is at `pointer`.
fn first(origins: &BTreeMap<String, String>, pointer: &str) -> String {
    origins
        .get(pointer)
        .cloned()
        .unwrap_or_else(|| EARLIER.to_string())
}

impl State {
    fn add(&mut self, doc: Document) -> Result<()> {
        let file = doc.file;
        let Value::Object(mut root) = doc.value else {
            return Err(Error::invalid(
                &file,
                "",
                "expected a JSON object (an OpenAPI document)",
            ));
        };
        let mut operations = Vec::new();
        if let Some(paths) = root.remove("paths") {
            self.paths(&file, paths, &mut operations)?;
        }
        self.security.push((root.remove("security"), operations));
        if let Some(components) = root.remove("components") {
            self.components(&file, components)?;
        }
        if let Some(tags) = root.remove("tags") {
            self.tags(&file, tags)?;
        }
        self.top_level(file, root)
    }

    /// Every other top-level field (`openapi`, `info`, `security`, `servers`,
    /// ...) must be the same in every document, absence included.
    fn top_level(&mut self, file: String, root: Map<String, Value>) -> Result<()> {
        let Some(first) = &self.first_file else {
            self.out.extend(root);
            self.first_file = Some(file);
            return Ok(());
        };
        let keys: BTreeSet<&String> = root
            .keys()
            .chain(self.out.keys())
            .filter(|k| !SECTIONS.contains(&k.as_str()))
            .collect();
        for key in keys {
            let (a, b) = (self.out.get(key), root.get(key));
            if a != b {
                return Err(disagree(key, first, a, &file, b));
            }
        }
        Ok(())
    }

    /// Where documents' `security` defaults differ, each operation gets its
    /// document's (unless it has its own), and there is no top-level one.
    fn security(&mut self) {
        let mut defaults = self.security.iter().map(|(security, _)| security);
        let first = defaults.next().cloned().flatten();
        if defaults.all(|s| *s == first) {
            if let Some(security) = first {
                self.out.insert("security".into(), security);
            }
            return;
        }
        let Some(Value::Object(paths)) = self.out.get_mut("paths") else {
            return;
        };
        for (security, operations) in self.security.drain(..) {
            let security = security.unwrap_or_else(|| Value::Array(Vec::new()));
            for (path, method) in operations {
                if let Some(Value::Object(operation)) =
                    paths.get_mut(&path).and_then(|item| item.get_mut(&method))
                {
                    operation
                        .entry("security")
                        .or_insert_with(|| security.clone());
                }
            }
        }
    }

    fn paths(&mut self, file: &str, paths: Value, operations: &mut Vec<Operation>) -> Result<()> {
        let Value::Object(paths) = paths else {
            return Err(Error::invalid(
                file,
                "/paths",
                "expected an object of paths",
            ));
        };
        let merged = self
            .out
            .entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(merged) = merged else {
            return Ok(());
        };
        for (path, item) in paths {
            let item_pointer = json::join("/paths", &path);
            let Value::Object(item) = item else {
                return Err(Error::invalid(
                    file,
                    item_pointer,
                    "expected a path item object",
                ));
            };
            let target = merged
                .entry(path.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(target) = target else {
                continue;
            };
            for (field, value) in item {
                let pointer = json::join(&item_pointer, &field);
                let is_operation = METHODS.contains(&field.as_str());
                match target.get(&field) {
                    None => {
                        let id = value.get("operationId").and_then(Value::as_str);
                        if let Some(id) = id.filter(|_| is_operation) {
                            if let Some(first) = self.operation_ids.get(id) {
                                return Err(Error::DuplicateOperationId {
                                    id: id.to_string(),
                                    first: first.clone(),
                                    second: file.to_string(),
                                });
                            }
                            self.operation_ids.insert(id.to_string(), file.to_string());
                        }
                        self.origins.insert(pointer, file.to_string());
                        if is_operation {
                            operations.push((path.clone(), field.clone()));
                        }
                        target.insert(field, value);
                    }
                    Some(_) if is_operation => {
                        return Err(Error::DuplicateOperation {
                            method: field.to_uppercase(),
                            path: path.clone(),
                            first: first(&self.origins, &pointer),
                            second: file.to_string(),
                        });
                    }
                    // Path-level fields shared by several documents (e.g. path
                    // parameters) must agree like top-level ones.
                    Some(existing) if *existing != value => {
                        let first = first(&self.origins, &pointer);
                        return Err(disagree(
                            &format!("paths.{path}.{field}"),
                            &first,
                            Some(existing),
                            file,
                            Some(&value),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    fn components(&mut self, file: &str, components: Value) -> Result<()> {
        let Value::Object(components) = components else {
            return Err(Error::invalid(file, "/components", "expected an object"));
        };
        let merged = self
            .out
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(merged) = merged else {
            return Ok(());
        };
        for (kind, entries) in components {
            let kind_pointer = json::join("/components", &kind);
            let Value::Object(entries) = entries else {
                return Err(Error::invalid(
                    file,
                    kind_pointer,
                    "expected an object of components",
                ));
            };
            let target = merged
                .entry(kind.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(target) = target else {
                continue;
            };
            for (name, definition) in entries {
                let pointer = json::join(&kind_pointer, &name);
                match target.get(&name) {
                    None => {
                        self.origins.insert(pointer, file.to_string());
                        target.insert(name, definition);
                    }
                    Some(existing) if *existing != definition => {
                        return Err(Error::ComponentConflict {
                            kind: kind.clone(),
                            name,
                            first: first(&self.origins, &pointer),
                            second: file.to_string(),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    /// Tags are a list keyed by `name`: a union, each name defined once.
    fn tags(&mut self, file: &str, tags: Value) -> Result<()> {
        let Value::Array(tags) = tags else {
            return Err(Error::invalid(file, "/tags", "expected an array of tags"));
        };
        let merged = self
            .out
            .entry("tags")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(merged) = merged else {
            return Ok(());
        };
        for (i, tag) in tags.into_iter().enumerate() {
            let Some(name) = tag.get("name").and_then(Value::as_str).map(str::to_string) else {
                return Err(Error::invalid(
                    file,
                    format!("/tags/{i}"),
                    "expected a tag with a `name`",
                ));
            };
            match merged
                .iter()
                .find(|t| t.get("name").and_then(Value::as_str) == Some(name.as_str()))
            {
                None => {
                    self.tags_from.insert(name, file.to_string());
                    merged.push(tag);
                }
                Some(existing) if *existing != tag => {
                    return Err(Error::ComponentConflict {
                        kind: "tags".into(),
                        first: self
                            .tags_from
                            .get(&name)
                            .cloned()
                            .unwrap_or_else(|| EARLIER.to_string()),
                        name,
                        second: file.to_string(),
                    });
                }
                Some(_) => {}
            }
        }
        merged.sort_by(|a, b| {
            a.get("name")
                .and_then(Value::as_str)
                .cmp(&b.get("name").and_then(Value::as_str))
        });
        Ok(())
    }
}

fn disagree(field: &str, first: &str, a: Option<&Value>, second: &str, b: Option<&Value>) -> Error {
    let show = |v: Option<&Value>| v.map_or_else(|| "none".to_string(), json::brief);
    Error::Disagree {
        field: field.to_string(),
        first: first.to_string(),
        first_value: show(a),
        second: second.to_string(),
        second_value: show(b),
    }
}
