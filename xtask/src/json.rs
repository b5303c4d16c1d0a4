//! Small JSON helpers shared by the stages: pointers, canonical order, output.

use serde_json::{Map, Value};

/// Escapes one JSON pointer token (RFC 6901); borrows when nothing needs it.
pub fn escape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// Appends a token to a JSON pointer.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// Sorts every object's keys recursively. serde_json is built with
/// `preserve_order` (to store vendor documents as published), so outputs are
/// sorted explicitly: the same inputs give the same bytes whatever the order
/// the documents were read in.
pub fn canonical(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(canonical);
        }
        Value::Array(items) => items.iter_mut().for_each(canonical),
        _ => {}
    }
}

/// Pretty JSON with a final newline: the format of every JSON file we write.
pub fn pretty(value: &Value) -> String {
    // Serializing a `Value` cannot fail: its keys are strings by construction.
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    out
}

/// One-line rendering used in error messages, shortened to stay readable.
pub fn brief(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 120 {
        let cut = (0..=117)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        format!("{}...", &text[..cut])
    } else {
        text
    }
}

/// The object at `value`, or an empty one if it is absent or not an object.
pub fn object(value: Option<&Value>) -> Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A serde_path_to_error path as a JSON pointer.
pub fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", escape(key))),
            Segment::Enum { variant } => Some(format!("/{}", escape(variant))),
            Segment::Unknown => None,
        })
        .collect()
}
