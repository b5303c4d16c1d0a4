//! Typed errors by status. progenitor gives an operation one error type and
//! panics when its error responses differ (its issues #344 and #950):
//! drf-spectacular's `400 ValidationError` beside `403 GenericError`, or a
//! bodiless `404` beside a typed `400`, on nearly every operation of a whole
//! drf API. For such an operation the pipeline generates an enum in the
//! `errors` module, one variant per documented error status holding that
//! status's body typed as its schema, decoded by the status (never by the
//! body's shape). progenitor's input sees each of those responses as the
//! same untyped JSON, so it generates; the operation's `send` is then
//! pointed at the enum. The caller matches as with progenitor:
//! `Err(Error::ErrorResponse(r))`, then `r.into_inner()` is the enum. An
//! undocumented status stays progenitor's `Error::UnexpectedResponse`, with
//! the status and the raw body.
//!
//! Every operation gets its enum, even one whose error responses all have
//! one body type, or none at all (an enum without variants): a status the
//! vendor documents later is then a new variant of a `#[non_exhaustive]`
//! enum, a compatible version, where progenitor's own error type (that
//! body's type, or `()`) would change. AWS's SDK does the same (an error
//! enum per operation). The one exception is an operation whose only error
//! body is not JSON: progenitor's own type serves it.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::base::json;
use crate::base::walk;
use crate::spec::names;

mod items;
mod rewrite;

pub use items::items;
pub use rewrite::rewrite;

/// An operation whose errors get an enum.
#[derive(Debug, Clone)]
pub struct Typed {
    pub operation_id: String,
    pub path: String,
    pub method: &'static str,
    pub variants: Vec<Variant>,
}

/// One documented error response.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The key in `responses`: `404`, `4XX` or `default`.
    pub key: String,
    pub status: Status,
    pub body: Body,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u16),
    Default,
}

#[derive(Debug, Clone)]
pub enum Body {
    None,
    /// A `$ref` to this component schema.
    Component(String),
    /// An inline schema, generated as a type of this name (added to
    /// progenitor's input only).
    Inline(String, Value),
}

impl Status {
    /// progenitor's error statuses: 400 to 599, `4XX`, `5XX`, `default`.
    fn parse(key: &str) -> Option<Status> {
        if key == "default" {
            return Some(Status::Default);
        }
        if let Ok(code) = key.parse::<u16>() {
            return (400..=599).contains(&code).then_some(Status::Code(code));
        }
        match key.to_ascii_uppercase().as_str() {
            "4XX" => Some(Status::Range(4)),
            "5XX" => Some(Status::Range(5)),
            _ => None,
        }
    }

    fn variant(self) -> String {
        match self {
            Status::Code(code) => format!("Status{code}"),
            Status::Range(hundreds) => format!("Status{hundreds}xx"),
            Status::Default => "Default".into(),
        }
    }

    fn pattern(self) -> TokenStream {
        match self {
            Status::Code(code) => quote!(#code),
            Status::Range(hundreds) => {
                let (min, max) = (hundreds * 100, hundreds * 100 + 99);
                quote!(#min..=#max)
            }
            Status::Default => quote!(_),
        }
    }
}

impl Typed {
    /// The enum's name, in the `errors` module.
    pub fn name(&self) -> String {
        format!("{}Error", names::type_name(&self.operation_id))
    }
}

/// The operations of `spec` that get an error enum. `locate` names
/// the file a pointer comes from. A body the enum cannot hold (an error
/// response that is not JSON, beside others that differ) is an error
/// naming the operation, before anything is generated.
pub fn plan(spec: &Value, locate: &dyn Fn(&str) -> String) -> Result<Vec<Typed>> {
    let mut typed = Vec::new();
    for (path, method, operation, _) in walk::operations(spec) {
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            continue;
        };
        let mut variants = Vec::new();
        let mut kinds = BTreeSet::new();
        let mut raw = None;
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        for (key, response) in responses {
            let Some(status) = Status::parse(key) else {
                continue;
            };
            let response = walk::resolve(spec, response);
            let description = response
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string();
            let content = response.get("content").and_then(Value::as_object);
            let json = content.and_then(|c| {
                c.iter()
                    .find(|(media, _)| {
                        *media == "application/json" || media.starts_with("application/json;")
                    })
                    .map(|(_, m)| m)
            });
            let body = match (json, content) {
                (Some(media), _) => match media.get("schema") {
                    Some(schema) => match schema
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(walk::component_name)
                    {
                        Some(name) if schema.as_object().is_some_and(|s| s.len() == 1) => {
                            Body::Component(name)
                        }
                        _ => Body::Inline(
                            format!("{}{}", names::type_name(operation_id), status.variant()),
                            schema.clone(),
                        ),
                    },
                    None => Body::None,
                },
                (None, Some(content)) if !content.is_empty() => {
                    raw.get_or_insert((key.clone(), content.keys().next().cloned()));
                    Body::None
                }
                _ => Body::None,
            };
            kinds.insert(match &body {
                Body::None => String::new(),
                Body::Component(name) => format!("#{name}"),
                Body::Inline(_, schema) => schema.to_string(),
            });
            variants.push(Variant {
                key: key.clone(),
                status,
                body,
                description,
            });
        }
        let pointer = json::join(&json::join("/paths", path), method);
        if let Some((key, media)) = raw {
            if kinds.len() < 2 {
                // One error body, not JSON: progenitor's own type serves it.
                continue;
            }
            let at = json::join(&json::join(&pointer, "responses"), &key);
            return Err(Error::invalid(
                locate(&at),
                at,
                format!(
                    "operation `{operation_id}`: error response `{key}` is `{}`, not JSON, \
                     beside error responses of other types; the pipeline types an error \
                     body by its JSON schema: expected `application/json` (or no content)",
                    media.unwrap_or_default()
                ),
            ));
        }
        if operation_id.is_empty() {
            // validation names it; nothing to type without a name.
            continue;
        }
        variants.sort_by_key(|v| v.status);
        typed.push(Typed {
            operation_id: operation_id.to_string(),
            path: path.clone(),
            method,
            variants,
        });
    }
    Ok(typed)
}

/// progenitor's input: every error response of a typed operation becomes
/// untyped JSON (one type, so progenitor generates), and inline error
/// bodies become components (so typify names their types).
pub fn prepare(spec: &mut OpenAPI, typed: &[Typed]) -> Result<()> {
    use openapiv3::{MediaType, ReferenceOr, Response, Schema, SchemaData, SchemaKind};
    let any_json = |description: &str| {
        let schema = Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Any(Default::default()),
        };
        let mut response = Response {
            description: description.to_string(),
            ..Default::default()
        };
        response.content.insert(
            "application/json".into(),
            MediaType {
                schema: Some(ReferenceOr::Item(schema)),
                ..Default::default()
            },
        );
        ReferenceOr::Item(response)
    };
    for t in typed {
        let Some(operation) = crate::codegen::builders::operation_mut(spec, &t.path, t.method)
        else {
            continue;
        };
        let responses = &mut operation.responses;
        for v in &t.variants {
            match v.status {
                Status::Default => responses.default = Some(any_json(&v.description)),
                _ => {
                    let key = match v.status {
                        Status::Code(code) => openapiv3::StatusCode::Code(code),
                        _ => openapiv3::StatusCode::Range(match v.status {
                            Status::Range(h) => h,
                            _ => 0,
                        }),
                    };
                    responses.responses.insert(key, any_json(&v.description));
                }
            }
        }
        for v in &t.variants {
            if let Body::Inline(name, schema) = &v.body {
                let schema: Schema =
                    serde_json::from_value(schema.clone()).map_err(|e| Error::Generate {
                        operation: t.operation_id.clone(),
                        message: format!("error response `{}`: not a schema: {e}", v.key),
                    })?;
                spec.components
                    .get_or_insert_with(Default::default)
                    .schemas
                    .insert(name.clone(), ReferenceOr::Item(schema));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(responses: Value) -> Value {
        json!({
            "paths": {"/a/": {"get": {"operationId": "a_list", "responses": responses}}},
            "components": {
                "responses": {"Invalid": {"description": "", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ValidationError"}}}}},
                "schemas": {"ValidationError": {"type": "object"}, "GenericError": {"type": "object"}},
            },
        })
    }

    fn plan_of(responses: Value) -> Result<Vec<Typed>> {
        plan(&spec(responses), &|_| "openapi/a.json".to_string())
    }

    #[test]
    fn every_operation_is_typed_but_one_whose_one_error_body_is_not_json() {
        let ok = json!({"description": ""});
        let generic = json!({"description": "denied", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/GenericError"}}}});
        let statuses = |typed: Vec<Typed>| -> Vec<Vec<String>> {
            typed
                .iter()
                .map(|t| t.variants.iter().map(|v| v.status.variant()).collect())
                .collect()
        };
        // One error type, no error body, no error status: an enum each, so
        // that a status documented later is a variant.
        let same = plan_of(json!({"200": ok, "400": generic, "403": generic})).unwrap_or_default();
        assert_eq!(statuses(same), [["Status400", "Status403"]]);
        let bodiless = plan_of(json!({"200": ok, "400": ok, "404": ok})).unwrap_or_default();
        assert_eq!(statuses(bodiless), [["Status400", "Status404"]]);
        let none = plan_of(json!({"200": ok})).unwrap_or_default();
        assert_eq!(statuses(none), [Vec::<String>::new()]);
        let html =
            json!({"description": "", "content": {"text/html": {"schema": {"type": "string"}}}});
        let not_json = plan_of(json!({"200": ok, "503": html})).unwrap_or_default();
        assert!(
            not_json.is_empty(),
            "one error body, not JSON: progenitor's own"
        );

        let typed = plan_of(json!({
            "200": ok,
            "404": {"description": "User not found"},
            "403": generic,
            "400": {"$ref": "#/components/responses/Invalid"},
            "5XX": {"description": "", "content": {"application/json": {"schema": {"type": "object"}}}},
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let [t] = typed.as_slice() else {
            panic!("{typed:?}")
        };
        assert_eq!(t.name(), "AListError");
        let variants: Vec<(String, String)> = t
            .variants
            .iter()
            .map(|v| {
                let body = match &v.body {
                    Body::None => "-".to_string(),
                    Body::Component(name) | Body::Inline(name, _) => name.clone(),
                };
                (v.status.variant(), body)
            })
            .collect();
        assert_eq!(
            variants,
            [
                ("Status400".into(), "ValidationError".into()),
                ("Status403".into(), "GenericError".into()),
                ("Status404".into(), "-".into()),
                ("Status5xx".into(), "AListStatus5xx".into()),
            ],
            "codes in order, then ranges; a shared response resolved; an inline body named"
        );
        let items = items(&typed).unwrap_or_else(|e| panic!("{e}"));
        let mut file: syn::File = syn::parse_quote! {};
        file.items = items;
        let text = prettyplease::unparse(&file);
        assert!(text.contains("Status400(types::ValidationError)"), "{text}");
        assert!(
            text.contains(
                "404u16 => {\n                        Ok(wrap(ResponseValue::empty(response)"
            ),
            "{text}"
        );
        assert!(text.contains("500u16..=599u16 =>"), "{text}");
        assert!(
            text.contains("_ => Err(Error::UnexpectedResponse(response))"),
            "{text}"
        );
    }

    #[test]
    fn operations_with_the_same_statuses_and_bodies_share_one_enum() {
        let invalid = json!({"$ref": "#/components/responses/Invalid"});
        let generic = json!({"description": "", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/GenericError"}}}});
        let mut spec = spec(json!({}));
        spec["paths"] = json!({
            "/a/": {"get": {"operationId": "a_list", "responses": {"400": invalid, "403": generic}}},
            "/b/": {"get": {"operationId": "b_list", "responses": {"400": invalid, "403": generic}}},
            "/c/": {"get": {"operationId": "c_list", "responses": {"400": invalid, "404": {"description": ""}}}},
        });
        let typed = plan(&spec, &|_| String::new()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(typed.len(), 3);
        let mut file: syn::File = syn::parse_quote! {};
        file.items = items(&typed).unwrap_or_else(|e| panic!("{e}"));
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains(
                "pub type AListError = shared::Status400ValidationErrorStatus403GenericError;"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "pub type BListError = shared::Status400ValidationErrorStatus403GenericError;"
            ),
            "{text}"
        );
        assert_eq!(
            text.matches("pub enum Status400ValidationErrorStatus403GenericError")
                .count(),
            1
        );
        // A set of its own: an alias too, so that the operation keeps its
        // name when a new status moves it to another set.
        assert!(
            text.contains("pub type CListError = shared::Status400ValidationErrorStatus404;"),
            "{text}"
        );
        assert!(
            text.contains("#[doc(hidden)]\n    pub mod shared"),
            "{text}"
        );
    }

    #[test]
    fn a_non_json_error_body_beside_others_names_the_operation_and_response() {
        let err = plan_of(json!({
            "400": {"$ref": "#/components/responses/Invalid"},
            "503": {"description": "", "content": {"text/html": {"schema": {"type": "string"}}}},
        }))
        .map(|_| ())
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "openapi/a.json#/paths/~1a~1/get/responses/503: operation `a_list`: \
                 error response `503` is `text/html`, not JSON"
            ),
            "{err}"
        );
    }

    #[test]
    fn send_is_pointed_at_the_enum() {
        let typed = plan_of(json!({
            "400": {"$ref": "#/components/responses/Invalid"},
            "404": {"description": ""},
        }))
        .unwrap_or_default();
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> AList<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<::serde_json::Value>> {
                        match response.status().as_u16() {
                            200u16 => Ok(ResponseValue::empty(response)),
                            400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        };
        rewrite(&mut file, &typed).unwrap_or_else(|e| panic!("{e}"));
        let text = prettyplease::unparse(&file);
        assert!(text.contains("Error<super::errors::AListError>"), "{text}");
        assert!(
            text.contains("super::errors::AListError::from_response(response)"),
            "{text}"
        );
        let mut other: syn::File = syn::parse_quote! { pub mod builder {} };
        let err = rewrite(&mut other, &typed)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`a_list`") && err.contains("changed shape"),
            "{err}"
        );
    }
}
