//! `Nullable<T>` for a PATCH body's clearable fields: marked in the spec,
//! generated into the client.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::base::walk;

/// The pseudo-crate the `Nullable` type of a PATCH body is named under in
/// the spec (`x-rust-type`); generation maps it to the client crate.
pub const NULLABLE_CRATE: &str = "drf-client";

/// Marks the optional nullable properties of a PATCH request form with
/// `x-rust-type: Nullable<T>`, so that the client can tell "leave it out"
/// (`None`) from "clear it" (`Some(Nullable::Null)`). Returns their names.
pub(super) fn nullable_patches(form: &mut Value) -> Vec<String> {
    let required: BTreeSet<String> = form
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    let Some(Value::Object(properties)) = form.get_mut("properties") else {
        return Vec::new();
    };
    let mut marked = Vec::new();
    for (name, property) in properties.iter_mut() {
        let Value::Object(fields) = property else {
            continue;
        };
        if required.contains(name) || fields.get("nullable") != Some(&Value::Bool(true)) {
            continue;
        }
        let Some(inner) = nullable_inner(fields) else {
            continue;
        };
        let extension = serde_json::json!({
            "crate": NULLABLE_CRATE,
            "version": "*",
            "path": format!("{}::Nullable", NULLABLE_CRATE.replace('-', "_")),
            "parameters": [inner],
        });
        fields.insert("x-rust-type".into(), extension);
        marked.push(name.clone());
    }
    marked
}

/// The type inside `Nullable<T>` for a property, as a schema typify can
/// name without a context: a `$ref`, a plain scalar (its bounds stay on the
/// property, for validators), or anything. An inline object or enum would
/// need a generated name of its own: such a property is left as it is.
pub(super) fn nullable_inner(property: &Map<String, Value>) -> Option<Value> {
    if let Some(Value::Array(all)) = property.get("allOf")
        && let [one] = all.as_slice()
        && one.get("$ref").is_some()
    {
        return Some(one.clone());
    }
    if property.contains_key("enum") || property.contains_key("properties") {
        return None;
    }
    match property.get("type").and_then(Value::as_str) {
        Some(scalar @ ("string" | "integer" | "number" | "boolean")) => {
            let mut inner = Map::new();
            inner.insert("type".into(), Value::from(scalar));
            if let Some(format) = property.get("format") {
                inner.insert("format".into(), format.clone());
            }
            Some(Value::Object(inner))
        }
        None if !property
            .keys()
            .any(|k| ["oneOf", "anyOf", "allOf", "items"].contains(&k.as_str())) =>
        {
            Some(Value::Object(Map::new()))
        }
        _ => None,
    }
}

/// The `Nullable` type, for a client whose spec uses it (see
/// [`nullable_patches`]); nothing otherwise.
pub fn nullable_items(spec: &Value) -> Vec<syn::Item> {
    let mut used = false;
    walk::objects(spec, &mut |_, map| {
        used |= map
            .get("x-rust-type")
            .and_then(|x| x.get("crate"))
            .is_some_and(|c| c == NULLABLE_CRATE);
    });
    if !used {
        return Vec::new();
    }
    let tokens = quote::quote! {
        /// A field of a PATCH body that may be cleared: `Some(Nullable::Null)`
        /// sends `null`, `Some(Nullable::Value(v))` sends `v`, and `None` (the
        /// field's default) leaves it out.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Nullable<T> {
            /// Sent as `null`: clears the field.
            Null,
            /// Sent as the value.
            Value(T),
        }

        impl<T> ::std::convert::From<T> for Nullable<T> {
            fn from(value: T) -> Self {
                Nullable::Value(value)
            }
        }

        impl<T: ::serde::Serialize> ::serde::Serialize for Nullable<T> {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    Nullable::Null => serializer.serialize_none(),
                    Nullable::Value(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de, T: ::serde::Deserialize<'de>> ::serde::Deserialize<'de> for Nullable<T> {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::option::Option<T> = ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.map_or(Nullable::Null, Nullable::Value))
            }
        }
    };
    syn::parse2::<syn::File>(tokens)
        .map(|f| f.items)
        .unwrap_or_default()
}
