//! Schemas, followed through `$ref`s on both sides: types and formats,
//! enums, properties and their `required`, array items. Any other keyword
//! that changed is reported as `unclassified-schema-change` with the JSON
//! pointer of the new side, never dropped.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Diff, Direction, rules};
use crate::base::json;

/// Keywords compared by a rule of their own below.
const CLASSIFIED: &[&str] = &[
    "$ref",
    "type",
    "format",
    "enum",
    "required",
    "properties",
    "items",
];

/// Keywords that only document a schema.
const DOCUMENTATION: &[&str] = &["description", "title", "example", "examples"];

fn required(s: &Value) -> BTreeSet<String> {
    s.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

impl<'a> Diff<'a> {
    /// Compares two schemas (following `$ref`s on each side). `pointer` is
    /// where the new one is in the new spec.
    pub(super) fn schema(
        &mut self,
        at: &str,
        pointer: &str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
        direction: Direction,
    ) {
        let (Some(old), Some(new)) = (old, new) else {
            return;
        };
        let refs = (
            old.get("$ref").and_then(Value::as_str),
            new.get("$ref").and_then(Value::as_str),
        );
        if let (Some(a), Some(b)) = refs
            && !self.seen.insert((
                a.to_string(),
                b.to_string(),
                direction == Direction::Request,
            ))
        {
            return;
        }
        let pointer = match refs.1.and_then(crate::base::walk::ref_pointer) {
            Some(target) => target.into_owned(),
            None => pointer.to_string(),
        };
        let (old, new) = (self.resolve_old(old), self.resolve_new(new));
        for field in ["type", "format"] {
            if old.get(field) != new.get(field) {
                self.push(
                    rules::SCHEMA_TYPE_CHANGED,
                    at,
                    format!(
                        "{field} changed from {} to {}",
                        old.get(field).map_or("none".into(), json::brief),
                        new.get(field).map_or("none".into(), json::brief)
                    ),
                );
            }
        }
        self.keywords(at, &pointer, old, new);
        self.enums(at, old, new, direction);
        self.properties(at, &pointer, old, new, direction);
        let items = (old.get("items"), new.get("items"));
        if items.0.is_some() || items.1.is_some() {
            let inner = json::join(&pointer, "items");
            self.schema(&format!("{at} []"), &inner, items.0, items.1, direction);
        }
    }

    /// Documentation keywords, and every keyword no rule classifies.
    fn keywords(&mut self, at: &str, pointer: &str, old: &Value, new: &Value) {
        let keys: BTreeSet<&String> = [old, new]
            .into_iter()
            .filter_map(Value::as_object)
            .flat_map(|o| o.keys())
            .filter(|k| !CLASSIFIED.contains(&k.as_str()))
            .collect();
        for key in keys {
            if old.get(key) == new.get(key) {
                continue;
            }
            if key == "description" {
                let detail = "schema description changed".to_string();
                self.push(rules::SCHEMA_DESCRIPTION_CHANGED, at, detail);
            } else if DOCUMENTATION.contains(&key.as_str()) {
                self.push(
                    rules::SCHEMA_DESCRIPTION_CHANGED,
                    at,
                    format!("schema {key} changed"),
                );
            } else {
                let show = |v: Option<&Value>| v.map_or("none".into(), json::brief);
                self.push(
                    rules::UNCLASSIFIED_SCHEMA_CHANGE,
                    at,
                    format!(
                        "`{key}` changed from {} to {} at {pointer}",
                        show(old.get(key)),
                        show(new.get(key))
                    ),
                );
            }
        }
    }

    fn properties(
        &mut self,
        at: &str,
        pointer: &str,
        old: &'a Value,
        new: &'a Value,
        direction: Direction,
    ) {
        let (old_required, new_required) = (required(old), required(new));
        let old_props = old.get("properties").and_then(Value::as_object);
        let new_props = new.get("properties").and_then(Value::as_object);
        for (name, schema) in old_props.into_iter().flatten() {
            let Some(new_schema) = new_props.and_then(|p| p.get(name)) else {
                let rule = match direction {
                    Direction::Response => rules::RESPONSE_PROPERTY_REMOVED,
                    Direction::Request => rules::REQUEST_PROPERTY_REMOVED,
                };
                self.push(rule, at, format!("property `{name}` removed"));
                continue;
            };
            let (was, is) = (old_required.contains(name), new_required.contains(name));
            match direction {
                Direction::Request if !was && is => self.push(
                    rules::REQUEST_PROPERTY_BECAME_REQUIRED,
                    at,
                    format!("property `{name}` became required"),
                ),
                Direction::Response if was && !is => self.push(
                    rules::RESPONSE_PROPERTY_BECAME_OPTIONAL,
                    at,
                    format!("property `{name}` may now be absent"),
                ),
                _ => {}
            }
            let inner = json::join(&json::join(pointer, "properties"), name);
            self.schema(
                &format!("{at} .{name}"),
                &inner,
                Some(schema),
                Some(new_schema),
                direction,
            );
        }
        for name in new_props.into_iter().flatten().map(|(n, _)| n) {
            if old_props.is_some_and(|p| p.contains_key(name)) {
                continue;
            }
            let (rule, detail) = match (direction, new_required.contains(name)) {
                (Direction::Request, true) => (
                    rules::REQUEST_PROPERTY_REQUIRED_ADDED,
                    format!("required property `{name}` added"),
                ),
                (Direction::Request, false) => (
                    rules::REQUEST_PROPERTY_OPTIONAL_ADDED,
                    format!("optional property `{name}` added"),
                ),
                (Direction::Response, _) => (
                    rules::RESPONSE_PROPERTY_ADDED,
                    format!("property `{name}` added"),
                ),
            };
            self.push(rule, at, detail);
        }
    }

    fn enums(&mut self, at: &str, old: &Value, new: &Value, direction: Direction) {
        let values = |s: &Value| s.get("enum").and_then(Value::as_array).cloned();
        let (old_values, new_values) = match (values(old), values(new)) {
            (None, None) => return,
            (None, Some(_)) => {
                let detail = "values are now restricted to an enum".to_string();
                return self.push(rules::SCHEMA_ENUM_ADDED, at, detail);
            }
            (Some(_), None) => {
                let detail = "values are no longer restricted to an enum".to_string();
                return self.push(rules::SCHEMA_ENUM_REMOVED, at, detail);
            }
            (Some(old), Some(new)) => (old, new),
        };
        for value in old_values.iter().filter(|v| !new_values.contains(v)) {
            self.push(
                rules::SCHEMA_ENUM_VALUE_REMOVED,
                at,
                format!("enum value {value} removed"),
            );
        }
        for value in new_values.iter().filter(|v| !old_values.contains(v)) {
            let (rule, why) = match direction {
                Direction::Request => (rules::REQUEST_ENUM_VALUE_ADDED, ""),
                // The crate's generated enum cannot parse an unknown value.
                Direction::Response => (
                    rules::RESPONSE_ENUM_VALUE_ADDED,
                    " (older clients keep it as `Undocumented`)",
                ),
            };
            self.push(rule, at, format!("enum value {value} added{why}"));
        }
    }
}
