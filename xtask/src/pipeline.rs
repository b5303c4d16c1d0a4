//! The stages in order: load -> repair -> merge -> overlay -> validate ->
//! generate. Pure: nothing here writes; `write` does, and only at the end.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::{Result, Warning};
use crate::write::Output;
use crate::{generate, json, load, merge, overlay, repair, validate};

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
    fn time<T>(&mut self, name: &'static str, stage: impl FnOnce() -> T) -> T {
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
    let mut documents = timings.time("load", || load::documents(openapi))?;
    let mut warnings = timings.time("repair", || repair::documents(&mut documents));
    let mut merged = timings.time("merge", || merge::documents(&documents))?;
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
    let client = timings.time("generate", || generate::client(&spec.parsed))?;
    let outputs = vec![
        Output {
            path: krate.join(SPEC_FILE),
            contents: json::pretty(&spec.value),
        },
        Output {
            path: krate.join(CLIENT_FILE),
            contents: client,
        },
    ];
    Ok((outputs, spec.warnings))
}

/// `openapi/name` for a file in `openapi`: short, and the same on every machine.
pub fn display_name(dir: &Path, path: &Path) -> String {
    let folder = dir.file_name().map(PathBuf::from).unwrap_or_default();
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    folder.join(name).display().to_string()
}
