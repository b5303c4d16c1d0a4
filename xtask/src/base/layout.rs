//! The layout of the `openapi/` folder and of the client crate: which files
//! are ours (manifest, overlay, sources) and which are vendor documents, and
//! how a file is named in messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::error::{Error, Result};

/// Provenance of each stored document (see `manifest`).
pub const MANIFEST: &str = "manifest.json";
/// The vendor pages `cargo xtask fetch` downloads.
pub const SOURCES: &str = "sources.toml";
/// File names an overlay may have (at most one of them).
pub const OVERLAY_NAMES: &[&str] = &["overlay.yaml", "overlay.yml", "overlay.json"];

/// The merged spec, inside the client crate.
pub const SPEC_FILE: &str = "openapi.json";
/// The generated client, inside the client crate.
pub const CLIENT_FILE: &str = "src/generated.rs";

/// The typed mocks of the client crate `name` at `krate` live in a sibling
/// crate, `<name>-httpmock` (as oxide.rs's `oxide-httpmock`); generated
/// when that crate exists.
pub fn mock_crate(krate: &std::path::Path, name: &str) -> std::path::PathBuf {
    krate.with_file_name(format!("{name}-httpmock"))
}

/// The command line of the client crate `name` (`kizen-api`) at `krate`
/// lives in a sibling crate, `kizen-cli` (`<name>-cli`, an `-api` suffix
/// dropped, as oxide.rs's `oxide` CLI beside its SDK); generated when that
/// crate exists.
pub fn cli_crate(krate: &std::path::Path, name: &str) -> std::path::PathBuf {
    let stem = name.strip_suffix("-api").unwrap_or(name);
    krate.with_file_name(format!("{stem}-cli"))
}

/// Whether `name` in the `openapi/` folder is one of the pipeline's own
/// files rather than a vendor document.
pub fn is_reserved(name: &str) -> bool {
    name == MANIFEST || name == SOURCES || OVERLAY_NAMES.contains(&name)
}

/// The file name of `path` as text; an error (not an empty name) otherwise.
pub fn file_name(path: &Path) -> Result<&str> {
    path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        Error::invalid(
            path.display().to_string(),
            "",
            "expected a file with a UTF-8 name",
        )
    })
}

/// The vendor documents of `dir` (`*.json` but our own files), sorted.
pub fn document_paths(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let document = path.extension().is_some_and(|e| e == "json")
            && path.is_file()
            && !is_reserved(file_name(&path)?);
        if document {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// The bytes of each vendor document of `dir`, by file name (sorted).
pub fn read_documents(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut stored = BTreeMap::new();
    for path in document_paths(dir)? {
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        stored.insert(file_name(&path)?.to_string(), bytes);
    }
    Ok(stored)
}

/// The overlay file of `dir`, if there is one.
pub fn overlay(dir: &Path) -> Result<Option<PathBuf>> {
    let found: Vec<PathBuf> = OVERLAY_NAMES
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| p.is_file())
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        [first, second, ..] => Err(Error::invalid(
            second.display().to_string(),
            "",
            format!("a second overlay file beside {}; keep one", first.display()),
        )),
    }
}

/// `openapi/name` for the file `name` of folder `dir`: short, and the same
/// on every machine (whatever the absolute path of the checkout).
pub fn display_name(dir: &Path, name: &str) -> String {
    match dir.file_name() {
        Some(folder) => Path::new(folder).join(name).display().to_string(),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_and_display_names() {
        for name in [
            "manifest.json",
            "sources.toml",
            "overlay.yaml",
            "overlay.json",
        ] {
            assert!(is_reserved(name), "{name}");
        }
        assert!(!is_reserved("s3_success_create.json"));
        assert_eq!(
            display_name(Path::new("/x/y/openapi"), "a.json"),
            "openapi/a.json"
        );
    }
}
