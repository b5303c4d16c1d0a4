//! `cargo xtask diff OLD NEW`: every change between two specs, classified
//! (see `diff`). Each side is a spec file, a vendor page, a folder of
//! stored documents, or a git revision of `openapi/`, and goes through the
//! pipeline's stages first, so what is compared is what the crate is
//! generated from.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use serde_json::Value;

use super::Folders;
use crate::base::error::{Error, Result};
use crate::base::layout;
use crate::pages::manifest::Manifest;
use crate::pipeline::{self, Input};
use crate::reports::diff::{self, Level};
use crate::{
    base::{files, json},
    pages::{import, page},
};

/// How changes are printed.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// Prints the changes from `old` to `new`; fails when one is at least as
/// severe as `fail_on`.
pub fn run(
    folders: &Folders,
    old: &str,
    new: &str,
    format: Format,
    fail_on: Option<Level>,
) -> Result<ExitCode> {
    let changes = diff::compare(&side(old, folders)?, &side(new, folders)?);
    match format {
        Format::Text => print!("{}", diff::text(&changes)),
        Format::Markdown => print!("{}", diff::markdown(&changes)),
        Format::Json => print!("{}", json::pretty(&diff::to_json(&changes))),
    }
    let fail = fail_on.is_some_and(|worst| changes.iter().any(|c| c.level() <= worst));
    Ok(super::success(!fail))
}

/// One side, merged: a spec file (`.json`), a vendor page (`.md`), a folder
/// of stored documents, or a git revision of `openapi/` (e.g. `HEAD~1`).
fn side(spec: &str, folders: &Folders) -> Result<Value> {
    let path = Path::new(spec);
    if path.is_dir() {
        return merged(Input::folder(path));
    }
    if path.is_file() && path.extension().is_some_and(|e| e == "md") {
        return page_side(path, &folders.openapi);
    }
    let work = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    if path.is_file() {
        let dir = work.path().join("openapi");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        std::fs::copy(path, dir.join("spec.json")).map_err(|e| Error::io(path, e))?;
        return merged(Input::folder(&dir));
    }
    merged(Input::folder(&checkout(
        spec,
        &folders.openapi,
        work.path(),
    )?))
}

fn merged(input: Input) -> Result<Value> {
    Ok(pipeline::run(input, None, None)?.value)
}

/// The `openapi/` folder as it was at git revision `revision`, extracted
/// under `into`; returns its path there.
fn checkout(revision: &str, openapi: &Path, into: &Path) -> Result<std::path::PathBuf> {
    let repo = openapi.parent().unwrap_or(Path::new("."));
    let folder = layout::file_name(openapi)?;
    let archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", revision, folder])
        .output()
        .map_err(|e| Error::io(repo, e))?;
    if !archive.status.success() {
        return Err(Error::invalid(
            revision,
            "",
            format!(
                "neither a file, a folder, nor a git revision with {folder}/: {}",
                String::from_utf8_lossy(&archive.stderr).trim()
            ),
        ));
    }
    let mut untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("tar", e))?;
    if let Some(mut stdin) = untar.stdin.take() {
        stdin
            .write_all(&archive.stdout)
            .map_err(|e| Error::io("tar", e))?;
    }
    let untarred = untar.wait_with_output().map_err(|e| Error::io("tar", e))?;
    if !untarred.status.success() {
        return Err(Error::Command {
            command: format!("git archive {revision} {folder} | tar -x"),
            message: format!(
                "tar exited with {}: {}",
                untarred.status,
                String::from_utf8_lossy(&untarred.stderr).trim()
            ),
        });
    }
    Ok(into.join(folder))
}

/// A vendor page as a side: the project's `openapi/` as it would be with the
/// page imported (in memory), in place of the stored page whose documents it
/// holds, whatever its file is called. The overlay applies as it does to the
/// stored documents.
fn page_side(path: &Path, openapi: &Path) -> Result<Value> {
    let text = files::read(path)?;
    let manifest = Manifest::load(openapi)?;
    // The page the manifest knows these documents from, if any.
    let stored_as = page::blocks(&text)
        .iter()
        .filter_map(|block| serde_json::from_str::<Value>(&block.text).ok())
        .filter_map(|document| import::file_name(&document).ok())
        .find_map(|name| manifest.documents.get(&name).map(|e| e.page.clone()));
    let page_name = match stored_as {
        Some(name) => name,
        None => layout::file_name(path)?.to_string(),
    };
    let plan = import::plan(&path.display().to_string(), &page_name, &text, openapi)?;
    let mut input = Input::folder(openapi);
    input.import(plan.documents, plan.report.names(), &plan.page);
    merged(input)
}
