//! One build of each dependency: the workspace's test build (the one CI
//! makes, `cargo test --workspace --all-targets`) compiles no registry crate
//! twice. Without a `--target`, cargo shares a crate between the host
//! (proc-macros, build scripts) and the target only when both ask for the
//! same features; a second build of syn or typify-impl costs tens of seconds
//! of every cold build (see xtask's `[build-dependencies]`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn the_test_build_compiles_each_registry_crate_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // `--unit-graph` is unstable: RUSTC_BOOTSTRAP for this command alone,
    // which plans the build and compiles nothing.
    let out = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["test", "--workspace", "--all-targets", "--no-run"])
        .args(["--unit-graph", "-Z", "unstable-options", "--offline"])
        .env("RUSTC_BOOTSTRAP", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo --unit-graph failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let graph: Value = serde_json::from_slice(&out.stdout).unwrap();
    // (package, target) -> the feature sets it is compiled with.
    let mut builds: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for unit in graph["units"].as_array().unwrap() {
        let package = unit["pkg_id"].as_str().unwrap();
        let kind = &unit["target"]["kind"];
        if !package.starts_with("registry+") || unit["mode"] != "build" || kind[0] == "custom-build"
        {
            continue;
        }
        let name = package.rsplit('#').next().unwrap().to_string();
        let target = unit["target"]["name"].as_str().unwrap().to_string();
        builds
            .entry((name, target))
            .or_default()
            .push(unit["features"].to_string());
    }
    assert!(builds.len() > 100, "too few crates: {builds:?}");
    let twice: Vec<String> = builds
        .iter()
        .filter(|(_, features)| features.len() > 1)
        .map(|((package, _), features)| format!("{package}: {}", features.join(" and ")))
        .collect();
    assert!(
        twice.is_empty(),
        "built more than once (host and target features differ): the features the \
         host lacks go in xtask's [build-dependencies], those the target lacks in its \
         [dependencies]:\n  {}",
        twice.join("\n  ")
    );
}
