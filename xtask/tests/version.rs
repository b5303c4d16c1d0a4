//! The crate's version keeps its promises: `generate --check` fails when
//! the version does not follow the API changes since the last release,
//! naming the change and the version needed; `generate` writes them into
//! the changelog; `release` records a release.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use xtask::reports::version::NEW_CHANGELOG;

/// A fixture project (`openapi/` from the S3 fixture page, and a crate whose
/// manifest is kizen-api's) whose last release had the spec `released`.
fn project(dir: &Path, released: &Value, version: &str) -> (PathBuf, PathBuf) {
    let openapi = dir.join("openapi");
    common::fixture_openapi(&openapi);
    let krate = dir.join("kizen-api");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::fs::read_to_string(root.join("kizen-api/Cargo.toml")).unwrap();
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    set_version(&krate, version);
    std::fs::write(
        krate.join("released.json"),
        serde_json::to_string_pretty(released).unwrap(),
    )
    .unwrap();
    std::fs::write(krate.join("CHANGELOG.md"), NEW_CHANGELOG).unwrap();
    (openapi, krate)
}

/// Sets `package.version`; the release table says 0.1.0.
fn set_version(krate: &Path, version: &str) {
    let path = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    let mut in_package = false;
    let mut in_release = false;
    for line in text.lines() {
        if line.starts_with('[') {
            in_package = line == "[package]";
            in_release = line == "[package.metadata.release]";
        }
        if in_package && line.starts_with("version = ") {
            out.push_str(&format!("version = \"{version}\"\n"));
        } else if in_release && line.starts_with("version = ") {
            out.push_str("version = \"0.1.0\"\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(&path, out).unwrap();
}

fn xtask(openapi: &Path, krate: &Path, args: &[&str]) -> (Output, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--openapi")
        .arg(openapi)
        .arg("--crate")
        .arg(krate)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

fn changelog(krate: &Path) -> String {
    std::fs::read_to_string(krate.join("CHANGELOG.md")).unwrap()
}

#[test]
fn an_unchanged_api_keeps_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), &common::fixture_spec(), "0.1.0+1.0.0");
    let (out, err) = xtask(&openapi, &krate, &["generate"]);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("version: no API change since the released 0.1.0"),
        "{err}"
    );
    assert!(changelog(&krate).contains("## Unreleased\n\nNo API change since 0.1.0.\n"));
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(out.status.success(), "{err}");
}

/// Breaking while 0.x: the minor digit. Then a release records it.
#[test]
fn a_removed_operation_needs_the_next_minor_while_0x_then_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let mut released = common::fixture_spec();
    released["paths"]["/api/s3/legacy"] = json!({"get": {
        "operationId": "s3_legacy_retrieve",
        "responses": {"204": {"description": "gone soon"}}
    }});
    let (openapi, krate) = project(dir.path(), &released, "0.1.0+1.0.0");

    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("version 0.1.0+1.0.0 breaks the crate's promise: since the released 0.1.0, GET /api/s3/legacy")
            && err.contains("(`operation-removed`, a major change: minor while 0.x), which needs 0.2.0 or later")
            && err.contains("set `version = \"0.2.0+1.0.0\"`"),
        "{err}"
    );

    // `generate` writes the files, says what is needed, and lists the change.
    let (out, err) = xtask(&openapi, &krate, &["generate"]);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("is major: 0.2.0 or later (kizen-api is 0.1.0+1.0.0)"),
        "{err}"
    );
    let log = changelog(&krate);
    assert!(
        log.contains("a major change, so the next release is 0.2.0 or later"),
        "{log}"
    );
    assert!(
        log.contains("| breaking | `operation-removed` | GET /api/s3/legacy |"),
        "{log}"
    );

    set_version(&krate, "0.2.0+1.0.0");
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(out.status.success(), "{err}");

    let (out, err) = xtask(&openapi, &krate, &["release"]);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        std::fs::read_to_string(krate.join("released.json")).unwrap(),
        std::fs::read_to_string(krate.join("openapi.json")).unwrap()
    );
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("[package.metadata.release]\nversion = \"0.2.0\"\n"),
        "{manifest}"
    );
    let log = changelog(&krate);
    assert!(
        log.contains("<!-- unreleased:end -->\n\n## 0.2.0\n\nAPI changes since 0.1.0"),
        "{log}"
    );

    // The next entry starts empty, and the check holds.
    let (out, err) = xtask(&openapi, &krate, &["generate"]);
    assert!(out.status.success(), "{err}");
    assert!(changelog(&krate).contains("No API change since 0.2.0."));
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(out.status.success(), "{err}");
}

/// New API while 0.x: the patch digit.
#[test]
fn an_added_operation_needs_the_next_patch_while_0x() {
    let dir = tempfile::tempdir().unwrap();
    let mut released = common::fixture_spec();
    released["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/api/s3/success");
    let (openapi, krate) = project(dir.path(), &released, "0.1.0+1.0.0");
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("POST /api/s3/success")
            && err.contains("(`operation-added`, a minor change), which needs 0.1.1 or later"),
        "{err}"
    );
    set_version(&krate, "0.1.1+1.0.0");
    xtask(&openapi, &krate, &["generate"]);
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(out.status.success(), "{err}");
}

#[test]
fn the_vendor_api_version_is_the_build_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), &common::fixture_spec(), "0.1.0");
    xtask(&openapi, &krate, &["generate"]);
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("should carry the vendor's API version `1.0.0` (info.version) as build metadata; set `version = \"0.1.0+1.0.0\"`"),
        "{err}"
    );
}

#[test]
fn a_release_of_an_unchanged_version_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), &common::fixture_spec(), "0.1.0+1.0.0");
    xtask(&openapi, &krate, &["generate"]);
    let before = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    let (out, err) = xtask(&openapi, &krate, &["release"]);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("0.1.0 is already the released version"),
        "{err}"
    );
    assert_eq!(
        before,
        std::fs::read_to_string(krate.join("Cargo.toml")).unwrap()
    );
}

/// A folder for the mocks beside the project at `dir`, with the real mocks'
/// manifest and its own version line (whatever the release), for a test
/// to edit and write.
fn mocks_beside(dir: &Path) -> (std::path::PathBuf, String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mocks = dir.join("kizen-api-httpmock");
    std::fs::create_dir_all(mocks.join("src")).unwrap();
    let manifest = std::fs::read_to_string(root.join("kizen-api-httpmock/Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|l| l.starts_with("version = "))
        .unwrap_or_else(|| panic!("no version line: {manifest}"))
        .to_string();
    (mocks, manifest, line)
}

/// The mocks are generated from the same spec: they carry the same version.
#[test]
fn the_mocks_carry_the_clients_version() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), &common::fixture_spec(), "0.1.0+1.0.0");
    let (mocks, manifest, line) = mocks_beside(dir.path());
    std::fs::write(
        mocks.join("Cargo.toml"),
        manifest.replacen(&line, "version = \"0.0.9\"", 1),
    )
    .unwrap();
    xtask(&openapi, &krate, &["generate"]);
    assert!(
        mocks.join("src/generated.rs").is_file(),
        "no mocks generated"
    );
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("kizen-api-httpmock/Cargo.toml has version 0.0.9, but it is generated from the same spec")
            && err.contains("set `version = \"0.1.0+1.0.0\"` in both"),
        "{err}"
    );
}

/// A published companion names the client's version it was generated
/// with: a requirement the current version does not meet is refused.
#[test]
fn the_mocks_require_the_clients_version() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), &common::fixture_spec(), "0.1.0+1.0.0");
    let (mocks, manifest, version) = mocks_beside(dir.path());
    let requirement = manifest
        .lines()
        .find(|l| l.starts_with("kizen-api = "))
        .unwrap_or_else(|| panic!("no kizen-api dependency: {manifest}"));
    let stale = requirement
        .split("version = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the dependency has no version: {requirement}"));
    let written = manifest
        .replacen(&version, "version = \"0.1.0+1.0.0\"", 1)
        .replacen(&format!("version = \"{stale}\""), "version = \"0.0.1\"", 1);
    std::fs::write(mocks.join("Cargo.toml"), written).unwrap();
    xtask(&openapi, &krate, &["generate"]);
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("kizen-api-httpmock/Cargo.toml requires")
            && err.contains("`0.0.1`, which 0.1.0 does not meet"),
        "{err}"
    );
}

/// A release that needs a newer Rust says so: the Unreleased entry names
/// the new `rust-version`, the version must move, and the release records
/// it for the next one.
#[test]
fn a_raised_rust_version_is_in_the_changelog_and_needs_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), &common::fixture_spec(), "0.1.0+1.0.0");
    // The crate inherits `rust-version` from the workspace above it.
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[workspace]\n\n[workspace.package]\nrust-version = \"1.90\"\n",
    )
    .unwrap();
    let (out, err) = xtask(&openapi, &krate, &["generate"]);
    assert!(out.status.success(), "{err}");
    let log = changelog(&krate);
    assert!(
        log.contains("No API change since 0.1.0.\n\n**Requires Rust 1.90 or newer** (`rust-version`; 0.1.0 required 1.88).\n"),
        "{log}"
    );
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("rust-version is 1.90, but 0.1.0 was released with 1.88: a release that changes the Rust it needs is a new version; set `version = \"0.1.1+1.0.0\"`"),
        "{err}"
    );

    set_version(&krate, "0.1.1+1.0.0");
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(out.status.success(), "{err}");
    let (out, err) = xtask(&openapi, &krate, &["release"]);
    assert!(out.status.success(), "{err}");
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    assert!(
        manifest
            .contains("[package.metadata.release]\nversion = \"0.1.1\"\nrust-version = \"1.90\"\n"),
        "{manifest}"
    );
    assert!(
        changelog(&krate)
            .contains("## 0.1.1\n\nNo API change since 0.1.0.\n\n**Requires Rust 1.90 or newer**"),
        "{}",
        changelog(&krate)
    );
    // Recorded: the next entry no longer mentions it.
    xtask(&openapi, &krate, &["generate"]);
    let (out, err) = xtask(&openapi, &krate, &["generate", "--check"]);
    assert!(out.status.success(), "{err}");
    let log = changelog(&krate);
    let unreleased = log
        .split("<!-- unreleased:end -->")
        .next()
        .unwrap_or_default();
    assert!(!unreleased.contains("Requires Rust"), "{log}");
}
