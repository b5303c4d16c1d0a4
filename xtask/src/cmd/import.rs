//! `cargo xtask import PAGE [--generate]`.

use std::path::Path;
use std::process::ExitCode;

use super::Folders;
use crate::base::error::Result;
use crate::base::{files, layout};
use crate::pages::folder::Folder;
use crate::pages::import;

/// Stores the documents of the vendor page `page`; with `generate`, also
/// regenerates the client in the same pass (nothing written on error).
pub fn run(folders: &Folders, page: &Path, generate: bool) -> Result<ExitCode> {
    let folder = Folder::read(&folders.openapi)?;
    let text = import::PageText {
        source: page.display().to_string(),
        name: layout::file_name(page)?.to_string(),
        text: files::read(page)?,
    };
    let plan = import::plan_pages_in(std::slice::from_ref(&text), &folder)?.remove(0);
    let report = if generate {
        super::regenerate(folders, folder, vec![plan])?.remove(0)
    } else {
        plan.apply()?
    };
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
