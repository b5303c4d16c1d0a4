//! The rules of `cargo xtask diff`, in one table (as oasdiff's checker
//! keeps them): each with a stable id, its level, and what it means. The
//! code reports changes by rule, and the report prints the rule's id and
//! level from here, so the two cannot disagree.
//!
//! Ids read subject first, then what happened to it:
//! `parameter-required-added`, `request-property-became-required`.

use super::Level;

/// One kind of change.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    pub doc: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $level:ident, $doc:literal;)*) => {
        $(pub const $name: &Rule = &Rule { id: $id, level: Level::$level, doc: $doc };)*
        /// Every rule, in the order of this file.
        pub const RULES: &[&Rule] = &[$($name),*];
    };
}

rules! {
    OPERATION_ADDED = "operation-added", Compatible, "a new operation";
    OPERATION_REMOVED = "operation-removed", Breaking, "an operation is gone: its method leaves the crate";
    OPERATION_DESCRIPTION_CHANGED = "operation-description-changed", Compatible, "an operation's summary or description changed";
    OPERATION_SECURITY_CHANGED = "operation-security-changed", Breaking, "the credentials an operation accepts changed";
    PARAMETER_OPTIONAL_ADDED = "parameter-optional-added", Compatible, "a new optional parameter";
    PARAMETER_REQUIRED_ADDED = "parameter-required-added", Breaking, "a new required parameter: existing calls lack it";
    PARAMETER_REMOVED = "parameter-removed", Breaking, "a parameter is gone: its builder method leaves the crate";
    PARAMETER_LOCATION_CHANGED = "parameter-location-changed", Breaking, "a parameter moved (query, header, path)";
    PARAMETER_BECAME_REQUIRED = "parameter-became-required", Breaking, "an optional parameter became required";
    PARAMETER_BECAME_OPTIONAL = "parameter-became-optional", Compatible, "a required parameter became optional";
    PARAMETER_DESCRIPTION_CHANGED = "parameter-description-changed", Compatible, "a parameter's description changed";
    REQUEST_BODY_ADDED = "request-body-added", Breaking, "an operation now takes a body";
    REQUEST_BODY_REMOVED = "request-body-removed", Breaking, "an operation no longer takes a body";
    REQUEST_MEDIA_TYPE_REMOVED = "request-media-type-removed", Breaking, "a request body media type is no longer accepted";
    REQUEST_PROPERTY_OPTIONAL_ADDED = "request-property-optional-added", Compatible, "a new optional property in a request";
    REQUEST_PROPERTY_REQUIRED_ADDED = "request-property-required-added", Breaking, "a new required property in a request";
    REQUEST_PROPERTY_REMOVED = "request-property-removed", Breaking, "the API stops reading a request property; the crate loses its setter";
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", Breaking, "an optional request property became required";
    REQUEST_ENUM_VALUE_ADDED = "request-enum-value-added", Compatible, "a request may send a new enum value";
    RESPONSE_STATUS_ADDED = "response-status-added", Compatible, "a new response status";
    RESPONSE_STATUS_REMOVED = "response-status-removed", Breaking, "a response status is gone";
    RESPONSE_MEDIA_TYPE_REMOVED = "response-media-type-removed", Breaking, "a response media type is no longer returned";
    RESPONSE_PROPERTY_ADDED = "response-property-added", Compatible, "a new property in a response";
    RESPONSE_PROPERTY_REMOVED = "response-property-removed", Breaking, "a response property is gone";
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", Breaking, "a response property may now be absent";
    RESPONSE_ENUM_VALUE_ADDED = "response-enum-value-added", Warning, "a response may hold an enum value older clients cannot parse";
    SCHEMA_TYPE_CHANGED = "schema-type-changed", Breaking, "a schema's type or format changed";
    SCHEMA_ENUM_ADDED = "schema-enum-added", Breaking, "values are now restricted to an enum";
    SCHEMA_ENUM_REMOVED = "schema-enum-removed", Compatible, "values are no longer restricted to an enum";
    SCHEMA_ENUM_VALUE_REMOVED = "schema-enum-value-removed", Breaking, "an enum value is gone: the crate loses the variant";
    SCHEMA_DESCRIPTION_CHANGED = "schema-description-changed", Compatible, "a schema's description changed";
    UNCLASSIFIED_SCHEMA_CHANGE = "unclassified-schema-change", Warning, "a schema keyword changed that the diff cannot classify (composition, additionalProperties, nullable, bounds, ...): review it";
    SECURITY_SCHEME_ADDED = "security-scheme-added", Warning, "a new security scheme";
    SECURITY_SCHEME_REMOVED = "security-scheme-removed", Breaking, "a security scheme is gone";
    SECURITY_REQUIREMENTS_CHANGED = "security-requirements-changed", Breaking, "the top-level security requirements changed";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "duplicate rule id");
        for rule in RULES {
            assert!(
                rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                rule.id
            );
            assert!(!rule.doc.is_empty(), "{}", rule.id);
        }
    }
}
