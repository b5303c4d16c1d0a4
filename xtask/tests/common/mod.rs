//! Set-up shared by the integration tests that drive the `xtask` binary.

use std::path::Path;

/// The S3 vendor page as published (the import and fetch fixture).
pub fn fixture_page() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/s3.md"))
        .unwrap()
}

/// Copies the project's committed `openapi/` folder into `dest`.
pub fn copy_openapi(dest: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi");
    std::fs::create_dir_all(dest).unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dest.join(path.file_name().unwrap())).unwrap();
    }
}
