//! Reads inputs; writes outputs atomically, or compares them with disk.
//!
//! Every output is computed in memory before the first write. Writing is two
//! steps: [`stage`] puts each changed output in a synced temporary file
//! beside its target (nothing visible changes yet, so it may run while other
//! work is still able to fail), and [`Staged::commit`] renames them into
//! place and syncs their folders. A failure leaves each existing file either
//! untouched or wholly replaced. A replaced file keeps its permissions; a new
//! one gets those the umask gives (as `>` in a shell would), never the
//! owner-only mode of a bare temporary file.

use std::io::Write;
use std::path::{Path, PathBuf};

use similar::TextDiff;
use tempfile::NamedTempFile;

use crate::base::error::{Error, Result};

/// The text of `path`.
pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// A file to write: where, and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub contents: String,
}

/// Writes the outputs whose contents differ from disk; returns those paths.
pub fn write(outputs: &[Output]) -> Result<Vec<PathBuf>> {
    stage(outputs)?.commit()
}

/// Outputs written and synced to temporary files, not yet in place. Dropping
/// it deletes the temporary files: nothing was written.
#[derive(Debug, Default)]
pub struct Staged(Vec<(NamedTempFile, PathBuf)>);

/// Stages the outputs whose contents differ from disk.
pub fn stage(outputs: &[Output]) -> Result<Staged> {
    let mut staged = Vec::new();
    for output in outputs {
        if std::fs::read(&output.path).ok().as_deref() == Some(output.contents.as_bytes()) {
            continue;
        }
        let dir = folder(&output.path);
        if !dir.is_dir() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        staged.push((temp(output, dir)?, output.path.clone()));
    }
    Ok(Staged(staged))
}

/// `output` in a synced temporary file in `dir`, with the mode it must have
/// once in place.
fn temp(output: &Output, dir: &Path) -> Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with 0666, the OS applies the umask: a new file's mode.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    if let Ok(existing) = std::fs::metadata(&output.path) {
        file.as_file()
            .set_permissions(existing.permissions())
            .map_err(|e| Error::io(file.path(), e))?;
    }
    file.write_all(output.contents.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| Error::io(file.path(), e))?;
    Ok(file)
}

fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

impl Staged {
    /// Adds `other`'s files, to be committed together.
    pub fn and(mut self, other: Staged) -> Staged {
        self.0.extend(other.0);
        self
    }

    /// Renames every staged file into place, then syncs the folders so the
    /// renames survive a crash; returns the paths written.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::with_capacity(self.0.len());
        for (file, path) in self.0 {
            file.persist(&path).map_err(|e| Error::io(&path, e.error))?;
            written.push(path);
        }
        let mut folders: Vec<&Path> = written.iter().map(|p| folder(p)).collect();
        folders.sort();
        folders.dedup();
        for dir in folders {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| Error::io(dir, e))?;
        }
        Ok(written)
    }
}

/// An output whose file on disk differs, with a unified diff (disk -> new).
#[derive(Debug)]
pub struct Stale {
    pub path: PathBuf,
    pub diff: String,
}

/// The outputs whose files are missing or differ from `contents`.
pub fn stale(outputs: &[Output]) -> Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for output in outputs {
        let current = match std::fs::read_to_string(&output.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(&output.path, e)),
        };
        if current == output.contents {
            continue;
        }
        let name = output.path.display().to_string();
        let diff = TextDiff::from_lines(&current, &output.contents)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{name} (committed)"),
                &format!("{name} (generated)"),
            )
            .to_string();
        stale.push(Stale {
            path: output.path.clone(),
            diff,
        });
    }
    Ok(stale)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umasks() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let old = dir.path().join("old.txt");
        std::fs::write(&old, "before").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640))
            .unwrap_or_else(|e| panic!("{e}"));
        // What the umask gives a file created by other means, right here.
        let probe = dir.path().join("probe.txt");
        std::fs::write(&probe, "").unwrap_or_else(|e| panic!("{e}"));
        let new = dir.path().join("sub/new.txt");
        let outputs = [
            Output {
                path: old.clone(),
                contents: "after".into(),
            },
            Output {
                path: new.clone(),
                contents: "fresh".into(),
            },
        ];
        let written = write(&outputs).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(written, [old.clone(), new.clone()]);
        assert_eq!(mode(&old), 0o640);
        assert_eq!(mode(&new), mode(&probe));
        assert_eq!(std::fs::read_to_string(&old).unwrap_or_default(), "after");
    }
}
