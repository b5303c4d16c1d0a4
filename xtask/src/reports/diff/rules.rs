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
    /// For a client on the wire.
    pub level: Level,
    /// For the generated crate's version (see `version`): what the change
    /// does to the Rust API. An added property or enum value is a minor
    /// bump because the generated structs and enums are `#[non_exhaustive]`
    /// (see `codegen::compat`); `cargo xtask semver` checks the Rust API
    /// agrees.
    pub bump: Bump,
    pub doc: &'static str,
}

/// The semver bump a change needs in the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Documentation only.
    Patch,
    /// New API, nothing existing changed.
    Minor,
    /// Something existing changed or went away.
    Major,
}

impl std::fmt::Display for Bump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

macro_rules! rules {
    ($($name:ident = $id:literal, $level:ident, $bump:ident, $doc:literal;)*) => {
        $(pub const $name: &Rule = &Rule { id: $id, level: Level::$level, bump: Bump::$bump, doc: $doc };)*
        /// Every rule, in the order of this file.
        pub const RULES: &[&Rule] = &[$($name),*];
    };
}

rules! {
    OPERATION_ADDED = "operation-added", Compatible, Minor, "a new operation";
    OPERATION_REMOVED = "operation-removed", Breaking, Major, "an operation is gone: its method leaves the crate";
    OPERATION_DESCRIPTION_CHANGED = "operation-description-changed", Compatible, Patch, "an operation's summary or description changed";
    OPERATION_SECURITY_CHANGED = "operation-security-changed", Breaking, Major, "the credentials an operation accepts changed";
    PARAMETER_OPTIONAL_ADDED = "parameter-optional-added", Compatible, Minor, "a new optional parameter";
    PARAMETER_REQUIRED_ADDED = "parameter-required-added", Breaking, Major, "a new required parameter: existing calls lack it";
    PARAMETER_REMOVED = "parameter-removed", Breaking, Major, "a parameter is gone: its builder method leaves the crate";
    PARAMETER_LOCATION_CHANGED = "parameter-location-changed", Breaking, Major, "a parameter moved (query, header, path)";
    PARAMETER_BECAME_REQUIRED = "parameter-became-required", Breaking, Major, "an optional parameter became required";
    PARAMETER_BECAME_OPTIONAL = "parameter-became-optional", Compatible, Minor, "a required parameter became optional";
    PARAMETER_DESCRIPTION_CHANGED = "parameter-description-changed", Compatible, Patch, "a parameter's description changed";
    REQUEST_BODY_ADDED = "request-body-added", Breaking, Major, "an operation now takes a body";
    REQUEST_BODY_REMOVED = "request-body-removed", Breaking, Major, "an operation no longer takes a body";
    REQUEST_MEDIA_TYPE_REMOVED = "request-media-type-removed", Breaking, Major, "a request body media type is no longer accepted";
    REQUEST_PROPERTY_OPTIONAL_ADDED = "request-property-optional-added", Compatible, Minor, "a new optional property in a request: a new builder setter (the struct is `#[non_exhaustive]`)";
    REQUEST_PROPERTY_REQUIRED_ADDED = "request-property-required-added", Breaking, Major, "a new required property in a request";
    REQUEST_PROPERTY_REMOVED = "request-property-removed", Breaking, Major, "the API stops reading a request property; the crate loses its setter";
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", Breaking, Major, "an optional request property became required";
    REQUEST_ENUM_VALUE_ADDED = "request-enum-value-added", Compatible, Minor, "a request may send a new enum value: a new variant of a `#[non_exhaustive]` enum";
    RESPONSE_STATUS_ADDED = "response-status-added", Compatible, Major, "a new success status: it may change the operation's answer type";
    RESPONSE_ERROR_STATUS_ADDED = "response-error-status-added", Compatible, Minor, "a new error status (4xx, 5xx, `default`): a new variant of the operation's `#[non_exhaustive]` error enum";
    RESPONSE_STATUS_REMOVED = "response-status-removed", Breaking, Major, "a response status is gone";
    RESPONSE_MEDIA_TYPE_REMOVED = "response-media-type-removed", Breaking, Major, "a response media type is no longer returned";
    RESPONSE_PROPERTY_ADDED = "response-property-added", Compatible, Minor, "a new property in a response: a new field of a `#[non_exhaustive]` struct";
    RESPONSE_PROPERTY_REMOVED = "response-property-removed", Breaking, Major, "a response property is gone";
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", Breaking, Major, "a response property may now be absent";
    RESPONSE_ENUM_VALUE_ADDED = "response-enum-value-added", Compatible, Minor, "a response may hold a new enum value: older clients keep it as `Undocumented`, this one gets a variant of a `#[non_exhaustive]` enum";
    SCHEMA_TYPE_CHANGED = "schema-type-changed", Breaking, Major, "a schema's type or format changed";
    SCHEMA_ENUM_ADDED = "schema-enum-added", Breaking, Major, "values are now restricted to an enum";
    SCHEMA_ENUM_REMOVED = "schema-enum-removed", Compatible, Major, "values are no longer restricted to an enum";
    SCHEMA_ENUM_VALUE_REMOVED = "schema-enum-value-removed", Breaking, Major, "an enum value is gone: the crate loses the variant";
    SCHEMA_DESCRIPTION_CHANGED = "schema-description-changed", Compatible, Patch, "a schema's description changed";
    UNCLASSIFIED_SCHEMA_CHANGE = "unclassified-schema-change", Warning, Major, "a schema keyword changed that the diff cannot classify (composition, additionalProperties, nullable, bounds, ...): review it";
    SECURITY_SCHEME_ADDED = "security-scheme-added", Warning, Minor, "a new security scheme";
    SECURITY_SCHEME_REMOVED = "security-scheme-removed", Breaking, Major, "a security scheme is gone";
    SECURITY_REQUIREMENTS_CHANGED = "security-requirements-changed", Compatible, Patch, "the top-level default requirements changed: what each operation requires is compared on its own (`operation-security-changed`)";
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
