//! Kizen's next reference pages, as fixtures that reproduce each quirk the
//! vendor's Records, Custom Objects and Activities pages show (see the
//! comment atop each fixture for what is quoted and what is ours), imported
//! beside the S3 page: they generate, and the generated crate compiles.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::import;
use xtask::layout::{CLIENT_FILE, SPEC_FILE};
use xtask::pipeline::{self, Input, Run};

mod common;

/// `openapi/` with the S3, Records and Custom Objects fixtures imported.
fn project(dir: &Path) -> PathBuf {
    let openapi = dir.join("openapi");
    common::fixture_openapi(&openapi);
    for page in ["records.md", "custom-objects.md"] {
        import::plan_file(&common::fixtures().join(page), &openapi)
            .and_then(|plan| plan.apply())
            .unwrap();
    }
    openapi
}

/// A copy of `kizen-api` at `dest`,
/// as a workspace of its own.
fn crate_copy(dest: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let krate = dest.join("kizen-api");
    copy_dir(&root.join("kizen-api"), &krate);
    // The workspace manifest, with this crate its only member; the README
    // the crate includes as doctests.
    let workspace = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .replace(
            r#"members = ["kizen-api", "xtask"]"#,
            r#"members = ["kizen-api"]"#,
        );
    std::fs::write(dest.join("Cargo.toml"), workspace).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dest.join("Cargo.lock")).unwrap();
    std::fs::copy(root.join("README.md"), dest.join("README.md")).unwrap();
    krate
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

fn generate(openapi: &Path, krate: &Path) -> Run {
    pipeline::run(Input::folder(openapi), Some(krate), None)
        .unwrap_or_else(|e| panic!("generation failed: {e}"))
}

#[test]
fn the_next_pages_generate_beside_s3() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = project(dir.path());
    let krate = crate_copy(dir.path());
    let run = generate(&openapi, &krate);

    // Both heading styles, under quotes with entities and continuations.
    let manifest = xtask::manifest::Manifest::load(&openapi).unwrap();
    let section = |name: &str| manifest.documents[name].section.as_str();
    assert_eq!(
        section("records_field_values_list.json"),
        "List values for record field"
    );
    assert_eq!(section("records_retrieve.json"), "Get a record");
    assert_eq!(
        section("custom_objects_list.json"),
        "GET /api/custom-objects"
    );

    let warnings: Vec<String> = run.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("next_pages_warnings", warnings.join("\n"));

    // Each operation keeps its own document's security: S3's accept
    // anonymous calls, the others require the credentials.
    let security: Vec<String> = xtask::walk::operations(&run.value)
        .map(|(path, method, op, _)| {
            format!(
                "{} {path}: {}",
                method.to_uppercase(),
                op.get("security")
                    .map_or("(default)".into(), Value::to_string)
            )
        })
        .collect();
    insta::assert_snapshot!("next_pages_security", security.join("\n"));
    assert!(run.value.get("security").is_none(), "no top-level default");

    let client = &run.output(CLIENT_FILE).unwrap().contents;
    assert!(
        client
            .contains("pub errors: ::std::option::Option<::std::vec::Vec<::std::string::String>>,"),
        "`errors` is not Option<Vec<String>>"
    );
    assert!(client.contains("pub struct ActivityObject2 {"));
    assert!(client.contains("A decimal number, as a string (format `decimal`)."));
    let spec: Value = serde_json::from_str(&run.output(SPEC_FILE).unwrap().contents).unwrap();
    assert_eq!(
        spec.pointer("/components/schemas/ActivityObject/properties/object/$ref"),
        Some(&Value::from("#/components/schemas/ActivityObject2"))
    );
}

/// The generated crate compiles: `cargo check` of a copy of `kizen-api`
/// with the client generated from the four pages. (Its own target folder,
/// under this workspace's, kept between runs.)
#[test]
fn the_generated_crate_compiles() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = project(dir.path());
    let krate = crate_copy(dir.path());
    let run = generate(&openapi, &krate);
    xtask::files::write(&run.outputs).unwrap();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/next-pages-check");
    let out = Command::new(env!("CARGO"))
        .current_dir(dir.path())
        .args(["check", "--quiet", "--offline", "-p", "kizen-api", "--lib"])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the generated crate does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A crate without a dependency the generated code needs (`regress`, for
/// the `pattern`) is refused before anything is written.
#[test]
fn a_missing_dependency_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = project(dir.path());
    let krate = crate_copy(dir.path());
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("regress"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(text, without, "kizen-api/Cargo.toml has no regress line");
    std::fs::write(&manifest, without).unwrap();
    let err = pipeline::run(Input::folder(&openapi), Some(&krate), None)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the generated code uses the crate(s) regress, which")
            && err.contains("kizen-api/Cargo.toml does not depend on"),
        "{err}"
    );
    assert!(!krate.join(CLIENT_FILE).exists(), "a file was written");
}
