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
//! Operations whose error responses all have one body type (or none) keep
//! progenitor's own error type.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::builders;
use crate::error::{Error, Result};
use crate::json;
use crate::names;
use crate::walk;

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

/// The operations of `spec` whose error responses differ. `locate` names
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
        if kinds.len() < 2 {
            continue;
        }
        let pointer = json::join(&json::join("/paths", path), method);
        if let Some((key, media)) = raw {
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
        let Some(operation) = crate::builders::operation_mut(spec, &t.path, t.method) else {
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

/// Points each typed operation's `send` (in the `builder` module of
/// `file`) at its enum: the error type of its signature, and the decoding
/// of every documented error status. An error if progenitor's `send` no
/// longer has the shape this expects.
pub fn rewrite(file: &mut syn::File, typed: &[Typed]) -> Result<()> {
    use syn::visit_mut::VisitMut;
    if typed.is_empty() {
        return Ok(());
    }
    let Some(builder) = builders::module(file) else {
        return Err(shape_error(&typed[0], "no `builder` module"));
    };
    let by_builder: std::collections::BTreeMap<String, &Typed> = typed
        .iter()
        .map(|t| (names::type_name(&t.operation_id), t))
        .collect();
    let mut done = BTreeSet::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(t) = builders::self_name(block).and_then(|name| by_builder.get(&name)) else {
            continue;
        };
        let path: syn::Path = syn::parse_str(&format!("super::errors::{}", t.name()))
            .map_err(|e| shape_error(t, &e.to_string()))?;
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident != "send" {
                continue;
            }
            let syn::ReturnType::Type(_, ret) = &mut f.sig.output else {
                return Err(shape_error(t, "`send` returns nothing"));
            };
            if !set_error_type(ret, &path) {
                return Err(shape_error(
                    t,
                    "`send` does not return `Result<_, Error<_>>`",
                ));
            }
            let mut decode = Decode {
                with: path.clone(),
                inside: false,
                replaced: 0,
            };
            decode.visit_block_mut(&mut f.block);
            if decode.replaced == 0 {
                return Err(shape_error(
                    t,
                    "`send` decodes no error with `Error::ErrorResponse(ResponseValue::from_response(..))`",
                ));
            }
            done.insert(t.operation_id.clone());
        }
    }
    if let Some(t) = typed.iter().find(|t| !done.contains(&t.operation_id)) {
        return Err(shape_error(t, "no builder with a `send` for it"));
    }
    Ok(())
}

fn shape_error(t: &Typed, what: &str) -> Error {
    builders::shape_error(&t.operation_id, "errors.rs", what)
}

/// `Result<_, Error<E>>` -> `Result<_, Error<with>>`.
fn set_error_type(ret: &mut syn::Type, with: &syn::Path) -> bool {
    let syn::Type::Path(result) = ret else {
        return false;
    };
    let Some(last) = result.path.segments.last_mut() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return false;
    };
    let Some(syn::GenericArgument::Type(syn::Type::Path(error))) = args.args.iter_mut().nth(1)
    else {
        return false;
    };
    let Some(last) = error.path.segments.last_mut() else {
        return false;
    };
    if last.ident != "Error" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return false;
    };
    let Some(syn::GenericArgument::Type(e)) = args.args.first_mut() else {
        return false;
    };
    *e = syn::parse_quote!(#with);
    true
}

/// Replaces `ResponseValue::from_response` inside `Error::ErrorResponse(..)`.
struct Decode {
    with: syn::Path,
    inside: bool,
    replaced: usize,
}

impl syn::visit_mut::VisitMut for Decode {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        let is_error = matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "ErrorResponse"));
        let was = self.inside;
        self.inside |= is_error;
        syn::visit_mut::visit_expr_call_mut(self, call);
        self.inside = was;
    }

    fn visit_expr_path_mut(&mut self, node: &mut syn::ExprPath) {
        let segments = &node.path.segments;
        let is_decode = segments.len() == 2
            && segments[0].ident == "ResponseValue"
            && segments[1].ident == "from_response";
        if self.inside && is_decode {
            let mut with = self.with.clone();
            with.segments.push(format_ident!("from_response").into());
            node.path = with;
            self.replaced += 1;
        }
    }
}

/// The `errors` module (nothing when no operation is typed). An operation
/// whose statuses and body types no other has gets its own enum,
/// `<Operation>Error`. Operations that share them share one enum, in
/// `errors::shared`, named after its variants, and each gets a type alias
/// `<Operation>Error` for it: on authentik, 1189 typed operations have 7
/// distinct sets, and an enum with its async decoder per operation was a
/// tenth of the crate to compile. The caller's code is the same either
/// way (`AdminAppsListError::Status403(e)` matches through the alias).
pub fn items(typed: &[Typed]) -> Result<Vec<syn::Item>> {
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    // The sets, in the order of their first operation.
    let mut groups: Vec<(Signature, Vec<&Typed>)> = Vec::new();
    for t in typed {
        let signature = signature(t);
        match groups.iter_mut().find(|(s, _)| *s == signature) {
            Some((_, members)) => members.push(t),
            None => groups.push((signature, vec![t])),
        }
    }
    let mut own = Vec::new();
    let mut shared = Vec::new();
    let mut aliases = Vec::new();
    let mut taken = BTreeSet::new();
    for (signature, members) in &groups {
        if let [t] = members.as_slice() {
            let method = names::method_name(&t.operation_id);
            let doc = format!(
                "The documented error responses of [`Client::{method}`](super::Client::{method}), \
                 by status: each variant holds its status's body, typed as its schema. {USE}"
            );
            own.push(enumeration(&t.name(), &doc, members));
            continue;
        }
        let mut name: String = signature
            .iter()
            .map(|(variant, body)| format!("{variant}{}", body.as_deref().unwrap_or_default()))
            .collect();
        while !taken.insert(name.clone()) {
            name.push('_');
        }
        let doc = format!(
            "The documented error responses of {} operations that share their statuses and \
             bodies (each names this enum by its own alias, `errors::<Operation>Error`): each \
             variant holds its status's body, typed as its schema. {USE}",
            members.len()
        );
        shared.push(enumeration(&name, &doc, members));
        let ident = format_ident!("{name}");
        for t in members {
            let alias = format_ident!("{}", t.name());
            let method = names::method_name(&t.operation_id);
            let statuses: Vec<String> = t
                .variants
                .iter()
                .map(|v| format!("`{}`: {}", v.key, described(&v.description)))
                .collect();
            let doc = format!(
                "The documented error responses of [`Client::{method}`](super::Client::{method}), \
                 by status (the enum is shared with the operations that have the same ones): \
                 {}.",
                statuses.join("; ")
            );
            aliases.push(quote! {
                #[doc = #doc]
                pub type #alias = shared::#ident;
            });
        }
    }
    let shared = (!shared.is_empty()).then(|| {
        quote! {
            /// The enums that several operations share (see their aliases).
            pub mod shared {
                #[allow(unused_imports)]
                use super::{types, wrap, Error, ResponseValue};
                #(#shared)*
            }
        }
    });
    let tokens = quote! {
        /// The error types of operations whose documented error responses
        /// differ from status to status: one enum per operation (an alias of
        /// a shared one where operations have the same statuses and bodies),
        /// one variant per status.
        pub mod errors {
            #[allow(unused_imports)]
            use super::{types, Error, ResponseValue};

            /// A decoded body as the variant `variant` of an operation's enum,
            /// with the response's status and headers. (Unused when the
            /// areas that are on have no enum.)
            #[allow(dead_code)]
            fn wrap<T, V>(value: ResponseValue<T>, variant: impl FnOnce(T) -> V) -> ResponseValue<V> {
                let status = value.status();
                let headers = value.headers().clone();
                ResponseValue::new(variant(value.into_inner()), status, headers)
            }

            #(#own)*
            #(#aliases)*
            #shared
        }
    };
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| Error::Unparsable(format!("the `errors` module: {e}")))
}

/// How to use an error enum, in its docs.
const USE: &str = "`send` returns it as `Err(Error::ErrorResponse(value))`, \
    `value.into_inner()` being this enum and `value.status()` the status; an undocumented \
    status is `Error::UnexpectedResponse`, with its status and raw body.";

/// What makes two operations' enums one: each variant and its body type.
type Signature = Vec<(String, Option<String>)>;

fn signature(t: &Typed) -> Signature {
    t.variants
        .iter()
        .map(|v| {
            let body = match &v.body {
                Body::None => None,
                Body::Component(name) | Body::Inline(name, _) => Some(names::type_name(name)),
            };
            (v.status.variant(), body)
        })
        .collect()
}

fn described(description: &str) -> String {
    if description.is_empty() {
        "the vendor's spec does not describe it".to_string()
    } else {
        description.to_string()
    }
}

/// The enum `name` of the operations `members` (one set of statuses and
/// bodies), with its decoder. A variant's doc is its status's description
/// when every member gives the same one.
fn enumeration(name: &str, doc: &str, members: &[&Typed]) -> TokenStream {
    let name = format_ident!("{name}");
    let Some(first) = members.first() else {
        return TokenStream::new();
    };
    let variants = first.variants.iter().enumerate().map(|(i, v)| {
        let ident = format_ident!("{}", v.status.variant());
        let same = members.iter().all(|t| {
            t.variants
                .get(i)
                .is_some_and(|o| o.description == v.description)
        });
        let what = if same {
            described(&v.description)
        } else {
            "described per operation (see its alias)".to_string()
        };
        match body_type(&v.body) {
            Some(ty) => {
                let doc = format!(
                    "`{}`: {what}. The body is `{}`.",
                    v.key,
                    quote!(#ty).to_string().replace(' ', "")
                );
                quote! { #[doc = #doc] #ident(#ty), }
            }
            None => {
                let doc = format!("`{}`: {what}. No body.", v.key);
                quote! { #[doc = #doc] #ident, }
            }
        }
    });
    let arms = first.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.status.variant());
        let pattern = v.status.pattern();
        match body_type(&v.body) {
            Some(ty) => quote! {
                #pattern => {
                    let value = ResponseValue::<#ty>::from_response::<E>(response).await?;
                    Ok(wrap(value, Self::#ident))
                }
            },
            None => quote! {
                #pattern => Ok(wrap(ResponseValue::empty(response), |()| Self::#ident)),
            },
        }
    });
    let fallback = first
        .variants
        .iter()
        .all(|v| v.status != Status::Default)
        .then(|| quote! { _ => Err(Error::UnexpectedResponse(response)), });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// Decodes a documented error response by its status.
            #[doc(hidden)]
            pub async fn from_response<E>(
                response: reqwest::Response,
            ) -> ::std::result::Result<ResponseValue<Self>, Error<E>> {
                match response.status().as_u16() {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

fn body_type(body: &Body) -> Option<syn::Type> {
    let name = match body {
        Body::None => return None,
        Body::Component(name) | Body::Inline(name, _) => names::type_name(name),
    };
    syn::parse_str(&format!("types::{name}")).ok()
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
    fn only_operations_whose_error_bodies_differ_are_typed() {
        let ok = json!({"description": ""});
        let generic = json!({"description": "denied", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/GenericError"}}}});
        let same = plan_of(json!({"200": ok, "400": generic, "403": generic})).unwrap_or_default();
        assert!(same.is_empty(), "one error type: progenitor's own");
        let bodiless = plan_of(json!({"200": ok, "400": ok, "404": ok})).unwrap_or_default();
        assert!(
            bodiless.is_empty(),
            "no error body at all: progenitor's own"
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
            text.contains("404u16 => Ok(wrap(ResponseValue::empty(response)"),
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
        // A set of its own: its own enum, as before.
        assert!(text.contains("pub enum CListError {"), "{text}");
        assert!(!text.contains("pub type CListError"), "{text}");
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
