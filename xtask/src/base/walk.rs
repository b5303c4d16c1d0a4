//! How an OpenAPI value is walked: its operations, which keys hold literal
//! data or free names rather than OpenAPI objects, and local `$ref`s. One
//! home for this knowledge, so that the stages that walk a document (repair,
//! validate, diff, import) cannot drift apart.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::base::json::Pointer;

/// HTTP methods of a path item (OpenAPI 3.0).
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of a spec in document order: (path, method, operation,
/// its path item).
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

/// What the value under a key of an OpenAPI object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    /// Literal data (`example`, `enum`, `x-*`, ...): never walked.
    Literal,
    /// A map from free names (property names, paths, status codes, media
    /// types, ...) to OpenAPI objects: the names are never keywords (a
    /// property may well be called `properties` or `$ref`).
    Names,
    /// An OpenAPI object, a schema, or a list of them.
    Node,
}

/// Keys whose value is literal data, never a schema or an OpenAPI object.
const LITERALS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// Keys whose value maps free names to OpenAPI objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "paths",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
];

/// Classifies the value under `key` (of an object being walked).
pub fn child(key: &str, value: &Value) -> Child {
    if LITERALS.contains(&key) || key.starts_with("x-") {
        Child::Literal
    } else if value.is_object() && NAME_MAPS.contains(&key) {
        Child::Names
    } else {
        Child::Node
    }
}

/// Calls `visit` on every object of `value` that may be an OpenAPI object
/// or a schema, with its JSON pointer, in document order: literal values
/// are skipped and names read as names (see [`child`]). The one immutable
/// walk; `repair` walks the same way, mutably.
pub fn objects(value: &Value, visit: &mut impl FnMut(&str, &Map<String, Value>)) {
    fn walk(
        value: &Value,
        pointer: &mut Pointer,
        visit: &mut impl FnMut(&str, &Map<String, Value>),
    ) {
        match value {
            Value::Object(map) => {
                visit(pointer.as_str(), map);
                for (key, child_value) in map {
                    let len = pointer.push(key);
                    match child(key, child_value) {
                        Child::Literal => {}
                        Child::Names => {
                            for (name, entry) in child_value.as_object().into_iter().flatten() {
                                let inner = pointer.push(name);
                                walk(entry, pointer, visit);
                                pointer.truncate(inner);
                            }
                        }
                        Child::Node => walk(child_value, pointer, visit),
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.push_index(i);
                    walk(item, pointer, visit);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    walk(value, &mut Pointer::default(), visit);
}

/// Every `$ref` string of `value` with its JSON pointer, in document order.
pub fn refs(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    objects(value, &mut |pointer, map| {
        if let Some(Value::String(r)) = map.get("$ref") {
            out.push((format!("{pointer}/$ref"), r.clone()));
        }
    });
    out
}

/// The JSON pointer a local `$ref` names (`#/components/schemas/A%20B` ->
/// `/components/schemas/A B`): a `$ref` is a URI fragment, percent-encoded.
/// `None` for an external reference.
pub fn ref_pointer(reference: &str) -> Option<Cow<'_, str>> {
    let fragment = reference.strip_prefix('#')?;
    Some(percent_encoding::percent_decode_str(fragment).decode_utf8_lossy())
}

/// The schema component a `$ref` names (`#/components/schemas/A%20B` ->
/// `A B`), if it names one.
pub fn component_name(reference: &str) -> Option<String> {
    let pointer = ref_pointer(reference)?;
    let name = pointer.strip_prefix("/components/schemas/")?;
    (!name.contains('/')).then(|| name.replace("~1", "/").replace("~0", "~"))
}

/// Follows local `$ref`s from `value` (a bounded number, against cycles);
/// returns the first value that is not a resolvable reference.
pub fn resolve<'v>(spec: &'v Value, mut value: &'v Value) -> &'v Value {
    for _ in 0..32 {
        let Some(pointer) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_pointer)
        else {
            return value;
        };
        match spec.pointer(&pointer) {
            Some(next) => value = next,
            None => return value,
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_skip_literals_and_read_names_as_names() {
        let spec = json!({
            "components": {"schemas": {"A": {"properties": {
                "$ref": {"$ref": "#/components/schemas/B"},
                "e": {"example": {"$ref": "not a ref"}, "x-note": {"$ref": "nor this"}}
            }}}},
        });
        assert_eq!(
            refs(&spec),
            [(
                "/components/schemas/A/properties/$ref/$ref".to_string(),
                "#/components/schemas/B".to_string()
            )]
        );
    }

    #[test]
    fn resolve_percent_decodes_and_stops_on_cycles() {
        let spec = json!({"components": {"schemas": {
            "A B": {"type": "string"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }}});
        let to = json!({"$ref": "#/components/schemas/A%20B"});
        assert_eq!(resolve(&spec, &to), &json!({"type": "string"}));
        let cycle = json!({"$ref": "#/components/schemas/Loop"});
        assert!(resolve(&spec, &cycle).get("$ref").is_some());
        assert_eq!(ref_pointer("other.json#/a"), None);
    }
}
