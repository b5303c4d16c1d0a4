//! Parameters of an operation, by (location, name).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Diff, Direction, rules};
use crate::base::json;

/// (in, name) -> (the parameter, its JSON pointer).
type Parameters<'v> = BTreeMap<(String, String), (&'v Value, String)>;

/// Operation parameters merged over path-level ones, by (in, name).
fn params<'v>(path: &str, method: &str, op: &'v Value, item: &'v Value) -> Parameters<'v> {
    let item_pointer = json::join("/paths", path);
    let op_pointer = json::join(&item_pointer, method);
    let mut out = BTreeMap::new();
    for (list, at) in [(item, item_pointer), (op, op_pointer)] {
        let list = list.get("parameters").and_then(Value::as_array);
        for (i, p) in list.into_iter().flatten().enumerate() {
            let key = |f: &str| p.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            let pointer = format!("{at}/parameters/{i}");
            out.insert((key("in"), key("name")), (p, pointer));
        }
    }
    out
}

fn required(p: &Value) -> bool {
    p.get("required").and_then(Value::as_bool).unwrap_or(false)
}

impl<'a> Diff<'a> {
    pub(super) fn parameters(
        &mut self,
        at: &str,
        path: &str,
        method: &str,
        (op, item): (&'a Value, &'a Value),
        (new_op, new_item): (&'a Value, &'a Value),
    ) {
        let (old, new) = (
            params(path, method, op, item),
            params(path, method, new_op, new_item),
        );
        for ((location, name), (param, _)) in &old {
            let Some((new_param, pointer)) = new.get(&(location.clone(), name.clone())) else {
                match new.keys().find(|(_, n)| n == name) {
                    Some((to, _)) => self.push(
                        rules::PARAMETER_LOCATION_CHANGED,
                        at,
                        format!("parameter `{name}` moved from {location} to {to}"),
                    ),
                    None => self.push(
                        rules::PARAMETER_REMOVED,
                        at,
                        format!("{location} parameter `{name}` removed"),
                    ),
                }
                continue;
            };
            match (required(param), required(new_param)) {
                (false, true) => self.push(
                    rules::PARAMETER_BECAME_REQUIRED,
                    at,
                    format!("{location} parameter `{name}` became required"),
                ),
                (true, false) => self.push(
                    rules::PARAMETER_BECAME_OPTIONAL,
                    at,
                    format!("{location} parameter `{name}` became optional"),
                ),
                _ => {}
            }
            if param.get("description") != new_param.get("description") {
                self.push(
                    rules::PARAMETER_DESCRIPTION_CHANGED,
                    at,
                    format!("description of {location} parameter `{name}` changed"),
                );
            }
            let where_ = format!("{at} {location} parameter `{name}`");
            self.schema(
                &where_,
                &json::join(pointer, "schema"),
                param.get("schema"),
                new_param.get("schema"),
                Direction::Request,
            );
        }
        for ((location, name), (param, _)) in &new {
            if old.keys().any(|(_, n)| n == name) {
                continue;
            }
            let (rule, kind) = if required(param) {
                (rules::PARAMETER_REQUIRED_ADDED, "required")
            } else {
                (rules::PARAMETER_OPTIONAL_ADDED, "optional")
            };
            self.push(
                rule,
                at,
                format!("{kind} {location} parameter `{name}` added"),
            );
        }
    }
}
