//! `cargo xtask release`: records the crate's current version as released.
//! The committed spec becomes `<crate>/released.json`, the manifest's
//! `[package.metadata.release] version` becomes the current version, and
//! the changelog's `Unreleased` entry becomes that version's entry. All
//! three are written atomically, and only when the version keeps the
//! crate's promises (see `version`).

use std::process::ExitCode;

use super::Folders;
use crate::base::error::{Error, Result};
use crate::base::files::{self, Output};
use crate::base::layout::SPEC_FILE;
use crate::codegen::deps::CrateManifest;
use crate::pipeline::{self, Input};
use crate::reports::version::{self, CHANGELOG_FILE, RELEASED_FILE};

pub fn run(folders: &Folders) -> Result<ExitCode> {
    let run = pipeline::run(Input::folder(&folders.openapi), Some(&folders.krate), None)?;
    let stale = files::stale(&run.outputs)?;
    if !stale.is_empty() {
        return Err(Error::Command {
            command: "release".into(),
            message: "the generated files are stale: run `cargo xtask generate` and commit first"
                .into(),
        });
    }
    let Some(verdict) = &run.version else {
        return Err(Error::Command {
            command: "release".into(),
            message: format!(
                "{} records no release ({RELEASED_FILE} and [package.metadata.release]); add them first",
                folders.krate.display()
            ),
        });
    };
    let problems = verdict.problems();
    if !problems.is_empty() {
        return Err(Error::Command {
            command: "release".into(),
            message: problems.join("\n"),
        });
    }
    let version = semver::Version::new(
        verdict.current.major,
        verdict.current.minor,
        verdict.current.patch,
    );
    if version == verdict.released {
        eprintln!("{version} is already the released version: nothing to do");
        return Ok(ExitCode::SUCCESS);
    }

    let manifest_path = folders.krate.join("Cargo.toml");
    let rust_version = CrateManifest::read(&folders.krate)?.and_then(|m| m.rust_version);
    let text = files::read(&manifest_path)?;
    let manifest = set_released(&text, &version, rust_version.as_deref()).ok_or_else(|| {
        Error::invalid(
            manifest_path.display().to_string(),
            "",
            "expected a `version = \"...\"` line in its [package.metadata.release] table",
        )
    })?;
    let changelog_path = folders.krate.join(CHANGELOG_FILE);
    let changelog = version::released_changelog(&files::read(&changelog_path)?, &version)
        .ok_or_else(|| {
            Error::invalid(
                changelog_path.display().to_string(),
                "",
                "expected a generated `## Unreleased` entry (run `cargo xtask generate`)",
            )
        })?;
    let spec = files::read(&folders.krate.join(SPEC_FILE))?;
    let outputs = [
        Output {
            path: folders.krate.join(RELEASED_FILE),
            contents: spec,
        },
        Output {
            path: manifest_path,
            contents: manifest,
        },
        Output {
            path: changelog_path,
            contents: changelog,
        },
    ];
    files::write(&outputs)?;
    eprintln!(
        "released {version}: run `cargo xtask generate` (the next Unreleased entry), edit \
         {version}'s changelog entry if users must change something, commit and merge, then \
         push the tag v{version}: the release workflow publishes (docs/releasing.md)"
    );
    Ok(ExitCode::SUCCESS)
}

/// `manifest` with the release table's `version` set to `version`, and
/// its `rust-version` (written after `version` if absent) to the crate's,
/// so that the next release can say when it needs a newer Rust.
fn set_released(
    manifest: &str,
    version: &semver::Version,
    rust_version: Option<&str>,
) -> Option<String> {
    let manifest = set_key(manifest, "version", &version.to_string())?;
    match rust_version {
        Some(rust) => set_key(&manifest, "rust-version", rust),
        None => Some(manifest),
    }
}

/// `manifest` with `key = "value"` in its `[package.metadata.release]`
/// table: the line replaced, or added after the `version` line.
fn set_key(manifest: &str, key: &str, value: &str) -> Option<String> {
    let start = manifest.find("[package.metadata.release]")?;
    let table_end = manifest[start + 1..]
        .find("\n[")
        .map_or(manifest.len(), |i| start + 1 + i);
    let line_of = |name: &str| {
        let at = start + manifest[start..table_end].find(&format!("\n{name} ="))? + 1;
        let end = manifest[at..].find('\n').map_or(manifest.len(), |i| at + i);
        Some((at, end))
    };
    let line = format!("{key} = \"{value}\"");
    if let Some((at, end)) = line_of(key) {
        return Some(format!("{}{line}{}", &manifest[..at], &manifest[end..]));
    }
    let (_, end) = line_of("version")?;
    Some(format!("{}\n{line}{}", &manifest[..end], &manifest[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_release_table_version_is_set_and_nothing_else() {
        let manifest = "[package]\nversion = \"0.2.0+1\"\n\n[package.metadata.release]\nversion = \"0.1.0\"\n\n[features]\n";
        let v = semver::Version::new(0, 2, 0);
        let out = set_released(manifest, &v, None).unwrap_or_default();
        assert_eq!(
            out,
            "[package]\nversion = \"0.2.0+1\"\n\n[package.metadata.release]\nversion = \"0.2.0\"\n\n[features]\n"
        );
        assert_eq!(
            set_released(
                "[package]\nversion = \"1\"\n",
                &semver::Version::new(1, 0, 0),
                None
            ),
            None
        );
    }

    #[test]
    fn the_rust_version_is_recorded_beside_the_version() {
        let manifest = "[package.metadata.release]\nversion = \"0.1.0\"\n\n[features]\n";
        let v = semver::Version::new(0, 2, 0);
        let added = set_released(manifest, &v, Some("1.88")).unwrap_or_default();
        assert_eq!(
            added,
            "[package.metadata.release]\nversion = \"0.2.0\"\nrust-version = \"1.88\"\n\n[features]\n"
        );
        let raised = set_released(&added, &semver::Version::new(0, 3, 0), Some("1.90"));
        assert_eq!(
            raised.as_deref(),
            Some(
                "[package.metadata.release]\nversion = \"0.3.0\"\nrust-version = \"1.90\"\n\n[features]\n"
            )
        );
    }
}
