//! `cargo xtask merge [-o FILE]`: the merged spec, without generating code.

use std::path::Path;
use std::process::ExitCode;

use super::Folders;
use crate::base::error::Result;
use crate::base::files::{self, Output};
use crate::base::json;
use crate::pipeline::{self, Input};

pub fn run(folders: &Folders, output: Option<&Path>) -> Result<ExitCode> {
    let run = pipeline::run(Input::folder(&folders.openapi), None, None)?;
    super::print_warnings(&run.warnings);
    super::print_adapted(&run.adapted);
    let text = json::pretty(&run.value);
    match output {
        Some(path) => {
            files::write(&[Output {
                path: path.to_path_buf(),
                contents: text,
            }])?;
            eprintln!("wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
