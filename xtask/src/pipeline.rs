//! The stages in order: load -> repair -> merge -> overlay -> validate ->
//! generate. Pure: nothing here writes; `write` does, and only at the end.

use std::path::{Path, PathBuf};

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

/// Runs every stage but generation over the documents in `openapi`.
pub fn spec(openapi: &Path) -> Result<Spec> {
    let mut documents = load::documents(openapi)?;
    let mut warnings = repair::documents(&mut documents);
    let mut merged = merge::documents(&documents)?;
    let documents_name = display_name(openapi, Path::new("*.json"));
    // Problems no single vendor document owns are blamed on the merged whole.
    let whole = match overlay::find(openapi)? {
        Some(path) => {
            let file = display_name(openapi, &path);
            overlay::apply(&overlay::load(&path)?, &file, &mut merged.spec)?;
            format!("{documents_name} + {file} (merged)")
        }
        None => format!("{documents_name} (merged)"),
    };
    let parsed = validate::spec(&merged, &whole)?;
    warnings.sort();
    Ok(Spec {
        value: merged.spec,
        parsed,
        warnings,
    })
}

/// Every file `cargo xtask generate` writes into `krate`, in memory.
pub fn outputs(openapi: &Path, krate: &Path) -> Result<(Vec<Output>, Vec<Warning>)> {
    let spec = spec(openapi)?;
    let client = generate::client(&spec.parsed)?;
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
