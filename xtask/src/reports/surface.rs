//! A readable summary of the generated client's public surface, read back
//! from the generated source (what users compile against, not what we meant
//! to generate): one entry per operation, then the types.
//!
//! Snapshot-tested, so a vendor change shows up in review as "this parameter
//! became optional" rather than as a thousand-line diff of generated code.

use std::fmt::Write;

use syn::{Fields, GenericArgument, ImplItem, Item, ItemMod, PathArguments, ReturnType, Type};

use crate::base::error::{Error, Result};

/// The surface of a generated client (`generated.rs` source text).
pub fn render(source: &str) -> Result<String> {
    let file = syn::parse_file(source).map_err(|e| Error::Unparsable(e.to_string()))?;
    let builders = module(&file.items, "builder");
    let mut out = String::new();
    for item in &file.items {
        let Item::Impl(block) = item else { continue };
        if !is_type(&block.self_ty, "Client") || block.trait_.is_some() {
            continue;
        }
        for member in &block.items {
            let ImplItem::Fn(method) = member else {
                continue;
            };
            let ReturnType::Type(_, ret) = &method.sig.output else {
                continue;
            };
            let Some(builder) = last_ident(ret).filter(|_| path_has(ret, "builder")) else {
                continue;
            };
            let request = crate::codegen::docs::doc_text(&method.attrs)
                .unwrap_or_default()
                .lines()
                .find_map(|l| l.trim().strip_prefix("Sends a "))
                .map(|l| l.replace(['`'], "").replace(" request to ", " "))
                .unwrap_or_default();
            let _ = writeln!(out, "{request} -> Client::{}", method.sig.ident);
            operation(&mut out, builders, &builder);
            out.push('\n');
        }
    }
    if let Some(types) = module(&file.items, "types") {
        types_section(&mut out, types);
    }
    Ok(out)
}

/// Parameters (from the builder's fields) and outcomes (from `send`).
fn operation(out: &mut String, builders: Option<&[Item]>, name: &str) {
    let items = builders.unwrap_or_default();
    for item in items {
        match item {
            Item::Struct(s) if s.ident == name => {
                for field in &s.fields {
                    let Some(ident) = &field.ident else { continue };
                    if ident == "client" {
                        continue;
                    }
                    // Fields are `Result<T, String>`; T is `Option<U>` when optional.
                    let inner = generic(&field.ty, 0).unwrap_or(&field.ty);
                    let (ty, required) =
                        match generic(inner, 0).filter(|_| is_type(inner, "Option")) {
                            Some(u) => (u, "optional"),
                            None => (inner, "required"),
                        };
                    let _ = writeln!(out, "  {ident}: {} ({required})", show(ty));
                }
            }
            Item::Impl(block) if is_type(&block.self_ty, name) => {
                for member in &block.items {
                    let ImplItem::Fn(f) = member else { continue };
                    if f.sig.ident != "send" {
                        continue;
                    }
                    let ReturnType::Type(_, ret) = &f.sig.output else {
                        continue;
                    };
                    let success = generic(ret, 0).and_then(|v| generic(v, 0));
                    let error = generic(ret, 1).and_then(|e| generic(e, 0));
                    let _ = writeln!(out, "  => {}", success.map(show).unwrap_or_default());
                    let _ = writeln!(out, "  error: {}", error.map(show).unwrap_or_default());
                }
            }
            _ => {}
        }
    }
}

fn types_section(out: &mut String, items: &[Item]) {
    for item in items {
        match item {
            Item::Struct(s) => {
                let _ = writeln!(out, "struct {}", s.ident);
                if let Fields::Named(fields) = &s.fields {
                    for field in &fields.named {
                        if let Some(ident) = &field.ident {
                            let _ = writeln!(out, "  {ident}: {}", show(&field.ty));
                        }
                    }
                }
                out.push('\n');
            }
            Item::Enum(e) => {
                let _ = writeln!(out, "enum {}", e.ident);
                for variant in &e.variants {
                    let _ = writeln!(out, "  {}", variant.ident);
                }
                out.push('\n');
            }
            _ => {}
        }
    }
}

fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a [Item]> {
    items.iter().find_map(|item| match item {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == name => Some(items.as_slice()),
        _ => None,
    })
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_type(ty: &Type, name: &str) -> bool {
    last_ident(ty).as_deref() == Some(name)
}

fn path_has(ty: &Type, segment: &str) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.iter().any(|s| s.ident == segment))
}

/// The `index`th generic type argument of a path type's last segment.
fn generic(ty: &Type, index: usize) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(index)
}

/// A type by its last path segments: `Option<String>`, not
/// `::std::option::Option<::std::string::String>`.
fn show(ty: &Type) -> String {
    match ty {
        Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return String::new();
            };
            let args: Vec<String> = match &last.arguments {
                PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        GenericArgument::Type(t) => Some(show(t)),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if args.is_empty() {
                last.ident.to_string()
            } else {
                format!("{}<{}>", last.ident, args.join(", "))
            }
        }
        Type::Tuple(t) if t.elems.is_empty() => "()".into(),
        Type::Reference(r) => format!("&{}", show(&r.elem)),
        other => quote::ToTokens::to_token_stream(other).to_string(),
    }
}
