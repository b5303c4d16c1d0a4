//! Generates the typed `httpmock` extension of the client (the
//! `<crate>-httpmock` crate, as oxide.rs ships `oxide-httpmock`) with
//! progenitor's httpmock generator, and corrects what it gets wrong.
//!
//! progenitor 0.15 matches every typed request body as JSON
//! (`json_body_obj`), but the client sends a form-urlencoded body as a form
//! (progenitor-client's `form_urlencoded`, i.e. `serde_urlencoded`), so a
//! mock of such an operation would never match. For each operation whose
//! only body is `application/x-www-form-urlencoded`, the `body` matcher is
//! pointed at the form the client really sends.

use openapiv3::OpenAPI;
use progenitor::Generator;
use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::base::walk;
use crate::codegen::features::gate::{Fragment, Gates};
use crate::codegen::generate::{BANNER, Client, Plan, guarded, progenitor_said, settings};
use crate::spec::names;

const FORM: &str = "application/x-www-form-urlencoded";

/// The mock file for the client crate `krate_name`, as a syntax tree (for
/// the dependency check) and formatted.
///
/// progenitor's httpmock generator types each error status itself, but
/// refuses multipart bodies as progenitor does: it gets those as raw bytes
/// (see `multipart::prepare`), and since it would match them as JSON, which
/// never matches a form, their `body` matcher is removed (the mock matches
/// method and path; the `When`'s `into_inner()` gives httpmock's own
/// matchers).
pub fn file(spec: &OpenAPI, value: &Value, krate_name: &str, plan: &Plan) -> Result<Client> {
    let settings = settings(Some(krate_name));
    let krate_path = krate_name.replace('-', "_");
    let input = plan.types_input(spec);
    let tokens = progenitor_said(
        MOCKS,
        guarded(|| Generator::new(&settings).httpmock(&input, &krate_path)),
    )?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| Error::Unparsable(e.to_string()))?;
    for operation_id in form_operations(value) {
        form_body(&mut file, &operation_id)?;
    }
    for upload in &plan.uploads {
        no_body_matcher(&mut file, &upload.operation_id)?;
    }
    array_query_params(&mut file);
    // The mocks of an area are built with it, as its operations are.
    if !plan.areas.is_empty() {
        Gates::of(&Fragment::of(&mut file), &plan.areas.by_method).apply(&mut file);
        file.attrs
            .push(syn::parse_quote!(#![allow(unused_imports)]));
    }
    crate::codegen::docs::fill_mocks(&mut file, value, &krate_path);
    let source = format!("{BANNER}\n{}", prettyplease::unparse(&file));
    Ok(Client {
        source,
        defined: Default::default(),
        builders: Default::default(),
        used: crate::codegen::deps::Used::of(&file),
    })
}

/// What a mock error is blamed on.
const MOCKS: &str = "(the httpmock extension)";

fn mock_error(message: String) -> Error {
    Error::Generate {
        operation: MOCKS.into(),
        message,
    }
}

/// The operationIds whose request body is only ever sent as a form.
fn form_operations(spec: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for (_, _, operation, _) in walk::operations(spec) {
        let Some(content) = operation
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
        else {
            continue;
        };
        if content.len() == 1
            && content.contains_key(FORM)
            && let Some(id) = operation.get("operationId").and_then(Value::as_str)
        {
            ids.push(id.to_string());
        }
    }
    ids
}

/// Rewrites `<Operation>When::body` to match the urlencoded form of the
/// value, with its content type, byte for byte as the client sends it.
fn form_body(file: &mut syn::File, operation_id: &str) -> Result<()> {
    let when = names::type_name(&format!("{}-when", names::method_name(operation_id)));
    let replacement: syn::Block = syn::parse_quote!({
        let form = ::serde_urlencoded::to_string(value).unwrap_or_else(|e| {
            panic!("this body cannot be sent as a form (the client would refuse it too): {e}")
        });
        Self(
            self.0
                .header("content-type", #FORM)
                .body(form),
        )
    });
    let mut replaced = false;
    for block in when_impls(file, &when) {
        for member in &mut block.items {
            if let syn::ImplItem::Fn(f) = member
                && f.sig.ident == "body"
            {
                f.block = replacement.clone();
                replaced = true;
            }
        }
    }
    if replaced {
        Ok(())
    } else {
        Err(mock_error(format!(
            "`{operation_id}` has a form body, but progenitor's mock has no `{when}::body` \
             to match it as a form: update `mock::form_body` for this progenitor version"
        )))
    }
}

/// The `impl` blocks inside the modules of `file` (progenitor's mocks are
/// all in its `operations` module).
fn impls(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ItemImpl> {
    file.items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Mod(module) => module.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Impl(block) => Some(block),
            _ => None,
        })
}

/// The `<Operation>When` impls of `file`.
fn when_impls<'f>(
    file: &'f mut syn::File,
    when: &'f str,
) -> impl Iterator<Item = &'f mut syn::ItemImpl> + 'f {
    impls(file)
        .filter(move |block| matches!(&*block.self_ty, syn::Type::Path(t) if t.path.is_ident(when)))
}

/// A query parameter that is an array: progenitor's mock matches
/// `value.to_string()`, which a `Vec` does not have (the mocks crate would
/// not compile), where the client sends one `name=item` pair per item
/// (progenitor-client's form style, exploded). Each pair is matched instead.
fn array_query_params(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Items;
    impl VisitMut for Items {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::MethodCall(call) = expr else {
                return;
            };
            let text = |e: &syn::Expr| quote::quote!(#e).to_string();
            if call.method != "query_param"
                || call.args.len() != 2
                || text(&call.args[1]) != "value . to_string ()"
            {
                return;
            }
            let (when, name) = (&call.receiver, &call.args[0]);
            *expr = syn::parse_quote! {
                value.iter().fold(#when, |when, item| when.query_param(#name, item.to_string()))
            };
        }
    }
    for block in impls(file) {
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let signature = &f.sig;
            let is_array = quote::quote!(#signature)
                .to_string()
                .contains(":: std :: vec :: Vec <");
            if is_array {
                Items.visit_block_mut(&mut f.block);
            }
        }
    }
}

/// Removes `<Operation>When::body` of a multipart upload.
fn no_body_matcher(file: &mut syn::File, operation_id: &str) -> Result<()> {
    let when = names::type_name(&format!("{}-when", names::method_name(operation_id)));
    let mut removed = false;
    for block in when_impls(file, &when) {
        let before = block.items.len();
        block
            .items
            .retain(|member| !matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "body"));
        removed |= block.items.len() < before;
    }
    if removed {
        Ok(())
    } else {
        Err(mock_error(format!(
            "`{operation_id}` has a multipart body, but progenitor's mock has no \
             `{when}::body` to remove: update `mock::no_body_matcher` for this progenitor version"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> syn::File {
        syn::parse_file(source).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn only_operations_whose_body_is_only_a_form() {
        let spec = serde_json::json!({"paths": {
            "/a": {"post": {"operationId": "a_create", "requestBody": {"content": {
                FORM: {"schema": {}}}}}},
            "/b": {"post": {"operationId": "b_create", "requestBody": {"content": {
                FORM: {"schema": {}}, "application/json": {"schema": {}}}}}},
            "/c": {"get": {"operationId": "c_list"}}
        }});
        assert_eq!(form_operations(&spec), ["a_create"]);
    }

    #[test]
    fn the_body_matcher_becomes_a_form_match() {
        let mut file = parse(
            "pub mod operations {
                pub struct ACreateWhen(::httpmock::When);
                impl ACreateWhen {
                    pub fn body(self, value: &types::A) -> Self { Self(self.0.json_body_obj(value)) }
                }
            }",
        );
        form_body(&mut file, "a_create").unwrap_or_else(|e| panic!("{e}"));
        let text = prettyplease::unparse(&file);
        assert!(!text.contains("json_body_obj"), "{text}");
        assert!(
            text.contains("serde_urlencoded::to_string(value)"),
            "{text}"
        );
        assert!(text.contains(FORM), "{text}");
    }

    #[test]
    fn an_array_query_parameter_matches_one_pair_per_item() {
        let mut file = parse(
            "pub mod operations {
                impl AListWhen {
                    pub fn ids(self, value: &::std::vec::Vec<i64>) -> Self {
                        Self(self.0.query_param(\"ids\", value.to_string()))
                    }
                    pub fn name(self, value: &str) -> Self {
                        Self(self.0.query_param(\"name\", value.to_string()))
                    }
                }
            }",
        );
        array_query_params(&mut file);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains(
                ".fold(self.0, |when, item| when.query_param(\"ids\", item.to_string()))"
            ),
            "{text}"
        );
        assert!(
            text.contains("self.0.query_param(\"name\", value.to_string())"),
            "a scalar keeps its match: {text}"
        );
    }

    #[test]
    fn an_upload_has_no_body_matcher() {
        let mut file = parse(
            "pub mod operations {
                pub struct ACreateWhen(::httpmock::When);
                impl ACreateWhen {
                    pub fn body(self, value: ::serde_json::Value) -> Self { Self(self.0.json_body(value)) }
                    pub fn other(self) -> Self { self }
                }
            }",
        );
        no_body_matcher(&mut file, "a_create").unwrap_or_else(|e| panic!("{e}"));
        let text = prettyplease::unparse(&file);
        assert!(!text.contains("fn body"), "{text}");
        assert!(text.contains("fn other"), "{text}");
        let err = no_body_matcher(&mut file, "a_create")
            .map(|_| ())
            .unwrap_err();
        assert!(
            err.to_string().contains("`a_create` has a multipart body"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_matcher_is_an_error_naming_the_operation() {
        let mut file = parse("pub mod operations { pub struct Other; }");
        let err = form_body(&mut file, "a_create").map(|_| ()).unwrap_err();
        assert!(
            err.to_string().contains("`a_create` has a form body"),
            "{err}"
        );
        assert!(err.to_string().contains("ACreateWhen::body"), "{err}");
    }
}
