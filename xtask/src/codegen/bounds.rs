//! String length bounds as documentation, not types. typify makes each
//! string with a `minLength` or `maxLength` a newtype of its own (a struct
//! with `Deref`, `From`, `FromStr`, two `TryFrom` and a checking
//! `Deserialize`). drf-spectacular puts `minLength: 1` on every required
//! field of a request form and a `maxLength` on every model `CharField`: 751
//! strings on authentik, 704 newtypes. As types they were a quarter of the
//! crate's compile time (rustc's coherence check alone took 17 s), made
//! setters fallible for a length the server checks anyway, and turned an
//! answer longer than documented into a failure to read the whole response.
//!
//! progenitor's input gets them as plain strings, the bound appended to the
//! description (so the field's doc says it); the merged spec, `openapi.json`,
//! keeps them for validators and mock servers. A `pattern` stays a type:
//! it is a format, not a length.

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, Type,
};
use serde_json::Value;

/// Whether `spec` has a string length bound outside a `pattern` string (so
/// that progenitor's input needs preparing).
pub fn any(spec: &Value) -> bool {
    match spec {
        Value::Object(map) => {
            let bounded = map.contains_key("minLength") || map.contains_key("maxLength");
            (bounded && !map.contains_key("pattern")) || map.values().any(any)
        }
        Value::Array(items) => items.iter().any(any),
        _ => false,
    }
}

/// Moves every string length bound of `spec` (but those of strings with a
/// `pattern`) into its schema's description; returns how many.
pub fn prepare(spec: &mut OpenAPI) -> usize {
    let mut moved = 0;
    if let Some(components) = spec.components.as_mut() {
        for schema in components.schemas.values_mut() {
            ref_or(schema, &mut moved);
        }
        for parameter in components.parameters.values_mut() {
            if let ReferenceOr::Item(parameter) = parameter {
                parameter_schema(parameter, &mut moved);
            }
        }
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                content(&mut body.content, &mut moved);
            }
        }
        for response in components.responses.values_mut() {
            if let ReferenceOr::Item(response) = response {
                content(&mut response.content, &mut moved);
            }
        }
    }
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for parameter in &mut item.parameters {
            if let ReferenceOr::Item(parameter) = parameter {
                parameter_schema(parameter, &mut moved);
            }
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for parameter in &mut operation.parameters {
                if let ReferenceOr::Item(parameter) = parameter {
                    parameter_schema(parameter, &mut moved);
                }
            }
            if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
                content(&mut body.content, &mut moved);
            }
            for response in operation.responses.responses.values_mut() {
                if let ReferenceOr::Item(response) = response {
                    content(&mut response.content, &mut moved);
                }
            }
            if let Some(ReferenceOr::Item(response)) = &mut operation.responses.default {
                content(&mut response.content, &mut moved);
            }
        }
    }
    moved
}

fn content(content: &mut openapiv3::Content, moved: &mut usize) {
    for media in content.values_mut() {
        if let Some(schema) = &mut media.schema {
            ref_or(schema, moved);
        }
    }
}

fn parameter_schema(parameter: &mut Parameter, moved: &mut usize) {
    let data = match parameter {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    };
    match &mut data.format {
        ParameterSchemaOrContent::Schema(schema) => ref_or(schema, moved),
        ParameterSchemaOrContent::Content(media) => content(media, moved),
    }
}

fn ref_or(schema: &mut ReferenceOr<Schema>, moved: &mut usize) {
    if let ReferenceOr::Item(schema) = schema {
        walk(schema, moved);
    }
}

fn boxed(schema: &mut ReferenceOr<Box<Schema>>, moved: &mut usize) {
    if let ReferenceOr::Item(schema) = schema {
        walk(schema, moved);
    }
}

/// `schema` and every schema inside it.
fn walk(schema: &mut Schema, moved: &mut usize) {
    let bounds = match &mut schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if string.pattern.is_none() => {
            Some((string.min_length.take(), string.max_length.take()))
        }
        SchemaKind::Type(Type::Object(object)) => {
            for property in object.properties.values_mut() {
                boxed(property, moved);
            }
            if let Some(AdditionalProperties::Schema(extra)) = &mut object.additional_properties {
                ref_or(extra, moved);
            }
            None
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                boxed(items, moved);
            }
            None
        }
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            for schema in list {
                ref_or(schema, moved);
            }
            None
        }
        SchemaKind::Not { not } => {
            ref_or(not, moved);
            None
        }
        SchemaKind::Any(any) => {
            for property in any.properties.values_mut() {
                boxed(property, moved);
            }
            if let Some(items) = &mut any.items {
                boxed(items, moved);
            }
            for schema in any
                .one_of
                .iter_mut()
                .chain(&mut any.all_of)
                .chain(&mut any.any_of)
            {
                ref_or(schema, moved);
            }
            if any.pattern.is_none() {
                Some((any.min_length.take(), any.max_length.take()))
            } else {
                None
            }
        }
        SchemaKind::Type(_) => None,
    };
    let Some(note) = bounds.and_then(|(min, max)| note(min, max)) else {
        return;
    };
    *moved += 1;
    let description = &mut schema.schema_data.description;
    *description = Some(match description.take() {
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{note}", text.trim_end()),
        _ => note,
    });
}

/// What a bound says, as a sentence for the field's doc.
fn note(min: Option<usize>, max: Option<usize>) -> Option<String> {
    let chars = |n: usize| if n == 1 { "character" } else { "characters" };
    Some(match (min, max) {
        (None, None) => return None,
        (Some(1), None) => "Not empty (the server checks it).".to_string(),
        (Some(min), None) => format!("At least {min} {} (the server checks it).", chars(min)),
        (None, Some(max)) => format!("At most {max} {} (the server checks it).", chars(max)),
        (Some(min), Some(max)) => {
            format!("{min} to {max} characters (the server checks it).")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prepared(spec: Value) -> (Value, usize) {
        let mut parsed: OpenAPI = serde_json::from_value(spec).unwrap();
        let moved = prepare(&mut parsed);
        (serde_json::to_value(parsed).unwrap(), moved)
    }

    #[test]
    fn lengths_become_docs_and_patterns_stay() {
        let spec = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query",
                    "schema": {"type": "string", "maxLength": 20}}],
                "responses": {"200": {"description": "", "content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}
            }}},
            "components": {"schemas": {"User": {"type": "object", "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 150,
                         "description": "Display name"},
                "slug": {"type": "string", "minLength": 1},
                "code": {"type": "string", "maxLength": 8, "pattern": "^[A-Z]+$"},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 1}}
            }}}}
        });
        assert!(any(&spec));
        let (out, moved) = prepared(spec);
        assert_eq!(moved, 4);
        let user = &out["components"]["schemas"]["User"]["properties"];
        assert_eq!(
            user["name"],
            json!({"type": "string",
                   "description": "Display name\n\n1 to 150 characters (the server checks it)."})
        );
        assert_eq!(
            user["slug"]["description"],
            "Not empty (the server checks it)."
        );
        assert_eq!(
            user["code"]["maxLength"], 8,
            "a pattern string keeps its type"
        );
        assert_eq!(
            user["tags"]["items"]["description"],
            "At most 1 character (the server checks it)."
        );
        let query = &out["paths"]["/a"]["get"]["parameters"][0]["schema"];
        assert_eq!(query.get("maxLength"), None);
    }

    #[test]
    fn a_spec_without_bounds_needs_nothing() {
        assert!(!any(
            &json!({"type": "string", "pattern": "x", "maxLength": 3})
        ));
        assert!(!any(&json!({"type": "string"})));
    }
}
