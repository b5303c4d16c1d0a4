//! `cargo xtask fetch [--check | --generate]`: the vendor pages of
//! `openapi/sources.toml`, downloaded and stored as `import` does. With
//! `--check` it writes nothing and reports whether upstream moved away from
//! what is stored: the scheduled CI job that tells us the vendor changed
//! something. Exit codes: 0 unchanged, 1 moved, 2 an error (the page did
//! not arrive or no longer parses), as `diff(1)` does, so that a job can
//! tell "review this" from "try again".

use std::process::ExitCode;
use std::time::Duration;

use super::Folders;
use crate::base::error::Result;
use crate::pages::download::{self, Fetched};
use crate::pages::folder::Folder;
use crate::pipeline::{self, Input};
use crate::{pages::import, reports::diff};

/// How `fetch` runs.
#[derive(Debug, Default)]
pub struct Options {
    pub check: bool,
    pub generate: bool,
    /// Replaces each page URL's scheme and host (tests serve from 127.0.0.1).
    pub base_url: Option<String>,
    pub timeout: Option<Duration>,
}

pub fn run(folders: &Folders, options: &Options) -> Result<ExitCode> {
    let folder = Folder::read(&folders.openapi)?;
    let fetched = download::plan(&folder, options.base_url.as_deref(), options.timeout)?;
    if options.check {
        return check(folder, fetched);
    }
    let (urls, plans): (Vec<_>, Vec<_>) = fetched.into_iter().map(|f| (f.url, f.plan)).unzip();
    let reports = if options.generate {
        super::regenerate(folders, folder, plans)?
    } else {
        import::apply_all(plans)?
    };
    for (url, report) in urls.iter().zip(reports) {
        println!("{url}:\n{report}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes nothing: prints what moved upstream (files, then the API changes
/// as `diff` classifies them) and fails if anything did. A listed page that
/// was never imported is reported apart and is not drift: adding an area
/// is a maintainer's decision (`fetch` or `import` adds it), and a job
/// that is red until then tells nothing.
fn check(folder: Folder, fetched: Vec<Fetched>) -> Result<ExitCode> {
    let (tracked, new): (Vec<Fetched>, Vec<Fetched>) =
        fetched.into_iter().partition(|f| f.imported);
    for Fetched { url, plan, .. } in &tracked {
        println!("{url}:\n{}", plan.report);
    }
    for Fetched { url, plan, .. } in &new {
        println!(
            "{url}: not imported yet ({} documents), so not checked; \
             `cargo xtask fetch --generate` adds it",
            plan.report.added.len()
        );
    }
    if !tracked.iter().any(|f| f.plan.report.changes()) {
        return Ok(ExitCode::SUCCESS);
    }
    let stored = pipeline::run(Input::read(folder.clone()), None, None)?;
    let mut upstream = Input::read(folder);
    for Fetched { plan, .. } in tracked {
        upstream.import(plan.documents, plan.report.names(), &plan.page);
    }
    let upstream = pipeline::run(upstream, None, None)?;
    let changes = diff::compare(&stored.value, &upstream.value);
    if changes.is_empty() {
        println!("no change to the API itself");
    } else {
        print!("API changes:\n{}", diff::text(&changes));
    }
    eprintln!("upstream changed: run `cargo xtask fetch --generate` and review the diff");
    Ok(ExitCode::FAILURE)
}
