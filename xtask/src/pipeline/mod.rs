//! The stages in order: load -> repair -> merge -> overlay -> drf -> names
//! -> validate -> generate, behind one entry, [`run`]. Every input is read
//! once, up front, into one value (the `openapi/` folder, a
//! [`Folder`], and the crate's files, a [`CrateFiles`]); the stages are
//! functions of it. Nothing here writes: the commands do, once every stage
//! has succeeded.

mod input;

pub use input::CrateFiles;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::base::error::{Error, Result, Warning};
use crate::base::files::Output;
use crate::base::layout::{self, CLIENT_FILE, SPEC_FILE};
use crate::pages::folder::Folder;
use crate::spec::load::{self, Document};
use crate::{
    base::json,
    codegen::{cli, deps, features, generate, mock},
    reports::version,
    spec::{drf, merge, names, overlay, repair, validate},
};

/// What the pipeline reads: an `openapi/` folder, with the documents of
/// pages being imported in the same pass in place of the stored ones.
#[derive(Debug)]
pub struct Input {
    openapi: PathBuf,
    /// The folder, when the caller has read it already.
    folder: Option<Folder>,
    imported: Vec<Document>,
    /// Stored file names the imported pages rewrite or delete.
    replaced: BTreeSet<String>,
    /// The page of each imported document, by display name.
    pages: BTreeMap<String, String>,
}

impl Input {
    /// The documents stored in `openapi`, and its overlay.
    pub fn folder(openapi: &Path) -> Self {
        Input {
            openapi: openapi.to_path_buf(),
            folder: None,
            imported: Vec::new(),
            replaced: BTreeSet::new(),
            pages: BTreeMap::new(),
        }
    }

    /// The documents of the page `page` take the place of the stored files
    /// `names` (those the page writes, keeps or deletes).
    pub fn import(&mut self, documents: Vec<Document>, names: BTreeSet<String>, page: &str) {
        for document in &documents {
            self.pages.insert(document.file.clone(), page.to_string());
        }
        self.imported.extend(documents);
        self.replaced.extend(names);
    }

    /// The folder `folder`, as read.
    pub fn read(folder: Folder) -> Self {
        let mut input = Self::folder(&folder.path);
        input.folder = Some(folder);
        input
    }

    /// Each document's page, by display name: the manifest's, then the
    /// imported pages'.
    fn pages(&self, folder: &Folder) -> BTreeMap<String, String> {
        let mut pages: BTreeMap<String, String> = folder
            .manifest
            .documents
            .iter()
            .filter(|(name, _)| !self.replaced.contains(*name))
            .map(|(name, entry)| {
                (
                    layout::display_name(&self.openapi, name),
                    entry.page.clone(),
                )
            })
            .collect();
        pages.extend(self.pages.clone());
        pages
    }
}

/// Told how long each stage took (`cargo xtask bench` listens).
pub trait Observer {
    fn stage(&mut self, name: &'static str, took: Duration);
}

/// Each stage's time, in order.
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
}

impl Observer for Timings {
    fn stage(&mut self, name: &'static str, took: Duration) {
        self.0.push((name, took));
    }
}

/// The merged, repaired, overlaid and validated spec, and what was
/// generated from it.
#[derive(Debug)]
pub struct Run {
    pub value: Value,
    pub parsed: OpenAPI,
    pub warnings: Vec<Warning>,
    /// The drf-spectacular idioms adapted for generation (see `drf`).
    pub adapted: Vec<Warning>,
    /// `<crate>/openapi.json` and `<crate>/src/generated.rs`, when a crate
    /// was given, and `<crate>-httpmock/src/generated.rs` when that crate
    /// exists; empty otherwise.
    pub outputs: Vec<Output>,
    /// Where the crate's version stands against its last release, when it
    /// records one (`<crate>/released.json`); its changelog is an output.
    pub version: Option<version::Verdict>,
    /// Where the stored documents and `openapi/manifest.json` disagree
    /// (see `Manifest::verify`), one line each.
    pub unverified: Vec<String>,
}

/// Runs every stage on `input`; generates the client files for `krate` when
/// one is given. `observer` hears each stage's time.
pub fn run(
    mut input: Input,
    krate: Option<&Path>,
    observer: Option<&mut dyn Observer>,
) -> Result<Run> {
    let mut quiet = Timings::default();
    let observer = observer.unwrap_or(&mut quiet);
    let mut time = |name: &'static str, start: Instant| observer.stage(name, start.elapsed());
    // Every input, read once, here: nothing below reads a file.
    let start = Instant::now();
    let folder = match input.folder.take() {
        Some(folder) => folder,
        None => Folder::read(&input.openapi)?,
    };
    let krate = krate.map(CrateFiles::read).transpose()?;
    let pages = input.pages(&folder);
    let unverified = folder.verify();
    let Input {
        openapi,
        imported,
        replaced,
        ..
    } = input;
    let stored = folder.documents(&replaced)?;
    let mut documents = load::join(&openapi, stored, imported)?;
    time("load", start);

    let start = Instant::now();
    let mut warnings = repair::documents(&mut documents)?;
    time("repair", start);

    let start = Instant::now();
    let mut merged = merge::documents(documents)?;
    time("merge", start);

    // Problems no single vendor document owns are blamed on the merged whole.
    let start = Instant::now();
    let documents_name = layout::display_name(&openapi, "*.json");
    let whole = match &folder.overlay {
        Some((file, document)) => {
            overlay::apply(document, file, &mut merged.spec)?;
            format!("{documents_name} + {file} (merged)")
        }
        None => format!("{documents_name} (merged)"),
    };
    time("overlay", start);

    let start = Instant::now();
    let adapted = drf::adapt(&mut merged)?;
    time("drf", start);

    let start = Instant::now();
    warnings.extend(names::resolve(&mut merged)?);
    time("names", start);

    let start = Instant::now();
    let parsed = validate::spec(&merged, &whole)?;
    warnings.sort();
    // What generation adds to progenitor, planned before it runs: a
    // construct the pipeline cannot generate fails here, in milliseconds.
    let mut plan = generate::Plan::of(&merged.spec, &|pointer| {
        merged.origin_of(pointer, &whole).to_string()
    })?;
    plan.areas = features::Areas::of(
        &merged.spec,
        &|pointer| merged.origins.get(pointer).cloned(),
        &pages,
    )?;
    let needs = plan.dependency_features();
    time("validate", start);

    let mut outputs = Vec::new();
    let mut verdict = None;
    if let Some(files) = &krate {
        let start = Instant::now();
        let krate = files.path.as_path();
        let manifest = files.manifest.as_ref();
        let name = manifest.and_then(|m| m.name.as_deref());
        let spec = &merged.spec;
        // The spec file renders on a second core while progenitor keeps the
        // first busy: on the nexus bench, a page-unchanged regeneration took
        // +11.7 / +13.8 / +13.4 % over bare with it and +20.3 / +15.5 /
        // +14.7 % without, in alternating runs.
        let (client, rendered) = std::thread::scope(|scope| {
            let rendered = scope.spawn(|| json::pretty(spec));
            let client = generate::client(&parsed, spec, &plan, name);
            let rendered = rendered
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (client, rendered)
        });
        let generate::Client {
            source,
            defined,
            used,
        } = client?;
        names::check_generated(&defined, &merged)?;
        if let Some(manifest) = manifest {
            manifest.check(&used)?;
            manifest.check_features(&used, &needs)?;
        }
        // The command line calls the client as generated: read off its
        // source, before that moves into the outputs.
        let cli = match (name, &files.cli) {
            (Some(name), Some((path, cli_manifest))) => {
                let cli = cli::file(spec, &source, name, &plan.areas)?;
                cli_manifest.check(&cli.used)?;
                Some((path, cli_manifest, cli))
            }
            _ => None,
        };
        outputs = vec![
            Output {
                path: krate.join(SPEC_FILE),
                contents: rendered,
            },
            Output {
                path: krate.join(CLIENT_FILE),
                contents: source,
            },
        ];
        if let Some(manifest) = manifest {
            outputs.extend(features_manifest(krate, manifest, &plan.areas, None)?);
        }
        let mut companions = Vec::new();
        if let (Some(name), Some((mocks, mock_manifest))) = (name, &files.mocks) {
            let mock = mock::file(&parsed, spec, name, &plan)?;
            mock_manifest.check(&mock.used)?;
            outputs.push(Output {
                path: mocks.join(CLIENT_FILE),
                contents: mock.source,
            });
            outputs.extend(features_manifest(
                mocks,
                mock_manifest,
                &plan.areas,
                Some(name),
            )?);
            companions.push(mock_manifest);
        }
        if let (Some(name), Some((path, cli_manifest, cli))) = (name, cli) {
            outputs.push(Output {
                path: path.join(CLIENT_FILE),
                contents: cli.source,
            });
            outputs.extend(features_manifest(
                path,
                cli_manifest,
                &plan.areas,
                Some(name),
            )?);
            companions.push(cli_manifest);
        }
        if let Some(manifest) = manifest {
            let released = files
                .released
                .as_ref()
                .map(|(n, t)| (n.as_str(), t.as_str()));
            verdict = version::assess(released, manifest, &companions, spec)?;
        }
        if let Some(verdict) = &verdict {
            outputs.push(verdict.changelog_output(krate, files.changelog.as_deref())?);
        }
        time("generate", start);
    }
    Ok(Run {
        value: merged.spec,
        parsed,
        warnings,
        adapted,
        outputs,
        version: verdict,
        unverified,
    })
}

/// The crate's `Cargo.toml` (`manifest`, as read once) with the area
/// features (see `features::manifest`): when there are areas, or when it
/// has a generated block to update.
fn features_manifest(
    krate: &Path,
    manifest: &deps::CrateManifest,
    areas: &features::Areas,
    forward: Option<&str>,
) -> Result<Option<Output>> {
    if areas.is_empty() && !manifest.text.contains(features::manifest::BEGIN) {
        return Ok(None);
    }
    let contents = features::manifest::rewrite(&manifest.text, &manifest.path, areas, forward)?;
    Ok(Some(Output {
        path: krate.join("Cargo.toml"),
        contents,
    }))
}

impl Run {
    /// The generated file at `name` (e.g. [`SPEC_FILE`]) of the crate.
    pub fn output(&self, name: &str) -> Result<&Output> {
        self.outputs
            .iter()
            .find(|o| o.path.ends_with(name))
            .ok_or_else(|| Error::invalid(name, "", "not generated: the run had no crate"))
    }
}
