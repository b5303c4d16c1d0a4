//! How a command prints its error answer's body. A body typed as a schema
//! (`types::X`) or none (`()`) serializes; the client's error enums
//! (`errors::X`, one variant per status) do not, and a derive on them would
//! cost every library user. So the command line matches their variants
//! itself: one function per enum, written here, its body as JSON.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::render::{gate_any, qualify};
use crate::codegen::builders::Builders;

/// The printers of the error enums the commands use, by enum, with the
/// features of the commands that use each.
#[derive(Debug, Default)]
pub(super) struct Printers {
    used: BTreeMap<String, BTreeSet<Option<String>>>,
}

impl Printers {
    /// What prints the error type `error` (as written) of a command in the
    /// area `feature`: `json` for a type that serializes, or the printer of
    /// its enum; the reason it cannot be printed, otherwise.
    pub(super) fn of(
        &mut self,
        error: &str,
        feature: Option<&String>,
        builders: &Builders,
    ) -> Result<TokenStream, String> {
        if !error.starts_with("errors::") {
            return Ok(quote!(json));
        }
        let enumeration = builders.aliases.get(error).map_or(error, String::as_str);
        if !builders.enums.contains_key(enumeration) {
            return Err(format!(
                "its error type `{error}` is not an enum of the client's `errors` module"
            ));
        }
        self.used
            .entry(enumeration.to_string())
            .or_default()
            .insert(feature.cloned());
        let name = printer(enumeration);
        Ok(quote!(#name))
    }

    /// The printers, each compiled when a command that uses it is.
    pub(super) fn items(&self, builders: &Builders, krate: &syn::Ident) -> Vec<TokenStream> {
        let mut items = Vec::new();
        for (enumeration, features) in &self.used {
            let Some(variants) = builders.enums.get(enumeration) else {
                continue;
            };
            let gate = gate_any(features);
            let ty = qualify(enumeration, krate);
            let arms = variants.iter().map(|(variant, body)| {
                let variant = format_ident!("{variant}");
                if *body {
                    quote!(#ty::#variant(body) => json(body),)
                } else {
                    quote!(#ty::#variant => ::serde_json::Value::Null,)
                }
            });
            let name = printer(enumeration);
            let doc = format!(
                "The body of an error answer decoded as `{enumeration}`, as JSON (`null`: none)."
            );
            items.push(quote! {
                #gate
                #[doc = #doc]
                fn #name(error: #ty) -> ::serde_json::Value {
                    match error {
                        #(#arms)*
                        // The enum is `#[non_exhaustive]`; this crate is
                        // generated from the same spec and never meets it.
                        _ => ::serde_json::Value::Null,
                    }
                }
            });
        }
        items
    }
}

/// The printer of the enum `enumeration` (`errors::shared::X`).
fn printer(enumeration: &str) -> syn::Ident {
    let last = enumeration.rsplit("::").next().unwrap_or(enumeration);
    format_ident!("error_json_{}", last.to_snake_case())
}
