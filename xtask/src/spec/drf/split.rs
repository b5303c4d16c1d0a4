//! The request/response split, drf-spectacular's `COMPONENT_SPLIT_REQUEST`
//! (see the folder's docs), and the PATCH forms' `Nullable` fields.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::choices::insert_schema;
use super::nullable::nullable_patches;
use super::{SCHEMAS, note, schema_ref, schemas};
use crate::base::error::{Error, Result, Warning};
use crate::base::json;
use crate::base::walk;
use crate::spec::merge::Merged;

/// The components a schema refers to, directly.
pub(super) fn referenced(schema: &Value) -> BTreeSet<String> {
    walk::refs(schema)
        .into_iter()
        .filter_map(|(_, r)| walk::component_name(&r))
        .collect()
}

/// Whether a component's own properties are read-only, and whether some
/// are write-only; a property that is both is an error.
pub(super) fn own_access(name: &str, schema: &Value, merged: &Merged) -> Result<(bool, bool)> {
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
pub(super) fn reachable(
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
pub(super) fn split(merged: &mut Merged, notes: &mut Vec<Warning>) -> Result<()> {
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

/// Removes the properties flagged `flag` (and their names from
/// `required`); returns their names.
pub(super) fn drop_properties(schema: &mut Value, flag: &str) -> Vec<String> {
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
pub(super) fn retarget(schema: &mut Value, split: &BTreeSet<String>) {
    for (pointer, reference) in walk::refs(schema) {
        if let Some(name) = walk::component_name(&reference).filter(|n| split.contains(n))
            && let Some(slot) = schema.pointer_mut(&pointer)
        {
            *slot = schema_ref(&format!("{name}Request"));
        }
    }
}
