//! Operations added or removed, and what changed in each one kept.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Diff, rules};
use crate::base::{json, walk};

type Operations<'v> = BTreeMap<(String, &'static str), (&'v Value, &'v Value)>;

fn operations_of(spec: &Value) -> Operations<'_> {
    walk::operations(spec)
        .map(|(path, method, op, item)| ((path.clone(), method), (op, item)))
        .collect()
}

impl<'a> Diff<'a> {
    pub(super) fn operations(&mut self) {
        let old = operations_of(self.old);
        let new = operations_of(self.new);
        for ((path, method), (op, item)) in &old {
            let at = format!("{} {path}", method.to_uppercase());
            let pointer = json::join(&json::join("/paths", path), method);
            let Some((new_op, new_item)) = new.get(&(path.clone(), *method)) else {
                self.push(
                    rules::OPERATION_REMOVED,
                    &at,
                    "the operation is gone".into(),
                );
                continue;
            };
            for field in ["summary", "description"] {
                if op.get(field) != new_op.get(field) {
                    self.push(
                        rules::OPERATION_DESCRIPTION_CHANGED,
                        &at,
                        format!("{field} changed"),
                    );
                }
            }
            // What a caller must send: the operation's own requirement, else
            // the spec's default.
            let effective = |spec: &'a Value, op: &'a Value| {
                op.get("security").or_else(|| spec.get("security"))
            };
            if effective(self.old, op) != effective(self.new, new_op) {
                self.push(
                    rules::OPERATION_SECURITY_CHANGED,
                    &at,
                    "security requirements changed".into(),
                );
            }
            self.parameters(&at, path, method, (op, item), (new_op, new_item));
            let body = json::join(&pointer, "requestBody");
            self.request_body(&at, &body, op.get("requestBody"), new_op.get("requestBody"));
            let responses = json::join(&pointer, "responses");
            self.responses(
                &at,
                &responses,
                op.get("responses"),
                new_op.get("responses"),
            );
        }
        for (path, method) in new.keys() {
            if !old.contains_key(&(path.clone(), *method)) {
                let at = format!("{} {path}", method.to_uppercase());
                self.push(rules::OPERATION_ADDED, &at, "a new operation".into());
            }
        }
    }
}
