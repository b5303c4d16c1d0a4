//! The client crate's files, read once, before any stage runs: its
//! manifest, its mocks' and command line's manifests, its last release and
//! its changelog.

use std::path::{Path, PathBuf};

use crate::base::error::Result;
use crate::base::{files, layout};
use crate::codegen::deps::CrateManifest;
use crate::reports::version::{CHANGELOG_FILE, RELEASED_FILE};

#[derive(Debug, Clone)]
pub struct CrateFiles {
    pub path: PathBuf,
    /// `Cargo.toml`, when the crate has one (a test may generate into a
    /// bare folder).
    pub manifest: Option<CrateManifest>,
    /// The mocks crate beside it (see `layout::mock_crate`), when there is
    /// one.
    pub mocks: Option<(PathBuf, CrateManifest)>,
    /// The command line crate beside it (see `layout::cli_crate`), when
    /// there is one.
    pub cli: Option<(PathBuf, CrateManifest)>,
    /// `released.json` (the spec of the last release): its name and text.
    pub released: Option<(String, String)>,
    /// `CHANGELOG.md`, when the crate records releases and has one.
    pub changelog: Option<String>,
}

impl CrateFiles {
    pub fn read(krate: &Path) -> Result<Self> {
        let manifest = CrateManifest::read(krate)?;
        let mut mocks = None;
        let mut cli = None;
        if let Some(name) = manifest.as_ref().and_then(|m| m.name.as_deref()) {
            let path = layout::mock_crate(krate, name);
            mocks = CrateManifest::read(&path)?.map(|m| (path, m));
            let path = layout::cli_crate(krate, name);
            cli = CrateManifest::read(&path)?.map(|m| (path, m));
        }
        let released_path = krate.join(RELEASED_FILE);
        let released = if manifest.is_some() && released_path.is_file() {
            let name = released_path.display().to_string();
            Some((name, files::read(&released_path)?))
        } else {
            None
        };
        let changelog_path = krate.join(CHANGELOG_FILE);
        let changelog = if released.is_some() && changelog_path.is_file() {
            Some(files::read(&changelog_path)?)
        } else {
            None
        };
        Ok(CrateFiles {
            path: krate.to_path_buf(),
            manifest,
            mocks,
            cli,
            released,
            changelog,
        })
    }
}
