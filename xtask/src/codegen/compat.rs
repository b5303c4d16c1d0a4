//! Forward compatibility: the vendor adds to its API without warning, and
//! neither a server newer than the spec nor the next version of the crate
//! may break a user.
//!
//! - **At run time**, every string enum of `types` keeps a value the spec
//!   does not list (`Undocumented`, holding it as written) instead of
//!   failing the whole answer, serializes it back unchanged, and reports it
//!   as a `tracing` event on the target `<crate>::drift` naming the
//!   operation, the type and the value. Requests still send only documented
//!   values unless the user builds an `Undocumented` explicitly; `FromStr`
//!   (flags, query strings) stays strict.
//! - **At compile time**, the structs with named fields and those enums are
//!   `#[non_exhaustive]`: a response property or an enum value added by the
//!   vendor is then a compatible version (AWS's SDK and async-stripe do the
//!   same). Users build values with the builders typify writes beside every
//!   struct, and match enums with a `_` arm.
//!
//! The enums' `Deserialize` and `Serialize` are written here rather than
//! derived: both go through the `FromStr` and `Display` typify writes
//! anyway, and one generic `drift::parse` (the derive's buffered
//! `#[serde(untagged)]` fallback would cost every enum its own copy).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::codegen::builders;

/// The catch-all variant's name; [`FALLBACK`] where the vendor's values
/// already give a variant that name.
const VARIANT: &str = "Undocumented";
const FALLBACK: &str = "UndocumentedValue";

/// Makes the `types` module of `file` forward compatible (see the module
/// docs); returns whether any enum got a catch-all (then the `drift`
/// module of [`items`] is needed).
pub fn types(file: &mut syn::File) -> bool {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return false;
    };
    let enums: Vec<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) if is_string_enum(e) && has_impls(types, &e.ident) => {
                Some(e.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let mut added = Vec::new();
    for item in types.iter_mut() {
        match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                non_exhaustive(&mut s.attrs);
            }
            syn::Item::Enum(e) if enums.contains(&e.ident.to_string()) => {
                let variant = catch_all(e);
                added.push(serde_impls(e, &variant));
            }
            _ => {}
        }
    }
    fix_display(types, &enums);
    for tokens in added {
        if let Ok(parsed) = syn::parse2::<syn::File>(tokens) {
            types.extend(parsed.items);
        }
    }
    !enums.is_empty()
}

/// Whether `e` is a plain string enum as typify writes one: every variant
/// a unit with its value as `#[serde(rename = "...")]`, serde derived.
fn is_string_enum(e: &syn::ItemEnum) -> bool {
    !e.variants.is_empty()
        && e.variants
            .iter()
            .all(|v| matches!(v.fields, syn::Fields::Unit) && rename(&v.attrs).is_some())
        && derives(&e.attrs).iter().any(|d| d.ends_with("Deserialize"))
}

/// The value of a `#[serde(rename = "...")]` attribute.
fn rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut value = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                value = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    value
}

/// The derives of an item, as written (`::serde::Deserialize`, `Copy`).
fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            names.push(path_text(&meta.path));
            Ok(())
        });
    }
    names
}

fn path_text(path: &syn::Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

/// Whether typify wrote `FromStr` and `Display` for `ident`, which the
/// enum's serde impls go through.
fn has_impls(items: &[syn::Item], ident: &syn::Ident) -> bool {
    let mut found = (false, false);
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((trait_, _)) = &block.trait_ else {
            continue;
        };
        if builders::self_name(block).as_deref() != Some(&ident.to_string()) {
            continue;
        }
        match trait_
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .as_deref()
        {
            Some("FromStr") => found.0 = true,
            Some("Display") => found.1 = true,
            _ => {}
        }
    }
    found == (true, true)
}

fn non_exhaustive(attrs: &mut Vec<syn::Attribute>) {
    if !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
        attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
}

/// The name of the catch-all variant of `e`.
fn variant_name(e: &syn::ItemEnum) -> syn::Ident {
    let taken = |name: &str| e.variants.iter().any(|v| v.ident == name);
    let mut name = VARIANT.to_string();
    if taken(&name) {
        name = FALLBACK.to_string();
        while taken(&name) {
            name.push('_');
        }
    }
    format_ident!("{name}")
}

/// Rewrites the enum itself: `#[non_exhaustive]`, the catch-all variant,
/// serde's derives and attributes dropped (its impls are written below),
/// and `Copy` dropped (the catch-all holds a `String`).
fn catch_all(e: &mut syn::ItemEnum) -> syn::Ident {
    let variant = variant_name(e);
    for attr in &mut e.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let kept: Vec<syn::Path> = derives(std::slice::from_ref(attr))
            .iter()
            .filter(|d| !d.ends_with("Serialize") && !d.ends_with("Deserialize") && *d != "Copy")
            .filter_map(|d| syn::parse_str(&qualified(d)).ok())
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    non_exhaustive(&mut e.attrs);
    for v in &mut e.variants {
        // The value stays in the docs (`docs` would have written it from
        // the rename): it is all a reader has to map a variant to the wire.
        let has_doc = v.attrs.iter().any(|a| a.path().is_ident("doc"));
        if let (false, Some(value)) = (has_doc, rename(&v.attrs)) {
            let doc = format!("`{value}`");
            v.attrs.push(syn::parse_quote!(#[doc = #doc]));
        }
        v.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let name = e.ident.to_string();
    let doc = format!(
        " A value of `{name}` that the spec this crate was generated from does not list, \
         kept as the server wrote it (a newer API than the crate). Match it with a `_` arm: \
         once a release documents the value, it parses as its own variant."
    );
    e.variants.push(syn::parse_quote! {
        #[doc = #doc]
        #variant(super::drift::Undocumented)
    });
    variant
}

/// Serde's paths were written absolute (`::serde::Serialize`): kept so.
fn qualified(derive: &str) -> String {
    if derive.contains("::") {
        format!("::{derive}")
    } else {
        derive.to_string()
    }
}

/// `Serialize` as the value's text (`Display`), `Deserialize` through
/// `FromStr` with the catch-all for anything else.
fn serde_impls(e: &syn::ItemEnum, variant: &syn::Ident) -> TokenStream {
    let ident = &e.ident;
    let cfg: Vec<&syn::Attribute> = e
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .collect();
    let name = ident.to_string();
    quote! {
        #(#cfg)*
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
        #(#cfg)*
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                super::drift::parse(deserializer, #name, Self::#variant)
            }
        }
    }
}

/// The type an `impl Display for X` block is for.
fn display_of(block: &syn::ItemImpl) -> Option<String> {
    let (trait_, _) = block.trait_.as_ref()?;
    (trait_.segments.last()?.ident == "Display")
        .then(|| builders::self_name(block))
        .flatten()
}

/// Adds the catch-all's arm to each rewritten enum's `Display`: its value
/// as written.
fn fix_display(types: &mut [syn::Item], enums: &[String]) {
    let variants: std::collections::BTreeMap<String, syn::Ident> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) if enums.contains(&e.ident.to_string()) => e
                .variants
                .last()
                .map(|v| (e.ident.to_string(), v.ident.clone())),
            _ => None,
        })
        .collect();
    struct Arm<'a>(&'a syn::Ident);
    impl VisitMut for Arm<'_> {
        fn visit_expr_match_mut(&mut self, node: &mut syn::ExprMatch) {
            let variant = self.0;
            node.expr = syn::parse_quote!(self);
            node.arms.push(syn::parse_quote! {
                Self::#variant(value) => f.write_str(value.as_str()),
            });
        }
    }
    for item in types.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if let Some(variant) = display_of(block).and_then(|name| variants.get(&name)) {
            Arm(variant).visit_item_impl_mut(block);
        }
    }
}

/// Points every answer's decoding in the operations' `send` (progenitor's
/// `ResponseValue::from_response(response).await`, and the typed errors'
/// `errors::X::from_response(response).await`) through `drift::watch`, so
/// that an undocumented value's event names the operation it came from.
pub fn watch(file: &mut syn::File) {
    struct Watch;
    impl VisitMut for Watch {
        fn visit_expr_mut(&mut self, node: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, node);
            let syn::Expr::Await(awaited) = node else {
                return;
            };
            let syn::Expr::Call(call) = &*awaited.base else {
                return;
            };
            let syn::Expr::Path(function) = &*call.func else {
                return;
            };
            if function
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "from_response")
            {
                let call = call.clone();
                *node = syn::parse_quote!(super::drift::watch(info.operation_id, #call).await);
            }
        }
    }
    let Some(builder) = builders::module(file) else {
        return;
    };
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for member in &mut block.items {
            if let syn::ImplItem::Fn(f) = member
                && f.sig.ident == "send"
            {
                Watch.visit_block_mut(&mut f.block);
            }
        }
    }
}

/// The `drift` module: the catch-all's value and what decodes and reports
/// it.
pub fn items() -> Vec<syn::Item> {
    let tokens = quote! {
        /// Values an answer holds that the spec this crate was generated
        /// from does not list: the vendor's API is newer than the crate.
        ///
        /// Such a value never fails a call. It is kept as the server wrote
        /// it (an enum's `Undocumented` variant), serialized back unchanged,
        /// and reported as a `tracing` event at level `WARN` on the target
        /// `<crate>::drift` (`kizen_api::drift`) with the fields
        /// `operation`, `type` and `value`, so that a change in the live API
        /// shows in the logs before a release of the crate documents it.
        pub mod drift {
            /// A value the spec does not list, as the server wrote it.
            ///
            /// Read it with [`Undocumented::as_str`] or `Display`. Build
            /// one with [`Undocumented::new`] only to send a value the
            /// spec does not list, knowingly: the server may refuse it.
            #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
            pub struct Undocumented(::std::string::String);

            impl Undocumented {
                /// A value to send that the spec does not list.
                pub fn new(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    Self(value.into())
                }

                /// The value, as written.
                pub fn as_str(&self) -> &str {
                    &self.0
                }
            }

            impl ::std::fmt::Display for Undocumented {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(&self.0)
                }
            }

            // The operation whose answer this thread is decoding.
            ::std::thread_local! {
                static OPERATION: ::std::cell::Cell<::std::option::Option<&'static str>> =
                    const { ::std::cell::Cell::new(None) };
            }

            /// `future` (an answer's decoding), with `operation` known to
            /// [`parse`] while it runs: on every poll, on whichever thread.
            #[doc(hidden)]
            pub async fn watch<F: ::std::future::Future>(
                operation: &'static str,
                future: F,
            ) -> F::Output {
                let mut future = ::std::pin::pin!(future);
                ::std::future::poll_fn(|cx| {
                    let previous = OPERATION.with(|o| o.replace(Some(operation)));
                    let poll = ::std::future::Future::poll(future.as_mut(), cx);
                    OPERATION.with(|o| o.set(previous));
                    poll
                })
                .await
            }

            /// An enum's value: a documented one by its `FromStr`, anything
            /// else kept as `undocumented` and reported.
            #[doc(hidden)]
            pub fn parse<'de, D, E>(
                deserializer: D,
                type_name: &'static str,
                undocumented: fn(Undocumented) -> E,
            ) -> ::std::result::Result<E, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                E: ::std::str::FromStr,
            {
                let value: ::std::string::String = ::serde::Deserialize::deserialize(deserializer)?;
                if let Ok(known) = value.parse() {
                    return Ok(known);
                }
                let operation = OPERATION.with(|o| o.get()).unwrap_or("(none)");
                ::tracing::warn!(
                    target: ::std::concat!(::std::env!("CARGO_CRATE_NAME"), "::drift"),
                    operation,
                    r#type = type_name,
                    value = value.as_str(),
                    "an answer holds a value the spec does not list"
                );
                Ok(undocumented(Undocumented(value)))
            }
        }
    };
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => file.items,
        Err(_) => Vec::new(),
    }
}
