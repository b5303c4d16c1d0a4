//! Rust names never collide in silence. Schemas, operations and generated
//! items become Rust identifiers by case conversion (`_ActivityObject` and
//! `ActivityObject` are both `ActivityObject`), and two items of one name
//! make a crate that does not compile.
//!
//! - Schemas whose Rust names collide are renamed before generation,
//!   deterministically, each with a warning naming both sources.
//! - Operations whose method names collide are an error naming both: a
//!   method name is the caller's interface, not ours to make up.
//! - Whatever else collides in the generated code (a type generated for an
//!   inline schema, say) is an error naming the item, before anything is
//!   written.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;

use crate::base::error::{Error, Result, Warning};
use crate::base::json;
use crate::base::walk;
use crate::spec::merge::Merged;

/// The type name progenitor (typify) gives a schema named `name`.
pub fn type_name(name: &str) -> String {
    rust_name(name, |s| s.to_pascal_case())
}

/// The method name progenitor gives an operation with this operationId.
pub fn method_name(operation_id: &str) -> String {
    rust_name(operation_id, |s| s.to_snake_case())
}

/// typify's `sanitize`: other characters become word breaks, then the case
/// conversion; an empty name, or one that cannot start an identifier, gets
/// an `x` (`X`) in front.
fn rust_name(name: &str, case: impl Fn(&str) -> String) -> String {
    let words: String = name
        .chars()
        .filter(|c| *c != '\'')
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = case(&words);
    match out.chars().next() {
        None => case("x"),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("{}{out}", case("x")),
    }
}

/// Renames colliding schemas of `merged` (with a warning each) and refuses
/// colliding operations.
pub fn resolve(merged: &mut Merged) -> Result<Vec<Warning>> {
    operations(merged)?;
    schemas(merged)
}

fn operations(merged: &Merged) -> Result<()> {
    let mut methods: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (path, method, operation, _) in walk::operations(&merged.spec) {
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue; // validation names the missing operationId
        };
        let pointer = json::join(&json::join("/paths", path), method);
        let file = merged.origin_of(&pointer, "the merged spec").to_string();
        let name = method_name(id);
        if let Some((first_id, first_file)) = methods.get(&name)
            && first_id != id
        {
            return Err(Error::Collision {
                message: format!(
                    "operations `{first_id}` ({first_file}) and `{id}` ({file}) would both be \
                     the method `Client::{name}`; give one another operationId in the overlay"
                ),
            });
        }
        methods.insert(name, (id.to_string(), file));
    }
    Ok(())
}

fn schemas(merged: &mut Merged) -> Result<Vec<Warning>> {
    let names: Vec<String> = merged
        .spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut by_rust: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for name in &names {
        by_rust.entry(type_name(name)).or_default().push(name);
    }
    let mut taken: BTreeSet<String> = by_rust.keys().cloned().collect();
    let mut renames: Vec<(String, String, String)> = Vec::new();
    for (rust, mut group) in by_rust.clone() {
        if group.len() < 2 {
            continue;
        }
        group.sort();
        // The schema already spelled as Rust spells it keeps the name.
        let keeper = group.iter().position(|n| **n == rust).unwrap_or_default();
        let kept = group.remove(keeper).clone();
        let mut k = 2;
        for name in group {
            let new = loop {
                let candidate = format!("{rust}{k}");
                k += 1;
                if taken.insert(candidate.clone()) {
                    break candidate;
                }
            };
            renames.push((name.clone(), new, kept.clone()));
        }
    }
    let mut warnings = Vec::new();
    for (old, new, kept) in renames {
        let pointer = json::join("/components/schemas", &old);
        let file = merged.origin_of(&pointer, "the merged spec").to_string();
        let kept_pointer = json::join("/components/schemas", &kept);
        let kept_file = merged
            .origin_of(&kept_pointer, "the merged spec")
            .to_string();
        rename(merged, &old, &new)?;
        warnings.push(Warning {
            file,
            pointer,
            message: format!(
                "schemas `{old}` and `{kept}` ({kept_file}) are both `{}` in Rust; \
                 `{old}` is generated as `{new}`",
                type_name(&kept)
            ),
        });
    }
    Ok(warnings)
}

/// Renames schema `old` to `new`, and every `$ref` to it.
fn rename(merged: &mut Merged, old: &str, new: &str) -> Result<()> {
    let schemas = merged
        .spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| {
            Error::invalid(
                "the merged spec",
                "/components/schemas",
                "expected an object",
            )
        })?;
    if let Some(schema) = schemas.remove(old) {
        schemas.insert(new.to_string(), schema);
    }
    let (from, to) = (
        format!("#{}", json::join("/components/schemas", old)),
        format!("#{}", json::join("/components/schemas", new)),
    );
    for (pointer, reference) in walk::refs(&merged.spec) {
        if walk::ref_pointer(&reference).as_deref() == Some(&from[1..])
            && let Some(slot) = merged.spec.pointer_mut(&pointer)
        {
            *slot = Value::String(to.clone());
        }
    }
    let (old_at, new_at) = (&from[1..], &to[1..]);
    if let Some(file) = merged.origins.remove(old_at) {
        merged.origins.insert(new_at.to_string(), file);
    }
    json::canonical(&mut merged.spec);
    Ok(())
}

/// The names generated code defines, by module, read off its syntax tree
/// (which cannot leave the thread that parsed it): for [`check_generated`].
#[derive(Debug, Default, Clone)]
pub struct Defined {
    /// (module, name), in order.
    items: Vec<(String, String)>,
    /// Methods defined twice in one `impl`, described.
    methods: Vec<String>,
}

impl Defined {
    /// Adds the names another part of the same file defines.
    pub fn extend(&mut self, other: Defined) {
        self.items.extend(other.items);
        self.methods.extend(other.methods);
    }

    /// The names `items`, top-level items of the generated file, define.
    pub fn of(items: &[syn::Item]) -> Self {
        let mut defined = Defined::default();
        let mut modules = vec![("crate".to_string(), items)];
        while let Some((module, items)) = modules.pop() {
            for item in items {
                let name = match item {
                    syn::Item::Struct(s) => s.ident.to_string(),
                    syn::Item::Enum(e) => e.ident.to_string(),
                    syn::Item::Type(t) => t.ident.to_string(),
                    syn::Item::Fn(f) => f.sig.ident.to_string(),
                    syn::Item::Mod(m) => {
                        if let Some((_, inner)) = &m.content {
                            modules.push((format!("{module}::{}", m.ident), inner.as_slice()));
                        }
                        m.ident.to_string()
                    }
                    syn::Item::Impl(i) if i.trait_.is_none() => {
                        let mut methods = BTreeSet::new();
                        for member in &i.items {
                            if let syn::ImplItem::Fn(f) = member
                                && !methods.insert(f.sig.ident.to_string())
                            {
                                defined
                                    .methods
                                    .push(format!("method `{}` in {module}", f.sig.ident));
                            }
                        }
                        continue;
                    }
                    _ => continue,
                };
                defined.items.push((module.clone(), name));
            }
        }
        defined
    }
}

/// Items of one name in one module of the generated code: an error naming
/// each (and the schemas that Rust name comes from), before the code is
/// written.
pub fn check_generated(defined: &Defined, merged: &Merged) -> Result<()> {
    let mut duplicates = defined.methods.clone();
    let mut seen = BTreeSet::new();
    for (module, name) in &defined.items {
        if !seen.insert((module, name)) {
            let from: Vec<String> = merged
                .spec
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|s| s.keys())
                .filter(|n| type_name(n) == *name)
                .map(|n| format!("`{n}`"))
                .collect();
            let source = if from.is_empty() {
                String::new()
            } else {
                format!(" (from schema {})", from.join(", "))
            };
            duplicates.push(format!("`{module}::{name}`{source}"));
        }
    }
    if duplicates.is_empty() {
        return Ok(());
    }
    duplicates.sort();
    Err(Error::Collision {
        message: format!(
            "the generated code would define {} twice, and not compile; rename a schema \
             or an operation in the overlay",
            duplicates.join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(spec: Value) -> Merged {
        Merged {
            spec,
            origins: [
                (
                    "/components/schemas/ActivityObject".to_string(),
                    "openapi/a.json".to_string(),
                ),
                (
                    "/components/schemas/_ActivityObject".to_string(),
                    "openapi/b.json".to_string(),
                ),
            ]
            .into(),
        }
    }

    #[test]
    fn rust_names_as_progenitor_makes_them() {
        assert_eq!(type_name("_ActivityObject"), "ActivityObject");
        assert_eq!(type_name("Paginated-records list"), "PaginatedRecordsList");
        assert_eq!(type_name("3d"), "X3d");
        assert_eq!(type_name(""), "X");
        assert_eq!(
            method_name("recordsFieldValuesList"),
            "records_field_values_list"
        );
        assert_eq!(
            method_name("records_field_values_list"),
            "records_field_values_list"
        );
    }

    #[test]
    fn colliding_schemas_are_renamed_with_their_refs() {
        let mut m = merged(json!({
            "components": {"schemas": {
                "ActivityObject": {"type": "object"},
                "_ActivityObject": {"type": "string"},
                "Uses": {"properties": {"a": {"$ref": "#/components/schemas/_ActivityObject"},
                                        "b": {"$ref": "#/components/schemas/ActivityObject"}}},
            }}
        }));
        let warnings = resolve(&mut m).unwrap_or_else(|e| panic!("{e}"));
        let schemas = &m.spec["components"]["schemas"];
        assert_eq!(schemas["ActivityObject2"], json!({"type": "string"}));
        assert!(schemas.get("_ActivityObject").is_none());
        assert_eq!(
            schemas["Uses"]["properties"]["a"]["$ref"],
            "#/components/schemas/ActivityObject2"
        );
        assert_eq!(
            schemas["Uses"]["properties"]["b"]["$ref"],
            "#/components/schemas/ActivityObject"
        );
        assert_eq!(
            warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "openapi/b.json#/components/schemas/_ActivityObject: schemas `_ActivityObject` and \
              `ActivityObject` (openapi/a.json) are both `ActivityObject` in Rust; \
              `_ActivityObject` is generated as `ActivityObject2`"
            ]
        );
    }

    #[test]
    fn colliding_operations_are_an_error_naming_both() {
        let m = merged(json!({"paths": {
            "/a": {"get": {"operationId": "records_list"}},
            "/b": {"get": {"operationId": "recordsList"}},
        }}));
        let err = operations(&m).map(|_| ()).unwrap_err().to_string();
        assert!(
            err.starts_with("operations `records_list` (the merged spec) and `recordsList` (the merged spec) would both be the method `Client::records_list`"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_generated_items_are_an_error() {
        let m = merged(json!({}));
        let parse = |s: &str| syn::parse_file(s).unwrap_or_else(|e| panic!("{e}"));
        let source =
            parse("pub mod types { pub struct A; pub struct A; } impl X { fn f() {} fn f() {} }");
        let err = check_generated(&Defined::of(&source.items), &m)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("`crate::types::A`"), "{err}");
        assert!(err.contains("method `f` in crate"), "{err}");
        assert!(
            check_generated(
                &Defined::of(&parse("pub mod types { pub struct A; }").items),
                &m
            )
            .is_ok()
        );
    }
}
