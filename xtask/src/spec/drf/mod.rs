//! Adapts drf-spectacular's idioms for generation. Runs on the merged,
//! overlaid spec (so the overlay's corrections count) before validation;
//! the stored vendor files are never touched. Each rewrite is a note with
//! its file and pointer, kept apart from the repair warnings.
//!
//! - **Blank and null choices.** `oneOf: [XEnum, BlankEnum, NullEnum]`
//!   (any of the two last) becomes one type per choice set: `XEnum` itself
//!   where only null is added (nullable: `Option<XEnum>`), and a component
//!   `XEnumOrBlank` (X's values plus `""`) where blank is allowed, so that
//!   blank is a variant of its own that reads and writes `""` exactly.
//! - **Request/response split**, drf-spectacular's `COMPONENT_SPLIT_REQUEST`:
//!   a component used in a request body that has `readOnly` or `writeOnly`
//!   properties (itself or through the components it refers to) gets an
//!   `XRequest` form without the `readOnly` ones, which request bodies use;
//!   `X`, the response form, loses its `writeOnly` ones. Components without
//!   such properties are not duplicated.
//! - **Indented prose** (`prose`): descriptions written as indented Python
//!   strings are dedented, and what Markdown would read as code is fenced
//!   as text.

mod choices;
mod nullable;
mod prose;
mod split;

pub use nullable::{NULLABLE_CRATE, nullable_items};

use serde_json::{Map, Value};

use crate::base::error::{Result, Warning};
use crate::base::json;
use crate::spec::merge::Merged;

pub(super) const SCHEMAS: &str = "/components/schemas";

/// Adapts `merged` in place; returns the notes, sorted.
pub fn adapt(merged: &mut Merged) -> Result<Vec<Warning>> {
    let mut notes = Vec::new();
    prose::descriptions(merged, &mut notes);
    choices::choices(merged, &mut notes)?;
    split::split(merged, &mut notes)?;
    notes.sort();
    Ok(notes)
}

pub(super) fn note(merged: &Merged, notes: &mut Vec<Warning>, pointer: &str, message: String) {
    notes.push(Warning {
        file: merged.origin_of(pointer, "the merged spec").to_string(),
        pointer: pointer.to_string(),
        message,
    });
}

pub(super) fn schema_ref(name: &str) -> Value {
    Value::from(format!("#{}", json::join(SCHEMAS, name)))
}

pub(super) fn schemas(spec: &Value) -> Map<String, Value> {
    json::object(spec.pointer(SCHEMAS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(spec: Value) -> Merged {
        Merged {
            spec,
            origins: [("/components".to_string(), "openapi/x.json".to_string())].into(),
        }
    }

    fn run(spec: Value) -> (Value, Vec<String>) {
        let mut m = merged(spec);
        let notes = adapt(&mut m).unwrap_or_else(|e| panic!("{e}"));
        (m.spec, notes.iter().map(ToString::to_string).collect())
    }

    fn enums() -> Value {
        json!({
            "KindEnum": {"enum": ["static", "dynamic"], "type": "string"},
            "BlankEnum": {"enum": [""]},
            "NullEnum": {"enum": [null]},
        })
    }

    #[test]
    fn blank_and_null_choices_become_one_type_per_choice_set() {
        let mut schemas = enums();
        let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
        schemas["Cohort"] = json!({"properties": {
            "both": {"nullable": true, "oneOf": [r("KindEnum"), r("BlankEnum"), r("NullEnum")]},
            "null": {"oneOf": [r("KindEnum"), r("NullEnum")]},
            "blank": {"oneOf": [r("BlankEnum"), r("KindEnum")]},
            "other": {"oneOf": [r("KindEnum"), {"type": "integer"}]},
        }});
        let (spec, notes) = run(json!({"components": {"schemas": schemas}}));
        let s = &spec["components"]["schemas"];
        let p = &s["Cohort"]["properties"];
        assert_eq!(
            p["both"],
            json!({"nullable": true, "allOf": [r("KindEnumOrBlank")]})
        );
        assert_eq!(
            p["null"],
            json!({"nullable": true, "allOf": [r("KindEnum")]})
        );
        assert_eq!(p["blank"], json!({"allOf": [r("KindEnumOrBlank")]}));
        assert_eq!(
            p["other"]["oneOf"][1],
            json!({"type": "integer"}),
            "not the pattern"
        );
        assert_eq!(
            s["KindEnumOrBlank"]["enum"],
            json!(["static", "dynamic", ""])
        );
        assert!(s.get("NullEnum").is_none() && s.get("BlankEnum").is_none());
        assert_eq!(notes.len(), 5, "{notes:?}");
    }

    #[test]
    fn request_bodies_use_a_form_without_read_only_properties() {
        let spec = json!({
            "paths": {"/m": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Membership"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Membership"}}}}},
            }}},
            "components": {"schemas": {
                "Membership": {"required": ["id", "user", "user_uuid"], "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "user": {"$ref": "#/components/schemas/User"},
                    "user_uuid": {"type": "string", "writeOnly": true},
                }},
                "User": {"required": ["id", "email"], "properties": {
                    "id": {"type": "integer", "readOnly": true},
                    "email": {"type": "string"},
                    "best_friend": {"$ref": "#/components/schemas/User"},
                }},
                "Plain": {"properties": {"a": {"type": "string"}}},
            }},
        });
        let (spec, notes) = run(spec);
        let s = &spec["components"]["schemas"];
        assert_eq!(
            s["MembershipRequest"],
            json!({"required": ["user", "user_uuid"], "properties": {
                "user": {"$ref": "#/components/schemas/UserRequest"},
                "user_uuid": {"type": "string", "writeOnly": true},
            }})
        );
        assert_eq!(
            s["UserRequest"]["properties"]["best_friend"]["$ref"],
            "#/components/schemas/UserRequest",
            "a cycle through the split ends"
        );
        assert_eq!(s["Membership"]["required"], json!(["id", "user"]));
        assert!(s["Membership"]["properties"].get("user_uuid").is_none());
        assert!(s.get("PlainRequest").is_none(), "nothing to split");
        let body = &spec["paths"]["/m"]["post"]["requestBody"]["content"]["application/json"];
        assert_eq!(
            body["schema"]["$ref"],
            "#/components/schemas/MembershipRequest"
        );
        let response =
            &spec["paths"]["/m"]["post"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            response["schema"]["$ref"],
            "#/components/schemas/Membership"
        );
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn a_split_the_vendor_already_made_is_used_as_it_is() {
        // authentik's `CertificateKeyPairRequest`: sent only, with a
        // write-only property; `CertificateKeyPair`, read only, read-only ids.
        let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
        let spec = json!({
            "paths": {"/c": {"post": {
                "requestBody": {"content": {"application/json": {"schema": r("CertificateKeyPairRequest")}}},
                "responses": {
                    "201": {"content": {"application/json": {"schema": r("CertificateKeyPair")}}},
                    "400": {"$ref": "#/components/responses/ValidationErrorResponse"},
                },
            }}},
            "components": {
                "responses": {"ValidationErrorResponse": {"content": {"application/json": {"schema": r("ValidationError")}}}},
                "schemas": {
                    "CertificateKeyPair": {"required": ["pk", "name"], "properties": {
                        "pk": {"type": "string", "readOnly": true},
                        "name": {"type": "string"},
                    }},
                    "CertificateKeyPairRequest": {"required": ["name", "key_data"], "properties": {
                        "name": {"type": "string"},
                        "key_data": {"type": "string", "writeOnly": true},
                    }},
                    "ValidationError": {"properties": {"secret": {"type": "string", "writeOnly": true}}},
                },
            },
        });
        let (after, notes) = run(spec.clone());
        let s = &after["components"]["schemas"];
        assert!(
            s.get("CertificateKeyPairRequestRequest").is_none(),
            "{notes:?}"
        );
        assert!(s.get("CertificateKeyPairRequest2").is_none());
        assert_eq!(
            s["CertificateKeyPairRequest"],
            spec["components"]["schemas"]["CertificateKeyPairRequest"],
            "the vendor's request form keeps its write-only property"
        );
        assert_eq!(
            after["paths"]["/c"]["post"]["requestBody"],
            spec["paths"]["/c"]["post"]["requestBody"]
        );
        assert!(
            s["ValidationError"]["properties"].get("secret").is_none(),
            "read through a shared response: loses its write-only property"
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn a_patch_form_can_clear_its_nullable_fields() {
        let body = json!({"$ref": "#/components/schemas/PatchedThing"});
        let spec = json!({
            "paths": {"/t": {"patch": {"requestBody": {"content": {"application/json": {"schema": body}}}}}},
            "components": {"schemas": {"PatchedThing": {"required": ["kept"], "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string", "maxLength": 9, "nullable": true},
                "kept": {"type": "string", "nullable": true},
                "choice": {"type": "string", "enum": ["a"], "nullable": true},
                "other": {"allOf": [{"$ref": "#/components/schemas/Other"}], "nullable": true},
            }}, "Other": {"type": "object"}}},
        });
        let (spec, notes) = run(spec);
        let form = &spec["components"]["schemas"]["PatchedThingRequest"]["properties"];
        let nullable = |inner: Value| json!({"crate": "drf-client", "version": "*", "path": "drf_client::Nullable", "parameters": [inner]});
        assert_eq!(
            form["name"]["x-rust-type"],
            nullable(json!({"type": "string"}))
        );
        assert_eq!(
            form["name"]["maxLength"], 9,
            "validators still see the bounds"
        );
        assert_eq!(
            form["other"]["x-rust-type"],
            nullable(json!({"$ref": "#/components/schemas/Other"}))
        );
        assert!(
            form["kept"].get("x-rust-type").is_none(),
            "required: always sent"
        );
        assert!(
            form["choice"].get("x-rust-type").is_none(),
            "an inline enum needs a name"
        );
        let response = &spec["components"]["schemas"]["PatchedThing"]["properties"];
        assert!(
            response["name"].get("x-rust-type").is_none(),
            "responses are untouched"
        );
        assert_eq!(notes.iter().filter(|n| n.contains("PATCH may")).count(), 2);
        assert_eq!(
            nullable_items(&spec).len(),
            4,
            "the Nullable type and its impls"
        );
    }

    #[test]
    fn bad_input_is_an_error_naming_file_and_pointer() {
        let both = json!({"components": {"schemas": {"A": {"properties": {
            "x": {"type": "string", "readOnly": true, "writeOnly": true}
        }}}}});
        let err = adapt(&mut merged(both))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("openapi/x.json#/components/schemas/A/properties/x: a property both"),
            "{err}"
        );
        let taken = json!({
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
            "components": {"schemas": {
                "A": {"properties": {"id": {"type": "string", "readOnly": true}, "n": {"type": "string"}}},
                "ARequest": {"properties": {"other": {"type": "integer"}}},
            }},
        });
        let err = adapt(&mut merged(taken))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("#/components/schemas/ARequest: the vendor already defines `ARequest`"),
            "{err}"
        );
    }
}
