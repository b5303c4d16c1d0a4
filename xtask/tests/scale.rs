//! A full vendor API, published the vendor's way: 193 operations, each its
//! own document repeating the schemas it uses, on one page. The pipeline
//! imports, merges and generates it, and the merge gives back exactly the
//! paths and components of the original single spec.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;
use xtask::{import, pipeline};

#[test]
fn the_split_nexus_api_merges_back_to_the_original_and_generates() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench");
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    std::fs::create_dir_all(&openapi).unwrap();

    let report = import::page(&bench.join("nexus.md"), &openapi).unwrap();
    assert_eq!(report.added.len(), 193);

    let (outputs, warnings) = pipeline::outputs(&openapi, &dir.path().join("crate")).unwrap();
    let merged: Value = serde_json::from_str(&outputs[0].contents).unwrap();
    let original: Value =
        serde_json::from_str(&std::fs::read_to_string(bench.join("nexus.json")).unwrap()).unwrap();
    assert_eq!(merged["paths"], original["paths"]);
    assert_eq!(merged["components"], original["components"]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let client = &outputs[1].contents;
    assert!(
        client.contains("pub fn disk_view(&self)"),
        "an operation of the spec is missing"
    );
    syn::parse_file(client).unwrap();
}
