//! The stages in order: load -> repair -> merge -> overlay -> validate ->
//! generate. Nothing here writes: `write` does, and only at the end.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::{Result, Warning};
use crate::import::{Plan, Report};
use crate::load::Document;
use crate::write::{self, Output, Staged};
use crate::{generate, json, load, merge, overlay, par, repair, validate};

/// Where the generated files go inside the client crate.
pub const SPEC_FILE: &str = "openapi.json";
pub const CLIENT_FILE: &str = "src/generated.rs";

/// The merged, repaired, overlaid and validated spec.
#[derive(Debug)]
pub struct Spec {
    pub value: Value,
    pub parsed: OpenAPI,
    pub warnings: Vec<Warning>,
}

/// How long each stage took, in order (for `cargo xtask bench`).
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    /// Runs `stage`, recording its time under `name`.
    pub fn time<T>(&mut self, name: &'static str, stage: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = stage();
        self.0.push((name, start.elapsed()));
        out
    }

    pub fn total(&self) -> Duration {
        self.0.iter().map(|(_, d)| *d).sum()
    }
}

/// Runs every stage but generation over the documents in `openapi`.
pub fn spec(openapi: &Path) -> Result<Spec> {
    spec_timed(openapi, &mut Timings::default())
}

/// [`spec`], recording each stage's time.
pub fn spec_timed(openapi: &Path, timings: &mut Timings) -> Result<Spec> {
    spec_with(openapi, &mut [], timings)
}

/// Every stage after `load`, on `documents` (those of `openapi`, whose
/// overlay applies).
pub fn spec_of(
    openapi: &Path,
    mut documents: Vec<Document>,
    timings: &mut Timings,
) -> Result<Spec> {
    let mut warnings = timings.time("repair", || repair::documents(&mut documents));
    let mut merged = timings.time("merge", || merge::documents(documents))?;
    let documents_name = display_name(openapi, Path::new("*.json"));
    // Problems no single vendor document owns are blamed on the merged whole.
    let whole = timings.time("overlay", || match overlay::find(openapi)? {
        Some(path) => {
            let file = display_name(openapi, &path);
            overlay::apply(&overlay::load(&path)?, &file, &mut merged.spec)?;
            Ok::<_, crate::Error>(format!("{documents_name} + {file} (merged)"))
        }
        None => Ok(format!("{documents_name} (merged)")),
    })?;
    let parsed = timings.time("validate", || validate::spec(&merged, &whole))?;
    warnings.sort();
    Ok(Spec {
        value: merged.spec,
        parsed,
        warnings,
    })
}

/// [`spec`] of `openapi` as it will be once import `plans` are applied: their
/// documents come from memory (moved out of the plans), the rest from disk.
pub fn spec_with(openapi: &Path, plans: &mut [Plan], timings: &mut Timings) -> Result<Spec> {
    let documents = timings.time("load", || load::documents_replacing(openapi, plans))?;
    spec_of(openapi, documents, timings)
}

/// Every file `cargo xtask generate` writes into `krate`, in memory.
pub fn outputs(openapi: &Path, krate: &Path) -> Result<(Vec<Output>, Vec<Warning>)> {
    outputs_timed(openapi, krate, &mut Timings::default())
}

/// [`outputs`], recording each stage's time.
pub fn outputs_timed(
    openapi: &Path,
    krate: &Path,
    timings: &mut Timings,
) -> Result<(Vec<Output>, Vec<Warning>)> {
    let spec = spec_timed(openapi, timings)?;
    let outputs = timings.time("generate", || outputs_of(&spec, krate))?;
    Ok((outputs, spec.warnings))
}

/// Generates the client from `spec`; the spec file is rendered meanwhile on
/// another thread (generation keeps one core busy, the other is free).
fn outputs_of(spec: &Spec, krate: &Path) -> Result<Vec<Output>> {
    let (client, rendered) = std::thread::scope(|scope| {
        let rendered = scope.spawn(|| json::pretty(&spec.value));
        let client = generate::client(&spec.parsed);
        (client, par::join(rendered))
    });
    Ok(vec![
        Output {
            path: krate.join(SPEC_FILE),
            contents: rendered,
        },
        Output {
            path: krate.join(CLIENT_FILE),
            contents: client?,
        },
    ])
}

/// An import and the regeneration it calls for, computed and staged but not
/// yet visible: see [`import_and_generate`].
#[derive(Debug)]
pub struct Regenerated {
    pub outputs: Vec<Output>,
    pub warnings: Vec<Warning>,
    pub plans: Vec<Plan>,
    staged: Staged,
}

impl Regenerated {
    /// Puts the imported documents, the manifest and the generated files in
    /// place, then deletes the documents the pages no longer have. Returns
    /// each plan's report and the paths written.
    pub fn commit(self) -> Result<(Vec<Report>, Vec<PathBuf>)> {
        let written = self.staged.commit()?;
        let mut reports = Vec::with_capacity(self.plans.len());
        for plan in self.plans {
            plan.remove_gone()?;
            reports.push(plan.report);
        }
        Ok((reports, written))
    }
}

/// `import --generate`: applies import `plans` to `openapi` and regenerates
/// the client in one pass. The plans' documents reach the stages straight
/// from memory (no round trip through the files), and their files are staged
/// on another thread while the client generates. Nothing is visible until
/// [`Regenerated::commit`], so an error anywhere writes nothing.
pub fn import_and_generate(
    openapi: &Path,
    krate: &Path,
    mut plans: Vec<Plan>,
    timings: &mut Timings,
) -> Result<Regenerated> {
    let spec = spec_with(openapi, &mut plans, timings)?;
    // Generation keeps one core busy for most of the run; the imported files
    // are staged on the other meanwhile (the stages before use both cores).
    let (outputs, imported) = std::thread::scope(|scope| {
        let imported = scope.spawn(|| {
            let start = Instant::now();
            let staged = plans
                .iter()
                .try_fold(Staged::default(), |all, plan| Ok(all.and(plan.stage(1)?)));
            (staged, start.elapsed())
        });
        let outputs = timings.time("generate", || outputs_of(&spec, krate));
        let (imported, took): (Result<Staged>, _) = par::join(imported);
        timings.0.push(("staging*", took));
        (outputs, imported)
    });
    let outputs = outputs?;
    let staged = timings.time("write", || {
        Ok::<_, crate::Error>(imported?.and(write::stage(&outputs)?))
    })?;
    Ok(Regenerated {
        outputs,
        warnings: spec.warnings,
        plans,
        staged,
    })
}

/// `openapi/name` for a file in `openapi`: short, and the same on every machine.
pub fn display_name(dir: &Path, path: &Path) -> String {
    let folder = dir.file_name().map(PathBuf::from).unwrap_or_default();
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    folder.join(name).display().to_string()
}
