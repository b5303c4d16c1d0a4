//! Writes outputs atomically, or compares them with what is on disk.
//!
//! Every output is computed in memory before the first write; then all are
//! staged as temporary files beside their targets and renamed into place, so
//! a failure leaves each existing file either untouched or wholly replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::error::{Error, Result};

/// A file to write: where, and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub contents: String,
}

/// Writes the outputs whose contents differ from disk; returns those paths.
pub fn files(outputs: &[Output]) -> Result<Vec<PathBuf>> {
    let changed: Vec<&Output> = outputs
        .iter()
        .filter(|o| std::fs::read(&o.path).ok().as_deref() != Some(o.contents.as_bytes()))
        .collect();
    let mut staged = Vec::new();
    for output in &changed {
        let dir = output
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
        temp.write_all(output.contents.as_bytes())
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| Error::io(temp.path(), e))?;
        staged.push((temp, &output.path));
    }
    for (temp, path) in staged {
        temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    }
    Ok(changed.into_iter().map(|o| o.path.clone()).collect())
}

/// An output whose file on disk differs, with a unified diff (disk -> new).
#[derive(Debug)]
pub struct Stale {
    pub path: PathBuf,
    pub diff: String,
}

/// The outputs whose files are missing or differ from `contents`.
pub fn stale(outputs: &[Output]) -> Vec<Stale> {
    outputs
        .iter()
        .filter_map(|output| {
            let current = std::fs::read_to_string(&output.path).unwrap_or_default();
            (current != output.contents).then(|| {
                let name = output.path.display().to_string();
                let diff = TextDiff::from_lines(&current, &output.contents)
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{name} (committed)"),
                        &format!("{name} (generated)"),
                    )
                    .to_string();
                Stale {
                    path: output.path.clone(),
                    diff,
                }
            })
        })
        .collect()
}
