//! Checks the merged, overlaid spec before any code is generated from it:
//! what progenitor would otherwise reject with a vague message, or accept
//! and turn into a client that cannot authenticate.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::base::json;
use crate::base::walk;
use crate::spec::merge::Merged;

/// Validates `merged.spec` and returns it parsed. `fallback` names the
/// source of problems that no single vendor document owns.
pub fn spec(merged: &Merged, fallback: &str) -> Result<OpenAPI> {
    let spec = &merged.spec;
    let fail = |pointer: String, message: String| {
        Error::invalid(merged.origin_of(&pointer, fallback), pointer, message)
    };
    // The plain parse is fast; only a failure pays for locating the problem.
    // A spec that is not OpenAPI at all is reported as such first.
    let Ok(parsed) = OpenAPI::deserialize(spec) else {
        let message = match serde_path_to_error::deserialize::<_, OpenAPI>(spec) {
            Err(e) => (
                json::pointer_of(e.path()),
                format!("not valid OpenAPI 3.0: {}", e.inner()),
            ),
            Ok(_) => (String::new(), "not valid OpenAPI 3.0".into()),
        };
        return Err(fail(message.0, message.1));
    };
    checks(merged, &fail)?;
    Ok(parsed)
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
    for (path, method, operation, _) in walk::operations(spec) {
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

    for (pointer, reference) in walk::refs(spec) {
        let Some(target) = walk::ref_pointer(&reference) else {
            return Err(fail(
                pointer,
                format!("`$ref: {reference}` is external; only local references are supported"),
            ));
        };
        if spec.pointer(&target).is_none() {
            return Err(fail(
                pointer,
                format!("`$ref: {reference}` does not resolve"),
            ));
        }
    }
    Ok(())
}
