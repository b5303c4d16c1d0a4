//! The generated crate's version keeps its promises: what changed in the
//! API since the last release decides the smallest version allowed, as
//! Cargo reads semver.
//!
//! - The last release is recorded in the crate: its spec in
//!   `<crate>/released.json`, its version in the manifest's
//!   `[package.metadata.release] version`.
//! - Each change `diff` finds needs the bump of its rule (`diff::rules`,
//!   column `bump`). While 0.x, Cargo treats the minor digit as major, so
//!   each bump moves one digit right: a major change needs 0.(y+1).0, a
//!   minor or patch one 0.y.(z+1).
//! - The vendor's API version (`info.version`) is the build metadata, as
//!   oxide.rs does (`0.17.0+2026060800.0.0`).
//! - The `Unreleased` entry of `<crate>/CHANGELOG.md` lists the changes
//!   (as `diff --format markdown` does): an output of the pipeline, so
//!   `generate --check` fails when it is stale.

use std::fmt::Write as _;
use std::path::Path;

use semver::{BuildMetadata, Version};
use serde_json::Value;

use crate::base::error::{Error, Result};
use crate::base::files::Output;
use crate::base::json;
use crate::codegen::deps::CrateManifest;
use crate::reports::diff::{self, Change, rules::Bump};

pub const RELEASED_FILE: &str = "released.json";
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";
const START: &str = "<!-- unreleased:start -->\n";
const END: &str = "<!-- unreleased:end -->";
/// A changelog to start from, when the crate has none yet.
pub const NEW_CHANGELOG: &str =
    "# Changelog\n\n<!-- unreleased:start -->\n<!-- unreleased:end -->\n";

/// Where the crate's version stands against its last release.
#[derive(Debug)]
pub struct Verdict {
    /// The manifest, for messages.
    pub manifest: String,
    /// `package.version`.
    pub current: Version,
    /// `package.metadata.release.version`.
    pub released: Version,
    /// What changed since the release, most severe first.
    pub changes: Vec<Change>,
    /// The smallest version the changes allow, and the change that decided
    /// it; `None` when the API did not change.
    pub needed: Option<(Version, Bump, Change)>,
    /// The build metadata the vendor's API version calls for.
    pub metadata: BuildMetadata,
    /// The crates generated from the same spec, with their versions.
    pub companions: Vec<(String, Version)>,
    /// Each companion's version requirement on the crate (a path
    /// dependency with a version, so that it can be published).
    pub requirements: Vec<(String, String)>,
    /// The `rust-version` recorded with the release
    /// (`[package.metadata.release] rust-version`) and the crate's own,
    /// when they differ: the changelog says so.
    pub rust_version: Option<(String, String)>,
}

/// The crate's verdict, or `None` when it records no release (a crate the
/// pipeline generates for a test, or before its first release).
/// `companions` are crates generated from the same spec (the mocks), which
/// must carry the same version.
pub fn assess(
    released: Option<(&str, &str)>,
    manifest: &CrateManifest,
    companions: &[&CrateManifest],
    spec: &Value,
) -> Result<Option<Verdict>> {
    let Some((name, text)) = released else {
        return Ok(None);
    };
    let current = version_in(manifest, &["package", "version"])?;
    let released = version_in(manifest, &["package", "metadata", "release", "version"])?;
    let requirements = companions
        .iter()
        .filter_map(|c| {
            let client = manifest.name.as_deref()?;
            let req = c
                .table
                .get("dependencies")?
                .get(client)?
                .get("version")?
                .as_str()?;
            Some((c.path.clone(), req.to_string()))
        })
        .collect();
    let companions = companions
        .iter()
        .map(|c| Ok((c.path.clone(), version_in(c, &["package", "version"])?)))
        .collect::<Result<Vec<_>>>()?;
    let old = json::parse(name, text, 0)?;
    let changes = diff::compare(&old, spec);
    let needed = changes
        .iter()
        .max_by_key(|c| c.rule.bump)
        .map(|c| (next(&released, c.rule.bump), c.rule.bump, c.clone()));
    let metadata = vendor_metadata(spec);
    let rust_version = match (recorded_rust_version(manifest), &manifest.rust_version) {
        (Some(recorded), Some(current)) if recorded != current => {
            Some((recorded.to_string(), current.clone()))
        }
        _ => None,
    };
    Ok(Some(Verdict {
        manifest: manifest.path.clone(),
        current,
        released,
        changes,
        needed,
        metadata,
        companions,
        requirements,
        rust_version,
    }))
}

/// The `rust-version` recorded with the last release
/// (`[package.metadata.release] rust-version`).
pub fn recorded_rust_version(manifest: &CrateManifest) -> Option<&str> {
    manifest
        .table
        .get("package")?
        .get("metadata")?
        .get("release")?
        .get("rust-version")?
        .as_str()
}

/// The version at `pointer` (keys) of a manifest.
pub fn version_in(manifest: &CrateManifest, pointer: &[&str]) -> Result<Version> {
    let mut value: Option<&toml::Value> = None;
    for (i, key) in pointer.iter().enumerate() {
        value = if i == 0 {
            manifest.table.get(*key)
        } else {
            value.and_then(|v| v.get(*key))
        };
    }
    let text = value.and_then(toml::Value::as_str).ok_or_else(|| {
        Error::invalid(
            &manifest.path,
            "",
            format!("expected `{}` (a version string)", pointer.join(".")),
        )
    })?;
    Version::parse(text)
        .map_err(|e| Error::invalid(&manifest.path, "", format!("`{}`: {e}", pointer.join("."))))
}

/// The smallest version after `released` that a `bump` allows.
pub fn next(released: &Version, bump: Bump) -> Version {
    let (major, minor, patch) = (released.major, released.minor, released.patch);
    let (major, minor, patch) = match (major, bump) {
        (0, Bump::Major) => (0, minor + 1, 0),
        (0, _) => (0, minor, patch + 1),
        (_, Bump::Major) => (major + 1, 0, 0),
        (_, Bump::Minor) => (major, minor + 1, 0),
        (_, Bump::Patch) => (major, minor, patch + 1),
    };
    Version::new(major, minor, patch)
}

/// `info.version`, as build metadata (characters semver refuses become `-`).
fn vendor_metadata(spec: &Value) -> BuildMetadata {
    let text: String = spec
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    BuildMetadata::new(text.trim_matches('.')).unwrap_or(BuildMetadata::EMPTY)
}

impl Verdict {
    /// The version the crate should have: the current one if it keeps the
    /// promises, else the smallest one that does.
    pub fn expected(&self) -> Version {
        let mut core = Version::new(self.current.major, self.current.minor, self.current.patch);
        if let Some((needed, _, _)) = &self.needed
            && core < *needed
        {
            core = needed.clone();
        }
        if core < self.released {
            core = self.released.clone();
        }
        core.build = self.metadata.clone();
        core
    }

    /// What is wrong with the current version, each naming why.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let current = Version::new(self.current.major, self.current.minor, self.current.patch);
        let set = format!(
            "set `version = \"{}\"` in {}",
            self.expected(),
            self.manifest
        );
        if current < self.released {
            problems.push(format!(
                "version {} is older than the released {}; {set}",
                self.current, self.released
            ));
        } else if let Some((needed, bump, change)) = &self.needed
            && current < *needed
        {
            problems.push(format!(
                "version {} breaks the crate's promise: since the released {}, {} \
                 (`{}`, a {bump} change{}), which needs {needed} or later; {set}",
                self.current,
                self.released,
                describe(change),
                change.rule.id,
                if self.released.major == 0 && *bump == Bump::Major {
                    ": minor while 0.x"
                } else {
                    ""
                },
            ));
        }
        for (manifest, version) in &self.companions {
            if *version != self.current {
                problems.push(format!(
                    "{manifest} has version {version}, but it is generated from the same spec \
                     as {} ({}): set `version = \"{}\"` in both",
                    self.manifest,
                    self.current,
                    self.expected()
                ));
            }
        }
        let core = Version::new(self.current.major, self.current.minor, self.current.patch);
        for (manifest, requirement) in &self.requirements {
            let meets = semver::VersionReq::parse(requirement).is_ok_and(|r| r.matches(&core));
            if !meets {
                problems.push(format!(
                    "{manifest} requires {} `{requirement}`, which {core} does not meet: set \
                     `version = \"{core}\"` in its dependency on it (published crates name \
                     the version they were generated with)",
                    self.manifest
                ));
            }
        }
        if let Some((recorded, now)) = &self.rust_version
            && current == self.released
        {
            problems.push(format!(
                "rust-version is {now}, but {} was released with {recorded}: a release \
                 that changes the Rust it needs is a new version; {}",
                self.released,
                format_args!(
                    "set `version = \"{}\"` in {}",
                    Version {
                        build: self.metadata.clone(),
                        ..next(&self.released, Bump::Minor)
                    },
                    self.manifest
                )
            ));
        }
        if self.current.build != self.metadata {
            problems.push(format!(
                "version {} should carry the vendor's API version `{}` (info.version) as \
                 build metadata; {set}",
                self.current, self.metadata
            ));
        }
        problems
    }

    /// One line for `generate`: where the version stands.
    pub fn summary(&self) -> String {
        match &self.needed {
            None => format!(
                "version: no API change since the released {}",
                self.released
            ),
            Some((needed, bump, change)) => format!(
                "version: {} API change(s) since the released {}; the largest, {} (`{}`), \
                 is {bump}: {needed} or later (kizen-api is {})",
                self.changes.len(),
                self.released,
                describe(change),
                change.rule.id,
                self.current
            ),
        }
    }

    /// `<krate>/CHANGELOG.md` (`existing`, or a new one) with its
    /// `Unreleased` entry rewritten.
    pub fn changelog_output(&self, krate: &Path, existing: Option<&str>) -> Result<Output> {
        let path = krate.join(CHANGELOG_FILE);
        let existing = existing.unwrap_or(NEW_CHANGELOG);
        let contents = self.changelog(existing, &path.display().to_string())?;
        Ok(Output { path, contents })
    }

    /// `existing` (the changelog) with its `Unreleased` entry rewritten.
    pub fn changelog(&self, existing: &str, file: &str) -> Result<String> {
        let (before, after) = existing
            .split_once(START)
            .and_then(|(before, rest)| rest.split_once(END).map(|(_, after)| (before, after)))
            .ok_or_else(|| {
                Error::invalid(
                    file,
                    "",
                    format!(
                        "expected the generated entry between `{}` and `{END}`",
                        START.trim_end()
                    ),
                )
            })?;
        let mut entry = String::from("## Unreleased\n\n");
        match &self.needed {
            None => {
                let _ = writeln!(entry, "No API change since {}.", self.released);
            }
            Some((needed, bump, _)) => {
                let _ = writeln!(
                    entry,
                    "API changes since {} (from `cargo xtask diff`): a {bump} change, so the \
                     next release is {needed} or later.\n\n{}",
                    self.released,
                    diff::markdown(&self.changes).trim_end()
                );
            }
        }
        if let Some((recorded, now)) = &self.rust_version {
            let _ = writeln!(
                entry,
                "\n**Requires Rust {now} or newer** (`rust-version`; {} required {recorded}).",
                self.released
            );
        }
        Ok(format!("{before}{START}{entry}{END}{after}"))
    }
}

/// `changelog` with the generated `## Unreleased` heading renamed to
/// `## <version>` and moved out of the generated block, which is left empty
/// (for `cargo xtask release`).
pub fn released_changelog(changelog: &str, version: &Version) -> Option<String> {
    let (before, rest) = changelog.split_once(START)?;
    let (entry, after) = rest.split_once(END)?;
    let body = entry.strip_prefix("## Unreleased\n")?;
    Some(format!(
        "{before}{START}{END}\n\n## {version}\n{}\n\n{}",
        body.trim_end_matches('\n'),
        after.trim_start_matches('\n')
    ))
}

fn describe(change: &Change) -> String {
    format!("{}: {}", change.location, change.detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn bumps_move_one_digit_right_while_0x() {
        assert_eq!(next(&v("0.3.4"), Bump::Major), v("0.4.0"));
        assert_eq!(next(&v("0.3.4"), Bump::Minor), v("0.3.5"));
        assert_eq!(next(&v("0.3.4"), Bump::Patch), v("0.3.5"));
        assert_eq!(next(&v("1.3.4"), Bump::Major), v("2.0.0"));
        assert_eq!(next(&v("1.3.4"), Bump::Minor), v("1.4.0"));
        assert_eq!(next(&v("1.3.4"), Bump::Patch), v("1.3.5"));
    }

    #[test]
    fn vendor_versions_become_valid_build_metadata() {
        let spec = serde_json::json!({"info": {"version": "2026-06-08 (v2)"}});
        assert_eq!(vendor_metadata(&spec).as_str(), "2026-06-08--v2-");
        assert_eq!(vendor_metadata(&serde_json::json!({})).as_str(), "");
    }

    #[test]
    fn the_unreleased_entry_becomes_the_versions() {
        let log = "# Changelog\n\n<!-- unreleased:start -->\n## Unreleased\n\nAPI changes.\n<!-- unreleased:end -->\n\n## 0.1.0\n\nFirst.\n";
        let out = released_changelog(log, &Version::new(0, 2, 0)).unwrap_or_default();
        assert_eq!(
            out,
            "# Changelog\n\n<!-- unreleased:start -->\n<!-- unreleased:end -->\n\n## 0.2.0\n\nAPI changes.\n\n## 0.1.0\n\nFirst.\n"
        );
    }
}
