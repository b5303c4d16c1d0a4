//! Reads the stored vendor documents of an `openapi/` folder.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
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
    let mut paths = document_paths(dir)?;
    paths.sort();
    if paths.is_empty() {
        return Err(Error::NoDocuments(dir.to_path_buf()));
    }
    let one = |path: &PathBuf| {
        let text = read(path)?;
        let file = crate::pipeline::display_name(dir, path);
        Ok(Document {
            value: parse_json(Path::new(&file), &text)?,
            file,
        })
    };
    // Reading and parsing hundreds of documents is the bulk of loading: split
    // it over the cores. Order (and so every output) stays that of `paths`.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = paths.len().div_ceil(threads).max(16);
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(one).collect::<Result<Vec<_>>>()))
            .collect();
        let mut documents = Vec::with_capacity(paths.len());
        for worker in workers {
            let part = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            documents.extend(part);
        }
        Ok(documents)
    })
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
