//! Schema drift shows up here, and only here: the merged spec, the client's
//! API surface and the repair warnings of the live `openapi/` are snapshots,
//! so any change to a stored document (or to the pipeline) fails
//! `cargo test` with a reviewable diff. Each failure says what to run.

// Test helpers may panic: a failed set-up is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::base::layout::{CLIENT_FILE, SPEC_FILE};
use xtask::pages::manifest::Manifest;
use xtask::pipeline::{self, Input, Run};
use xtask::{base::files, reports::surface};

/// What to do when a snapshot below fails after a vendor change.
const ACCEPT: &str = "the vendor's documents (or the pipeline) changed: review with \
    `cargo insta review`, then run `cargo xtask generate` and commit openapi/, kizen-api/ \
    and the snapshots together";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generated() -> Run {
    pipeline::run(
        Input::folder(&root().join("openapi")),
        Some(&root().join("kizen-api")),
        None,
    )
    .unwrap_or_else(|e| panic!("the pipeline failed on openapi/: {e}"))
}

fn contents<'a>(run: &'a Run, name: &str) -> &'a str {
    &run.output(name).unwrap().contents
}

#[test]
fn merged_spec() {
    let run = generated();
    insta::with_settings!({description => ACCEPT}, {
        insta::assert_snapshot!("merged_spec", contents(&run, SPEC_FILE));
    });
}

#[test]
fn api_surface() {
    let run = generated();
    let surface = surface::render(contents(&run, CLIENT_FILE)).unwrap();
    insta::with_settings!({description => ACCEPT}, {
        insta::assert_snapshot!("api_surface", surface);
    });
}

#[test]
fn repair_and_merge_warnings() {
    let run = generated();
    let text: Vec<String> = run.warnings.iter().map(ToString::to_string).collect();
    insta::with_settings!({description => ACCEPT}, {
        insta::assert_snapshot!("warnings", text.join("\n"));
    });
}

/// The committed generated files are what the pipeline produces now
/// (the same check as `cargo xtask generate --check`).
#[test]
fn committed_files_are_up_to_date() {
    let stale = files::stale(&generated().outputs).unwrap();
    let report: Vec<String> = stale
        .iter()
        .map(|s| format!("stale: {}\n{}", s.path.display(), s.diff))
        .collect();
    assert!(
        report.is_empty(),
        "run `cargo xtask generate`:\n{}",
        report.join("\n")
    );
}

/// Every stored document is as imported (the manifest check of
/// `cargo xtask generate --check`).
#[test]
fn stored_documents_match_the_manifest() {
    let openapi = root().join("openapi");
    let problems = Manifest::load(&openapi).unwrap().verify(&openapi).unwrap();
    assert!(
        problems.is_empty(),
        "re-import the vendor page (`cargo xtask import PAGE` or `cargo xtask fetch`):\n{}",
        problems.join("\n")
    );
}

/// Same inputs, same bytes: two runs agree, and so do runs that merge the
/// documents in a different order.
#[test]
fn generation_is_deterministic() {
    let (first, second) = (generated(), generated());
    assert_eq!(first.outputs, second.outputs);

    let openapi = root().join("openapi");
    let mut docs = xtask::spec::load::documents(&openapi, &BTreeSet::new(), Vec::new()).unwrap();
    xtask::spec::repair::documents(&mut docs).unwrap();
    let forward = xtask::spec::merge::documents(docs.clone()).unwrap();
    docs.reverse();
    let backward = xtask::spec::merge::documents(docs).unwrap();
    assert_eq!(
        xtask::base::json::pretty(&forward.spec),
        xtask::base::json::pretty(&backward.spec)
    );
}

/// The README's feature table lists each area the pipeline gives a feature
/// (a new vendor page is a new area: document it there).
#[test]
fn the_readme_lists_every_area_feature() {
    let text = std::fs::read_to_string(root().join("kizen-api/Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    let areas = manifest["features"][xtask::codegen::features::ALL]
        .as_array()
        .expect("kizen-api/Cargo.toml has no generated `areas` feature");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for area in areas {
        let area = area.as_str().unwrap();
        assert!(
            readme.contains(&format!("| `{area}` |")),
            "the README's feature table has no row for the area `{area}`"
        );
    }
}
