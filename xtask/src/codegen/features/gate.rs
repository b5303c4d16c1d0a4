//! Which generated items each area needs, read off the generated code: a
//! graph of the items by name, walked from each operation's method, and a
//! `#[cfg(feature = ...)]` on every item some operation needs (`any` of the
//! areas that reach it: a type two areas use is built when either is on).
//!
//! Read off the code, not the spec, because that is what the compiler
//! checks: progenitor's inline types, type builders, `defaults` functions and
//! our own `errors`, `forms` and `pages` items are all found the same way. It
//! errs on the safe side: an item always built (the `Client` struct, an
//! unused component, anything no operation reaches) keeps everything it
//! names always built too, so that no feature set leaves a dangling name.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// Modules whose items are gated one by one (progenitor's and ours, in the
/// client and in the mocks); any other top-level item is always built, but
/// the functions of top-level `impl` and `trait` blocks (the client's
/// methods, the mocks' `MockServerExt`) are gated one by one.
const GATED_MODULES: &[&str] = &["types", "builder", "errors", "forms", "pages", "operations"];

/// The graph of one generated file, or of one part of it (the client is
/// generated in two parts on two threads): plain strings, so that it can
/// leave the thread that parsed its part.
#[derive(Debug, Default, Clone)]
pub struct Fragment {
    /// An item's key (its name; `fn name` for a method) -> the names it uses.
    units: BTreeMap<String, BTreeSet<String>>,
    /// The names used by items that are always built.
    always: BTreeSet<String>,
}

impl Fragment {
    /// The graph of `file`.
    pub fn of(file: &mut syn::File) -> Fragment {
        let mut fragment = Fragment::default();
        walk(&mut file.items, true, &mut |key, site| {
            let mut names = Names::default();
            site.visit(&mut names);
            match key {
                Some(key) => fragment.units.entry(key).or_default().extend(names.0),
                None => fragment.always.extend(names.0),
            }
        });
        fragment
    }

    /// Adds `other`'s items (another part of the same file).
    pub fn extend(&mut self, other: Fragment) {
        for (key, names) in other.units {
            self.units.entry(key).or_default().extend(names);
        }
        self.always.extend(other.always);
    }
}

/// Each gated item's features, by key.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Gates(BTreeMap<String, BTreeSet<String>>);

impl Gates {
    /// The features each item of `fragment` needs: those of every method
    /// (`by_method`: method name -> feature) that reaches it, unless an item
    /// always built reaches it too.
    pub fn of(fragment: &Fragment, by_method: &BTreeMap<String, String>) -> Gates {
        let units = &fragment.units;
        let mut features: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (method, feature) in by_method {
            let root = format!("fn {method}");
            let Some((root, _)) = units.get_key_value(&root) else {
                continue;
            };
            reach(units, [root.as_str()], |key| {
                features.entry(key).or_default().insert(feature)
            });
        }
        // Always built, with all they name: what no operation reaches (an
        // unused component is still public API), the methods that are not
        // operations (`Client::new`, `baseurl`, a trait's), and what the
        // items outside the gated modules name.
        let mut always: BTreeSet<&str> = BTreeSet::new();
        let starts = units
            .keys()
            .filter(|key| {
                !features.contains_key(key.as_str())
                    || key
                        .strip_prefix("fn ")
                        .is_some_and(|method| !by_method.contains_key(method))
            })
            .map(String::as_str)
            .chain(fragment.always.iter().flat_map(|name| lookup(units, name)));
        reach(units, starts, |key| always.insert(key));
        Gates(
            features
                .into_iter()
                .filter(|(key, _)| !always.contains(key))
                .map(|(key, set)| (key.to_string(), set.into_iter().map(String::from).collect()))
                .collect(),
        )
    }

    /// How many items are gated.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no item is gated.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Puts each gated item's `#[cfg]` on it in `file` (a part of the file
    /// the gates were computed for).
    pub fn apply(&self, file: &mut syn::File) {
        walk(&mut file.items, true, &mut |key, mut site| {
            if let Some(features) = key.and_then(|key| self.0.get(&key))
                && let Some(attrs) = site.attrs()
            {
                attrs.insert(0, cfg(features));
            }
        });
    }
}

/// Visits every item reachable from `starts` once; `visit` says whether the
/// item was new to it (so its names are followed).
fn reach<'u>(
    units: &'u BTreeMap<String, BTreeSet<String>>,
    starts: impl IntoIterator<Item = &'u str>,
    mut visit: impl FnMut(&'u str) -> bool,
) {
    let mut queue: VecDeque<&str> = starts.into_iter().collect();
    while let Some(key) = queue.pop_front() {
        if !visit(key) {
            continue;
        }
        if let Some(names) = units.get(key) {
            queue.extend(names.iter().flat_map(|name| lookup(units, name)));
        }
    }
}

/// The keys a name may stand for: an item of that name, or a method.
fn lookup<'u>(units: &'u BTreeMap<String, BTreeSet<String>>, name: &str) -> Vec<&'u str> {
    let method = format!("fn {name}");
    [name, method.as_str()]
        .into_iter()
        .filter_map(|key| units.get_key_value(key).map(|(k, _)| k.as_str()))
        .collect()
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]`.
fn cfg(features: &BTreeSet<String>) -> syn::Attribute {
    let list: Vec<TokenStream> = features
        .iter()
        .map(|f| quote::quote!(feature = #f))
        .collect();
    if let [one] = list.as_slice() {
        syn::parse_quote!(#[cfg(#one)])
    } else {
        syn::parse_quote!(#[cfg(any(#(#list),*))])
    }
}

/// An item, or a function of a top-level `impl` or `trait` block.
enum Site<'a> {
    Item(&'a mut syn::Item),
    ImplItem(&'a mut syn::ImplItem),
    TraitItem(&'a mut syn::TraitItem),
}

impl Site<'_> {
    fn visit(&self, names: &mut Names) {
        match self {
            Site::Item(item) => names.visit_item(item),
            Site::ImplItem(item) => names.visit_impl_item(item),
            Site::TraitItem(item) => names.visit_trait_item(item),
        }
    }

    /// Where its `#[cfg]` goes; `None` for what is never keyed (see `walk`).
    fn attrs(&mut self) -> Option<&mut Vec<syn::Attribute>> {
        Some(match self {
            Site::Item(syn::Item::Const(i)) => &mut i.attrs,
            Site::Item(syn::Item::Enum(i)) => &mut i.attrs,
            Site::Item(syn::Item::Fn(i)) => &mut i.attrs,
            Site::Item(syn::Item::Impl(i)) => &mut i.attrs,
            Site::Item(syn::Item::Static(i)) => &mut i.attrs,
            Site::Item(syn::Item::Struct(i)) => &mut i.attrs,
            Site::Item(syn::Item::Trait(i)) => &mut i.attrs,
            Site::Item(syn::Item::Type(i)) => &mut i.attrs,
            Site::Item(syn::Item::Union(i)) => &mut i.attrs,
            Site::ImplItem(syn::ImplItem::Fn(f)) => &mut f.attrs,
            Site::TraitItem(syn::TraitItem::Fn(f)) => &mut f.attrs,
            _ => return None,
        })
    }
}

/// Calls `f` with each unit of `items` and its key (`None`: always built).
fn walk(items: &mut [syn::Item], top: bool, f: &mut dyn FnMut(Option<String>, Site<'_>)) {
    for item in items {
        match item {
            syn::Item::Mod(m) if !top || GATED_MODULES.contains(&m.ident.to_string().as_str()) => {
                if let Some((_, content)) = &mut m.content {
                    walk(content, false, f);
                }
            }
            syn::Item::Impl(block) if top => {
                for member in &mut block.items {
                    let key = match member {
                        syn::ImplItem::Fn(function) => Some(format!("fn {}", function.sig.ident)),
                        _ => None,
                    };
                    f(key, Site::ImplItem(member));
                }
            }
            syn::Item::Trait(block) if top => {
                for member in &mut block.items {
                    let key = match member {
                        syn::TraitItem::Fn(function) => Some(format!("fn {}", function.sig.ident)),
                        _ => None,
                    };
                    f(key, Site::TraitItem(member));
                }
            }
            _ if top => f(None, Site::Item(item)),
            _ => {
                let key = item_key(item);
                f(key, Site::Item(item));
            }
        }
    }
}

/// The name an item of a gated module is known by: its own, or for an
/// `impl` block the name of the type it is for.
fn item_key(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Impl(i) => return type_name(&i.self_ty),
        _ => return None,
    };
    Some(ident.to_string())
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => None,
    }
}

/// Every name an item uses: identifiers, those inside macro calls, and the
/// paths that attributes hold as strings (`#[serde(default = "defaults::x")]`).
/// Doc comments are skipped: they name types in prose.
#[derive(Default)]
struct Names(BTreeSet<String>);

impl<'ast> Visit<'ast> for Names {
    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.0.insert(ident.to_string());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        syn::visit::visit_macro(self, mac);
        self.tokens(mac.tokens.clone(), false);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if attr.path().is_ident("doc") {
            return;
        }
        if let syn::Meta::List(list) = &attr.meta {
            self.tokens(list.tokens.clone(), true);
        }
        if let syn::Meta::NameValue(pair) = &attr.meta {
            self.visit_expr(&pair.value);
        }
    }
}

impl Names {
    fn tokens(&mut self, tokens: TokenStream, strings: bool) {
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) => {
                    self.0.insert(ident.to_string());
                }
                TokenTree::Group(group) => self.tokens(group.stream(), strings),
                TokenTree::Literal(literal) if strings => {
                    let text = literal.to_string();
                    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                        if !word.is_empty() {
                            self.0.insert(word.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gated(source: &str, by_method: &[(&str, &str)]) -> String {
        let mut file: syn::File = syn::parse_str(source).unwrap();
        let by_method = by_method
            .iter()
            .map(|(m, f)| ((*m).to_string(), (*f).to_string()))
            .collect();
        let gates = Gates::of(&Fragment::of(&mut file), &by_method);
        gates.apply(&mut file);
        prettyplease::unparse(&file)
    }

    const CLIENT: &str = r#"
        pub mod types {
            pub struct Record { pub owner: Owner }
            pub struct Owner { pub id: u64 }
            pub struct Object { pub owner: Owner, pub kind: ObjectKind }
            #[serde(default = "defaults::object_kind")]
            pub enum ObjectKind { A }
            impl From<&Record> for Record { fn from(r: &Record) -> Self { todo!() } }
            pub struct Unused { pub shared: Shared }
            pub struct Shared;
            pub mod defaults { pub fn object_kind() -> super::Thing { todo!() } }
            pub struct Thing;
            pub mod error { pub struct ConversionError; }
        }
        pub struct Client;
        impl Client {
            pub fn new() -> Self { Client }
            pub fn record_get(&self) -> builder::RecordGet { todo!() }
            pub fn object_get(&self) -> builder::ObjectGet { todo!() }
        }
        pub mod builder {
            pub struct RecordGet { r: types::Record }
            pub struct ObjectGet { o: types::Object, s: types::Shared }
            impl ObjectGet { pub fn send(self) -> Result<(), types::error::ConversionError> { format!("{}", types::Thing); todo!() } }
        }
    "#;

    #[test]
    fn items_get_the_features_of_the_operations_that_reach_them() {
        let out = gated(
            CLIENT,
            &[("record_get", "records"), ("object_get", "custom-objects")],
        );
        let cfg_of = |needle: &str| {
            let at = out
                .find(needle)
                .unwrap_or_else(|| panic!("no {needle} in\n{out}"));
            let before = &out[..at];
            before
                .trim_end()
                .rsplit('\n')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        };
        assert_eq!(
            cfg_of("pub struct Record "),
            "#[cfg(feature = \"records\")]"
        );
        assert_eq!(cfg_of("pub fn record_get"), "#[cfg(feature = \"records\")]");
        assert_eq!(
            cfg_of("pub struct RecordGet"),
            "#[cfg(feature = \"records\")]"
        );
        assert_eq!(
            cfg_of("impl From<&Record>"),
            "#[cfg(feature = \"records\")]"
        );
        // Two areas: either builds it.
        assert_eq!(
            cfg_of("pub struct Owner"),
            "#[cfg(any(feature = \"custom-objects\", feature = \"records\"))]"
        );
        assert_eq!(
            cfg_of("pub struct ConversionError"),
            "#[cfg(feature = \"custom-objects\")]"
        );
        // Through an attribute's string and a macro call.
        assert_eq!(
            cfg_of("pub fn object_kind"),
            "#[cfg(feature = \"custom-objects\")]"
        );
        assert_eq!(
            cfg_of("pub struct Thing"),
            "#[cfg(feature = \"custom-objects\")]"
        );
        // What no operation reaches, and what it names, is always built.
        assert!(!cfg_of("pub struct Unused").starts_with("#[cfg"), "{out}");
        assert!(!cfg_of("pub struct Shared").starts_with("#[cfg"), "{out}");
        assert!(!cfg_of("pub fn new").starts_with("#[cfg"), "{out}");
        assert!(!cfg_of("pub struct Client").starts_with("#[cfg"), "{out}");
    }

    #[test]
    fn no_area_gates_nothing() {
        let out = gated(CLIENT, &[]);
        assert!(!out.contains("cfg"), "{out}");
    }

    #[test]
    fn parts_merge_into_the_graph_of_the_whole() {
        let (first, rest) = CLIENT.split_at(CLIENT.find("pub mod builder").unwrap());
        let by_method = [("record_get".to_string(), "records".to_string())].into();
        let mut a: syn::File = syn::parse_str(first).unwrap();
        let mut b: syn::File = syn::parse_str(rest).unwrap();
        let mut fragment = Fragment::of(&mut a);
        fragment.extend(Fragment::of(&mut b));
        let gates = Gates::of(&fragment, &by_method);
        let mut whole: syn::File = syn::parse_str(CLIENT).unwrap();
        assert_eq!(gates, Gates::of(&Fragment::of(&mut whole), &by_method));
        gates.apply(&mut a);
        gates.apply(&mut b);
        gates.apply(&mut whole);
        assert_eq!(
            format!("{}{}", prettyplease::unparse(&a), prettyplease::unparse(&b)),
            prettyplease::unparse(&whole)
        );
    }
}
