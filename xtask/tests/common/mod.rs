//! Set-up shared by the integration tests. Every project they build comes
//! from the frozen fixtures (`tests/fixtures/s3.md` and `overlay.yaml`),
//! never from the live `openapi/`: a vendor change imported there fails the
//! snapshot tests only.

#![allow(dead_code)] // each test crate uses its own part of this module

use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::pipeline::{self, Input};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The S3 vendor page as published (the import and fetch fixture).
pub fn fixture_page() -> String {
    std::fs::read_to_string(fixtures().join("s3.md")).unwrap()
}

/// The sources a fixture project fetches.
pub const SOURCES: &str = "[[page]]\nurl = \"https://developer.kizen.com/api/s3.md\"\n";

/// Makes `dest` an `openapi/` folder as the fixtures make it: the S3 page
/// imported, its overlay and its sources.
pub fn fixture_openapi(dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    std::fs::copy(fixtures().join("overlay.yaml"), dest.join("overlay.yaml")).unwrap();
    std::fs::write(dest.join("sources.toml"), SOURCES).unwrap();
    xtask::import::plan_file(&fixtures().join("s3.md"), dest)
        .and_then(|plan| plan.apply())
        .unwrap();
}

/// The merged spec of the fixture project.
pub fn fixture_spec() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    fixture_openapi(&openapi);
    pipeline::run(Input::folder(&openapi), None, None)
        .unwrap()
        .value
}
