//! `openapi/manifest.json`: where each stored document came from, and the
//! sha256 of its stored bytes, so that a hand edit of a vendor document is
//! caught (`generate --check`) instead of silently becoming "the vendor's API".

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::base::error::{Error, Result};
use crate::base::layout::{self, MANIFEST};
use crate::base::{files, json};

#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
pub struct Manifest {
    /// Stored file name -> provenance. A BTreeMap: written sorted.
    pub documents: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Entry {
    /// The vendor page (its file name) the document was imported from.
    pub page: String,
    /// The page heading above the document's JSON block.
    pub section: String,
    /// sha256 of the stored file's bytes, lowercase hex.
    pub sha256: String,
}

impl Manifest {
    /// The manifest of `dir`; an empty one if the folder has none yet.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(MANIFEST);
        if !path.exists() {
            return Ok(Self::default());
        }
        let name = path.display().to_string();
        let value = json::parse(&name, &files::read(&path)?, 0)?;
        serde_path_to_error::deserialize(&value).map_err(|e| {
            Error::invalid(
                name,
                json::pointer_of(e.path()),
                format!("not a manifest: {}", e.inner()),
            )
        })
    }

    /// The manifest file's text: sorted, pretty, stable.
    pub fn render(&self) -> String {
        let documents: serde_json::Map<String, Value> = self
            .documents
            .iter()
            .map(|(name, e)| {
                let entry = json!({"page": e.page, "section": e.section, "sha256": e.sha256});
                (name.clone(), entry)
            })
            .collect();
        json::pretty(&json!({ "documents": documents }))
    }

    /// Differences between the manifest and the documents on disk, one
    /// readable line each; empty when every document is as imported.
    pub fn verify(&self, dir: &Path) -> Result<Vec<String>> {
        Ok(self.verify_stored(dir, &layout::read_documents(dir)?))
    }

    /// [`Manifest::verify`] against `stored`, the documents of `dir` as read
    /// (file name -> bytes).
    pub fn verify_stored(&self, dir: &Path, stored: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, entry) in &self.documents {
            let path = dir.join(name);
            match stored.get(name) {
                Some(bytes) if sha256_hex(bytes) != entry.sha256 => problems.push(format!(
                    "{}: content does not match its manifest hash (edited by hand? \
                     vendor documents change only through `cargo xtask import`)",
                    path.display()
                )),
                Some(_) => {}
                None => problems.push(format!(
                    "{}: listed in {MANIFEST} but missing",
                    path.display()
                )),
            }
        }
        for name in stored.keys() {
            if !self.documents.contains_key(name) {
                problems.push(format!(
                    "{}: not in {MANIFEST}; documents are added by `cargo xtask import`",
                    dir.join(name).display()
                ));
            }
        }
        problems
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
