//! Each operation's path template, generated beside progenitor's code for
//! the client's runtime: its span records `url.template` (OpenTelemetry's
//! name of the route, low-cardinality, unlike the URL whose parameters are
//! filled in), and progenitor's `OperationInfo` carries only the
//! operationId.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::base::walk;

/// `pub mod operations { pub fn path_template(id) }`, hidden from the docs
/// (it is the runtime's, not a user's); `None` for a spec without
/// operations.
pub fn items(spec: &Value) -> Option<syn::Item> {
    let templates: BTreeMap<&str, &str> = walk::operations(spec)
        .filter_map(|(path, _, operation, _)| {
            Some((operation.get("operationId")?.as_str()?, path.as_str()))
        })
        .collect();
    if templates.is_empty() {
        return None;
    }
    let (ids, paths): (Vec<&str>, Vec<&str>) = templates.into_iter().unzip();
    Some(syn::parse_quote! {
        /// Each operation's path template, by operationId, for the
        /// client's runtime (its span's `url.template`).
        #[doc(hidden)]
        pub mod operations {
            /// The path of the operation `id` as the spec writes it.
            pub fn path_template(id: &str) -> Option<&'static str> {
                match id {
                    #( #ids => Some(#paths), )*
                    _ => None,
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_arm_per_operation() {
        let spec = serde_json::json!({"paths": {
            "/api/records/{id}": {"get": {"operationId": "records_retrieve"},
                                  "patch": {"operationId": "records_partial_update"}},
            "/api/s3/success": {"post": {"operationId": "s3_success_create"}},
        }});
        let item = items(&spec).unwrap_or_else(|| panic!("no item"));
        let file: syn::File = syn::parse_quote!(#item);
        let text = prettyplease::unparse(&file);
        for arm in [
            "\"records_partial_update\" => Some(\"/api/records/{id}\")",
            "\"records_retrieve\" => Some(\"/api/records/{id}\")",
            "\"s3_success_create\" => Some(\"/api/s3/success\")",
        ] {
            assert!(text.contains(arm), "{text}");
        }
        assert!(items(&serde_json::json!({"paths": {}})).is_none());
    }
}
