//! The commands of `cargo xtask`, one file each; `main.rs` only parses the
//! command line and calls them. What several commands share is here.

pub mod area_build_time;
pub mod bench;
pub mod build_time;
pub mod diff;
pub mod dist;
pub mod fetch;
pub mod generate;
pub mod import;
pub mod merge;
pub mod release;
pub mod semver;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::base::error::{Result, Warning};
use crate::base::files::{self, Staged};
use crate::base::layout::SPEC_FILE;
use crate::codegen::deps::CrateManifest;
use crate::pages::folder::Folder;
use crate::pages::import::{Plan, Report, Writes};
use crate::pipeline::{self, Input, Observer, Run};
use crate::{base::json, reports::diff as compare};

/// The folders every command works on.
#[derive(Debug, Clone)]
pub struct Folders {
    /// The stored vendor documents, manifest, sources and overlay.
    pub openapi: PathBuf,
    /// The generated client crate.
    pub krate: PathBuf,
}

/// An import and the regeneration it calls for, done: see [`one_pass`].
#[derive(Debug)]
pub struct OnePass {
    pub run: Run,
    /// Each page's report, in the order of the plans.
    pub reports: Vec<Report>,
    /// The files written (imported documents, manifest, generated files).
    pub written: Vec<PathBuf>,
}

/// `import --generate`: applies import `plans` to `openapi` and regenerates
/// the client in `krate` in one pass. The plans' documents reach the stages
/// straight from memory (no round trip through the files), and their files
/// are staged meanwhile. Nothing is visible until every stage has
/// succeeded, so an error writes nothing.
pub fn one_pass(
    folders: &Folders,
    plans: Vec<Plan>,
    observer: Option<&mut dyn Observer>,
    before_write: impl FnOnce(&Run),
) -> Result<OnePass> {
    let folder = Folder::read(&folders.openapi)?;
    one_pass_in(folders, folder, plans, observer, before_write)
}

/// [`one_pass`] on `folder`, `openapi/` as the plans were made against it
/// (read once).
pub fn one_pass_in(
    folders: &Folders,
    folder: Folder,
    plans: Vec<Plan>,
    observer: Option<&mut dyn Observer>,
    before_write: impl FnOnce(&Run),
) -> Result<OnePass> {
    let mut input = Input::read(folder);
    let mut pending: Vec<(Report, Writes)> = Vec::with_capacity(plans.len());
    for Plan {
        page,
        report,
        documents,
        writes,
    } in plans
    {
        input.import(documents, report.names(), &page);
        pending.push((report, writes));
    }
    // Generation splits its formatting across two cores here too, while
    // the files are staged: side by side in one run, a cold one pass took
    // +15 / +16 % over bare with the split and +62 / +59 % without on
    // authentik, +15 / +22 % and +39 / +38 % on nexus.
    // The one parallelism that pays (measured side by side on the nexus
    // bench, see docs/benchmarks.md): the imported documents are staged (created
    // and synced, not yet visible) on a second thread while the stages and
    // progenitor keep the first busy. A failure anywhere drops the staged
    // files: nothing is written.
    let (run, staged) = std::thread::scope(|scope| {
        let staging = scope.spawn(|| {
            pending
                .iter()
                .try_fold(Staged::default(), |all, (_, writes)| {
                    Ok(all.and(writes.stage()?))
                })
        });
        let run = pipeline::run(input, Some(&folders.krate), observer);
        let staged: Result<Staged> = staging
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (run, staged)
    });
    let run = run?;
    let staged = staged?;
    before_write(&run);
    let written = staged.and(files::stage(&run.outputs)?).commit()?;
    let mut reports = Vec::with_capacity(pending.len());
    for (report, writes) in pending {
        writes.remove_gone()?;
        reports.push(report);
    }
    Ok(OnePass {
        run,
        reports,
        written,
    })
}

/// Regenerates in one pass and says so on stderr (warnings, API changes,
/// files written); returns the pages' reports.
fn regenerate(folders: &Folders, folder: Folder, plans: Vec<Plan>) -> Result<Vec<Report>> {
    let done = one_pass_in(folders, folder, plans, None, |run| {
        print_warnings(&run.warnings);
        print_adapted(&run.adapted);
        print_api_changes(&folders.krate, &run.value);
    })?;
    print_written(&done.run, &done.written);
    Ok(done.reports)
}

/// What the freshly merged `spec` changes in the API, against the spec
/// committed in `krate` (nothing is said when there is none yet).
fn print_api_changes(krate: &Path, spec: &Value) {
    let committed = krate.join(SPEC_FILE);
    let Ok(text) = files::read(&committed) else {
        return;
    };
    let Ok(committed) = json::parse(&committed.display().to_string(), &text, 0) else {
        eprintln!(
            "warning: {} is not JSON; no API change report",
            committed.display()
        );
        return;
    };
    let changes = compare::compare(&committed, spec);
    if !changes.is_empty() {
        eprint!("API changes:\n{}", compare::text(&changes));
    }
}

/// Each generated file, and whether it was written or already up to date.
fn print_written(run: &Run, written: &[PathBuf]) {
    for output in &run.outputs {
        let verb = if written.contains(&output.path) {
            "wrote"
        } else {
            "unchanged"
        };
        eprintln!("{verb:>9} {}", output.path.display());
    }
}

/// The drf-spectacular idioms the `drf` stage adapted: notes, not problems.
fn print_adapted(adapted: &[Warning]) {
    for note in adapted {
        eprintln!("adapted: {note}");
    }
}

fn print_warnings(warnings: &[Warning]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// The cargo that runs this command (`$CARGO`, set by `cargo xtask`), for
/// the builds a command starts; `cargo` on the PATH otherwise.
pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The client crate's manifest, which must exist.
fn client_manifest(krate: &Path) -> Result<CrateManifest> {
    CrateManifest::read(krate)?.ok_or_else(|| {
        crate::base::error::Error::invalid(
            krate.join("Cargo.toml").display().to_string(),
            "",
            "expected the client crate's manifest",
        )
    })
}

fn success(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
