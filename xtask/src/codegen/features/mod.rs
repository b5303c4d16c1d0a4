//! One cargo feature per area of the vendor's reference: the page each
//! operation's document came from (as the manifest records it). A user who
//! calls two areas of a large API compiles those two, as with async-stripe's
//! or the AWS SDK's per-service crates.
//!
//! - [`Areas::of`] names the features and maps each operation to its own.
//! - [`gate`] puts `#[cfg(feature = ...)]` on the generated items each area
//!   needs (a type two areas use is built when either is on).
//! - [`manifest`] writes the features into the crates' `Cargo.toml`.

pub mod gate;
pub mod manifest;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::{
    base::{json, walk},
    spec::names,
};

/// The feature that turns on every area; in the crate's default features.
pub const ALL: &str = "areas";

/// Names a hand-written feature may have that no area may take.
const RESERVED: &[&str] = &["default", ALL];

/// The areas of a spec: one feature per vendor page that has operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Areas {
    /// Feature -> the page it comes from and its operations' method names.
    pub features: BTreeMap<String, Area>,
    /// Method name (progenitor's, from the operationId) -> its feature.
    pub by_method: BTreeMap<String, String>,
}

/// One area: its page and operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Area {
    pub page: String,
    pub methods: BTreeSet<String>,
    /// The dependency features its generated code needs, as Cargo spells
    /// them (`reqwest/multipart` for a multipart body): the area's feature
    /// turns them on, so that it builds alone.
    pub needs: BTreeSet<String>,
}

impl Areas {
    /// The areas of `spec`: each operation's page is the page of the
    /// document it came from (`file_of` a pointer, then `pages`, by
    /// document display name). An operation from no known page (an overlay
    /// added it, or the documents have no manifest) gets no feature: it is
    /// always built. A page left with no operation gets no feature.
    pub fn of(
        spec: &Value,
        file_of: &dyn Fn(&str) -> Option<String>,
        pages: &BTreeMap<String, String>,
    ) -> Result<Areas> {
        let mut areas = Areas::default();
        // Feature -> the page that took it first, to name both on a clash.
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        for (path, method, operation, _) in walk::operations(spec) {
            let pointer = format!("/paths/{}/{method}", json::escape(path));
            let Some(page) = file_of(&pointer).and_then(|file| pages.get(&file)) else {
                continue;
            };
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let feature = feature_name(page);
            match taken.get(&feature) {
                Some(first) if first != page => {
                    return Err(Error::invalid(
                        "openapi/manifest.json",
                        "",
                        format!(
                            "the pages `{first}` and `{page}` would both be the cargo feature \
                             `{feature}`: a page's feature is its file name without the \
                             extension, lowercase, other characters as `-`"
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    taken.insert(feature.clone(), page.clone());
                }
            }
            let method = names::method_name(id);
            let area = areas.features.entry(feature.clone()).or_default();
            area.page.clone_from(page);
            area.methods.insert(method.clone());
            areas.by_method.insert(method, feature);
        }
        Ok(areas)
    }

    /// Records that the operation `method`'s generated code needs the
    /// dependency feature `feature` (see `deps::FEATURE_USES`);
    /// `false` when the operation has no area (it is always built, so the
    /// dependency itself must enable the feature).
    pub fn need(&mut self, method: &str, feature: &str) -> bool {
        let Some(area) = self
            .by_method
            .get(method)
            .and_then(|f| self.features.get_mut(f))
        else {
            return false;
        };
        area.needs.insert(feature.to_string());
        true
    }

    /// No area: nothing is gated, the crate's manifest is left alone.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// An error if an area's feature is a name the crate's manifest already
    /// uses for something else (`manifest` names the file).
    pub fn check_free(&self, used: &BTreeSet<String>, manifest: &str) -> Result<()> {
        for (feature, area) in &self.features {
            if used.contains(feature) || RESERVED.contains(&feature.as_str()) {
                return Err(Error::invalid(
                    manifest,
                    "/features",
                    format!(
                        "the page `{}` is the cargo feature `{feature}`, which the manifest \
                         already has (a hand-written feature or an optional dependency): \
                         rename that one",
                        area.page
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// `pub mod features {}`, documenting each area's feature: its page and
/// its operations (as text, not links: a link to an operation whose area is
/// off would be broken). `None` without areas.
pub fn docs(areas: &Areas) -> Option<syn::Item> {
    if areas.is_empty() {
        return None;
    }
    let mut lines = vec![
        "The crate's cargo features, one per page (area) of the vendor's API reference, \
         written by `cargo xtask generate`."
            .to_string(),
        String::new(),
        format!(
            "Every area is on by default (the `{ALL}` feature). To compile only the areas \
             you call, turn the default features off and name them: \
             `default-features = false, features = [\"{}\"]`. An operation's types, \
             builders and mocks are built with its area; a type two areas use is built \
             when either is on.",
            areas.features.keys().next().map_or("", String::as_str)
        ),
        String::new(),
        "| feature | page | operations |".to_string(),
        "| --- | --- | --- |".to_string(),
    ];
    for (feature, area) in &areas.features {
        let methods: Vec<String> = area.methods.iter().map(|m| format!("`{m}`")).collect();
        lines.push(format!(
            "| `{feature}` | `{}` | {} |",
            area.page,
            methods.join(", ")
        ));
    }
    let docs = lines.iter().map(|line| format!(" {line}"));
    Some(syn::parse_quote! {
        #(#[doc = #docs])*
        pub mod features {}
    })
}

/// A page's feature: its file name without the extension, in lowercase
/// ASCII letters, digits and `-` (any other character, or a run of them,
/// becomes one `-`, none at either end), prefixed with `area-` when it would
/// not start with a letter. The same page always gives the same name:
/// `custom-objects.md` -> `custom-objects`, `Custom Objects (v2).md` ->
/// `custom-objects-v2`, `2fa.md` -> `area-2fa`.
pub fn feature_name(page: &str) -> String {
    let stem = page.rsplit_once('.').map_or(page, |(stem, _)| stem);
    let mut name = String::with_capacity(stem.len());
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.to_string()
    } else {
        format!("area-{name}").trim_end_matches('-').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn feature_names_are_derived_the_same_way_every_time() {
        assert_eq!(feature_name("s3.md"), "s3");
        assert_eq!(feature_name("custom-objects.md"), "custom-objects");
        assert_eq!(feature_name("automation2.md"), "automation2");
        assert_eq!(feature_name("Custom Objects (v2).md"), "custom-objects-v2");
        assert_eq!(feature_name("custom_objects.md"), "custom-objects");
        assert_eq!(feature_name("2fa.md"), "area-2fa");
        assert_eq!(feature_name("_private.md"), "private");
        assert_eq!(feature_name("--.md"), "area");
        assert_eq!(feature_name("édition.md"), "dition");
        assert_eq!(feature_name("records"), "records");
    }

    fn spec() -> Value {
        json!({"paths": {
            "/a": {"get": {"operationId": "a_list"}, "post": {"operationId": "a_create"}},
            "/b": {"get": {"operationId": "b_retrieve"}},
            "/c": {"get": {"operationId": "c_retrieve"}}
        }})
    }

    fn file_of(pointer: &str) -> Option<String> {
        match pointer {
            "/paths/~1a/get" | "/paths/~1a/post" => Some("openapi/a.json".into()),
            "/paths/~1b/get" => Some("openapi/b.json".into()),
            _ => None,
        }
    }

    #[test]
    fn each_operation_gets_its_pages_feature() {
        let pages = BTreeMap::from([
            (
                "openapi/a.json".to_string(),
                "custom-objects.md".to_string(),
            ),
            ("openapi/b.json".to_string(), "records.md".to_string()),
            // Its operations were removed (by an overlay, say): none comes
            // from it any more, so it gets no feature.
            (
                "openapi/gone.json".to_string(),
                "automations.md".to_string(),
            ),
        ]);
        let areas = Areas::of(&spec(), &file_of, &pages).unwrap();
        assert_eq!(
            areas.features.keys().collect::<Vec<_>>(),
            ["custom-objects", "records"]
        );
        assert_eq!(areas.by_method["a_create"], "custom-objects");
        assert_eq!(areas.by_method["b_retrieve"], "records");
        // From no known page: no feature, always built.
        assert!(!areas.by_method.contains_key("c_retrieve"));
    }

    #[test]
    fn two_pages_with_one_feature_name_are_an_error_naming_both() {
        let pages = BTreeMap::from([
            (
                "openapi/a.json".to_string(),
                "custom-objects.md".to_string(),
            ),
            (
                "openapi/b.json".to_string(),
                "custom_objects.md".to_string(),
            ),
        ]);
        let message = Areas::of(&spec(), &file_of, &pages)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("`custom-objects.md` and `custom_objects.md` would both be the cargo feature `custom-objects`"),
            "{message}"
        );
    }

    #[test]
    fn a_feature_the_manifest_already_has_is_an_error() {
        let pages = BTreeMap::from([("openapi/a.json".to_string(), "upload.md".to_string())]);
        let areas = Areas::of(&spec(), &file_of, &pages).unwrap();
        let used = BTreeSet::from(["upload".to_string(), "rustls".to_string()]);
        let message = areas
            .check_free(&used, "kizen-api/Cargo.toml")
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("the page `upload.md` is the cargo feature `upload`"),
            "{message}"
        );
        let pages = BTreeMap::from([("openapi/a.json".to_string(), "areas.md".to_string())]);
        let areas = Areas::of(&spec(), &file_of, &pages).unwrap();
        assert!(areas.check_free(&BTreeSet::new(), "Cargo.toml").is_err());
    }
}
