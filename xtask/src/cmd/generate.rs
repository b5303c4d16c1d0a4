//! `cargo xtask generate [--check]`: the whole pipeline, writing
//! `<crate>/openapi.json` and `<crate>/src/generated.rs` (atomically), or
//! checking that they are up to date.

use std::process::ExitCode;

use super::Folders;
use crate::base::error::Result;
use crate::base::files;
use crate::pipeline::{self, Input};

pub fn run(folders: &Folders, check: bool) -> Result<ExitCode> {
    let run = pipeline::run(Input::folder(&folders.openapi), Some(&folders.krate), None)?;
    super::print_warnings(&run.warnings);
    super::print_adapted(&run.adapted);
    let mut problems = run.unverified.clone();
    if let Some(verdict) = &run.version {
        eprintln!("{}", verdict.summary());
        problems.extend(verdict.problems());
    }
    if check {
        let stale = files::stale(&run.outputs)?;
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        for file in &stale {
            eprintln!("stale: {}", file.path.display());
            println!("{}", file.diff);
        }
        if problems.is_empty() && stale.is_empty() {
            eprintln!("up to date: {} files", run.outputs.len());
            return Ok(ExitCode::SUCCESS);
        }
        if !stale.is_empty() {
            eprintln!("run `cargo xtask generate` and review the diff");
        }
        return Ok(ExitCode::FAILURE);
    }
    for problem in &problems {
        eprintln!("warning: {problem}");
    }
    super::print_api_changes(&folders.krate, &run.value);
    let written = files::write(&run.outputs)?;
    super::print_written(&run, &written);
    Ok(ExitCode::SUCCESS)
}
