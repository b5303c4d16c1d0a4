//! Reads the stored vendor documents of an `openapi/` folder, with those of
//! pages being imported in the same pass taking their place.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::base::{files, json, layout};

/// One vendor document: a complete OpenAPI file for one endpoint.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name shown in messages, e.g. `openapi/x.json`.
    pub file: String,
    pub value: Value,
}

/// The documents of `dir`, sorted by file name, as they will be once the
/// files named in `replaced` are rewritten (or deleted) and `extra` stored:
/// a stored document named in `replaced` is skipped, `extra` joins.
pub fn documents(
    dir: &Path,
    replaced: &BTreeSet<String>,
    extra: Vec<Document>,
) -> Result<Vec<Document>> {
    let mut paths = Vec::new();
    for path in layout::document_paths(dir)? {
        if !replaced.contains(layout::file_name(&path)?) {
            paths.push(path);
        }
    }
    // Sequential: on the 193-document bench, loading, importing and
    // repairing on every core gained nothing measurable (docs/benchmarks.md).
    let mut documents = paths
        .iter()
        .map(|path| {
            let file = layout::display_name(dir, layout::file_name(path)?);
            let value = json::parse(&file, &files::read(path)?, 0)?;
            Ok(Document { file, value })
        })
        .collect::<Result<Vec<_>>>()?;
    documents.extend(extra);
    if documents.is_empty() {
        return Err(Error::NoDocuments(dir.to_path_buf()));
    }
    documents.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(documents)
}
