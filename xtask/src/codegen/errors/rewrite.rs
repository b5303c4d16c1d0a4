//! Points each typed operation's `send` at its enum: the signature's error
//! type, and the decoding of every documented error status.

use std::collections::BTreeSet;

use quote::format_ident;

use super::Typed;
use crate::base::error::{Error, Result};
use crate::codegen::builders;
use crate::spec::names;

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
            // Without a documented error status there is nothing to decode.
            if decode.replaced == 0 && !t.variants.is_empty() {
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
