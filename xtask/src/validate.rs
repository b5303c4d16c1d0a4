//! Checks the merged, overlaid spec before any code is generated from it:
//! what progenitor would otherwise reject with a vague message, or accept
//! and turn into a client that cannot authenticate.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::json;
use crate::merge::{self, Merged};

/// Validates `merged.spec` and returns it parsed. `fallback` names the
/// source of problems that no single vendor document owns.
pub fn spec(merged: &Merged, fallback: &str) -> Result<OpenAPI> {
    let spec = &merged.spec;
    let fail = |pointer: String, message: String| {
        Error::invalid(merged.origin_of(&pointer, fallback), pointer, message)
    };

    // The typed parse and the checks below are independent: the parse runs
    // on another core meanwhile. The plain parse is fast; only a failure
    // pays for locating the problem.
    std::thread::scope(|scope| {
        let parsed = scope.spawn(|| OpenAPI::deserialize(spec));
        let checked = checks(merged, &fail);
        match crate::par::join(parsed) {
            Ok(parsed) => checked.map(|()| parsed),
            Err(_) => Err(serde_path_to_error::deserialize::<_, OpenAPI>(spec)
                .map_err(|e| {
                    fail(
                        crate::json::pointer_of(e.path()),
                        format!("not valid OpenAPI 3.0: {}", e.inner()),
                    )
                })
                .err()
                .unwrap_or_else(|| fail(String::new(), "not valid OpenAPI 3.0".into()))),
        }
    })
}

/// Security schemes defined, operationIds present and unique, every `$ref`
/// local and resolving.
fn checks(merged: &Merged, fail: &impl Fn(String, String) -> Error) -> Result<()> {
    let spec = &merged.spec;
    let schemes = spec
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    let defined = |name: &str| schemes.is_some_and(|s| s.contains_key(name));
    let mut requirements = vec![("/security".to_string(), spec.get("security"))];
    let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, method, operation, _) in merge::operations(spec) {
        let pointer = json::join(&json::join("/paths", path), method);
        match operation.get("operationId").and_then(Value::as_str) {
            None => {
                return Err(fail(
                    pointer,
                    "operation has no `operationId`; the client method is named after it".into(),
                ));
            }
            Some(id) => {
                if let Some(first) = operation_ids.insert(id.to_string(), pointer.clone()) {
                    return Err(fail(
                        pointer,
                        format!("operationId `{id}` is also used by {first}"),
                    ));
                }
            }
        }
        requirements.push((json::join(&pointer, "security"), operation.get("security")));
    }
    for (pointer, security) in requirements {
        let Some(alternatives) = security.and_then(Value::as_array) else {
            continue;
        };
        for (i, requirement) in alternatives.iter().enumerate() {
            for name in json::object(Some(requirement)).keys() {
                if !defined(name) {
                    return Err(fail(
                        format!("{pointer}/{i}"),
                        format!(
                            "security requirement names scheme `{name}`, which \
                             `components.securitySchemes` does not define"
                        ),
                    ));
                }
            }
        }
    }

    let mut refs = Vec::new();
    collect_refs(spec, &mut String::new(), &mut refs);
    for (pointer, reference) in refs {
        let Some(target) = reference.strip_prefix('#') else {
            return Err(fail(
                pointer,
                format!("`$ref: {reference}` is external; only local references are supported"),
            ));
        };
        if spec.pointer(&percent_decode(target)).is_none() {
            return Err(fail(
                pointer,
                format!("`$ref: {reference}` does not resolve"),
            ));
        }
    }
    Ok(())
}

/// Every `$ref` with its pointer; `pointer` is a buffer shared by the walk.
fn collect_refs(value: &Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(r)) => out.push((json::join(pointer, key), r.clone())),
                    ("example" | "examples" | "default" | "enum", _) => {}
                    _ => {
                        pointer.push('/');
                        pointer.push_str(&json::escape(key));
                        collect_refs(child, pointer, out);
                        pointer.truncate(len);
                    }
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointer.push_str(&format!("/{i}"));
                collect_refs(item, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// A `$ref` is a URI fragment: `%7B` and friends must be decoded before the
/// JSON pointer is looked up.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some((hex(bytes[i + 1])?, hex(bytes[i + 2])?)))
            .flatten();
        if let Some((high, low)) = escaped {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
