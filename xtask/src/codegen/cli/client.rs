//! The client as progenitor generated it, read back: each operation's
//! builder, its setters, its body's type and what `send` answers. The
//! commands call exactly these, so a command that compiles is one the
//! client has.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

/// What the generated client offers each operation: its builder's setters,
/// its body's type, and what `send` answers.
#[derive(Debug, Default)]
pub(super) struct Builders {
    /// Client method -> builder struct.
    pub(super) builder_of: BTreeMap<String, String>,
    /// Builder struct -> its setters.
    pub(super) setters: BTreeMap<String, BTreeSet<String>>,
    /// Builder struct -> the type path of its `body` field's value
    /// (`types::builder::X`), as written.
    pub(super) body: BTreeMap<String, String>,
    /// Builder struct -> `send`'s answer and error types, as written.
    pub(super) answer: BTreeMap<String, (String, String)>,
    /// Client methods with a `<method>_stream` beside them (a drf list:
    /// see `paginate`).
    pub(super) streams: BTreeSet<String>,
}

impl Builders {
    pub(super) fn of(file: &syn::File) -> Self {
        let mut out = Builders::default();
        for item in &file.items {
            match item {
                // progenitor's builders: the file's own `builder` module
                // (typify's `types::builder` is another).
                syn::Item::Mod(module) if module.ident == "builder" => {
                    for item in module.content.iter().flat_map(|(_, items)| items) {
                        match item {
                            syn::Item::Impl(block) => out.scan_impl(block),
                            syn::Item::Struct(item) => out.scan_struct(item),
                            _ => {}
                        }
                    }
                }
                syn::Item::Impl(block) => out.scan_impl(block),
                _ => {}
            }
        }
        out
    }

    fn scan_struct(&mut self, item: &syn::ItemStruct) {
        for field in &item.fields {
            let is_body = field.ident.as_ref().is_some_and(|i| i == "body");
            if let (true, Some(inner)) = (is_body, first_generic(&field.ty)) {
                self.body.insert(item.ident.to_string(), tokens(inner));
            }
        }
    }

    fn scan_impl(&mut self, block: &syn::ItemImpl) {
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            return;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let method = f.sig.ident.to_string();
            let syn::ReturnType::Type(_, returned) = &f.sig.output else {
                continue;
            };
            if name == "Client" {
                if let Some(listed) = method.strip_suffix("_stream") {
                    self.streams.insert(listed.to_string());
                }
                if let syn::Type::Path(path) = &**returned
                    && path.path.segments.len() == 2
                    && path.path.segments[0].ident == "builder"
                {
                    self.builder_of
                        .insert(method, path.path.segments[1].ident.to_string());
                }
            } else if method == "send" {
                let args = generics(returned);
                if let [ok, err] = args.as_slice() {
                    let answer = first_generic(ok).map(tokens).unwrap_or_default();
                    let error = first_generic(err).map(tokens).unwrap_or_default();
                    self.answer.insert(name.clone(), (answer, error));
                }
            } else if f.sig.inputs.len() == 2 {
                self.setters.entry(name.clone()).or_default().insert(method);
            }
        }
    }
}

/// The generic arguments of the last segment of a path type.
fn generics(ty: &syn::Type) -> Vec<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return Vec::new();
    };
    let Some(last) = path.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn first_generic(ty: &syn::Type) -> Option<&syn::Type> {
    generics(ty).into_iter().next()
}

/// A type as written, without spaces (`types::builder::X`, `()`).
fn tokens(ty: &syn::Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}
