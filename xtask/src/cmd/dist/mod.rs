//! `cargo xtask dist`: what cargo-dist's `plan` and `build` do for
//! oxide.rs, for our three crates and the `kizen` binary. `plan` says what
//! a release publishes and builds, and refuses a tag the tree does not
//! agree with; `build` packs one target's archive and checksum. The
//! release workflow (`.github/workflows/release.yml`) runs both, and CI
//! runs both on every change, so the workflow's inputs are checked here.
//!
//! Why not cargo-dist itself: its installer and binaries come from
//! GitHub, which CI machines here cannot reach, and built from crates.io
//! it is a ~400-crate build for each CI run; what we need of it (a matrix,
//! archives, checksums, the notes) is the few hundred lines of this folder.

pub mod archive;
pub mod packages;
pub mod plan;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use semver::Version;

use super::Folders;
use crate::base::error::{Error, Result};
use crate::base::files;
use crate::base::layout::SPEC_FILE;
use crate::reports::version::{self, CHANGELOG_FILE, RELEASED_FILE};
use archive::Entry;
use plan::{BINARY, CLI_PACKAGE, Inputs};

/// `dist plan`'s options.
#[derive(Debug)]
pub struct PlanOptions {
    /// The tag being released: every disagreement fails the command. Without
    /// it, the plan of the current version is printed with its problems.
    pub tag: Option<String>,
    /// Where to write the release's notes (the changelog's entry).
    pub notes: Option<PathBuf>,
}

/// Prints the plan as JSON on standard output. With a tag, exits 1 naming
/// each problem on standard error.
pub fn plan(folders: &Folders, root: &Path, options: &PlanOptions) -> Result<ExitCode> {
    let packages = packages::read(&root.join("Cargo.toml"))?;
    let order = packages::publish_order(&packages)?;
    let manifest = super::client_manifest(&folders.krate)?;
    let client = manifest.name.clone().unwrap_or_default();
    let released =
        version::version_in(&manifest, &["package", "metadata", "release", "version"]).ok();
    let released_rust_version = version::recorded_rust_version(&manifest).map(str::to_string);
    let read = |name: &str| files::read(&folders.krate.join(name));
    let (spec, released_spec, changelog) = (
        read(SPEC_FILE)?,
        read(RELEASED_FILE)?,
        read(CHANGELOG_FILE)?,
    );
    let inputs = Inputs {
        packages: &packages,
        order,
        client: &client,
        released,
        released_rust_version,
        spec: &spec,
        released_spec: &released_spec,
        changelog: &changelog,
    };
    let plan = plan::plan(&inputs, options.tag.as_deref());
    let json = serde_json::to_string_pretty(&plan).map_err(|e| Error::Command {
        command: "dist plan".into(),
        message: e.to_string(),
    })?;
    println!("{json}");
    for problem in &plan.problems {
        eprintln!("not releasable as {}: {problem}", plan.tag);
    }
    if let (Some(path), Ok(version)) = (&options.notes, Version::parse(&plan.version))
        && let Some(notes) = plan::notes(&changelog, &version)
    {
        files::write(&[files::Output {
            path: path.clone(),
            contents: notes,
        }])?;
    }
    Ok(if options.tag.is_some() && !plan.problems.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `dist build`'s options.
#[derive(Debug)]
pub struct BuildOptions {
    /// The Rust target triple.
    pub target: String,
    /// A `kizen` already built for `target`; without it, `cargo build
    /// --release --locked -p kizen-cli --target <target>` builds one.
    pub binary: Option<PathBuf>,
    /// Where the archive and its checksum go.
    pub out: PathBuf,
}

/// Packs `kizen` for one target, then (when this machine can run it) runs
/// the binary it packed with `--version`, which must name the version.
pub fn build(root: &Path, options: &BuildOptions) -> Result<ExitCode> {
    let packages = packages::read(&root.join("Cargo.toml"))?;
    let cli = packages
        .iter()
        .find(|p| p.name == CLI_PACKAGE)
        .ok_or_else(|| failed(format!("no publishable package `{CLI_PACKAGE}`")))?;
    let exe = if options.target.contains("windows") {
        format!("{BINARY}.exe")
    } else {
        BINARY.to_string()
    };
    let binary = match &options.binary {
        Some(binary) => binary.clone(),
        None => cargo_build(root, &options.target, &exe)?,
    };
    let read = |path: &Path| std::fs::read(path).map_err(|e| Error::io(path, e));
    let entries = [
        (exe.as_str(), binary.clone(), true),
        ("README.md", root.join(CLI_PACKAGE).join("README.md"), false),
        ("LICENSE-APACHE", root.join("LICENSE-APACHE"), false),
        ("LICENSE-MIT", root.join("LICENSE-MIT"), false),
    ]
    .into_iter()
    .map(|(name, path, executable)| {
        Ok(Entry {
            name: name.to_string(),
            bytes: read(&path)?,
            executable,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let name = plan::archive_name(&options.target);
    let bytes = archive::pack(&name, &entries)?;
    let written = archive::write(&options.out, &name, &bytes)?;
    if host()?.as_deref() == Some(options.target.as_str()) {
        smoke(&binary, &cli.version)?;
    }
    for path in written {
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn cargo_build(root: &Path, target: &str, exe: &str) -> Result<PathBuf> {
    let cargo = crate::cmd::cargo();
    let status = Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            CLI_PACKAGE,
            "--target",
            target,
        ])
        .status()
        .map_err(|e| Error::io(root, e))?;
    if !status.success() {
        return Err(failed(format!(
            "cargo build of {CLI_PACKAGE} for {target}: {status}"
        )));
    }
    Ok(root.join("target").join(target).join("release").join(exe))
}

/// The target this machine's rustc builds for.
fn host() -> Result<Option<String>> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .map_err(|e| Error::io("rustc", e))?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string))
}

/// The binary runs and says it is `version`.
fn smoke(binary: &Path, version: &Version) -> Result<()> {
    let output = Command::new(binary)
        .arg("--version")
        .output()
        .map_err(|e| Error::io(binary, e))?;
    let said = String::from_utf8_lossy(&output.stdout);
    let expected = format!("{BINARY} {version} ");
    if !output.status.success() || !said.starts_with(&expected) {
        return Err(failed(format!(
            "{} --version printed {:?}, expected it to start with {expected:?}",
            binary.display(),
            said.trim()
        )));
    }
    Ok(())
}

fn failed(message: String) -> Error {
    Error::Command {
        command: "dist build".into(),
        message,
    }
}
