//! Blank and null choices: `oneOf: [XEnum, BlankEnum, NullEnum]` becomes
//! one type per choice set (see the folder's docs).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{SCHEMAS, note, schema_ref};
use crate::base::error::{Error, Result, Warning};
use crate::base::json;
use crate::base::walk;
use crate::spec::merge::Merged;

/// What a component is, as a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Choice {
    Blank,
    Null,
    Real,
}

pub(super) fn choice(schema: &Value) -> Option<Choice> {
    let values = schema.get("enum")?.as_array()?;
    match values.as_slice() {
        [Value::String(s)] if s.is_empty() => Some(Choice::Blank),
        [Value::Null] => Some(Choice::Null),
        _ if values.iter().all(Value::is_string) => Some(Choice::Real),
        _ => None,
    }
}

pub(super) fn choices(merged: &mut Merged, notes: &mut Vec<Warning>) -> Result<()> {
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
pub(super) fn or_blank(merged: &mut Merged, real: &str, at: &str) -> Result<String> {
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

pub(super) fn insert_schema(merged: &mut Merged, name: &str, schema: Value) {
    if let Some(Value::Object(components)) = merged.spec.pointer_mut(SCHEMAS) {
        components.insert(name.to_string(), schema);
    }
}
