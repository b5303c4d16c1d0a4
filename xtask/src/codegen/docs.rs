//! Documents every public item of the generated client that progenitor
//! leaves bare, so that the crate builds under `#![warn(missing_docs)]`.
//!
//! progenitor already carries the vendor's text where the spec has some:
//! an operation's summary and description on its method, a schema's or a
//! property's description on its type or field. What it leaves bare gets:
//! - a builder setter: the doc of the field or parameter it sets (the
//!   vendor's description, taken from the type or the operation method);
//! - an enum variant: the value it stands for on the wire;
//! - a property the vendor did not describe: its wire name, and that the
//!   vendor gave no description (rather than a made-up one);
//! - builders, `builder()`, `new`, `body`: what they are for.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::{Attribute, Fields, ImplItem, Item, Visibility};

use crate::{base::walk, spec::names};

/// Fills the missing docs of `file`, the client generated from `spec`.
pub fn fill(file: &mut syn::File, spec: &Value) {
    let fields = field_docs(&file.items);
    let operations = operation_docs(spec);
    for item in &mut file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    types(items, &fields);
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = &mut m.content {
                    operation_builders(items, &operations);
                }
            }
            _ => {}
        }
    }
}

/// `(type, field)` -> the field's doc lines, for the builders' setters.
fn field_docs(items: &[Item]) -> BTreeMap<(String, String), String> {
    let mut docs = BTreeMap::new();
    for item in items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            let Item::Struct(s) = item else { continue };
            let Fields::Named(named) = &s.fields else {
                continue;
            };
            for field in &named.named {
                let (Some(ident), Some(text)) = (&field.ident, doc_text(&field.attrs)) else {
                    continue;
                };
                docs.insert((s.ident.to_string(), ident.to_string()), text);
            }
        }
    }
    docs
}

/// An operation's builder: the `Client` method that makes it, and each
/// parameter's description.
struct Operation {
    method: String,
    parameters: BTreeMap<String, String>,
}

/// Builder name -> its operation, read from the spec with the names
/// progenitor gives: the method is the snake-case operationId, its builder
/// the same in Pascal case, a parameter's setter its snake-case name. (The
/// spec, not the methods' doc comments: reading every operation's doc back
/// out of the syntax tree took 3 ms on the 193-operation bench.)
fn operation_docs(spec: &Value) -> BTreeMap<String, Operation> {
    let mut operations = BTreeMap::new();
    for (_, _, operation, item) in walk::operations(spec) {
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let method = names::method_name(id);
        let parameters = [item, operation]
            .into_iter()
            .filter_map(|o| o.get("parameters").and_then(Value::as_array))
            .flatten()
            .map(|p| walk::resolve(spec, p))
            .filter_map(|p| {
                let name = p.get("name").and_then(Value::as_str)?;
                let text = p.get("description").and_then(Value::as_str)?;
                Some((names::method_name(name), text.trim().to_string()))
            })
            .collect();
        operations.insert(names::type_name(&method), Operation { method, parameters });
    }
    operations
}

fn types(items: &mut [Item], fields: &BTreeMap<(String, String), String>) {
    for item in items {
        match item {
            Item::Struct(s) => {
                if let Fields::Named(named) = &mut s.fields {
                    for field in &mut named.named {
                        if is_pub(&field.vis) && !has_doc(&field.attrs) {
                            let wire = wire_name(&field.attrs)
                                .or_else(|| field.ident.as_ref().map(ToString::to_string))
                                .unwrap_or_default();
                            push(
                                &mut field.attrs,
                                &format!("`{wire}`: the vendor's spec does not describe it."),
                            );
                        }
                    }
                }
            }
            Item::Enum(e) => {
                let name = e.ident.to_string();
                for variant in &mut e.variants {
                    if has_doc(&variant.attrs) {
                        continue;
                    }
                    let text = match wire_name(&variant.attrs) {
                        Some(value) => format!("`{value}`"),
                        None => format!("A [`{name}`] that is a `{}`.", variant.ident),
                    };
                    push(&mut variant.attrs, &text);
                }
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let ty = type_name(&block.self_ty);
                for member in &mut block.items {
                    if let ImplItem::Fn(f) = member
                        && is_pub(&f.vis)
                        && !has_doc(&f.attrs)
                        && f.sig.ident == "builder"
                    {
                        push(
                            &mut f.attrs,
                            &format!("A builder for [`{ty}`], one field at a time."),
                        );
                    }
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = &mut m.content {
                    type_builders(items, fields);
                }
            }
            _ => {}
        }
    }
}

fn type_builders(items: &mut [Item], fields: &BTreeMap<(String, String), String>) {
    for item in items {
        match item {
            Item::Struct(s) if is_pub(&s.vis) && !has_doc(&s.attrs) => {
                let name = s.ident.to_string();
                push(
                    &mut s.attrs,
                    &format!(
                        "Builds a [`super::{name}`] one field at a time; `try_into()` checks \
                         that every required field was set."
                    ),
                );
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let ty = type_name(&block.self_ty);
                for member in &mut block.items {
                    let ImplItem::Fn(f) = member else { continue };
                    if !is_pub(&f.vis) || has_doc(&f.attrs) {
                        continue;
                    }
                    let field = f.sig.ident.to_string();
                    let text = match fields.get(&(ty.clone(), field.clone())) {
                        Some(doc) => format!("Sets `{field}`: {doc}"),
                        None => format!("Sets `{field}`."),
                    };
                    push(&mut f.attrs, &text);
                }
            }
            _ => {}
        }
    }
}

fn operation_builders(items: &mut [Item], operations: &BTreeMap<String, Operation>) {
    for item in items {
        match item {
            Item::Struct(s) if is_pub(&s.vis) && !has_doc(&s.attrs) => {
                let text = match operations.get(&s.ident.to_string()) {
                    Some(op) => format!(
                        "A [`Client::{}`](super::Client::{}) request: set its parameters, then \
                         `send()` it.",
                        op.method, op.method
                    ),
                    None => "A request: set its parameters, then `send()` it.".to_string(),
                };
                push(&mut s.attrs, &text);
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let operation = operations.get(&type_name(&block.self_ty));
                for member in &mut block.items {
                    let ImplItem::Fn(f) = member else { continue };
                    if !is_pub(&f.vis) || has_doc(&f.attrs) {
                        continue;
                    }
                    let name = f.sig.ident.to_string();
                    let described = operation.and_then(|op| op.parameters.get(&name));
                    let text = match (name.as_str(), described) {
                        ("new", _) => "A request on `client`, no parameter set yet.".to_string(),
                        ("body", _) => "Sets the request body.".to_string(),
                        ("body_map", _) => "Changes the request body with `f`.".to_string(),
                        (_, Some(doc)) => format!("Sets `{name}`: {doc}"),
                        (_, None) => format!("Sets the `{name}` parameter."),
                    };
                    push(&mut f.attrs, &text);
                }
            }
            _ => {}
        }
    }
}

/// Fills the missing docs of `file`, the httpmock extension generated from
/// `spec` for the client crate `krate` (as Rust spells it): progenitor
/// documents none of its `When`/`Then` wrappers or `MockServerExt` methods.
pub fn fill_mocks(file: &mut syn::File, spec: &Value, krate: &str) {
    // `<Operation>When` / `<Operation>Then` -> the client method.
    let methods: BTreeMap<String, String> = walk::operations(spec)
        .filter_map(|(_, _, op, _)| op.get("operationId").and_then(Value::as_str))
        .map(|id| {
            let method = names::method_name(id);
            (names::type_name(&method), method)
        })
        .collect();
    let link = |method: &str| format!("[`Client::{method}`]({krate}::Client::{method})");
    for item in &mut file.items {
        match item {
            Item::Mod(m) if m.ident == "operations" => {
                let Some((_, items)) = &mut m.content else {
                    continue;
                };
                for item in items {
                    match item {
                        Item::Struct(s) if !has_doc(&s.attrs) => {
                            let name = s.ident.to_string();
                            let (op, when) = match name.strip_suffix("When") {
                                Some(op) => (op, true),
                                None => (name.strip_suffix("Then").unwrap_or(&name), false),
                            };
                            let method = methods.get(op).map_or_else(String::new, |m| link(m));
                            let text = if when {
                                format!(
                                    "Which {method} requests a mock matches: its method and path, narrowed by the parameter and body matchers."
                                )
                            } else {
                                format!(
                                    "What a mock of {method} answers: one of its documented responses."
                                )
                            };
                            push(&mut s.attrs, &text);
                        }
                        Item::Impl(block) if block.trait_.is_none() => {
                            let when = type_name(&block.self_ty).ends_with("When");
                            for member in &mut block.items {
                                let ImplItem::Fn(f) = member else { continue };
                                if !is_pub(&f.vis) || has_doc(&f.attrs) {
                                    continue;
                                }
                                let name = f.sig.ident.to_string();
                                let text = match (name.as_str(), when) {
                                    ("new", true) => "Matches the operation's method and path.".to_string(),
                                    ("new", false) => "Wraps httpmock's `Then`.".to_string(),
                                    ("into_inner", _) => "httpmock's own matcher or response, to go beyond what the spec allows.".to_string(),
                                    ("body", true) => "Matches the request body, as the client sends it.".to_string(),
                                    (_, true) => format!("Matches the `{name}` parameter."),
                                    (_, false) => format!("Answers with the `{name}` response: its status, and `value` as its body where it has one."),
                                };
                                push(&mut f.attrs, &text);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Item::Trait(t) => {
                for member in &mut t.items {
                    if let syn::TraitItem::Fn(f) = member
                        && !has_doc(&f.attrs)
                    {
                        let name = f.sig.ident.to_string();
                        push(
                            &mut f.attrs,
                            &format!(
                                "Mocks {}: `config_fn` says which requests it matches and what it answers.",
                                link(&name)
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn has_doc(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// The doc comment's text, lines joined (also what `surface` reads).
pub fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n").trim().to_string())
}

/// `#[serde(rename = "...")]`'s value, read off the tokens (parsing each
/// attribute as meta items cost more than the rest of this pass).
fn wire_name(attrs: &[Attribute]) -> Option<String> {
    use proc_macro2::TokenTree;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        let mut tokens = list.tokens.clone().into_iter();
        while let Some(token) = tokens.next() {
            let TokenTree::Ident(ident) = &token else {
                continue;
            };
            if ident != "rename" {
                continue;
            }
            if let (Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(lit))) =
                (tokens.next(), tokens.next())
                && eq.as_char() == '='
                && let syn::Lit::Str(text) = syn::Lit::new(lit)
            {
                return Some(text.value());
            }
        }
    }
    None
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Adds `#[doc = "text"]`, built directly: `parse_quote!` per item parsed
/// tokens again, and took 10 ms on the 193-operation bench.
fn push(attrs: &mut Vec<Attribute>, text: &str) {
    let span = proc_macro2::Span::call_site();
    let doc = Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: syn::Ident::new("doc", span).into(),
            eq_token: Default::default(),
            value: syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::Lit::Str(syn::LitStr::new(text, span)),
            }),
        }),
    };
    attrs.insert(0, doc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_items_get_docs_from_the_spec_text_around_them() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Thing {
                    /// Where it is stored.
                    pub key: String,
                    #[serde(rename = "@url")]
                    pub url: String,
                }
                impl Thing { pub fn builder() -> builder::Thing { todo!() } }
                pub enum Kind {
                    #[serde(rename = "field_value")]
                    FieldValue,
                }
                pub mod builder {
                    pub struct Thing { key: String }
                    impl Thing {
                        pub fn key<T>(mut self, value: T) -> Self { self }
                        pub fn url<T>(mut self, value: T) -> Self { self }
                    }
                }
            }
            pub mod builder {
                pub struct ThingGet<'a> { client: &'a super::Client }
                impl<'a> ThingGet<'a> {
                    pub fn new(client: &'a super::Client) -> Self { todo!() }
                    pub fn filename<V>(mut self, value: V) -> Self { self }
                    pub fn other<V>(mut self, value: V) -> Self { self }
                }
            }
        };
        let spec = serde_json::json!({"paths": {"/things": {"get": {
            "operationId": "thing_get",
            "parameters": [{"name": "filename", "in": "query", "description": "Name of the file to upload"}]
        }}}});
        fill(&mut file, &spec);
        let text = prettyplease::unparse(&file);
        for expected in [
            "///`@url`: the vendor's spec does not describe it.",
            "///A builder for [`Thing`], one field at a time.",
            "///`field_value`",
            "///Sets `key`: Where it is stored.",
            "///Sets `url`.",
            "///Builds a [`super::Thing`] one field at a time",
            "///A [`Client::thing_get`](super::Client::thing_get) request",
            "///Sets `filename`: Name of the file to upload",
            "///Sets the `other` parameter.",
            "///A request on `client`, no parameter set yet.",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn mocks_get_docs_linking_their_operation() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod operations {
                pub struct ThingGetWhen(::httpmock::When);
                impl ThingGetWhen {
                    pub fn new(inner: ::httpmock::When) -> Self { todo!() }
                    pub fn filename(self, value: &str) -> Self { self }
                }
                pub struct ThingGetThen(::httpmock::Then);
                impl ThingGetThen { pub fn ok(self, value: &types::Thing) -> Self { self } }
            }
            pub trait MockServerExt {
                fn thing_get<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>;
            }
        };
        let spec = serde_json::json!({"paths": {"/things": {"get": {"operationId": "thing_get"}}}});
        fill_mocks(&mut file, &spec, "kizen_api");
        let text = prettyplease::unparse(&file);
        for expected in [
            "///Which [`Client::thing_get`](kizen_api::Client::thing_get) requests a mock matches",
            "///Matches the operation's method and path.",
            "///Matches the `filename` parameter.",
            "///What a mock of [`Client::thing_get`](kizen_api::Client::thing_get) answers",
            "///Answers with the `ok` response",
            "///Mocks [`Client::thing_get`](kizen_api::Client::thing_get): `config_fn`",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }
}
