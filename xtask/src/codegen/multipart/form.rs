//! The generated `forms` module: one form per multipart body, its
//! required parts in `new`, a setter per optional one, and its encoding.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Field, Kind, Upload};
use crate::base::error::{Error, Result};
use crate::spec::names;

/// The `forms` module: one form per multipart body (nothing when none).
pub fn items(uploads: &[Upload]) -> Result<Vec<syn::Item>> {
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    let mut forms: BTreeMap<&str, TokenStream> = BTreeMap::new();
    for upload in uploads {
        if forms.contains_key(upload.form.as_str()) {
            continue;
        }
        forms.insert(&upload.form, form(upload));
    }
    let forms = forms.values();
    let tokens = quote! {
        /// The multipart bodies of file uploads, one form per body: each
        /// file part is a [`reqwest::multipart::Part`], which
        /// `Part::file(path).await` streams from disk (with its length, its
        /// name and a type guessed from its extension), `Part::bytes(..)`
        /// takes from memory, and `Part::stream_with_length(..)` from any
        /// stream (`reqwest::Body::wrap_stream` of an async reader).
        pub mod forms {
            #[allow(unused_imports)]
            use super::types;

            /// A text part: a string as it is, a number or boolean as its
            /// text, anything else as JSON.
            #[allow(dead_code)]
            fn text<T: ::serde::Serialize>(value: &T) -> ::std::result::Result<::std::option::Option<reqwest::multipart::Part>, ::std::string::String> {
                let value = ::serde_json::to_value(value).map_err(|e| e.to_string())?;
                Ok(match value {
                    ::serde_json::Value::Null => None,
                    ::serde_json::Value::String(text) => Some(reqwest::multipart::Part::text(text)),
                    value @ (::serde_json::Value::Bool(_) | ::serde_json::Value::Number(_)) => {
                        Some(reqwest::multipart::Part::text(value.to_string()))
                    }
                    value => Some(
                        reqwest::multipart::Part::text(value.to_string())
                            .mime_str("application/json")
                            .map_err(|e| e.to_string())?,
                    ),
                })
            }

            #(#forms)*
        }
    };
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| Error::Unparsable(format!("the `forms` module: {e}")))
}

fn form(upload: &Upload) -> TokenStream {
    let name = format_ident!("{}", upload.form);
    let method = names::method_name(&upload.operation_id);
    let about = match upload.description.as_str() {
        "" => String::new(),
        d if d.ends_with(['.', '!', '?']) => format!(" {d}"),
        d => format!(" {d}."),
    };
    let doc = format!(
        "The multipart body of [`Client::{method}`](super::Client::{method}).{about} \
         `new` takes the required parts; a method per optional one sets it."
    );
    let field = |f: &Field| ident(&names::method_name(&f.name));
    let ty = |f: &Field| -> TokenStream {
        let parsed = |ty: &str| syn::parse_str::<syn::Type>(ty).map(|t| quote!(#t));
        match &f.kind {
            Kind::File => quote!(reqwest::multipart::Part),
            Kind::Files => quote!(::std::vec::Vec<reqwest::multipart::Part>),
            Kind::Text(ty) => parsed(ty).unwrap_or_else(|_| quote!(::serde_json::Value)),
            Kind::Texts(ty) => parsed(ty)
                .map(|t| quote!(::std::vec::Vec<#t>))
                .unwrap_or_else(|_| quote!(::serde_json::Value)),
            Kind::Json => quote!(::serde_json::Value),
        }
    };
    let field_doc = |f: &Field| {
        let what = if f.description.is_empty() {
            "the vendor's spec does not describe it".to_string()
        } else {
            f.description.clone()
        };
        let kind = match f.kind {
            Kind::File => " A file part.",
            Kind::Files => " A part per file.",
            _ => "",
        };
        format!("`{}`: {what}.{kind}", f.name)
    };
    let declared = upload.fields.iter().map(|f| {
        let (ident, ty, doc) = (field(f), ty(f), field_doc(f));
        if f.required {
            quote! { #[doc = #doc] pub #ident: #ty, }
        } else {
            quote! { #[doc = #doc] pub #ident: ::std::option::Option<#ty>, }
        }
    });
    let required: Vec<&Field> = upload.fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|f| {
        let (ident, ty) = (field(f), ty(f));
        quote! { #ident: impl ::std::convert::Into<#ty> }
    });
    let inits = upload.fields.iter().map(|f| {
        let ident = field(f);
        if f.required {
            quote!(#ident: #ident.into())
        } else {
            quote!(#ident: None)
        }
    });
    let setters = upload.fields.iter().filter(|f| !f.required).map(|f| {
        let (ident, ty, doc) = (field(f), ty(f), field_doc(f));
        quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                self.#ident = Some(value.into());
                self
            }
        }
    });
    let parts = upload.fields.iter().map(|f| {
        let ident = field(f);
        let key = &f.name;
        let add = match &f.kind {
            Kind::File => quote! { form = form.part(#key, value); },
            Kind::Files => quote! {
                for part in value {
                    form = form.part(#key, part);
                }
            },
            Kind::Text(_) | Kind::Json => quote! {
                if let Some(part) = text(&value)? {
                    form = form.part(#key, part);
                }
            },
            Kind::Texts(_) => quote! {
                for item in &value {
                    if let Some(part) = text(item)? {
                        form = form.part(#key, part);
                    }
                }
            },
        };
        if f.required {
            quote! { { let value = self.#ident; #add } }
        } else {
            quote! { if let Some(value) = self.#ident { #add } }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub struct #name {
            #(#declared)*
        }

        impl #name {
            /// A form with its required parts; the optional ones are left out.
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*

            /// The form as reqwest sends it: a part per property, in the
            /// schema's order.
            pub fn into_form(self) -> ::std::result::Result<reqwest::multipart::Form, ::std::string::String> {
                let mut form = reqwest::multipart::Form::new();
                #(#parts)*
                Ok(form)
            }
        }
    }
}

/// A field or method name as an identifier: a keyword becomes a raw
/// identifier (`r#type`), one that cannot be raw gets a `_` (`self_`).
pub fn ident(name: &str) -> syn::Ident {
    if syn::parse_str::<syn::Ident>(name).is_ok() {
        return format_ident!("{name}");
    }
    match name {
        "self" | "Self" | "super" | "crate" | "_" => format_ident!("{name}_"),
        _ => syn::parse_str::<syn::Ident>(&format!("r#{name}"))
            .unwrap_or_else(|_| format_ident!("x_{}", name.len())),
    }
}
