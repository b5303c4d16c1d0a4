//! The vendor's additions are compatible versions, and the Rust API proves
//! it: specs generated into a crate and documented as rustdoc JSON
//! (`cargo xtask semver-check`'s scratch crate), compared item by item,
//! beside the OpenAPI diff's verdict.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use semver::Version;
use serde_json::{Value, json};
use xtask::cmd::semver::{Scratch, verdict};
use xtask::pages::import;
use xtask::pipeline::{self, Input};
use xtask::reports::diff::{self, rules::Bump};
use xtask::reports::rust_api;

mod common;

/// The merged spec of the S3 fixture with `pages` imported beside it.
fn spec(dir: &Path, pages: &[&str]) -> Value {
    let openapi = dir.join("openapi");
    common::fixture_openapi(&openapi);
    for page in pages {
        import::plan_file(&common::fixtures().join(page), &openapi)
            .and_then(|plan| plan.apply())
            .unwrap();
    }
    pipeline::run(Input::folder(&openapi), None, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .value
}

fn spec_bump(old: &Value, new: &Value) -> Option<Bump> {
    diff::compare(old, new).iter().map(|c| c.rule.bump).max()
}

/// The Object Types page's operation.
const OPERATION: &str = "/paths/~1api~1custom-objects~1{id}~1type/get";

#[test]
fn additions_are_compatible_versions_a_removal_is_not_and_the_rust_api_agrees() {
    let s3 = spec(tempfile::tempdir().unwrap().path(), &[]);
    let base = spec(tempfile::tempdir().unwrap().path(), &["object-types.md"]);
    let with_objects = spec(tempfile::tempdir().unwrap().path(), &["custom-objects.md"]);

    // The vendor adds an enum value, an optional response property, an
    // optional query parameter and an error status.
    let mut added = base.clone();
    added
        .pointer_mut("/components/schemas/ObjectTypeEnum/enum")
        .and_then(Value::as_array_mut)
        .unwrap()
        .push(json!("workflow"));
    added
        .pointer_mut("/components/schemas/CustomObjectType/properties")
        .and_then(Value::as_object_mut)
        .unwrap()
        .insert("color".into(), json!({"type": "string"}));
    added
        .pointer_mut(&format!("{OPERATION}/parameters"))
        .and_then(Value::as_array_mut)
        .unwrap()
        .push(
            json!({"in": "query", "name": "include_archived", "required": false,
            "schema": {"type": "boolean"}}),
        );
    // And an error status, to an operation that documented none (its
    // errors were an alias of the enum shared with S3's confirmation).
    added
        .pointer_mut(&format!("{OPERATION}/responses"))
        .and_then(Value::as_object_mut)
        .unwrap()
        .insert(
            "404".into(),
            json!({"description": "No such object.", "content": {"application/json":
                {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}}}),
        );
    // The vendor removes a response property.
    let mut removed = base.clone();
    removed
        .pointer_mut("/components/schemas/CustomObjectType/properties")
        .and_then(Value::as_object_mut)
        .unwrap()
        .remove("name");
    removed
        .pointer_mut("/components/schemas/CustomObjectType/required")
        .and_then(Value::as_array_mut)
        .unwrap()
        .retain(|r| r != "name");

    // The OpenAPI diff's verdicts.
    assert_eq!(spec_bump(&base, &added), Some(Bump::Minor));
    assert_eq!(spec_bump(&base, &removed), Some(Bump::Major));
    // A page that only adds operations: not breaking (the merge moved the
    // documents' security onto each operation; none changed).
    let page = diff::compare(&s3, &with_objects);
    assert_eq!(
        page.iter().map(|c| c.rule.bump).max(),
        Some(Bump::Minor),
        "{page:#?}"
    );

    // The Rust API's, on the generated crate.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut scratch = Scratch::new(&root, &root.join("target/rust-api-tests")).unwrap();
    let [s3, with_objects, base, added, removed] =
        [&s3, &with_objects, &base, &added, &removed].map(|s| scratch.document(s).unwrap());
    let released = Version::new(0, 2, 0);
    let compatible = Version::new(0, 2, 1);

    let additions = rust_api::compare(&base, &added);
    assert_eq!(rust_api::needed(&additions), Bump::Minor, "{additions:#?}");
    for item in [
        "variant kizen_api::generated::types::ObjectTypeEnum::Workflow",
        "field kizen_api::generated::types::CustomObjectType::color",
        "method kizen_api::generated::builder::CustomObjectsTypeRetrieve::include_archived",
        "variant kizen_api::generated::errors::CustomObjectsTypeRetrieveError::Status404",
    ] {
        assert!(
            additions.iter().any(|c| c.item == item),
            "{item} not among {additions:#?}"
        );
    }
    assert_eq!(verdict(&released, &compatible, &additions), Ok(()));

    let removal = rust_api::compare(&base, &removed);
    assert_eq!(rust_api::needed(&removal), Bump::Major, "{removal:#?}");
    let refused = verdict(&released, &compatible, &removal).unwrap_err();
    assert!(
        refused.contains("field kizen_api::generated::types::CustomObjectType::name: removed"),
        "{refused}"
    );
    assert!(refused.contains("needs 0.3.0"), "{refused}");
    assert_eq!(verdict(&released, &Version::new(0, 3, 0), &removal), Ok(()));

    let page = rust_api::compare(&s3, &with_objects);
    assert_eq!(rust_api::needed(&page), Bump::Minor, "{page:#?}");
}
