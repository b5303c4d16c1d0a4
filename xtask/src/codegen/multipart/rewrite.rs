//! Points each upload's builder at its form: `body()` takes the typed
//! form, and `send` sends it as multipart.

use std::collections::BTreeMap;

use quote::{format_ident, quote};

use super::Upload;
use crate::base::error::{Error, Result};
use crate::codegen::builders;
use crate::spec::names;

/// Points each upload's builder (in the `builder` module of `file`) at its
/// form: the `body` field holds the encoded form, `body()` takes the typed
/// one, and `send` sends it as multipart. An error if progenitor's raw-body
/// builder no longer has the shape this expects.
pub fn rewrite(file: &mut syn::File, uploads: &[Upload]) -> Result<()> {
    if uploads.is_empty() {
        return Ok(());
    }
    let Some(builder) = builders::module(file) else {
        return Err(shape_error(&uploads[0], "no `builder` module"));
    };
    let by_builder: BTreeMap<String, &Upload> = uploads
        .iter()
        .map(|u| (names::type_name(&u.operation_id), u))
        .collect();
    let mut steps: BTreeMap<String, u8> = BTreeMap::new();
    for item in builder.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                let Some(upload) = by_builder.get(&s.ident.to_string()) else {
                    continue;
                };
                for field in s.fields.iter_mut() {
                    if field.ident.as_ref().is_some_and(|i| i == "body") {
                        field.ty = syn::parse_quote!(
                            ::std::result::Result<reqwest::multipart::Form, ::std::string::String>
                        );
                        *steps.entry(upload.operation_id.clone()).or_default() |= 1;
                    }
                }
            }
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let Some(upload) =
                    builders::self_name(block).and_then(|name| by_builder.get(&name))
                else {
                    continue;
                };
                let form = format_ident!("{}", upload.form);
                for member in &mut block.items {
                    let syn::ImplItem::Fn(f) = member else {
                        continue;
                    };
                    if f.sig.ident == "body" {
                        let doc = format!(
                            "The multipart form to send: a [`{0}`](super::forms::{0}).",
                            upload.form
                        );
                        *f = syn::parse_quote! {
                            #[doc = #doc]
                            pub fn body(mut self, value: super::forms::#form) -> Self {
                                self.body = value.into_form();
                                self
                            }
                        };
                        *steps.entry(upload.operation_id.clone()).or_default() |= 2;
                    } else if f.sig.ident == "send" {
                        let mut send = Send(false);
                        syn::visit_mut::VisitMut::visit_block_mut(&mut send, &mut f.block);
                        if send.0 {
                            *steps.entry(upload.operation_id.clone()).or_default() |= 4;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for upload in uploads {
        let done = steps.get(&upload.operation_id).copied().unwrap_or(0);
        for (bit, what) in [
            (1, "no builder struct with a `body` field"),
            (2, "no `body` setter"),
            (4, "`send` does not set an `application/octet-stream` body"),
        ] {
            if done & bit == 0 {
                return Err(shape_error(upload, what));
            }
        }
    }
    Ok(())
}

fn shape_error(upload: &Upload, what: &str) -> Error {
    builders::shape_error(&upload.operation_id, "multipart.rs", what)
}

/// `<request>.header(CONTENT_TYPE, "application/octet-stream").body(body)`
/// -> `<request>.multipart(body)`.
struct Send(bool);

impl syn::visit_mut::VisitMut for Send {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(body) = expr else {
            return;
        };
        if body.method != "body" {
            return;
        }
        let syn::Expr::MethodCall(header) = &*body.receiver else {
            return;
        };
        let octet = header.method == "header"
            && quote!(#header)
                .to_string()
                .contains("\"application/octet-stream\"");
        if !octet {
            return;
        }
        let receiver = header.receiver.clone();
        let args = body.args.clone();
        *expr = syn::parse_quote!(#receiver.multipart(#args));
        self.0 = true;
    }
}
