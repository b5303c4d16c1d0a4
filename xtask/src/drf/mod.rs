//! Adapts drf-spectacular's idioms for generation. Runs on the merged,
//! overlaid spec (so the overlay's corrections count) before validation;
//! the stored vendor files are never touched. Each rewrite is a note with
//! its file and pointer, kept apart from the repair warnings.
//!
//! - **Blank and null choices.** `oneOf: [XEnum, BlankEnum, NullEnum]`
//!   (any of the two last) becomes one type per choice set: `XEnum` itself
//!   where only null is added (nullable: `Option<XEnum>`), and a component
//!   `XEnumOrBlank` (X's values plus `""`) where blank is allowed, so that
//!   blank is a variant of its own that reads and writes `""` exactly.
//! - **Request/response split**, drf-spectacular's `COMPONENT_SPLIT_REQUEST`:
//!   a component used in a request body that has `readOnly` or `writeOnly`
//!   properties (itself or through the components it refers to) gets an
//!   `XRequest` form without the `readOnly` ones, which request bodies use;
//!   `X`, the response form, loses its `writeOnly` ones. Components without
//!   such properties are not duplicated.
//! - **Indented prose** (`prose`): descriptions written as indented Python
//!   strings are dedented, and what Markdown would read as code is fenced
//!   as text.

mod prose;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Error, Result, Warning};
use crate::json;
use crate::merge::Merged;
use crate::walk;

const SCHEMAS: &str = "/components/schemas";

/// Adapts `merged` in place; returns the notes, sorted.
pub fn adapt(merged: &mut Merged) -> Result<Vec<Warning>> {
    let mut notes = Vec::new();
    prose::descriptions(merged, &mut notes);
    choices(merged, &mut notes)?;
    split(merged, &mut notes)?;
    notes.sort();
    Ok(notes)
}

fn note(merged: &Merged, notes: &mut Vec<Warning>, pointer: &str, message: String) {
    notes.push(Warning {
        file: merged.origin_of(pointer, "the merged spec").to_string(),
        pointer: pointer.to_string(),
        message,
    });
}

fn schema_ref(name: &str) -> Value {
    Value::from(format!("#{}", json::join(SCHEMAS, name)))
}

fn schemas(spec: &Value) -> Map<String, Value> {
    json::object(spec.pointer(SCHEMAS))
}

// ---- blank and null choices -------------------------------------------

/// What a component is, as a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Blank,
    Null,
    Real,
}

fn choice(schema: &Value) -> Option<Choice> {
    let values = schema.get("enum")?.as_array()?;
    match values.as_slice() {
        [Value::String(s)] if s.is_empty() => Some(Choice::Blank),
        [Value::Null] => Some(Choice::Null),
        _ if values.iter().all(Value::is_string) => Some(Choice::Real),
        _ => None,
    }
}

fn choices(merged: &mut Merged, notes: &mut Vec<Warning>) -> Result<()> {
    // Read first (borrowing the spec), rewrite after.
    let empty = Map::new();
    let components = merged
        .spec
        .pointer(SCHEMAS)
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // The blank and null components, to remove once nothing refers to them.
    let blank_or_null: Vec<String> = components
        .iter()
        .filter(|(_, s)| matches!(choice(s), Some(Choice::Blank | Choice::Null)))
        .map(|(n, _)| n.clone())
        .collect();
    let kind = |branch: &Value| -> Option<(String, Choice)> {
        let name = walk::component_name(branch.get("$ref")?.as_str()?)?;
        Some((name.clone(), choice(components.get(&name)?)?))
    };
    // Every `oneOf` of the pattern: exactly one real enum, and blank and/or
    // null, all by `$ref`.
    let mut found: Vec<(String, String, bool, bool)> = Vec::new();
    let mut visit = |pointer: &str, node: &Map<String, Value>| {
        let Some(Value::Array(branches)) = node.get("oneOf") else {
            return;
        };
        let kinds: Option<Vec<(String, Choice)>> = branches.iter().map(kind).collect();
        let Some(kinds) = kinds else { return };
        let real: Vec<&String> = kinds
            .iter()
            .filter(|(_, c)| *c == Choice::Real)
            .map(|(n, _)| n)
            .collect();
        let blank = kinds.iter().any(|(_, c)| *c == Choice::Blank);
        let null = kinds.iter().any(|(_, c)| *c == Choice::Null);
        if let ([real], true) = (real.as_slice(), blank || null)
            && kinds.len() == 1 + usize::from(blank) + usize::from(null)
        {
            found.push((pointer.to_string(), (*real).clone(), blank, null));
        }
    };
    walk::objects(&merged.spec, &mut visit);

    for (pointer, real, blank, null) in found {
        let target = if blank {
            or_blank(merged, &real, &pointer)?
        } else {
            real.clone()
        };
        let Some(Value::Object(node)) = merged.spec.pointer_mut(&pointer) else {
            continue;
        };
        node.remove("oneOf");
        let mut reference = Map::new();
        reference.insert("$ref".into(), schema_ref(&target));
        node.insert("allOf".into(), Value::Array(vec![Value::Object(reference)]));
        if null {
            node.insert("nullable".into(), Value::Bool(true));
        }
        let with = match (blank, null) {
            (true, true) => "blank or null",
            (true, false) => "blank",
            _ => "null",
        };
        note(
            merged,
            notes,
            &pointer,
            format!(
                "`{real}` or {with}: now `{target}`{}",
                if null { ", nullable" } else { "" }
            ),
        );
    }
    // The blank and null components, once nothing refers to them, would
    // only be types of no use.
    let used: BTreeSet<String> = walk::refs(&merged.spec)
        .into_iter()
        .filter_map(|(_, r)| walk::component_name(&r))
        .collect();
    for name in blank_or_null.into_iter().filter(|n| !used.contains(n)) {
        let pointer = json::join(SCHEMAS, &name);
        note(
            merged,
            notes,
            &pointer,
            format!("`{name}` is no longer used: removed"),
        );
        if let Some(Value::Object(schemas)) = merged.spec.pointer_mut(SCHEMAS) {
            schemas.remove(&name);
        }
    }
    Ok(())
}

/// The component `{real}OrBlank`: `real`'s values and `""`. Made once; an
/// existing component of that name must be exactly that.
fn or_blank(merged: &mut Merged, real: &str, at: &str) -> Result<String> {
    let name = format!("{real}OrBlank");
    let at_name = json::join(SCHEMAS, &name);
    let mut schema = merged
        .spec
        .pointer(&json::join(SCHEMAS, real))
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        values.push(Value::from(""));
    }
    if let Some(Value::Object(fields)) = Some(&mut schema) {
        let description = format!("`{real}`, or blank (`\"\"`).");
        fields.insert("description".into(), Value::from(description));
    }
    match merged.spec.pointer(&at_name) {
        Some(existing) if *existing == schema => {}
        Some(_) => {
            return Err(Error::invalid(
                merged.origin_of(&at_name, "the merged spec"),
                at_name,
                format!(
                    "the vendor already defines `{name}` differently from `{real}` plus blank, \
                     which {at} needs under that name; rename one in the overlay"
                ),
            ));
        }
        None => insert_schema(merged, &name, schema),
    }
    Ok(name)
}

fn insert_schema(merged: &mut Merged, name: &str, schema: Value) {
    if let Some(Value::Object(components)) = merged.spec.pointer_mut(SCHEMAS) {
        components.insert(name.to_string(), schema);
    }
}

// ---- request/response split -------------------------------------------

/// The components a schema refers to, directly.
fn referenced(schema: &Value) -> BTreeSet<String> {
    walk::refs(schema)
        .into_iter()
        .filter_map(|(_, r)| walk::component_name(&r))
        .collect()
}

/// Whether a component's own properties are read-only, and whether some
/// are write-only; a property that is both is an error.
fn own_access(name: &str, schema: &Value, merged: &Merged) -> Result<(bool, bool)> {
    let (mut any_read, mut any_write) = (false, false);
    for (property, p) in json::object(schema.get("properties")) {
        let read = p.get("readOnly").and_then(Value::as_bool) == Some(true);
        let write = p.get("writeOnly").and_then(Value::as_bool) == Some(true);
        if read && write {
            let pointer = json::join(
                &json::join(&json::join(SCHEMAS, name), "properties"),
                &property,
            );
            return Err(Error::invalid(
                merged.origin_of(&pointer, "the merged spec"),
                pointer,
                "a property both `readOnly` and `writeOnly` can be neither sent nor read; \
                 expected one of them",
            ));
        }
        any_read |= read;
        any_write |= write;
    }
    Ok((any_read, any_write))
}

/// The components reachable from `roots` (component names) along `edges`.
fn reachable(
    roots: impl IntoIterator<Item = String>,
    edges: &BTreeMap<&String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = roots.into_iter().collect();
    while let Some(name) = queue.pop() {
        if seen.insert(name.clone())
            && let Some(next) = edges.get(&name)
        {
            queue.extend(next.iter().cloned());
        }
    }
    seen
}

/// The split, as the vendor may already have made it (drf-spectacular's
/// `COMPONENT_SPLIT_REQUEST`: `XRequest` beside `X`). A component sent in a
/// request needs a request form of its own when it has read-only properties
/// (the request must not need them), or write-only ones and responses read
/// it too (the response must not need them), or when it refers to a
/// component that needs one. A component only ever sent (the vendor's own
/// `XRequest`) is already the request form: it is used as it is, write-only
/// properties included.
fn split(merged: &mut Merged, notes: &mut Vec<Warning>) -> Result<()> {
    let components = schemas(&merged.spec);
    let mut access: BTreeMap<&String, (bool, bool)> = BTreeMap::new();
    for (name, schema) in &components {
        access.insert(name, own_access(name, schema, merged)?);
    }
    let edges: BTreeMap<&String, BTreeSet<String>> =
        components.iter().map(|(n, s)| (n, referenced(s))).collect();

    // Request bodies, and the components reachable from them; the same for
    // responses (through `#/components/responses/...` too).
    let mut bodies: Vec<String> = Vec::new();
    let mut response_roots: BTreeSet<String> = BTreeSet::new();
    for (path, method, operation, _) in walk::operations(&merged.spec) {
        let body = json::join(
            &json::join(&json::join("/paths", path), method),
            "requestBody",
        );
        for (media, _) in json::object(operation.pointer("/requestBody/content")) {
            bodies.push(json::join(
                &json::join(&json::join(&body, "content"), &media),
                "schema",
            ));
        }
        let Some(responses) = operation.get("responses") else {
            continue;
        };
        for (_, reference) in walk::refs(responses) {
            match walk::ref_pointer(&reference)
                .filter(|p| p.starts_with("/components/responses/"))
                .and_then(|p| merged.spec.pointer(&p))
            {
                Some(shared) => response_roots.extend(referenced(shared)),
                None => response_roots.extend(walk::component_name(&reference)),
            }
        }
    }
    let in_requests = reachable(
        bodies
            .iter()
            .filter_map(|p| merged.spec.pointer(p))
            .flat_map(referenced),
        &edges,
    );
    let in_responses = reachable(response_roots, &edges);
    let mut split: BTreeSet<String> = in_requests
        .iter()
        .filter(|name| {
            access
                .get(name)
                .is_some_and(|(read, write)| *read || (*write && in_responses.contains(*name)))
        })
        .cloned()
        .collect();
    loop {
        let more: Vec<String> = in_requests
            .iter()
            .filter(|n| !split.contains(*n))
            .filter(|n| {
                edges
                    .get(n)
                    .is_some_and(|to| to.iter().any(|t| split.contains(t)))
            })
            .cloned()
            .collect();
        if more.is_empty() {
            break;
        }
        split.extend(more);
    }

    // The request forms: read-only properties gone, references to split
    // components pointing at their request forms.
    for name in &split {
        let request_name = format!("{name}Request");
        let mut form = components.get(name).cloned().unwrap_or(Value::Null);
        drop_properties(&mut form, "readOnly");
        retarget(&mut form, &split);
        let at = json::join(SCHEMAS, &request_name);
        match components.get(&request_name) {
            Some(existing) if *existing == form => {}
            Some(_) => {
                return Err(Error::invalid(
                    merged.origin_of(&at, "the merged spec"),
                    at,
                    format!(
                        "the vendor already defines `{request_name}`, differently from the \
                         request form of `{name}` that the split needs under that name; \
                         rename one in the overlay"
                    ),
                ));
            }
            None => insert_schema(merged, &request_name, form),
        }
        note(
            merged,
            notes,
            &json::join(SCHEMAS, name),
            format!(
                "request bodies use `{request_name}`: `{name}` without its read-only properties"
            ),
        );
    }
    for pointer in &bodies {
        if let Some(schema) = merged.spec.pointer_mut(pointer) {
            retarget(schema, &split);
        }
    }

    // The response forms: write-only properties gone, from every component
    // (a request form keeps them).
    // PATCH forms (`PatchedXRequest`), the split's or the vendor's own: the
    // components request bodies name, now that they point at request forms.
    let patched: BTreeSet<String> = bodies
        .iter()
        .filter_map(|p| merged.spec.pointer(p))
        .filter_map(|schema| walk::component_name(schema.get("$ref")?.as_str()?))
        .filter(|name| name.starts_with("Patched"))
        .collect();
    for name in patched {
        let at = json::join(SCHEMAS, &name);
        if let Some(form) = merged.spec.pointer_mut(&at) {
            for property in nullable_patches(form) {
                note(
                    merged,
                    notes,
                    &json::join(&json::join(&at, "properties"), &property),
                    format!(
                        "a PATCH may send `{property}` as null or leave it out: \
                         `Option<Nullable<_>>`"
                    ),
                );
            }
        }
    }

    for (name, _) in components {
        // The vendor's own request form (sent, never read) keeps them.
        if in_requests.contains(&name) && !in_responses.contains(&name) && !split.contains(&name) {
            continue;
        }
        let at = json::join(SCHEMAS, &name);
        if let Some(schema) = merged.spec.pointer_mut(&at) {
            let dropped = drop_properties(schema, "writeOnly");
            if !dropped.is_empty() {
                let list = dropped.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>();
                note(
                    merged,
                    notes,
                    &at,
                    format!(
                        "responses read `{name}` without its write-only {}",
                        list.join(", ")
                    ),
                );
            }
        }
    }
    json::canonical(&mut merged.spec);
    Ok(())
}

/// The pseudo-crate the `Nullable` type of a PATCH body is named under in
/// the spec (`x-rust-type`); generation maps it to the client crate.
pub const NULLABLE_CRATE: &str = "drf-client";

/// Marks the optional nullable properties of a PATCH request form with
/// `x-rust-type: Nullable<T>`, so that the client can tell "leave it out"
/// (`None`) from "clear it" (`Some(Nullable::Null)`). Returns their names.
fn nullable_patches(form: &mut Value) -> Vec<String> {
    let required: BTreeSet<String> = form
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    let Some(Value::Object(properties)) = form.get_mut("properties") else {
        return Vec::new();
    };
    let mut marked = Vec::new();
    for (name, property) in properties.iter_mut() {
        let Value::Object(fields) = property else {
            continue;
        };
        if required.contains(name) || fields.get("nullable") != Some(&Value::Bool(true)) {
            continue;
        }
        let Some(inner) = nullable_inner(fields) else {
            continue;
        };
        let extension = serde_json::json!({
            "crate": NULLABLE_CRATE,
            "version": "*",
            "path": format!("{}::Nullable", NULLABLE_CRATE.replace('-', "_")),
            "parameters": [inner],
        });
        fields.insert("x-rust-type".into(), extension);
        marked.push(name.clone());
    }
    marked
}

/// The type inside `Nullable<T>` for a property, as a schema typify can
/// name without a context: a `$ref`, a plain scalar (its bounds stay on the
/// property, for validators), or anything. An inline object or enum would
/// need a generated name of its own: such a property is left as it is.
fn nullable_inner(property: &Map<String, Value>) -> Option<Value> {
    if let Some(Value::Array(all)) = property.get("allOf")
        && let [one] = all.as_slice()
        && one.get("$ref").is_some()
    {
        return Some(one.clone());
    }
    if property.contains_key("enum") || property.contains_key("properties") {
        return None;
    }
    match property.get("type").and_then(Value::as_str) {
        Some(scalar @ ("string" | "integer" | "number" | "boolean")) => {
            let mut inner = Map::new();
            inner.insert("type".into(), Value::from(scalar));
            if let Some(format) = property.get("format") {
                inner.insert("format".into(), format.clone());
            }
            Some(Value::Object(inner))
        }
        None if !property
            .keys()
            .any(|k| ["oneOf", "anyOf", "allOf", "items"].contains(&k.as_str())) =>
        {
            Some(Value::Object(Map::new()))
        }
        _ => None,
    }
}

/// The `Nullable` type, for a client whose spec uses it (see
/// [`nullable_patches`]); nothing otherwise.
pub fn nullable_items(spec: &Value) -> Vec<syn::Item> {
    let mut used = false;
    walk::objects(spec, &mut |_, map| {
        used |= map
            .get("x-rust-type")
            .and_then(|x| x.get("crate"))
            .is_some_and(|c| c == NULLABLE_CRATE);
    });
    if !used {
        return Vec::new();
    }
    let tokens = quote::quote! {
        /// A field of a PATCH body that may be cleared: `Some(Nullable::Null)`
        /// sends `null`, `Some(Nullable::Value(v))` sends `v`, and `None` (the
        /// field's default) leaves it out.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Nullable<T> {
            /// Sent as `null`: clears the field.
            Null,
            /// Sent as the value.
            Value(T),
        }

        impl<T> ::std::convert::From<T> for Nullable<T> {
            fn from(value: T) -> Self {
                Nullable::Value(value)
            }
        }

        impl<T: ::serde::Serialize> ::serde::Serialize for Nullable<T> {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    Nullable::Null => serializer.serialize_none(),
                    Nullable::Value(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de, T: ::serde::Deserialize<'de>> ::serde::Deserialize<'de> for Nullable<T> {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::option::Option<T> = ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.map_or(Nullable::Null, Nullable::Value))
            }
        }
    };
    syn::parse2::<syn::File>(tokens)
        .map(|f| f.items)
        .unwrap_or_default()
}

/// Removes the properties flagged `flag` (and their names from
/// `required`); returns their names.
fn drop_properties(schema: &mut Value, flag: &str) -> Vec<String> {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return Vec::new();
    };
    let gone: Vec<String> = properties
        .iter()
        .filter(|(_, p)| p.get(flag).and_then(Value::as_bool) == Some(true))
        .map(|(n, _)| n.clone())
        .collect();
    properties.retain(|n, _| !gone.contains(n));
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|n| n.as_str().is_none_or(|n| !gone.iter().any(|g| g == n)));
    }
    gone
}

/// Points every `$ref` to a component of `split` at its request form.
fn retarget(schema: &mut Value, split: &BTreeSet<String>) {
    for (pointer, reference) in walk::refs(schema) {
        if let Some(name) = walk::component_name(&reference).filter(|n| split.contains(n))
            && let Some(slot) = schema.pointer_mut(&pointer)
        {
            *slot = schema_ref(&format!("{name}Request"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(spec: Value) -> Merged {
        Merged {
            spec,
            origins: [("/components".to_string(), "openapi/x.json".to_string())].into(),
        }
    }

    fn run(spec: Value) -> (Value, Vec<String>) {
        let mut m = merged(spec);
        let notes = adapt(&mut m).unwrap_or_else(|e| panic!("{e}"));
        (m.spec, notes.iter().map(ToString::to_string).collect())
    }

    fn enums() -> Value {
        json!({
            "KindEnum": {"enum": ["static", "dynamic"], "type": "string"},
            "BlankEnum": {"enum": [""]},
            "NullEnum": {"enum": [null]},
        })
    }

    #[test]
    fn blank_and_null_choices_become_one_type_per_choice_set() {
        let mut schemas = enums();
        let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
        schemas["Cohort"] = json!({"properties": {
            "both": {"nullable": true, "oneOf": [r("KindEnum"), r("BlankEnum"), r("NullEnum")]},
            "null": {"oneOf": [r("KindEnum"), r("NullEnum")]},
            "blank": {"oneOf": [r("BlankEnum"), r("KindEnum")]},
            "other": {"oneOf": [r("KindEnum"), {"type": "integer"}]},
        }});
        let (spec, notes) = run(json!({"components": {"schemas": schemas}}));
        let s = &spec["components"]["schemas"];
        let p = &s["Cohort"]["properties"];
        assert_eq!(
            p["both"],
            json!({"nullable": true, "allOf": [r("KindEnumOrBlank")]})
        );
        assert_eq!(
            p["null"],
            json!({"nullable": true, "allOf": [r("KindEnum")]})
        );
        assert_eq!(p["blank"], json!({"allOf": [r("KindEnumOrBlank")]}));
        assert_eq!(
            p["other"]["oneOf"][1],
            json!({"type": "integer"}),
            "not the pattern"
        );
        assert_eq!(
            s["KindEnumOrBlank"]["enum"],
            json!(["static", "dynamic", ""])
        );
        assert!(s.get("NullEnum").is_none() && s.get("BlankEnum").is_none());
        assert_eq!(notes.len(), 5, "{notes:?}");
    }

    #[test]
    fn request_bodies_use_a_form_without_read_only_properties() {
        let spec = json!({
            "paths": {"/m": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Membership"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Membership"}}}}},
            }}},
            "components": {"schemas": {
                "Membership": {"required": ["id", "user", "user_uuid"], "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "user": {"$ref": "#/components/schemas/User"},
                    "user_uuid": {"type": "string", "writeOnly": true},
                }},
                "User": {"required": ["id", "email"], "properties": {
                    "id": {"type": "integer", "readOnly": true},
                    "email": {"type": "string"},
                    "best_friend": {"$ref": "#/components/schemas/User"},
                }},
                "Plain": {"properties": {"a": {"type": "string"}}},
            }},
        });
        let (spec, notes) = run(spec);
        let s = &spec["components"]["schemas"];
        assert_eq!(
            s["MembershipRequest"],
            json!({"required": ["user", "user_uuid"], "properties": {
                "user": {"$ref": "#/components/schemas/UserRequest"},
                "user_uuid": {"type": "string", "writeOnly": true},
            }})
        );
        assert_eq!(
            s["UserRequest"]["properties"]["best_friend"]["$ref"],
            "#/components/schemas/UserRequest",
            "a cycle through the split ends"
        );
        assert_eq!(s["Membership"]["required"], json!(["id", "user"]));
        assert!(s["Membership"]["properties"].get("user_uuid").is_none());
        assert!(s.get("PlainRequest").is_none(), "nothing to split");
        let body = &spec["paths"]["/m"]["post"]["requestBody"]["content"]["application/json"];
        assert_eq!(
            body["schema"]["$ref"],
            "#/components/schemas/MembershipRequest"
        );
        let response =
            &spec["paths"]["/m"]["post"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            response["schema"]["$ref"],
            "#/components/schemas/Membership"
        );
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn a_split_the_vendor_already_made_is_used_as_it_is() {
        // authentik's `CertificateKeyPairRequest`: sent only, with a
        // write-only property; `CertificateKeyPair`, read only, read-only ids.
        let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
        let spec = json!({
            "paths": {"/c": {"post": {
                "requestBody": {"content": {"application/json": {"schema": r("CertificateKeyPairRequest")}}},
                "responses": {
                    "201": {"content": {"application/json": {"schema": r("CertificateKeyPair")}}},
                    "400": {"$ref": "#/components/responses/ValidationErrorResponse"},
                },
            }}},
            "components": {
                "responses": {"ValidationErrorResponse": {"content": {"application/json": {"schema": r("ValidationError")}}}},
                "schemas": {
                    "CertificateKeyPair": {"required": ["pk", "name"], "properties": {
                        "pk": {"type": "string", "readOnly": true},
                        "name": {"type": "string"},
                    }},
                    "CertificateKeyPairRequest": {"required": ["name", "key_data"], "properties": {
                        "name": {"type": "string"},
                        "key_data": {"type": "string", "writeOnly": true},
                    }},
                    "ValidationError": {"properties": {"secret": {"type": "string", "writeOnly": true}}},
                },
            },
        });
        let (after, notes) = run(spec.clone());
        let s = &after["components"]["schemas"];
        assert!(
            s.get("CertificateKeyPairRequestRequest").is_none(),
            "{notes:?}"
        );
        assert!(s.get("CertificateKeyPairRequest2").is_none());
        assert_eq!(
            s["CertificateKeyPairRequest"],
            spec["components"]["schemas"]["CertificateKeyPairRequest"],
            "the vendor's request form keeps its write-only property"
        );
        assert_eq!(
            after["paths"]["/c"]["post"]["requestBody"],
            spec["paths"]["/c"]["post"]["requestBody"]
        );
        assert!(
            s["ValidationError"]["properties"].get("secret").is_none(),
            "read through a shared response: loses its write-only property"
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn a_patch_form_can_clear_its_nullable_fields() {
        let body = json!({"$ref": "#/components/schemas/PatchedThing"});
        let spec = json!({
            "paths": {"/t": {"patch": {"requestBody": {"content": {"application/json": {"schema": body}}}}}},
            "components": {"schemas": {"PatchedThing": {"required": ["kept"], "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string", "maxLength": 9, "nullable": true},
                "kept": {"type": "string", "nullable": true},
                "choice": {"type": "string", "enum": ["a"], "nullable": true},
                "other": {"allOf": [{"$ref": "#/components/schemas/Other"}], "nullable": true},
            }}, "Other": {"type": "object"}}},
        });
        let (spec, notes) = run(spec);
        let form = &spec["components"]["schemas"]["PatchedThingRequest"]["properties"];
        let nullable = |inner: Value| json!({"crate": "drf-client", "version": "*", "path": "drf_client::Nullable", "parameters": [inner]});
        assert_eq!(
            form["name"]["x-rust-type"],
            nullable(json!({"type": "string"}))
        );
        assert_eq!(
            form["name"]["maxLength"], 9,
            "validators still see the bounds"
        );
        assert_eq!(
            form["other"]["x-rust-type"],
            nullable(json!({"$ref": "#/components/schemas/Other"}))
        );
        assert!(
            form["kept"].get("x-rust-type").is_none(),
            "required: always sent"
        );
        assert!(
            form["choice"].get("x-rust-type").is_none(),
            "an inline enum needs a name"
        );
        let response = &spec["components"]["schemas"]["PatchedThing"]["properties"];
        assert!(
            response["name"].get("x-rust-type").is_none(),
            "responses are untouched"
        );
        assert_eq!(notes.iter().filter(|n| n.contains("PATCH may")).count(), 2);
        assert_eq!(
            nullable_items(&spec).len(),
            4,
            "the Nullable type and its impls"
        );
    }

    #[test]
    fn bad_input_is_an_error_naming_file_and_pointer() {
        let both = json!({"components": {"schemas": {"A": {"properties": {
            "x": {"type": "string", "readOnly": true, "writeOnly": true}
        }}}}});
        let err = adapt(&mut merged(both))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("openapi/x.json#/components/schemas/A/properties/x: a property both"),
            "{err}"
        );
        let taken = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
            "components": {"schemas": {
                "A": {"properties": {"id": {"type": "string", "readOnly": true}, "n": {"type": "string"}}},
                "ARequest": {"properties": {"other": {"type": "integer"}}},
            }},
        });
        let err = adapt(&mut merged(taken))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("#/components/schemas/ARequest: the vendor already defines `ARequest`"),
            "{err}"
        );
    }
}
