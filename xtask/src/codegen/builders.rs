//! What the generation features that rewrite progenitor's output share:
//! the `builder` module of a generated file (one builder per operation,
//! named after its operationId), and an operation of progenitor's input by
//! path and method.

use openapiv3::OpenAPI;

use crate::base::error::Error;

/// The items of the top-level `builder` module of `file`, if it has one.
pub fn module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The name of the type an `impl` block is for (`AdminFileCreate` for
/// `impl<'a> AdminFileCreate<'a>`).
pub fn self_name(block: &syn::ItemImpl) -> Option<String> {
    let syn::Type::Path(self_ty) = &*block.self_ty else {
        return None;
    };
    self_ty.path.segments.last().map(|s| s.ident.to_string())
}

/// The operation at `path` and `method` (lowercase) of `spec`.
pub fn operation_mut<'s>(
    spec: &'s mut OpenAPI,
    path: &str,
    method: &str,
) -> Option<&'s mut openapiv3::Operation> {
    let openapiv3::ReferenceOr::Item(item) = spec.paths.paths.get_mut(path)? else {
        return None;
    };
    match method {
        "get" => item.get.as_mut(),
        "put" => item.put.as_mut(),
        "post" => item.post.as_mut(),
        "delete" => item.delete.as_mut(),
        "options" => item.options.as_mut(),
        "head" => item.head.as_mut(),
        "patch" => item.patch.as_mut(),
        "trace" => item.trace.as_mut(),
        _ => None,
    }
}

/// A rewrite of `feature` (its file, e.g. `errors.rs`) found progenitor's
/// output for `operation` not as it expects: `what` it found.
pub fn shape_error(operation: &str, feature: &str, what: &str) -> Error {
    Error::Generate {
        operation: operation.to_string(),
        message: format!(
            "progenitor's output has changed shape ({what}); `xtask/src/{feature}` \
             needs updating for this progenitor version"
        ),
    }
}
