//! `cargo xtask import PAGE [--generate]`.

use std::path::Path;
use std::process::ExitCode;

use super::Folders;
use crate::base::error::Result;
use crate::pages::import;

/// Stores the documents of the vendor page `page`; with `generate`, also
/// regenerates the client in the same pass (nothing written on error).
pub fn run(folders: &Folders, page: &Path, generate: bool) -> Result<ExitCode> {
    let plan = import::plan_file(page, &folders.openapi)?;
    let report = if generate {
        super::regenerate(folders, vec![plan])?.remove(0)
    } else {
        plan.apply()?
    };
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
