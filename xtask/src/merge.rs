//! Merges the per-endpoint vendor documents into one OpenAPI document.
//!
//! The vendor repeats, in every document, the components that endpoint uses
//! and the same `info` and `security`. Merging is a union that insists on
//! agreement: a repeated definition must be identical, or the documents
//! contradict each other and a human must decide which is right.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::json;
use crate::load::Document;

/// HTTP methods of a path item (OpenAPI 3.0).
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of a spec in document order: (path, method, operation,
/// its path item). The one walk over `paths` that the stages share.
pub fn operations(spec: &Value) -> impl Iterator<Item = (&String, &'static str, &Value, &Value)> {
    spec.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |method| Some((path, *method, item.get(*method)?, item)))
        })
}

/// Top-level fields merged by union; every other one must agree.
const SECTIONS: &[&str] = &["paths", "components", "tags"];

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

/// Merges documents (already repaired) in the order given; output keys sorted.
pub fn documents(documents: &[Document]) -> Result<Merged> {
    let mut state = State::default();
    for doc in documents {
        state.add(doc)?;
    }
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
}

impl State {
    fn add(&mut self, doc: &Document) -> Result<()> {
        let Some(root) = doc.value.as_object() else {
            return Err(Error::invalid(
                &doc.file,
                "",
                "expected a JSON object (an OpenAPI document)",
            ));
        };
        for (key, value) in root {
            match key.as_str() {
                "paths" => self.paths(doc, value)?,
                "components" => self.components(doc, value)?,
                "tags" => self.tags(doc, value)?,
                _ => {}
            }
        }
        self.top_level(doc, root)
    }

    /// Every other top-level field (`openapi`, `info`, `security`, `servers`,
    /// ...) must be the same in every document, absence included.
    fn top_level(&mut self, doc: &Document, root: &Map<String, Value>) -> Result<()> {
        let Some(first) = &self.first_file else {
            for (key, value) in root {
                if !SECTIONS.contains(&key.as_str()) {
                    self.out.insert(key.clone(), value.clone());
                }
            }
            self.first_file = Some(doc.file.clone());
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
                return Err(disagree(key, first, a, &doc.file, b));
            }
        }
        Ok(())
    }

    fn paths(&mut self, doc: &Document, paths: &Value) -> Result<()> {
        let Some(paths) = paths.as_object() else {
            return Err(Error::invalid(
                &doc.file,
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
            let item_pointer = json::join("/paths", path);
            let Some(item) = item.as_object() else {
                return Err(Error::invalid(
                    &doc.file,
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
                let pointer = json::join(&item_pointer, field);
                let is_operation = METHODS.contains(&field.as_str());
                match target.get(field) {
                    None => {
                        let id = value.get("operationId").and_then(Value::as_str);
                        if let Some(id) = id.filter(|_| is_operation) {
                            if let Some(first) = self.operation_ids.get(id) {
                                return Err(Error::DuplicateOperationId {
                                    id: id.to_string(),
                                    first: first.clone(),
                                    second: doc.file.clone(),
                                });
                            }
                            self.operation_ids.insert(id.to_string(), doc.file.clone());
                        }
                        self.origins.insert(pointer, doc.file.clone());
                        target.insert(field.clone(), value.clone());
                    }
                    Some(_) if is_operation => {
                        return Err(Error::DuplicateOperation {
                            method: field.to_uppercase(),
                            path: path.clone(),
                            first: self.origins.get(&pointer).cloned().unwrap_or_default(),
                            second: doc.file.clone(),
                        });
                    }
                    // Path-level fields shared by several documents (e.g. path
                    // parameters) must agree like top-level ones.
                    Some(existing) if existing != value => {
                        let first = self.origins.get(&pointer).cloned().unwrap_or_default();
                        return Err(disagree(
                            &format!("paths.{path}.{field}"),
                            &first,
                            Some(existing),
                            &doc.file,
                            Some(value),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    fn components(&mut self, doc: &Document, components: &Value) -> Result<()> {
        let Some(components) = components.as_object() else {
            return Err(Error::invalid(
                &doc.file,
                "/components",
                "expected an object",
            ));
        };
        let merged = self
            .out
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(merged) = merged else {
            return Ok(());
        };
        for (kind, entries) in components {
            let kind_pointer = json::join("/components", kind);
            let Some(entries) = entries.as_object() else {
                return Err(Error::invalid(
                    &doc.file,
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
                let pointer = json::join(&kind_pointer, name);
                match target.get(name) {
                    None => {
                        self.origins.insert(pointer, doc.file.clone());
                        target.insert(name.clone(), definition.clone());
                    }
                    Some(existing) if existing != definition => {
                        return Err(Error::ComponentConflict {
                            kind: kind.clone(),
                            name: name.clone(),
                            first: self.origins.get(&pointer).cloned().unwrap_or_default(),
                            second: doc.file.clone(),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    /// Tags are a list keyed by `name`: a union, each name defined once.
    fn tags(&mut self, doc: &Document, tags: &Value) -> Result<()> {
        let Some(tags) = tags.as_array() else {
            return Err(Error::invalid(
                &doc.file,
                "/tags",
                "expected an array of tags",
            ));
        };
        let merged = self
            .out
            .entry("tags")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(merged) = merged else {
            return Ok(());
        };
        for (i, tag) in tags.iter().enumerate() {
            let Some(name) = tag.get("name").and_then(Value::as_str) else {
                return Err(Error::invalid(
                    &doc.file,
                    format!("/tags/{i}"),
                    "expected a tag with a `name`",
                ));
            };
            match merged
                .iter()
                .find(|t| t.get("name").and_then(Value::as_str) == Some(name))
            {
                None => {
                    self.tags_from.insert(name.to_string(), doc.file.clone());
                    merged.push(tag.clone());
                }
                Some(existing) if existing != tag => {
                    return Err(Error::ComponentConflict {
                        kind: "tags".into(),
                        name: name.to_string(),
                        first: self.tags_from.get(name).cloned().unwrap_or_default(),
                        second: doc.file.clone(),
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
