//! Reads the stored vendor documents of an `openapi/` folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::import::Plan;
use crate::manifest::MANIFEST;
use crate::overlay::OVERLAY_NAMES;

/// One stored vendor document: a complete OpenAPI file for one endpoint.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name shown in messages: the path as given (e.g. `openapi/x.json`).
    pub file: String,
    pub value: Value,
}

/// The `*.json` documents of `dir`, sorted by file name; the manifest and
/// overlay files are ours, not documents.
pub fn documents(dir: &Path) -> Result<Vec<Document>> {
    documents_replacing(dir, &mut [])
}

/// The documents of `dir` as they will be once `plans` are applied: each
/// plan's documents replace (or add to) those on disk, and the documents it
/// would delete are gone. The plans' documents are moved out of them.
pub fn documents_replacing(dir: &Path, plans: &mut [Plan]) -> Result<Vec<Document>> {
    let planned: BTreeSet<&str> = plans.iter().flat_map(Plan::names).collect();
    let mut paths: Vec<PathBuf> = document_paths(dir)?
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !planned.contains(name)
        })
        .collect();
    paths.sort();
    let mut documents = read_all(dir, &paths)?;
    documents.extend(
        plans
            .iter_mut()
            .flat_map(|p| std::mem::take(&mut p.documents)),
    );
    if documents.is_empty() {
        return Err(Error::NoDocuments(dir.to_path_buf()));
    }
    documents.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(documents)
}

/// Reads and parses `paths`, in order.
fn read_all(dir: &Path, paths: &[PathBuf]) -> Result<Vec<Document>> {
    let one = |path: &PathBuf| {
        let text = read(path)?;
        let file = crate::pipeline::display_name(dir, path);
        Ok(Document {
            value: parse_json(Path::new(&file), &text)?,
            file,
        })
    };
    // Reading and parsing hundreds of documents is the bulk of loading.
    crate::par::try_map(paths, crate::par::cores(), 16, one)
}

/// The paths of the documents in `dir`, unsorted.
pub fn document_paths(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let ours = name == MANIFEST || OVERLAY_NAMES.contains(&name);
        if path.extension().is_some_and(|e| e == "json") && !ours && path.is_file() {
            paths.push(path);
        }
    }
    Ok(paths)
}

pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Parses JSON text, reporting a failure as `file:line:column`.
pub fn parse_json(path: &Path, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| malformed(path, &e, 0))
}

/// A serde_json error as [`Error::MalformedJson`], its line shifted by
/// `line_offset` (for JSON embedded in a larger file, such as a page).
pub fn malformed(path: &Path, e: &serde_json::Error, line_offset: usize) -> Error {
    let message = e.to_string();
    // serde_json appends " at line L column C"; we print the location up front.
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    Error::MalformedJson {
        path: path.to_path_buf(),
        line: e.line() + line_offset,
        column: e.column(),
        message,
    }
}
