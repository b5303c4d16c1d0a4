//! The bump a crate's public Rust API needs, read off two rustdoc JSON
//! documents (`cargo rustdoc -- --output-format json`): what the OpenAPI
//! diff's rules claim, checked against the Rust it generates.
//!
//! A check of our own rather than cargo-semver-checks: built from source it
//! took about 25 minutes here (CI's goal is 10), and its prebuilt binaries
//! come from GitHub, which CI machines cannot reach. It reads the JSON
//! loosely (`serde_json::Value`), only the parts generated code has:
//!
//! - every public item by path, and each struct's fields, each enum's
//!   variants, each type's inherent methods and trait impls (auto traits
//!   included, blanket impls left out), each with its signature with
//!   rustdoc's ids removed (they differ from one build to the next);
//! - an item, field, variant, method or impl gone, or its signature
//!   changed: **major**;
//! - a field added to a struct users can write as a literal (exhaustive,
//!   every field public), a variant added to an exhaustive enum: **major**;
//! - anything else added: **minor**; nothing changed: **patch**.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::reports::diff::rules::Bump;

/// One difference between two APIs, and the bump it needs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiChange {
    pub bump: Bump,
    /// `field kizen_api::types::S3Object::url`.
    pub item: String,
    /// What happened to it.
    pub what: String,
}

impl std::fmt::Display for ApiChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.item, self.what, self.bump)
    }
}

/// One public piece of an API: its signature, and for a struct or an enum
/// whether a field or variant added breaks its users.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    signature: String,
    /// The struct a field belongs to or the enum a variant belongs to can
    /// be written in full by its users (a literal, an exhaustive match).
    closed_parent: Option<String>,
}

/// Every change from `old` to `new` (rustdoc JSON of the same crate),
/// most severe first.
pub fn compare(old: &Value, new: &Value) -> Vec<ApiChange> {
    let (old, new) = (surface(old), surface(new));
    let mut changes = Vec::new();
    for (key, before) in &old {
        match new.get(key) {
            None => changes.push(change(Bump::Major, key, "removed")),
            Some(after) if after.signature != before.signature => changes.push(change(
                Bump::Major,
                key,
                &format!(
                    "changed from `{}` to `{}`",
                    before.signature, after.signature
                ),
            )),
            Some(_) => {}
        }
    }
    for (key, after) in &new {
        if old.contains_key(key) {
            continue;
        }
        let closed = after
            .closed_parent
            .as_ref()
            .and_then(|parent| old.get(parent))
            .is_some_and(|parent| is_closed(&parent.signature));
        changes.push(if closed {
            change(
                Bump::Major,
                key,
                "added to a type its users may write in full (a struct literal, an exhaustive match)",
            )
        } else {
            change(Bump::Minor, key, "added")
        });
    }
    changes.sort_by(|a, b| b.bump.cmp(&a.bump).then(a.item.cmp(&b.item)));
    changes
}

/// The bump `changes` need together.
pub fn needed(changes: &[ApiChange]) -> Bump {
    changes.iter().map(|c| c.bump).max().unwrap_or(Bump::Patch)
}

fn change(bump: Bump, item: &str, what: &str) -> ApiChange {
    ApiChange {
        bump,
        item: item.to_string(),
        what: what.to_string(),
    }
}

/// A struct or enum signature written by [`surface`] for a type users can
/// write in full.
fn is_closed(signature: &str) -> bool {
    signature.starts_with("closed ")
}

/// The public API of one rustdoc JSON document, by item.
fn surface(doc: &Value) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    let empty = serde_json::Map::new();
    let index = doc
        .get("index")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let item = |id: &Value| -> Option<&Value> { index.get(&id_text(id)) };
    // `#[doc(hidden)]` is not public API (cargo-semver-checks agrees): the
    // hidden items, and everything in a hidden module, are not compared,
    // but an alias may name them.
    let path_of = |summary: &Value| -> String {
        let segments: Vec<&str> = summary
            .get("path")
            .and_then(Value::as_array)
            .map(|p| p.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        segments.join("::")
    };
    let hidden_modules: Vec<String> = paths
        .iter()
        .filter(|(id, s)| {
            s.get("kind").and_then(Value::as_str) == Some("module")
                && index.get(*id).is_some_and(is_hidden)
        })
        .map(|(_, s)| format!("{}::", path_of(s)))
        .collect();
    for (id, summary) in paths {
        if summary.get("crate_id").and_then(Value::as_u64) != Some(0) {
            continue;
        }
        let Some(it) = index.get(id) else { continue };
        if it.get("visibility").and_then(Value::as_str) != Some("public") {
            continue;
        }
        let path = path_of(summary);
        if is_hidden(it) || hidden_modules.iter().any(|m| path.starts_with(m)) {
            continue;
        }
        // An alias of one of the crate's structs or enums is that type
        // under the alias's name: the errors of operations that share
        // statuses are aliases of one enum, and an operation that gains a
        // status gets an enum of its own, under the same name.
        let it = aliased(it, &item).unwrap_or(it);
        let Some((kind, inner)) = it
            .get("inner")
            .and_then(Value::as_object)
            .and_then(|o| o.iter().next())
        else {
            continue;
        };
        let non_exhaustive = it
            .get("attrs")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| x == "non_exhaustive"));
        let mut members = Vec::new();
        let signature = match kind.as_str() {
            "struct" => {
                let fields = struct_fields(inner);
                let all_public = !inner
                    .pointer("/kind/plain/has_stripped_fields")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    && !matches!(inner.get("kind"), Some(Value::String(_)));
                for field in fields.iter().filter_map(item) {
                    if field.get("visibility").and_then(Value::as_str) == Some("public") {
                        let name = field.get("name").and_then(Value::as_str).unwrap_or("?");
                        members.push((
                            format!("field {path}::{name}"),
                            normalized(field.get("inner")),
                        ));
                    }
                }
                let closed = !non_exhaustive && all_public;
                format!(
                    "{} struct{}",
                    if closed { "closed" } else { "open" },
                    normalized(inner.get("generics"))
                )
            }
            "enum" => {
                for variant in inner
                    .get("variants")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(item)
                {
                    let name = variant.get("name").and_then(Value::as_str).unwrap_or("?");
                    let shape = variant
                        .get("inner")
                        .map_or_else(String::new, |i| variant_shape(i, &item));
                    members.push((format!("variant {path}::{name}"), shape));
                }
                format!(
                    "{} enum{}",
                    if non_exhaustive { "open" } else { "closed" },
                    normalized(inner.get("generics"))
                )
            }
            "module" => String::new(),
            _ => normalized(Some(inner)),
        };
        let parent = format!("{kind} {path}");
        for (key, signature) in members {
            out.insert(
                key,
                Entry {
                    signature,
                    closed_parent: Some(parent.clone()),
                },
            );
        }
        if matches!(kind.as_str(), "struct" | "enum") {
            impls(inner, &path, &item, &mut out);
        }
        out.insert(
            parent,
            Entry {
                signature,
                closed_parent: None,
            },
        );
    }
    out
}

/// The struct or enum of this crate that `it`, a type alias, names.
fn aliased<'a>(it: &Value, item: &dyn Fn(&Value) -> Option<&'a Value>) -> Option<&'a Value> {
    let target = item(it.pointer("/inner/type_alias/type/resolved_path/id")?)?;
    let inner = target.get("inner")?;
    (target.get("crate_id").and_then(Value::as_u64) == Some(0)
        && (inner.get("struct").is_some() || inner.get("enum").is_some()))
    .then_some(target)
}

/// A struct's field ids (plain or tuple).
fn struct_fields(inner: &Value) -> Vec<Value> {
    if let Some(fields) = inner
        .pointer("/kind/plain/fields")
        .and_then(Value::as_array)
    {
        return fields.clone();
    }
    inner
        .pointer("/kind/tuple")
        .and_then(Value::as_array)
        .map(|f| f.iter().filter(|x| !x.is_null()).cloned().collect())
        .unwrap_or_default()
}

/// A variant's shape: its fields' types (a tuple variant lists field ids).
fn variant_shape<'a>(inner: &Value, item: &dyn Fn(&Value) -> Option<&'a Value>) -> String {
    let Some(kind) = inner.pointer("/variant/kind") else {
        return String::new();
    };
    match kind.get("tuple").and_then(Value::as_array) {
        Some(fields) => format!(
            "tuple({})",
            fields
                .iter()
                .map(|f| item(f).map_or_else(String::new, |f| normalized(f.get("inner"))))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => normalized(Some(kind)),
    }
}

/// A type's trait impls (auto traits included, blanket ones left out) and
/// its inherent methods.
fn impls<'a>(
    inner: &Value,
    path: &str,
    item: &dyn Fn(&Value) -> Option<&'a Value>,
    out: &mut BTreeMap<String, Entry>,
) {
    for block in inner
        .get("impls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(item)
    {
        let Some(imp) = block.pointer("/inner/impl") else {
            continue;
        };
        if !imp.get("blanket_impl").is_none_or(Value::is_null) {
            continue;
        }
        match imp.get("trait").filter(|t| !t.is_null()) {
            Some(trait_) => {
                let key = format!("impl {path}: {}", normalized(Some(trait_)));
                out.insert(
                    key,
                    Entry {
                        signature: normalized(imp.get("generics")),
                        closed_parent: None,
                    },
                );
            }
            None => {
                for method in imp
                    .get("items")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(item)
                {
                    if method.get("visibility").and_then(Value::as_str) != Some("public")
                        || is_hidden(method)
                    {
                        continue;
                    }
                    let name = method.get("name").and_then(Value::as_str).unwrap_or("?");
                    out.insert(
                        format!("method {path}::{name}"),
                        Entry {
                            signature: normalized(method.get("inner")),
                            closed_parent: None,
                        },
                    );
                }
            }
        }
    }
}

/// Whether an item is `#[doc(hidden)]`.
fn is_hidden(item: &Value) -> bool {
    item.get("attrs")
        .and_then(Value::as_array)
        .is_some_and(|attrs| {
            attrs.iter().any(|a| {
                a.get("other")
                    .and_then(Value::as_str)
                    .is_some_and(|text| text.replace(' ', "").contains("doc(hidden)"))
            })
        })
}

fn id_text(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `value` as compact JSON with rustdoc's ids (which differ from one build
/// to the next) and lists of member ids (compared member by member) left
/// out.
fn normalized(value: Option<&Value>) -> String {
    fn strip(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "id" | "impls" | "items" | "variants" | "fields" | "span" | "links"
                        )
                    })
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    value.map(|v| strip(v).to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A rustdoc document with one struct `S` (fields by name and type)
    /// and one enum `E` (variants), either `#[non_exhaustive]` or not.
    fn doc(fields: &[(&str, &str)], variants: &[&str], non_exhaustive: bool) -> Value {
        let mut index = serde_json::Map::new();
        let attrs = if non_exhaustive {
            json!(["non_exhaustive"])
        } else {
            json!([])
        };
        let mut field_ids = Vec::new();
        for (i, (name, ty)) in fields.iter().enumerate() {
            let id = 100 + i;
            field_ids.push(json!(id));
            index.insert(
                id.to_string(),
                json!({"name": name, "visibility": "public",
                "inner": {"struct_field": {"primitive": ty}}}),
            );
        }
        let mut variant_ids = Vec::new();
        for (i, name) in variants.iter().enumerate() {
            let id = 200 + i;
            variant_ids.push(json!(id));
            index.insert(
                id.to_string(),
                json!({"name": name, "visibility": "default",
                "inner": {"variant": {"kind": "plain", "discriminant": null}}}),
            );
        }
        index.insert("1".into(), json!({"name": "S", "visibility": "public", "attrs": attrs,
            "inner": {"struct": {"kind": {"plain": {"fields": field_ids, "has_stripped_fields": false}},
                "generics": {"params": []}, "impls": []}}}));
        index.insert(
            "2".into(),
            json!({"name": "E", "visibility": "public", "attrs": attrs,
            "inner": {"enum": {"variants": variant_ids, "generics": {"params": []}, "impls": []}}}),
        );
        json!({"index": index, "paths": {
            "1": {"crate_id": 0, "path": ["c", "S"], "kind": "struct"},
            "2": {"crate_id": 0, "path": ["c", "E"], "kind": "enum"},
        }})
    }

    #[test]
    fn additions_to_non_exhaustive_types_are_minor() {
        let old = doc(&[("a", "i64")], &["A"], true);
        let new = doc(&[("a", "i64"), ("b", "bool")], &["A", "B"], true);
        let changes = compare(&old, &new);
        assert_eq!(needed(&changes), Bump::Minor, "{changes:?}");
        assert_eq!(changes.len(), 2, "{changes:?}");
    }

    #[test]
    fn additions_to_exhaustive_types_are_major() {
        let old = doc(&[("a", "i64")], &["A"], false);
        let new = doc(&[("a", "i64"), ("b", "bool")], &["A", "B"], false);
        let changes = compare(&old, &new);
        assert!(changes.iter().all(|c| c.bump == Bump::Major), "{changes:?}");
        assert_eq!(changes[0].item, "field c::S::b");
    }

    #[test]
    fn a_removed_field_or_a_changed_type_is_major_and_named() {
        let old = doc(&[("a", "i64"), ("b", "bool")], &["A"], true);
        let removed = compare(&old, &doc(&[("a", "i64")], &["A"], true));
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert_eq!(removed[0].item, "field c::S::b");
        assert_eq!(removed[0].bump, Bump::Major);
        let changed = compare(&old, &doc(&[("a", "str"), ("b", "bool")], &["A"], true));
        assert_eq!(changed[0].item, "field c::S::a");
        assert!(changed[0].what.contains("changed"), "{changed:?}");
    }

    #[test]
    fn becoming_non_exhaustive_is_major_and_nothing_changed_is_patch() {
        let old = doc(&[("a", "i64")], &["A"], false);
        let changes = compare(&old, &doc(&[("a", "i64")], &["A"], true));
        assert_eq!(needed(&changes), Bump::Major);
        assert_eq!(needed(&compare(&old, &old)), Bump::Patch);
    }

    /// An alias `c::A` of an enum in the hidden module `c::hidden`, whose
    /// target is the enum `target` (its id) with `variants`.
    fn aliased(target: u32, variants: &[&str]) -> Value {
        let mut doc = doc(&[], &[], true);
        let index = doc["index"].as_object_mut().unwrap();
        let mut ids = Vec::new();
        for (i, name) in variants.iter().enumerate() {
            let id = 300 + i;
            ids.push(json!(id));
            index.insert(
                id.to_string(),
                json!({"name": name, "visibility": "default",
                "inner": {"variant": {"kind": "plain", "discriminant": null}}}),
            );
        }
        index.insert(
            target.to_string(),
            json!({"name": format!("E{target}"), "crate_id": 0,
            "visibility": "public", "attrs": ["non_exhaustive"],
            "inner": {"enum": {"variants": ids, "generics": {"params": []}, "impls": []}}}),
        );
        index.insert(
            "9".into(),
            json!({"name": "hidden", "visibility": "public",
            "attrs": [{"other": "#[doc(hidden)]"}], "inner": {"module": {"items": []}}}),
        );
        index.insert(
            "8".into(),
            json!({"name": "A", "visibility": "public", "attrs": [],
            "inner": {"type_alias": {"type": {"resolved_path": {"path": "hidden::E", "id": target}},
                "generics": {"params": []}}}}),
        );
        let paths = doc["paths"].as_object_mut().unwrap();
        paths.insert(
            target.to_string(),
            json!({"crate_id": 0,
            "path": ["c", "hidden", format!("E{target}")], "kind": "enum"}),
        );
        paths.insert(
            "9".into(),
            json!({"crate_id": 0, "path": ["c", "hidden"], "kind": "module"}),
        );
        paths.insert(
            "8".into(),
            json!({"crate_id": 0, "path": ["c", "A"], "kind": "type_alias"}),
        );
        doc
    }

    #[test]
    fn an_alias_is_read_as_the_type_it_names_and_hidden_items_are_not_compared() {
        // The alias moves to another hidden enum with one more variant:
        // the variant is an addition under the alias's name, the hidden
        // enum that went is not API.
        let changes = compare(&aliased(50, &["S400"]), &aliased(60, &["S400", "S404"]));
        assert_eq!(needed(&changes), Bump::Minor, "{changes:#?}");
        assert_eq!(
            changes.iter().map(|c| c.item.as_str()).collect::<Vec<_>>(),
            ["variant c::A::S404"]
        );
        // A variant gone under the alias is major.
        let changes = compare(&aliased(50, &["S400", "S404"]), &aliased(60, &["S400"]));
        assert_eq!(needed(&changes), Bump::Major, "{changes:#?}");
    }
}
