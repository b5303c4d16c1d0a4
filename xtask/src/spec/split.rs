//! Splits one OpenAPI document into vendor-style reference pages: one page
//! per area (an operation's first tag), each operation its own complete
//! document holding its path, its method and the components it reaches, in
//! a ```json block, as Kizen publishes them. The bench and the tests make
//! pages of a whole vendor API (authentik's) this way; `bench/split-openapi.py`
//! is the same split, per operation, for one page.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::base::walk::{self, METHODS};

/// An area's page: its name (the tag; `untagged` without one) and markdown.
#[derive(Debug, Clone)]
pub struct Page {
    pub area: String,
    pub markdown: String,
}

/// The pages of `spec`, by area name. Each document carries the spec's
/// `openapi`, `info`, `servers`, `security` and every security scheme.
pub fn pages(spec: &Value) -> Vec<Page> {
    let title = spec
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API");
    let components = spec.get("components").and_then(Value::as_object);
    let mut sections: BTreeMap<String, String> = BTreeMap::new();
    for (path, method, operation, item) in walk::operations(spec) {
        let mut piece = Map::new();
        if let Some(item) = item.as_object() {
            for (key, value) in item {
                if !METHODS.contains(&key.as_str()) {
                    piece.insert(key.clone(), value.clone());
                }
            }
        }
        piece.insert(method.to_string(), operation.clone());
        let piece = Value::Object(piece);
        let mut document = Map::new();
        for key in ["openapi", "info", "security", "servers"] {
            if let Some(value) = spec.get(key) {
                document.insert(key.to_string(), value.clone());
            }
        }
        document.insert(
            "components".into(),
            Value::Object(closure(components, &piece)),
        );
        let mut paths = Map::new();
        paths.insert(path.clone(), piece);
        document.insert("paths".into(), Value::Object(paths));
        let area = operation
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or("untagged")
            .to_string();
        let heading = operation
            .get("summary")
            .and_then(Value::as_str)
            .map_or_else(
                || format!("{} {path}", method.to_uppercase()),
                str::to_string,
            );
        let section = sections
            .entry(area)
            .or_insert_with(|| format!("# {title}\n"));
        section.push_str(&format!(
            "\n## {heading}\n\n```json\n{}\n```\n",
            Value::Object(document)
        ));
    }
    sections
        .into_iter()
        .map(|(area, markdown)| Page { area, markdown })
        .collect()
}

/// The components `piece` reaches (through each other too), and every
/// security scheme.
pub fn closure(components: Option<&Map<String, Value>>, piece: &Value) -> Map<String, Value> {
    // By kind and name: the same document whatever order the walk found them.
    let mut out: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let Some(components) = components else {
        return Map::new();
    };
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut todo = references(piece);
    while let Some((kind, name)) = todo.pop() {
        if !seen.insert((kind.clone(), name.clone())) {
            continue;
        }
        let Some(value) = components.get(&kind).and_then(|k| k.get(&name)) else {
            continue;
        };
        todo.extend(references(value));
        out.entry(kind).or_default().insert(name, value.clone());
    }
    if let Some(schemes) = components.get("securitySchemes").and_then(Value::as_object) {
        out.insert(
            "securitySchemes".into(),
            schemes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
    }
    out.into_iter()
        .map(|(kind, map)| (kind, Value::Object(map.into_iter().collect())))
        .collect()
}

/// `(kind, name)` of every `#/components/<kind>/<name>` reference in `value`.
fn references(value: &Value) -> Vec<(String, String)> {
    walk::refs(value)
        .into_iter()
        .filter_map(|(_, reference)| {
            let pointer = walk::ref_pointer(&reference)?;
            let rest = pointer.strip_prefix("/components/")?;
            let (kind, name) = rest.split_once('/')?;
            let name = name.replace("~1", "/").replace("~0", "~");
            Some((kind.to_string(), name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_area_gets_a_page_of_complete_documents() {
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a/": {"get": {"operationId": "a_list", "tags": ["a"], "responses": {
                    "400": {"$ref": "#/components/responses/Bad"}}}},
                "/b/": {"post": {"operationId": "b_create", "tags": ["b"], "responses": {}}},
            },
            "components": {
                "responses": {"Bad": {"description": "", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}}},
                "schemas": {
                    "Error": {"properties": {"next": {"$ref": "#/components/schemas/Detail"}}},
                    "Detail": {"type": "string"},
                    "Unused": {"type": "string"},
                },
                "securitySchemes": {"k": {"type": "http", "scheme": "bearer"}},
            },
        });
        let pages = pages(&spec);
        let areas: Vec<&str> = pages.iter().map(|p| p.area.as_str()).collect();
        assert_eq!(areas, ["a", "b"]);
        let block = pages[0]
            .markdown
            .split("```json\n")
            .nth(1)
            .and_then(|b| b.split("\n```").next())
            .unwrap_or_default();
        let document: Value = serde_json::from_str(block).unwrap_or_default();
        let schemas = document["components"]["schemas"]
            .as_object()
            .map(|s| s.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        assert_eq!(schemas, ["Detail", "Error"], "reached, through each other");
        assert!(document["components"]["responses"]["Bad"].is_object());
        assert!(document["components"]["securitySchemes"]["k"].is_object());
        assert!(document["paths"]["/a/"]["get"].is_object());
        assert!(pages[0].markdown.starts_with("# T\n\n## GET /a/\n"));
    }
}
