//! Schema drift shows up here: the merged spec, the client's API surface and
//! the repair warnings are snapshots, so any change to a stored document (or
//! to the pipeline) fails `cargo test` with a reviewable diff until accepted
//! with `cargo insta review` and regenerated with `cargo xtask generate`.

// Test helpers may panic: a failed set-up is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use xtask::{pipeline, surface, write};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generated() -> (Vec<write::Output>, Vec<xtask::Warning>) {
    pipeline::outputs(&root().join("openapi"), &root().join("kizen-api"))
        .unwrap_or_else(|e| panic!("the pipeline failed on openapi/: {e}"))
}

fn contents<'a>(outputs: &'a [write::Output], name: &str) -> &'a str {
    outputs
        .iter()
        .find(|o| o.path.ends_with(name))
        .map(|o| o.contents.as_str())
        .unwrap_or_else(|| panic!("no output {name}"))
}

#[test]
fn merged_spec() {
    let (outputs, _) = generated();
    insta::assert_snapshot!("merged_spec", contents(&outputs, pipeline::SPEC_FILE));
}

#[test]
fn api_surface() {
    let (outputs, _) = generated();
    let surface = surface::render(contents(&outputs, pipeline::CLIENT_FILE)).unwrap();
    insta::assert_snapshot!("api_surface", surface);
}

#[test]
fn repair_and_merge_warnings() {
    let (_, warnings) = generated();
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("warnings", text.join("\n"));
}

/// The committed generated files are what the pipeline produces now
/// (the same check as `cargo xtask generate --check`).
#[test]
fn committed_files_are_up_to_date() {
    let (outputs, _) = generated();
    let stale = write::stale(&outputs);
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

/// Same inputs, same bytes: two runs agree, and so do runs that merge the
/// documents in a different order.
#[test]
fn generation_is_deterministic() {
    let (first, _) = generated();
    let (second, _) = generated();
    assert_eq!(first, second);

    let mut docs = xtask::load::documents(&root().join("openapi")).unwrap();
    xtask::repair::documents(&mut docs);
    let forward = xtask::merge::documents(docs.clone()).unwrap();
    docs.reverse();
    let backward = xtask::merge::documents(docs).unwrap();
    assert_eq!(
        xtask::json::pretty(&forward.spec),
        xtask::json::pretty(&backward.spec)
    );
}
