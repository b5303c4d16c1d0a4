//! Applies our corrections, kept apart from the vendor's text as an
//! [OAI Overlay 1.0](https://spec.openapis.org/overlay/v1.0.0.html) document.
//!
//! Targets are RFC 9535 JSONPath expressions (`serde_json_path`, which reports
//! where each match is, so the matched nodes can be changed). An action whose
//! target matches nothing is an error: the vendor documents moved and the
//! correction is stale, which is drift as much as a changed schema is.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::base::error::{Error, Result};
use crate::base::{files, json};

#[derive(Debug, Clone, Deserialize)]
pub struct Overlay {
    /// The Overlay Specification version, `1.x`.
    pub overlay: String,
    pub info: Info,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    pub title: String,
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    pub target: String,
    /// Why the correction exists. Required here, although optional in the
    /// Overlay spec: a correction nobody can explain cannot be maintained.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub update: Option<Value>,
    #[serde(default)]
    pub remove: bool,
}

/// Reads an overlay document (YAML or JSON, by extension).
pub fn load(path: &Path) -> Result<Overlay> {
    parse(path, &files::read(path)?)
}

/// The overlay document `text`, read from `path` (YAML or JSON, by its
/// extension).
pub fn parse(path: &Path, text: &str) -> Result<Overlay> {
    let file = path.display().to_string();
    let value: Value = if path.extension().is_some_and(|e| e == "json") {
        json::parse(&file, text, 0)?
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            Error::MalformedYaml {
                path: path.to_path_buf(),
                line,
                column,
                message: e.to_string(),
            }
        })?
    };
    let overlay: Overlay = serde_path_to_error::deserialize(&value).map_err(|e| {
        Error::invalid(
            &file,
            json::pointer_of(e.path()),
            format!("not an Overlay document: {}", e.inner()),
        )
    })?;
    if !overlay.overlay.starts_with("1.") {
        return Err(Error::invalid(
            &file,
            "/overlay",
            format!(
                "unsupported Overlay version `{}`; expected 1.x",
                overlay.overlay
            ),
        ));
    }
    Ok(overlay)
}

/// Applies every action in order to `spec`.
pub fn apply(overlay: &Overlay, file: &str, spec: &mut Value) -> Result<()> {
    for (index, action) in overlay.actions.iter().enumerate() {
        let fail = |message: String| Error::Overlay {
            file: file.to_string(),
            index,
            description: action
                .description
                .clone()
                .unwrap_or_else(|| "(none)".into()),
            message,
        };
        if action
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            return Err(fail(
                "every action needs a `description` saying why it exists".into(),
            ));
        }
        let path = JsonPath::parse(&action.target)
            .map_err(|e| fail(format!("invalid JSONPath `{}`: {e}", action.target)))?;
        let pointers: Vec<String> = path
            .query_located(spec)
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            return Err(fail(format!(
                "target `{}` matches nothing in the merged spec; the vendor documents \
                 changed under this correction: update or delete it",
                action.target
            )));
        }
        match (&action.update, action.remove) {
            (Some(_), true) => {
                return Err(fail("an action has `update` or `remove`, not both".into()));
            }
            (None, false) => return Err(fail("an action needs `update` or `remove: true`".into())),
            (Some(update), false) => {
                for pointer in &pointers {
                    let Some(node) = spec.pointer_mut(pointer) else {
                        continue;
                    };
                    update_node(node, update).map_err(|m| fail(format!("at {pointer}: {m}")))?;
                }
            }
            (None, true) => remove(spec, pointers),
        }
    }
    json::canonical(spec);
    Ok(())
}

/// Overlay `update`: an object is merged into an object (recursively; other
/// values replace), and a value is appended to an array.
fn update_node(node: &mut Value, update: &Value) -> Result<(), String> {
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => {
            merge_objects(node, update);
            Ok(())
        }
        (Value::Array(items), value) => {
            items.push(value.clone());
            Ok(())
        }
        (Value::Object(_), other) => Err(format!(
            "target is an object, so `update` must be an object, not {}",
            json::brief(other)
        )),
        (other, _) => Err(format!(
            "target is {}, which `update` cannot change (objects and arrays only)",
            json::brief(other)
        )),
    }
}

fn merge_objects(
    node: &mut serde_json::Map<String, Value>,
    update: &serde_json::Map<String, Value>,
) {
    for (key, value) in update {
        match (node.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(patch)) => merge_objects(inner, patch),
            _ => {
                node.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Removes the nodes at `pointers`: deepest first, and array items from the
/// highest index down, so that earlier removals do not shift later ones.
fn remove(spec: &mut Value, pointers: Vec<String>) {
    let mut targets: Vec<(Vec<String>, String)> = pointers
        .iter()
        .filter_map(|p| {
            let (parent, last) = p.rsplit_once('/')?;
            let tokens = parent.split('/').map(str::to_string).collect();
            Some((tokens, last.replace("~1", "/").replace("~0", "~")))
        })
        .collect();
    targets.sort_by(|(a, x), (b, y)| {
        b.len().cmp(&a.len()).then_with(|| b.cmp(a)).then_with(|| {
            match (x.parse::<usize>(), y.parse::<usize>()) {
                (Ok(i), Ok(j)) => j.cmp(&i),
                _ => y.cmp(x),
            }
        })
    });
    for (parent, last) in targets {
        match spec.pointer_mut(&parent.join("/")) {
            Some(Value::Object(map)) => {
                map.shift_remove(&last);
            }
            Some(Value::Array(items)) => {
                if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                    items.remove(i);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        serde_json::from_value(
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}),
        )
        .unwrap_or_else(|e| panic!("bad test overlay: {e}"))
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays() {
        let mut spec = json!({"a": {"b": {"c": 1, "d": 2}}, "list": [1]});
        let o = overlay(json!([
            {"target": "$.a", "description": "why", "update": {"b": {"d": 3, "e": 4}}},
            {"target": "$.list", "description": "why", "update": 2},
        ]));
        apply(&o, "o.yaml", &mut spec).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            spec,
            json!({"a": {"b": {"c": 1, "d": 3, "e": 4}}, "list": [1, 2]})
        );
    }

    #[test]
    fn remove_deletes_every_match_without_shifting() {
        let mut spec =
            json!({"p": [{"n": "a"}, {"n": "b"}, {"n": "a"}, {"n": "c"}], "q": {"r": 1, "s": 2}});
        let o = overlay(json!([
            {"target": "$.p[?@.n == 'a']", "description": "why", "remove": true},
            {"target": "$.q.r", "description": "why", "remove": true},
        ]));
        apply(&o, "o.yaml", &mut spec).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec, json!({"p": [{"n": "b"}, {"n": "c"}], "q": {"s": 2}}));
    }

    #[test]
    fn stale_target_and_missing_description_are_errors() {
        let mut spec = json!({"a": 1});
        let o = overlay(json!([{"target": "$.nope", "description": "why", "remove": true}]));
        let err = apply(&o, "o.yaml", &mut spec)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("o.yaml#/actions/0: target `$.nope` matches nothing"),
            "{err}"
        );
        let o = overlay(json!([{"target": "$.a", "remove": true}]));
        let err = apply(&o, "o.yaml", &mut spec)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("needs a `description`"), "{err}");
    }
}
