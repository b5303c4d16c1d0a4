//! The `openapi/` folder, read once: the stored vendor documents (their
//! bytes, as the manifest hashes them), the manifest and the overlay. Every
//! stage after it works on this value; none reads the folder again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::error::Result;
use crate::base::{files, layout};
use crate::pages::manifest::Manifest;
use crate::spec::load;
use crate::spec::load::Document;
use crate::spec::overlay::{self, Overlay};

#[derive(Debug, Clone)]
pub struct Folder {
    pub path: PathBuf,
    /// Each stored vendor document's bytes, by file name (sorted).
    pub stored: BTreeMap<String, Vec<u8>>,
    pub manifest: Manifest,
    /// The overlay, if the folder has one: its display name and document.
    pub overlay: Option<(String, Overlay)>,
}

impl Folder {
    /// Reads `openapi`: its documents, manifest (empty when there is none
    /// yet) and overlay.
    pub fn read(openapi: &Path) -> Result<Self> {
        let stored = layout::read_documents(openapi)?;
        let overlay = match layout::overlay(openapi)? {
            Some(path) => {
                let file = layout::display_name(openapi, layout::file_name(&path)?);
                Some((file, overlay::parse(&path, &files::read(&path)?)?))
            }
            None => None,
        };
        Ok(Folder {
            path: openapi.to_path_buf(),
            stored,
            manifest: Manifest::load(openapi)?,
            overlay,
        })
    }

    /// Whether the stored document `name` holds exactly `contents`.
    pub fn holds(&self, name: &str, contents: &[u8]) -> bool {
        self.stored.get(name).is_some_and(|b| b == contents)
    }

    /// Differences between the manifest and the stored documents (see
    /// [`Manifest::verify`]).
    pub fn verify(&self) -> Vec<String> {
        self.manifest.verify_stored(&self.path, &self.stored)
    }

    /// The stored documents, parsed, but those named in `replaced`.
    pub fn documents(
        &self,
        replaced: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<Document>> {
        self.stored
            .iter()
            .filter(|(name, _)| !replaced.contains(*name))
            .map(|(name, bytes)| load::parse(&self.path, name, bytes))
            .collect()
    }
}
