//! The generated `errors` module: one enum per set of statuses and bodies
//! (in `errors::shared`), and each operation's name for it, as an alias
//! that carries the operation's own descriptions.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Body, Status, Typed};
use crate::base::error::{Error, Result};
use crate::spec::names;

/// The `errors` module (nothing when no operation is typed). Each set of
/// statuses and body types gets one enum, in the hidden `errors::shared`,
/// named after its variants, and each operation a type alias
/// `<Operation>Error` for its set's: on authentik, 1189 typed operations
/// have 7 distinct sets, and an enum with its async decoder per operation
/// was a tenth of the crate to compile. Every operation is an alias, even
/// alone in its set: when it gains a status it moves to another set, and
/// the code that names it (`AdminAppsListError::Status403(e)` matches
/// through the alias) still compiles.
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
    let mut shared = Vec::new();
    let mut aliases = Vec::new();
    let mut taken = BTreeSet::new();
    for (signature, members) in &groups {
        let mut name: String = signature
            .iter()
            .map(|(variant, body)| format!("{variant}{}", body.as_deref().unwrap_or_default()))
            .collect();
        if name.is_empty() {
            name = NO_ERROR_DOCUMENTED.to_string();
        }
        while !taken.insert(name.clone()) {
            name.push('_');
        }
        let doc = format!(
            "The documented error responses of {} operation(s) with these statuses and bodies \
             (each names this enum by its own alias, `errors::<Operation>Error`): each variant \
             holds its status's body, typed as its schema. {USE}",
            members.len()
        );
        shared.push(enumeration(&name, &doc, members));
        let ident = format_ident!("{name}");
        for t in members {
            aliases.push(alias(t, &ident));
        }
    }
    let shared = (!shared.is_empty()).then(|| {
        quote! {
            /// The enums, one per set of statuses and bodies, that the
            /// operations' aliases name. Hidden: an operation that gains a
            /// status moves to another set under the same alias, so code
            /// names the alias, never the set.
            #[doc(hidden)]
            pub mod shared {
                #[allow(unused_imports)]
                use super::{types, wrap, Error, ResponseValue};
                #(#shared)*
            }
        }
    });
    let tokens = quote! {
        /// The error types of the operations: one enum per operation (an
        /// alias of a shared one where operations have the same statuses and
        /// bodies), one variant per documented error status, none where the
        /// vendor documents none yet. Each is `#[non_exhaustive]`: a status
        /// the vendor documents later is a new variant, a compatible version.
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

            #(#aliases)*
            #shared
        }
    };
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| Error::Unparsable(format!("the `errors` module: {e}")))
}

/// `<Operation>Error`, the alias by which the operation `t` (and its
/// callers) name its set's enum `ident`, documented with its statuses.
fn alias(t: &Typed, ident: &syn::Ident) -> TokenStream {
    let alias = format_ident!("{}", t.name());
    let method = names::method_name(&t.operation_id);
    let statuses: Vec<String> = t
        .variants
        .iter()
        .map(|v| format!("`{}`: {}", v.key, described(&v.description)))
        .collect();
    let doc = if statuses.is_empty() {
        format!(
            "The documented error responses of [`Client::{method}`](super::Client::{method}): \
             none yet, so every error status is `Error::UnexpectedResponse`, with its status and \
             raw body. A status the vendor documents later becomes a variant (the enum is \
             `#[non_exhaustive]`)."
        )
    } else {
        format!(
            "The documented error responses of [`Client::{method}`](super::Client::{method}), \
             by status, one variant each (the enum is `#[non_exhaustive]`): {}. {USE}",
            statuses.join("; ")
        )
    };
    quote! {
        #[doc = #doc]
        pub type #alias = shared::#ident;
    }
}

/// The shared enum of the operations that document no error status: no
/// variant yet (every error status is `Error::UnexpectedResponse`).
const NO_ERROR_DOCUMENTED: &str = "NoErrorDocumented";

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
        // A status the vendor documents later is a new variant: a
        // compatible version, as for the `types` (see `compat`).
        #[derive(Clone, Debug)]
        #[non_exhaustive]
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
