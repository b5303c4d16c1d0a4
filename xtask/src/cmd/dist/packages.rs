//! The workspace's publishable packages, as `cargo metadata` reads them
//! (versions, `rust-version` and path dependencies resolved by Cargo
//! itself), and the order crates.io needs them in.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use semver::Version;
use serde::Deserialize;

use crate::base::error::{Error, Result};

/// A package `cargo publish` may upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: Version,
    pub rust_version: Option<String>,
    pub repository: Option<String>,
    /// Its normal and build dependencies among the workspace's packages:
    /// what must be on crates.io before it. (Dev-dependencies are not
    /// published with a path only, so they impose no order.)
    pub needs: Vec<String>,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    rust_version: Option<String>,
    repository: Option<String>,
    /// `None`: any registry; `Some([])`: `publish = false`.
    publish: Option<Vec<String>>,
    dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
    kind: Option<String>,
    path: Option<String>,
}

/// The publishable packages of the workspace of `manifest`, by name.
pub fn read(manifest: &Path) -> Result<Vec<Package>> {
    let cargo = crate::cmd::cargo();
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .map_err(|source| Error::Io {
            path: manifest.to_path_buf(),
            source,
        })?;
    if !output.status.success() {
        return Err(Error::Command {
            command: "cargo metadata".into(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    parse(&String::from_utf8_lossy(&output.stdout))
}

/// [`read`] on `cargo metadata`'s JSON.
pub fn parse(json: &str) -> Result<Vec<Package>> {
    let metadata: Metadata = serde_json::from_str(json).map_err(|e| Error::Command {
        command: "cargo metadata".into(),
        message: format!("unexpected output: {e}"),
    })?;
    let publishable: Vec<RawPackage> = metadata
        .packages
        .into_iter()
        .filter(|p| p.publish.as_ref().is_none_or(|r| !r.is_empty()))
        .collect();
    let names: Vec<String> = publishable.iter().map(|p| p.name.clone()).collect();
    let mut packages = publishable
        .into_iter()
        .map(|p| {
            let version = Version::parse(&p.version).map_err(|e| Error::Command {
                command: "cargo metadata".into(),
                message: format!("{}: version `{}`: {e}", p.name, p.version),
            })?;
            let mut needs: Vec<String> = p
                .dependencies
                .into_iter()
                .filter(|d| d.kind.as_deref() != Some("dev") && d.path.is_some())
                .map(|d| d.name)
                .filter(|n| names.contains(n))
                .collect();
            needs.sort();
            needs.dedup();
            Ok(Package {
                name: p.name,
                version,
                rust_version: p.rust_version,
                repository: p.repository,
                needs,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(packages)
}

/// The packages' names in an order crates.io accepts: each after what it
/// needs (by name among equals, so the order is stable).
pub fn publish_order(packages: &[Package]) -> Result<Vec<String>> {
    let mut waiting: BTreeMap<&str, &[String]> = packages
        .iter()
        .map(|p| (p.name.as_str(), p.needs.as_slice()))
        .collect();
    let mut order: Vec<String> = Vec::with_capacity(packages.len());
    while !waiting.is_empty() {
        let ready: Vec<&str> = waiting
            .iter()
            .filter(|(_, needs)| needs.iter().all(|n| order.contains(n)))
            .map(|(name, _)| *name)
            .collect();
        if ready.is_empty() {
            return Err(Error::Command {
                command: "dist plan".into(),
                message: format!(
                    "the packages {} depend on each other: no publishing order",
                    waiting.keys().copied().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        for name in ready {
            waiting.remove(name);
            order.push(name.to_string());
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"{"packages": [
      {"name": "kizen-cli", "version": "0.2.0+1.0.0", "rust_version": "1.88", "repository": null, "publish": null,
       "dependencies": [{"name": "kizen-api", "kind": null, "path": "/w/kizen-api"},
                        {"name": "clap", "kind": null, "path": null}]},
      {"name": "xtask", "version": "0.1.0", "rust_version": "1.88", "repository": null, "publish": [],
       "dependencies": []},
      {"name": "kizen-api-httpmock", "version": "0.2.0+1.0.0", "rust_version": "1.88", "repository": null, "publish": null,
       "dependencies": [{"name": "kizen-api", "kind": null, "path": "/w/kizen-api"}]},
      {"name": "kizen-api", "version": "0.2.0+1.0.0", "rust_version": "1.88", "repository": null, "publish": null,
       "dependencies": [{"name": "kizen-api-httpmock", "kind": "dev", "path": "/w/kizen-api-httpmock"}]}
    ]}"#;

    #[test]
    fn publishable_packages_in_dependency_order_dev_dependencies_aside() {
        let packages = parse(METADATA).unwrap_or_default();
        let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["kizen-api", "kizen-api-httpmock", "kizen-cli"]);
        assert_eq!(packages[2].needs, ["kizen-api"]);
        let order = publish_order(&packages).unwrap_or_default();
        assert_eq!(order, ["kizen-api", "kizen-api-httpmock", "kizen-cli"]);
    }

    #[test]
    fn a_cycle_is_named() {
        let mut packages = parse(METADATA).unwrap_or_default();
        packages[0].needs = vec!["kizen-cli".into()];
        let err = publish_order(&packages).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(
                "`dist plan` failed: the packages kizen-api, kizen-api-httpmock, kizen-cli \
                 depend on each other: no publishing order"
                    .into()
            )
        );
    }
}
