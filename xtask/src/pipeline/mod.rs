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
    codegen::{builders::Builders, cli, deps, features, generate, mock},
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
    pub fn time<T>(&mut self, name: &'static str, run: impl FnOnce() -> T) -> T {
        stage(self, name, run)
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
pub fn run(input: Input, krate: Option<&Path>, observer: Option<&mut dyn Observer>) -> Result<Run> {
    let mut quiet = Timings::default();
    let observer = observer.unwrap_or(&mut quiet);
    let (loaded, mut documents) = stage(observer, "load", || load(input, krate))?;
    let mut warnings = stage(observer, "repair", || repair::documents(&mut documents))?;
    let mut merged = stage(observer, "merge", || merge::documents(documents))?;
    // Problems no single vendor document owns are blamed on the merged whole.
    let whole = stage(observer, "overlay", || overlay(&loaded, &mut merged))?;
    let adapted = stage(observer, "drf", || drf::adapt(&mut merged))?;
    warnings.extend(stage(observer, "names", || names::resolve(&mut merged))?);
    let (parsed, planned) = stage(observer, "validate", || {
        plan(&merged, &whole, &loaded.pages)
    })?;
    warnings.sort();
    let generated = match &loaded.krate {
        Some(files) => generate_crates(files, &merged, &parsed, &planned, observer)?,
        None => Generated::default(),
    };
    Ok(Run {
        value: merged.spec,
        parsed,
        warnings,
        adapted,
        outputs: generated.outputs,
        version: generated.version,
        unverified: loaded.unverified,
    })
}

/// Runs `stage`, telling `observer` how long it took.
fn stage<T>(observer: &mut dyn Observer, name: &'static str, stage: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = stage();
    observer.stage(name, start.elapsed());
    out
}

/// Every input but the documents, read once: nothing after `load` reads a
/// file.
struct Loaded {
    openapi: PathBuf,
    folder: Folder,
    krate: Option<CrateFiles>,
    /// Each document's page, by display name.
    pages: BTreeMap<String, String>,
    unverified: Vec<String>,
}

fn load(mut input: Input, krate: Option<&Path>) -> Result<(Loaded, Vec<Document>)> {
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
    let documents = load::join(&openapi, stored, imported)?;
    let loaded = Loaded {
        openapi,
        folder,
        krate,
        pages,
        unverified,
    };
    Ok((loaded, documents))
}

/// Applies the overlay, if any; returns the name problems of the merged
/// whole are reported under.
fn overlay(loaded: &Loaded, merged: &mut merge::Merged) -> Result<String> {
    let documents_name = layout::display_name(&loaded.openapi, "*.json");
    Ok(match &loaded.folder.overlay {
        Some((file, document)) => {
            overlay::apply(document, file, &mut merged.spec)?;
            format!("{documents_name} + {file} (merged)")
        }
        None => format!("{documents_name} (merged)"),
    })
}

/// Validates the spec and plans what generation adds to progenitor, before
/// it runs: a construct the pipeline cannot generate fails here, in
/// milliseconds. The plan's areas have recorded the dependency features
/// their operations need (`Planned::needs`).
fn plan(
    merged: &merge::Merged,
    whole: &str,
    pages: &BTreeMap<String, String>,
) -> Result<(OpenAPI, Planned)> {
    let parsed = validate::spec(merged, whole)?;
    let mut plan = generate::Plan::of(&merged.spec, &|pointer| {
        merged.origin_of(pointer, whole).to_string()
    })?;
    plan.areas = features::Areas::of(
        &merged.spec,
        &|pointer| merged.origins.get(pointer).cloned(),
        pages,
    )?;
    let needs = plan.dependency_features();
    Ok((parsed, Planned { plan, needs }))
}

/// The generation plan, and the dependency features of its operations
/// (see `generate::Plan::dependency_features`).
struct Planned {
    plan: generate::Plan,
    needs: Vec<(String, String, bool)>,
}

/// What generation made for a crate: its files, and its version's verdict.
#[derive(Default)]
struct Generated {
    outputs: Vec<Output>,
    version: Option<version::Verdict>,
}

/// The client crate's files and, beside it, its mocks' and its command
/// line's, when those crates exist; then the version's verdict and the
/// changelog. Stages `client`, `mocks`, `cli`, `version`.
fn generate_crates(
    files: &CrateFiles,
    merged: &merge::Merged,
    parsed: &OpenAPI,
    planned: &Planned,
    observer: &mut dyn Observer,
) -> Result<Generated> {
    let plan = &planned.plan;
    let krate = files.path.as_path();
    let manifest = files.manifest.as_ref();
    let name = manifest.and_then(|m| m.name.as_deref());
    let spec = &merged.spec;
    let (mut outputs, builders) = stage(observer, "client", || {
        client(files, merged, parsed, planned)
    })?;
    let mut companions = Vec::new();
    if let (Some(name), Some((mocks, mock_manifest))) = (name, &files.mocks) {
        outputs.extend(stage(observer, "mocks", || {
            let mock = mock::file(parsed, spec, name, plan)?;
            companion(
                mocks,
                mock_manifest,
                &plan.areas,
                name,
                mock.source,
                &mock.used,
            )
        })?);
        companions.push(mock_manifest);
    }
    if let (Some(name), Some((path, cli_manifest))) = (name, &files.cli) {
        // The command line calls the client as generated.
        outputs.extend(stage(observer, "cli", || {
            let cli = cli::file(spec, &builders, name, &plan.areas)?;
            companion(path, cli_manifest, &plan.areas, name, cli.source, &cli.used)
        })?);
        companions.push(cli_manifest);
    }
    let version = stage(observer, "version", || {
        let Some(manifest) = manifest else {
            return Ok(None);
        };
        let released = files
            .released
            .as_ref()
            .map(|(n, t)| (n.as_str(), t.as_str()));
        let verdict = version::assess(released, manifest, &companions, spec)?;
        if let Some(verdict) = &verdict {
            outputs.push(verdict.changelog_output(krate, files.changelog.as_deref())?);
        }
        Ok::<_, Error>(verdict)
    })?;
    Ok(Generated { outputs, version })
}

/// The client's files (the spec, the generated client, and the manifest
/// with its area features) and its builders. The spec file renders on a second
/// core while progenitor keeps the first busy: on the nexus bench, a
/// page-unchanged regeneration took +11.7 / +13.8 / +13.4 % over bare with
/// it and +20.3 / +15.5 / +14.7 % without, in alternating runs.
fn client(
    files: &CrateFiles,
    merged: &merge::Merged,
    parsed: &OpenAPI,
    planned: &Planned,
) -> Result<(Vec<Output>, Builders)> {
    let plan = &planned.plan;
    let krate = files.path.as_path();
    let manifest = files.manifest.as_ref();
    let name = manifest.and_then(|m| m.name.as_deref());
    let spec = &merged.spec;
    let (client, rendered) = std::thread::scope(|scope| {
        let rendered = scope.spawn(|| json::pretty(spec));
        let client = generate::client(parsed, spec, plan, name);
        let rendered = rendered
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (client, rendered)
    });
    let generate::Client {
        source,
        defined,
        used,
        builders,
    } = client?;
    names::check_generated(&defined, merged)?;
    if let Some(manifest) = manifest {
        manifest.check(&used)?;
        manifest.check_features(&used, &planned.needs)?;
    }
    let mut outputs = vec![
        output(krate.join(SPEC_FILE), rendered),
        output(krate.join(CLIENT_FILE), source),
    ];
    if let Some(manifest) = manifest {
        outputs.extend(features_manifest(krate, manifest, &plan.areas, None)?);
    }
    Ok((outputs, builders))
}

/// The files of a crate generated beside the client `name` (its mocks, its
/// command line) at `path`: the generated `source`, once `manifest` is
/// checked to have what it `used`, and the manifest with the area features.
fn companion(
    path: &Path,
    manifest: &deps::CrateManifest,
    areas: &features::Areas,
    name: &str,
    source: String,
    used: &deps::Used,
) -> Result<Vec<Output>> {
    manifest.check(used)?;
    let mut files = vec![output(path.join(CLIENT_FILE), source)];
    files.extend(features_manifest(path, manifest, areas, Some(name))?);
    Ok(files)
}

fn output(path: PathBuf, contents: String) -> Output {
    Output { path, contents }
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
