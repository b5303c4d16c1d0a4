//! JSON leaf helpers: pointers (RFC 6901), canonical order, parsing with a
//! location, and the one output format.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::base::error::{Error, Result};

/// Escapes one JSON pointer token; borrows when nothing needs it.
pub fn escape(token: &str) -> Cow<'_, str> {
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

/// A JSON pointer built in place by a recursive walk: one buffer for the
/// whole walk, extended before a child and truncated back after it.
#[derive(Debug, Default)]
pub struct Pointer(String);

impl Pointer {
    /// Appends `/token` (escaped); returns the length to [`Pointer::truncate`] to.
    pub fn push(&mut self, token: &str) -> usize {
        let len = self.0.len();
        self.0.push('/');
        self.0.push_str(&escape(token));
        len
    }

    /// Appends `/index`.
    pub fn push_index(&mut self, index: usize) -> usize {
        let len = self.0.len();
        let _ = write!(self.0, "/{index}");
        len
    }

    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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

/// Pretty JSON (two-space indent) with a final newline: the format of every
/// JSON file we write. `Value`'s alternate `Display` is serde_json's pretty
/// printer, and it cannot fail.
pub fn pretty(value: &Value) -> String {
    format!("{value:#}\n")
}

/// Parses JSON text from `source` (a file, or a page holding it at
/// `line_offset` lines in), reporting a failure as `source:line:column`.
pub fn parse(source: &str, text: &str, line_offset: usize) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; we print the location up front.
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        Error::MalformedJson {
            path: source.to_string(),
            line: e.line() + line_offset,
            column: e.column(),
            message,
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_is_serde_jsons_pretty_printer() {
        let value = serde_json::json!({"a": [1, {"b": "~/"}], "c": {}});
        let mut expected = serde_json::to_string_pretty(&value).unwrap_or_default();
        expected.push('\n');
        assert_eq!(pretty(&value), expected);
    }

    #[test]
    fn pointer_buffer_escapes_and_truncates() {
        let mut p = Pointer::default();
        let a = p.push("paths");
        let b = p.push("/api/{id}");
        p.push_index(3);
        assert_eq!(p.as_str(), "/paths/~1api~1{id}/3");
        p.truncate(b);
        assert_eq!(p.as_str(), "/paths");
        p.truncate(a);
        assert_eq!(p.as_str(), "");
    }
}
