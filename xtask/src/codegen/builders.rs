//! progenitor's builders (one per operation, named after its operationId,
//! in the generated file's `builder` module): what the generation features
//! that rewrite progenitor's output share (the module, an operation of
//! progenitor's input by path and method), and what the client offers the
//! command line, [`Builders`].
//!
//! [`Builders`] is read off the client's syntax tree as it is formatted
//! (see `generate::client`): each operation's builder, its setters and the
//! type each takes, its body's type, what `send` answers, and the variants
//! of the error enums. The command line's commands call exactly these, so
//! a command that compiles is one the client has. Read while the tree is at
//! hand: parsing the formatted client back took most of the command line's
//! time on authentik (0.8 of 1.4 s in release).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;
use quote::quote;

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

/// What the generated client offers each operation: its builder's setters,
/// its body's type, and what `send` answers.
#[derive(Debug, Default)]
pub struct Builders {
    /// Client method -> builder struct.
    pub builder_of: BTreeMap<String, String>,
    /// Builder struct -> its setters, each with the type it converts its
    /// value to (`V: TryInto<T>`), as written.
    pub setters: BTreeMap<String, BTreeMap<String, String>>,
    /// Builder struct -> the type path of its `body` field's value
    /// (`types::builder::X`), as written.
    pub body: BTreeMap<String, String>,
    /// Builder struct -> `send`'s answer and error types, as written.
    pub answer: BTreeMap<String, (String, String)>,
    /// Client methods with a `<method>_stream` beside them (a drf list:
    /// see `paginate`).
    pub streams: BTreeSet<String>,
    /// Each error enum (`errors::X`, `errors::shared::X`) -> its variants,
    /// each with whether it holds a body.
    pub enums: BTreeMap<String, Vec<(String, bool)>>,
    /// Each alias of a shared error enum (`errors::X`) -> the enum.
    pub aliases: BTreeMap<String, String>,
}

impl Builders {
    /// The builders of a client's source text (tests write clients as text).
    #[cfg(test)]
    pub(crate) fn parse(source: &str) -> crate::base::error::Result<Self> {
        let file = syn::parse_file(source).map_err(|e| Error::Unparsable(e.to_string()))?;
        Ok(Self::of(&file))
    }

    /// Adds the builders of another part of the same file.
    pub fn extend(&mut self, other: Builders) {
        self.builder_of.extend(other.builder_of);
        for (builder, setters) in other.setters {
            self.setters.entry(builder).or_default().extend(setters);
        }
        self.body.extend(other.body);
        self.answer.extend(other.answer);
        self.streams.extend(other.streams);
        self.enums.extend(other.enums);
        self.aliases.extend(other.aliases);
    }

    /// The builders of `file` (a whole client, or a part of one).
    pub fn of(file: &syn::File) -> Self {
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
                syn::Item::Mod(module) if module.ident == "errors" => {
                    out.scan_errors("errors", module);
                }
                syn::Item::Impl(block) => out.scan_impl(block),
                _ => {}
            }
        }
        out
    }

    /// The enums and aliases of the `errors` module at `path`.
    fn scan_errors(&mut self, path: &str, module: &syn::ItemMod) {
        for item in module.content.iter().flat_map(|(_, items)| items) {
            match item {
                syn::Item::Enum(e) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| (v.ident.to_string(), !v.fields.is_empty()))
                        .collect();
                    self.enums.insert(format!("{path}::{}", e.ident), variants);
                }
                syn::Item::Type(alias) => {
                    let target = &alias.ty;
                    self.aliases.insert(
                        format!("{path}::{}", alias.ident),
                        format!("{path}::{}", tokens(target)),
                    );
                }
                syn::Item::Mod(inner) => {
                    self.scan_errors(&format!("{path}::{}", inner.ident), inner);
                }
                _ => {}
            }
        }
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
                    // Written from the `builder` module (`super::errors::X`):
                    // named from the client's root here.
                    let from_root = |t: &syn::Type| tokens(t).replace("super::", "");
                    let answer = first_generic(ok).map(from_root).unwrap_or_default();
                    let error = first_generic(err).map(from_root).unwrap_or_default();
                    self.answer.insert(name.clone(), (answer, error));
                }
            } else if f.sig.inputs.len() == 2 {
                let takes = converted_to(&f.sig)
                    .map(|t| tokens(t).replace("super::", ""))
                    .unwrap_or_default();
                self.setters
                    .entry(name.clone())
                    .or_default()
                    .insert(method, takes);
            }
        }
    }
}

/// The `T` of a setter's `where V: TryInto<T>` (progenitor's setters take
/// any value that converts to their parameter's type).
fn converted_to(sig: &syn::Signature) -> Option<&syn::Type> {
    let clause = sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
        })
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A client's items as progenitor writes them: the client's methods
    /// before its `builder` module, the error enums after it.
    const CLIENT: &str = "impl Client {
            pub fn things_list(&self) -> builder::ThingsList<'_> { builder::ThingsList::new(self) }
        }
        pub mod builder {
            pub struct ThingsList<'a> { client: &'a super::Client, body: Result<types::builder::Thing, String> }
            impl<'a> ThingsList<'a> {
                pub fn ids<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i64> { self }
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<super::errors::ThingsListError>> { loop {} }
            }
        }
        impl Client { pub fn things_list_stream(&self) -> Pages { loop {} } }
        pub mod errors {
            pub type ThingsListError = shared::Status403;
            pub mod shared { pub enum Status403 { Status403(types::GenericError), Status404 } }
        }";

    #[test]
    fn a_client_read_in_two_parts_offers_what_it_offers_whole() {
        let whole = Builders::parse(CLIENT).unwrap_or_else(|e| panic!("{e}"));
        let at = CLIENT.find("pub mod builder").unwrap_or_default();
        let mut parts = Builders::parse(&CLIENT[..at]).unwrap_or_else(|e| panic!("{e}"));
        parts.extend(Builders::parse(&CLIENT[at..]).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(format!("{parts:?}"), format!("{whole:?}"));
        assert_eq!(whole.builder_of["things_list"], "ThingsList");
        assert_eq!(whole.setters["ThingsList"]["ids"], "i64");
        assert_eq!(whole.body["ThingsList"], "types::builder::Thing");
        assert_eq!(
            whole.answer["ThingsList"],
            ("types::Thing".into(), "errors::ThingsListError".into())
        );
        assert!(whole.streams.contains("things_list"));
        assert_eq!(
            whole.enums["errors::shared::Status403"],
            [
                ("Status403".to_string(), true),
                ("Status404".to_string(), false)
            ]
        );
        assert_eq!(
            whole.aliases["errors::ThingsListError"],
            "errors::shared::Status403"
        );
    }
}
