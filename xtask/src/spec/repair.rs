//! General fixes for quirks of Django / drf-spectacular style vendor specs.
//!
//! Each repair runs on the raw JSON, before typed parsing (the quirks make
//! `openapiv3` or progenitor refuse or panic), and each is reported as a
//! [`Warning`] naming the file and the JSON pointer it touched. Facts about the
//! Kizen API itself belong in the overlay, not here.

use serde_json::{Map, Value};

use crate::base::error::{Error, Result, Warning};
use crate::base::json::{self, Pointer};
use crate::base::walk::{self, Child};
use crate::spec::load::Document;

/// Request body media types in order of preference when a body offers
/// several: progenitor supports one per body. JSON carries types best; the
/// form encodings follow in the order Django REST framework lists them.
pub const MEDIA_TYPE_PREFERENCE: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
];

/// Repairs every document in place and returns what was changed, in
/// document order. A quirk that cannot be repaired is an error naming its
/// file and pointer.
pub fn documents(documents: &mut [Document]) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    for doc in documents {
        let binary = binary_components(&doc.value);
        let mut repair = Repair {
            file: &doc.file,
            warnings: Vec::new(),
            error: None,
            binary: &binary,
        };
        repair.node(&mut doc.value, &mut Pointer::default(), None);
        if let Some(error) = repair.error {
            return Err(error);
        }
        warnings.append(&mut repair.warnings);
    }
    Ok(warnings)
}

struct Repair<'a> {
    file: &'a str,
    warnings: Vec<Warning>,
    /// The first problem that cannot be repaired.
    error: Option<Error>,
    /// The document's component schemas with a file (`format: binary`)
    /// property: a multipart body of one of them is kept (see
    /// [`Repair::media_types`]).
    binary: &'a std::collections::BTreeSet<String>,
}

/// Whether an object schema has a `format: binary` property (or an array of
/// them): a file, which only a multipart body can carry.
fn has_file(schema: &Value) -> bool {
    let binary = |s: &Value| {
        s.get("type").and_then(Value::as_str) == Some("string")
            && s.get("format").and_then(Value::as_str) == Some("binary")
    };
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|properties| {
            properties
                .values()
                .any(|p| binary(p) || p.get("items").is_some_and(binary))
        })
}

/// The component schemas of a document that have a file property.
fn binary_components(document: &Value) -> std::collections::BTreeSet<String> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| has_file(schema))
        .map(|(name, _)| name.clone())
        .collect()
}

impl Repair<'_> {
    fn warn(&mut self, pointer: &str, message: String) {
        self.warnings.push(Warning {
            file: self.file.to_string(),
            pointer: pointer.to_string(),
            message,
        });
    }

    /// Repairs one OpenAPI object (or schema), then walks its children (see
    /// [`walk::child`]). `parent_key` is the key this node is the value of.
    fn node(&mut self, value: &mut Value, pointer: &mut Pointer, parent_key: Option<&str>) {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let len = pointer.push_index(i);
                    self.node(item, pointer, parent_key);
                    pointer.truncate(len);
                }
            }
            Value::Object(map) => {
                self.boolean_required(map, pointer.as_str());
                self.integer_bounds(map, pointer.as_str());
                self.null_branches(map, pointer.as_str());
                self.decimal_format(map, pointer.as_str());
                if parent_key == Some("requestBody") || parent_key == Some("requestBodies") {
                    self.media_types(map, pointer.as_str());
                }
                for (key, child) in map.iter_mut() {
                    let len = pointer.push(key);
                    match walk::child(key, child) {
                        Child::Literal => {}
                        Child::Names => {
                            for (name, entry) in child.as_object_mut().into_iter().flatten() {
                                let inner = pointer.push(name);
                                self.node(entry, pointer, Some(key));
                                pointer.truncate(inner);
                            }
                        }
                        Child::Node => self.node(child, pointer, Some(key)),
                    }
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// `"required": true|false` on a property schema is Swagger 2 style and
    /// invalid in OpenAPI 3 (`required` is the parent's array of names):
    /// remove it, and move the name into the parent's `required` when true.
    fn boolean_required(&mut self, schema: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        let mut now_required = Vec::new();
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            let Some(&Value::Bool(flag)) = property.get("required") else {
                continue;
            };
            property.remove("required");
            let at = json::join(&json::join(pointer, "properties"), name);
            if flag {
                now_required.push(name.clone());
                self.warn(
                    &at,
                    format!(
                        "`\"required\": true` on a property is invalid in OpenAPI 3; \
                         removed, and `{name}` added to the parent's `required` list"
                    ),
                );
            } else {
                self.warn(
                    &at,
                    "`\"required\": false` on a property is invalid in OpenAPI 3; removed"
                        .to_string(),
                );
            }
        }
        if now_required.is_empty() {
            return;
        }
        let required = schema
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if !required.is_array() {
            *required = Value::Array(Vec::new());
        }
        if let Value::Array(names) = required {
            for name in now_required {
                if !names.iter().any(|n| n.as_str() == Some(&name)) {
                    names.push(Value::String(name));
                }
            }
        }
    }

    /// An integer bound outside the range of the schema's format cannot be
    /// represented by the format's Rust type (drf-spectacular writes i64::MAX
    /// through a float, giving 9223372036854776000): drop the bound.
    fn integer_bounds(&mut self, schema: &mut Map<String, Value>, pointer: &str) {
        if schema.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let (low, high, name) = match format {
            "int32" => (i64::from(i32::MIN), i64::from(i32::MAX), "int32"),
            "int64" => (i64::MIN, i64::MAX, "int64"),
            // Without a format the parsed bound is still an i64.
            _ => (i64::MIN, i64::MAX, "integer (i64)"),
        };
        for bound in ["maximum", "minimum"] {
            let Some(Value::Number(n)) = schema.get(bound) else {
                continue;
            };
            let in_range = match n.as_i64() {
                Some(v) => (low..=high).contains(&v),
                None => false, // above i64::MAX, or not an integer at all
            };
            if !in_range {
                let shown = n.to_string();
                schema.remove(bound);
                self.warn(
                    &json::join(pointer, bound),
                    format!("{bound} {shown} is outside the range of {name}; dropped"),
                );
            }
        }
    }

    /// OpenAPI 3.1 writes "nullable" as a `{"type": "null"}` branch of a
    /// `oneOf`/`anyOf`; 3.0 (and progenitor, which panics on the null type)
    /// has `nullable: true`. The null branches go, and the schema says
    /// `nullable`: one branch left is inlined (a `$ref` through `allOf`, as
    /// 3.0 ignores a `$ref`'s siblings), several stay the `oneOf`/`anyOf`.
    fn null_branches(&mut self, schema: &mut Map<String, Value>, pointer: &str) {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = schema.get(key) else {
                continue;
            };
            if !branches.iter().any(is_null_type) {
                continue;
            }
            let at = json::join(pointer, key);
            let rest: Vec<Value> = branches
                .iter()
                .filter(|b| !is_null_type(b))
                .cloned()
                .collect();
            let how = match <[Value; 1]>::try_from(rest) {
                Err(rest) if rest.is_empty() => {
                    self.error.get_or_insert(Error::invalid(
                        self.file,
                        at,
                        format!(
                            "`{key}` has no branch but `{{\"type\": \"null\"}}`: a value that \
                             is always null has no type to generate; expected another branch"
                        ),
                    ));
                    return;
                }
                Err(rest) => {
                    schema.insert(key.to_string(), Value::Array(rest));
                    format!("kept the other branches in `{key}`")
                }
                Ok([branch]) => {
                    schema.remove(key);
                    inline(schema, branch)
                }
            };
            schema.insert("nullable".to_string(), Value::Bool(true));
            self.warn(
                &at,
                format!(
                    "`{key}` with a `{{\"type\": \"null\"}}` branch is OpenAPI 3.1's nullable; \
                     rewritten as 3.0 `nullable: true` ({how})"
                ),
            );
        }
    }

    /// drf-spectacular writes a `DecimalField` as a string of `format:
    /// decimal`, which progenitor generates as a plain `String` with no
    /// word of the format: the format goes into the description (and so
    /// into the field's doc comment). The value stays a string: a decimal
    /// must not pass through a float.
    fn decimal_format(&mut self, schema: &mut Map<String, Value>, pointer: &str) {
        let is_decimal = schema.get("type").and_then(Value::as_str) == Some("string")
            && schema.get("format").and_then(Value::as_str) == Some("decimal");
        let noted = schema
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| d.contains("decimal"));
        if !is_decimal || noted {
            return;
        }
        let note = "A decimal number, as a string (format `decimal`).";
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(text) if !text.trim().is_empty() => format!("{}\n\n{note}", text.trim_end()),
            _ => note.to_string(),
        };
        schema.insert("description".into(), Value::String(description));
        self.warn(
            &json::join(pointer, "format"),
            "`format: decimal` has no Rust type in progenitor: kept a string, the format \
             noted in its description"
                .into(),
        );
    }

    /// progenitor handles one media type per request body: keep the most
    /// preferred (see [`MEDIA_TYPE_PREFERENCE`]), else the first listed;
    /// but a multipart body with a file property is kept, since no other
    /// encoding carries the file.
    fn media_types(&mut self, body: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Object(content)) = body.get_mut("content") else {
            return;
        };
        if content.len() < 2 {
            return;
        }
        let with_file = content.iter().find_map(|(media, m)| {
            let schema = m.get("schema")?;
            let file = match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(walk::component_name)
            {
                Some(name) => self.binary.contains(&name),
                None => has_file(schema),
            };
            (file && media_essence(media) == "multipart/form-data").then(|| media.clone())
        });
        let keep = with_file
            .or_else(|| {
                MEDIA_TYPE_PREFERENCE.iter().find_map(|preferred| {
                    content
                        .keys()
                        .find(|k| media_essence(k) == *preferred)
                        .cloned()
                })
            })
            .or_else(|| content.keys().next().cloned());
        let Some(keep) = keep else { return };
        let dropped: Vec<String> = content.keys().filter(|k| **k != keep).cloned().collect();
        content.retain(|k, _| *k == keep);
        self.warn(
            &json::join(pointer, "content"),
            format!(
                "request body offers {} media types; kept `{keep}`, dropped {}",
                dropped.len() + 1,
                dropped
                    .iter()
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
}

/// `{"type": "null"}` (with or without a description).
fn is_null_type(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// Puts the one non-null `branch` of a `oneOf`/`anyOf` into `schema`; says how.
fn inline(schema: &mut Map<String, Value>, branch: Value) -> String {
    let conflicts = |b: &Map<String, Value>| {
        b.contains_key("$ref")
            || b.keys()
                .any(|k| k != "description" && schema.contains_key(k))
    };
    match branch {
        Value::Object(b) if !conflicts(&b) => {
            for (k, v) in b {
                schema.entry(k).or_insert(v);
            }
            "inlined the other branch".into()
        }
        other => {
            let all_of = schema
                .entry("allOf")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = all_of {
                items.push(other);
            }
            "the other branch moved to `allOf`".into()
        }
    }
}

/// `application/json; charset=utf-8` -> `application/json`.
fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(value: Value) -> (Value, Vec<String>) {
        let mut docs = vec![Document {
            file: "doc.json".into(),
            value,
        }];
        let warnings = documents(&mut docs).unwrap_or_else(|e| panic!("{e}"));
        let value = docs.remove(0).value;
        (value, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn boolean_required_moves_into_parent_list() {
        let (value, warnings) = run(json!({"components": {"schemas": {"A": {
            "type": "object",
            "required": ["x"],
            "properties": {
                "x": {"type": "string"},
                "yes": {"type": "string", "required": true},
                "no": {"type": "string", "required": false},
            }
        }}}}));
        let a = &value["components"]["schemas"]["A"];
        assert_eq!(a["required"], json!(["x", "yes"]));
        assert_eq!(a["properties"]["yes"], json!({"type": "string"}));
        assert_eq!(a["properties"]["no"], json!({"type": "string"}));
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].starts_with("doc.json#/components/schemas/A/properties/yes: "));
    }

    #[test]
    fn parameter_required_is_left_alone() {
        let param =
            json!({"in": "query", "name": "q", "required": true, "schema": {"type": "string"}});
        let (value, warnings) =
            run(json!({"paths": {"/a": {"get": {"parameters": [param.clone()]}}}}));
        assert_eq!(value["paths"]["/a"]["get"]["parameters"][0], param);
        assert!(warnings.is_empty());
    }

    #[test]
    fn property_named_properties_is_a_name_not_a_keyword() {
        let schema = json!({"type": "object", "properties": {
            "properties": {"type": "object", "additionalProperties": {}}
        }});
        let (value, warnings) = run(json!({"components": {"schemas": {"A": schema.clone()}}}));
        assert_eq!(value["components"]["schemas"]["A"], schema);
        assert!(warnings.is_empty());
    }

    #[test]
    fn out_of_range_integer_bounds_are_dropped() {
        let (value, warnings) = run(json!({"components": {"schemas": {
            "Big": {"type": "integer", "format": "int64", "maximum": 9223372036854776000u64, "minimum": 0},
            "Small": {"type": "integer", "format": "int32", "maximum": 2147483648i64, "minimum": -5},
            "Float": {"type": "integer", "minimum": -1e300},
        }}}));
        let s = &value["components"]["schemas"];
        assert_eq!(
            s["Big"],
            json!({"type": "integer", "format": "int64", "minimum": 0})
        );
        assert_eq!(
            s["Small"],
            json!({"type": "integer", "format": "int32", "minimum": -5})
        );
        assert_eq!(s["Float"], json!({"type": "integer"}));
        assert_eq!(warnings.len(), 3);
        assert!(warnings.iter().any(|w| w.contains(
            "/components/schemas/Big/maximum: maximum 9223372036854776000 is outside the range of int64"
        )));
    }

    #[test]
    fn a_null_branch_becomes_nullable() {
        let nul = json!({"type": "null"});
        let list = json!({"type": "array", "items": {"type": "string"}});
        let (value, warnings) = run(json!({"components": {"schemas": {"Page": {"properties": {
            "errors": {"oneOf": [nul.clone(), list]},
            "owner": {"description": "who", "anyOf": [{"$ref": "#/components/schemas/U"}, nul.clone()]},
            "either": {"oneOf": [{"type": "string"}, {"type": "integer"}, nul.clone()]},
            "object": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, nul]},
        }}}}}));
        let p = &value["components"]["schemas"]["Page"]["properties"];
        assert_eq!(
            p["errors"],
            json!({"type": "array", "items": {"type": "string"}, "nullable": true})
        );
        assert_eq!(
            p["owner"],
            json!({"description": "who", "allOf": [{"$ref": "#/components/schemas/U"}], "nullable": true})
        );
        assert_eq!(
            p["either"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
        assert_eq!(
            p["object"],
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "nullable": true})
        );
        assert_eq!(warnings.len(), 4);
        assert!(warnings[0].starts_with(
            "doc.json#/components/schemas/Page/properties/errors/oneOf: `oneOf` with a `{\"type\": \"null\"}` branch"
        ), "{}", warnings[0]);
    }

    #[test]
    fn only_a_null_branch_is_an_error() {
        let mut docs = vec![Document {
            file: "openapi/doc.json".into(),
            value: json!({"components": {"schemas": {"N": {"oneOf": [{"type": "null"}]}}}}),
        }];
        let err = documents(&mut docs).map(|_| ()).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "openapi/doc.json#/components/schemas/N/oneOf: `oneOf` has no branch but"
            ),
            "{err}"
        );
    }

    #[test]
    fn several_media_types_keep_the_preferred_one() {
        let body = |types: &[&str]| {
            let content: Map<String, Value> = types
                .iter()
                .map(|t| (t.to_string(), json!({"schema": {"type": "object"}})))
                .collect();
            json!({"paths": {"/a": {"post": {"requestBody": {"content": content}}}}})
        };
        let kept = |value: &Value| {
            value["paths"]["/a"]["post"]["requestBody"]["content"]
                .as_object()
                .map(|c| c.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let (v, w) = run(body(&[
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/json",
        ]));
        assert_eq!(kept(&v), ["application/json"]);
        assert_eq!(w.len(), 1);
        let (v, _) = run(body(&[
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ]));
        assert_eq!(kept(&v), ["application/x-www-form-urlencoded"]);
        let (v, _) = run(body(&["text/csv", "application/xml"]));
        assert_eq!(kept(&v), ["text/csv"]);
        let (_, w) = run(body(&["application/json"]));
        assert!(w.is_empty());
    }

    #[test]
    fn a_multipart_body_with_a_file_is_kept_over_json() {
        let file = json!({"type": "object", "properties": {
            "name": {"type": "string"},
            "file": {"type": "string", "format": "binary"}
        }});
        let plain = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let doc = |multipart: Value| {
            json!({
                "paths": {"/a": {"post": {"requestBody": {"content": {
                    "application/json": {"schema": plain},
                    "multipart/form-data": {"schema": multipart}
                }}}}},
                "components": {"schemas": {"Upload": file, "Plain": plain}}
            })
        };
        let kept = |value: &Value| {
            value["paths"]["/a"]["post"]["requestBody"]["content"]
                .as_object()
                .map(|c| c.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        for multipart in [file.clone(), json!({"$ref": "#/components/schemas/Upload"})] {
            let (v, w) = run(doc(multipart));
            assert_eq!(kept(&v), ["multipart/form-data"]);
            assert!(w[0].contains("kept `multipart/form-data`"), "{w:?}");
        }
        for multipart in [plain.clone(), json!({"$ref": "#/components/schemas/Plain"})] {
            let (v, _) = run(doc(multipart));
            assert_eq!(kept(&v), ["application/json"], "no file: JSON as before");
        }
    }
}
