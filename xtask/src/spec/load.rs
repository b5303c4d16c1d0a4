//! Reads the stored vendor documents of an `openapi/` folder, with those of
//! pages being imported in the same pass taking their place.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::base::{json, layout};

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
    let stored = layout::read_documents(dir)?
        .iter()
        .filter(|(name, _)| !replaced.contains(*name))
        .map(|(name, bytes)| parse(dir, name, bytes))
        .collect::<Result<Vec<_>>>()?;
    join(dir, stored, extra)
}

/// The stored document `name` of `dir`, from its `bytes`.
pub fn parse(dir: &Path, name: &str, bytes: &[u8]) -> Result<Document> {
    let file = layout::display_name(dir, name);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::io(
            dir.join(name),
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })?;
    let value = json::parse(&file, text, 0)?;
    Ok(Document { file, value })
}

/// `stored` (parsed) and `extra`, sorted by file name; an error when there
/// is none.
// Sequential: on the 193-document bench, loading, importing and repairing
// on every core gained nothing measurable (docs/benchmarks.md).
pub fn join(dir: &Path, mut stored: Vec<Document>, extra: Vec<Document>) -> Result<Vec<Document>> {
    stored.extend(extra);
    if stored.is_empty() {
        return Err(Error::NoDocuments(dir.to_path_buf()));
    }
    stored.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(stored)
}
