//! `multipart/form-data` request bodies (file uploads), which progenitor
//! refuses ("unexpected content type"). progenitor's input sees such a body
//! as a raw `application/octet-stream` one, so it generates the operation's
//! builder with every parameter and response as usual; the builder's `body`
//! then takes a typed form from the `forms` module, and `send` sends it with
//! reqwest's multipart encoder, which streams each file part (a part made by
//! `Part::file(path)` is read from disk as it is sent, never whole into
//! memory).
//!
//! A form holds each property of the body's schema: a `format: binary` one
//! (or an array of them) is a file part, `reqwest::multipart::Part`; the
//! others are typed as the schema says and sent as OpenAPI 3.0 encodes them
//! by default: a primitive as its text, an object or array of objects as
//! JSON (`application/json`), an array of primitives as one part per item.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::base::json;
use crate::base::walk;
use crate::codegen::builders;
use crate::spec::names;

mod form;
mod rewrite;

pub use form::{ident as field_ident, items};
pub use rewrite::rewrite;

/// The media type this module handles.
pub const MULTIPART: &str = "multipart/form-data";

/// An operation whose body is a multipart form.
#[derive(Debug, Clone)]
pub struct Upload {
    pub operation_id: String,
    pub path: String,
    pub method: &'static str,
    /// The form's type name in `forms` (the body schema's component name,
    /// or `<Operation>Form` for an inline schema).
    pub form: String,
    pub fields: Vec<Field>,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub required: bool,
    pub kind: Kind,
    pub description: String,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// `format: binary`: one file part.
    File,
    /// An array of `format: binary`: a part per file, under one name.
    Files,
    /// A primitive or a `$ref` (its Rust type), sent as its text.
    Text(String),
    /// An array of primitives (the item's Rust type): a part per item,
    /// under one name.
    Texts(String),
    /// Anything else, sent as JSON.
    Json,
}

/// The operations of `spec` whose request body is `multipart/form-data`.
/// A form whose schema is not an object with properties is an error naming
/// the operation, before anything is generated.
pub fn plan(spec: &Value, locate: &dyn Fn(&str) -> String) -> Result<Vec<Upload>> {
    let mut uploads = Vec::new();
    for (path, method, operation, _) in walk::operations(spec) {
        let Some(content) = operation
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
        else {
            continue;
        };
        let Some((media, body)) = content
            .iter()
            .find(|(m, _)| m.split(';').next().is_some_and(|m| m.trim() == MULTIPART))
        else {
            continue;
        };
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let at = json::join(
            &json::join(
                &json::join(
                    &json::join(&json::join("/paths", path), method),
                    "requestBody",
                ),
                "content",
            ),
            media,
        );
        let fail = |message: String| {
            let at = json::join(&at, "schema");
            Error::invalid(
                locate(&at),
                at,
                format!("operation `{operation_id}`: {message}"),
            )
        };
        let schema = body.get("schema").unwrap_or(&Value::Null);
        let form = match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(walk::component_name)
        {
            Some(name) => names::type_name(&name),
            None => format!("{}Form", names::type_name(operation_id)),
        };
        let schema = walk::resolve(spec, schema);
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return Err(fail(
                "a multipart/form-data body must be an object schema with `properties` \
                 (one part per property)"
                    .into(),
            ));
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut fields = Vec::new();
        for (name, property) in properties {
            let property = walk::resolve(spec, property);
            if property.get("readOnly") == Some(&Value::Bool(true)) {
                continue;
            }
            fields.push(Field {
                name: name.clone(),
                required: required.contains(&name.as_str()),
                kind: kind(spec, properties.get(name).unwrap_or(&Value::Null)),
                description: property
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            });
        }
        // Required fields first (the form's `new` takes them), each group
        // in the schema's order.
        fields.sort_by_key(|f| !f.required);
        uploads.push(Upload {
            operation_id: operation_id.to_string(),
            path: path.clone(),
            method,
            form,
            fields,
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string(),
        });
    }
    Ok(uploads)
}

fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// A property's kind; `schema` as written (a `$ref` names a type).
fn kind(spec: &Value, schema: &Value) -> Kind {
    let resolved = walk::resolve(spec, schema);
    if is_binary(resolved) {
        return Kind::File;
    }
    if resolved.get("type").and_then(Value::as_str) == Some("array") {
        let items = resolved.get("items").unwrap_or(&Value::Null);
        if is_binary(walk::resolve(spec, items)) {
            return Kind::Files;
        }
        return match text_type(spec, items) {
            Some(ty) => Kind::Texts(ty),
            None => Kind::Json,
        };
    }
    match text_type(spec, schema) {
        Some(ty) => Kind::Text(ty),
        None => Kind::Json,
    }
}

/// The Rust type of a primitive, or of a `$ref` to a string enum or a
/// primitive component (typify generates it).
fn text_type(spec: &Value, schema: &Value) -> Option<String> {
    let resolved = walk::resolve(spec, schema);
    let primitive = matches!(
        resolved.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    );
    if !primitive {
        return None;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(walk::component_name)
    {
        return Some(format!("types::{}", names::type_name(&name)));
    }
    let format = resolved.get("format").and_then(Value::as_str);
    let text = match (resolved.get("type").and_then(Value::as_str), format) {
        (Some("string"), Some("uuid")) => "::uuid::Uuid",
        (Some("string"), Some("date-time")) => "::chrono::DateTime<::chrono::offset::Utc>",
        (Some("string"), Some("date")) => "::chrono::naive::NaiveDate",
        (Some("string"), _) => "::std::string::String",
        (Some("integer"), _) => "i64",
        (Some("number"), _) => "f64",
        (Some("boolean"), _) => "bool",
        _ => return None,
    };
    Some(text.to_string())
}

/// progenitor's input: each multipart body becomes a raw one.
pub fn prepare(spec: &mut OpenAPI, uploads: &[Upload]) {
    use openapiv3::{MediaType, ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type};
    for upload in uploads {
        let Some(operation) = builders::operation_mut(spec, &upload.path, upload.method) else {
            continue;
        };
        let Some(ReferenceOr::Item(body)) = operation.request_body.as_mut() else {
            continue;
        };
        let schema = Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Type(Type::String(StringType {
                format: openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary),
                ..Default::default()
            })),
        };
        body.content.clear();
        body.content.insert(
            "application/octet-stream".into(),
            MediaType {
                schema: Some(ReferenceOr::Item(schema)),
                ..Default::default()
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(schema: Value) -> Value {
        json!({
            "paths": {"/files/": {"post": {"operationId": "files_create", "requestBody": {"content": {
                "multipart/form-data": {"schema": schema}}}}}},
            "components": {"schemas": {
                "Upload": {"type": "object", "description": "A file and its metadata.", "required": ["file", "type"], "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "type": {"$ref": "#/components/schemas/KindEnum"},
                    "owner": {"type": "string", "format": "uuid"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "meta": {"type": "object"},
                    "id": {"type": "integer", "readOnly": true},
                }},
                "KindEnum": {"type": "string", "enum": ["a", "b"]},
            }},
        })
    }

    #[test]
    fn each_property_is_a_typed_part() {
        let uploads = plan(
            &spec(json!({"$ref": "#/components/schemas/Upload"})),
            &|_| String::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let [upload] = uploads.as_slice() else {
            panic!("{uploads:?}")
        };
        assert_eq!(upload.form, "Upload");
        let kinds: Vec<(&str, bool, String)> = upload
            .fields
            .iter()
            .map(|f| {
                let kind = match &f.kind {
                    Kind::File => "file".to_string(),
                    Kind::Files => "files".to_string(),
                    Kind::Text(ty) => ty.clone(),
                    Kind::Texts(ty) => format!("[{ty}]"),
                    Kind::Json => "json".to_string(),
                };
                (f.name.as_str(), f.required, kind)
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("file", true, "file".to_string()),
                ("type", true, "types::KindEnum".to_string()),
                ("owner", false, "::uuid::Uuid".to_string()),
                ("tags", false, "[::std::string::String]".to_string()),
                ("attachments", false, "files".to_string()),
                ("meta", false, "json".to_string()),
            ],
            "required first; the read-only `id` is not sent"
        );
        let items = items(&uploads).unwrap_or_else(|e| panic!("{e}"));
        let mut file: syn::File = syn::parse_quote! {};
        file.items = items;
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("pub r#type: types::KindEnum"),
            "a keyword field: {text}"
        );
        assert!(
            text.contains("pub fn new(\n            file: impl ::std::convert::Into<reqwest::multipart::Part>,"),
            "{text}"
        );
        assert!(
            text.contains("for part in value {"),
            "a part per file: {text}"
        );
    }

    #[test]
    fn a_form_that_is_not_an_object_names_the_operation() {
        let err = plan(
            &spec(json!({"type": "string", "format": "binary"})),
            &|_| "openapi/files.json".to_string(),
        )
        .map(|_| ())
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "openapi/files.json#/paths/~1files~1/post/requestBody/content/multipart~1form-data/schema: \
                 operation `files_create`: a multipart/form-data body must be an object schema"
            ),
            "{err}"
        );
    }

    #[test]
    fn the_builder_sends_the_form_as_multipart() {
        let uploads = plan(
            &spec(json!({"$ref": "#/components/schemas/Upload"})),
            &|_| String::new(),
        )
        .unwrap_or_default();
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct FilesCreate<'a> {
                    client: &'a super::Client,
                    body: Result<reqwest::Body, String>,
                }
                impl<'a> FilesCreate<'a> {
                    pub fn body<B>(mut self, value: B) -> Self where B: std::convert::TryInto<reqwest::Body> {
                        self.body = value.try_into().map_err(|_| "conversion".to_string());
                        self
                    }
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let request = client.client.post(url)
                            .header(::reqwest::header::CONTENT_TYPE, ::reqwest::header::HeaderValue::from_static("application/octet-stream"))
                            .body(body)
                            .build()?;
                        todo!()
                    }
                }
            }
        };
        rewrite(&mut file, &uploads).unwrap_or_else(|e| panic!("{e}"));
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("body: ::std::result::Result<reqwest::multipart::Form"),
            "{text}"
        );
        assert!(
            text.contains("pub fn body(mut self, value: super::forms::Upload) -> Self"),
            "{text}"
        );
        assert!(
            text.contains(".post(url).multipart(body).build()?"),
            "{text}"
        );
        assert!(!text.contains("octet-stream"), "{text}");
    }
}
