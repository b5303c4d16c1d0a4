//! Set-up shared by the integration tests. Every project they build comes
//! from the frozen fixtures (`tests/fixtures/s3.md` and `overlay.yaml`),
//! never from the live `openapi/`: a vendor change imported there fails the
//! snapshot tests only.

#![allow(dead_code)] // each test crate uses its own part of this module

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::pipeline::{self, Input};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The S3 vendor page as published (the import and fetch fixture).
pub fn fixture_page() -> String {
    std::fs::read_to_string(fixtures().join("s3.md")).unwrap()
}

/// The sources a fixture project fetches.
pub const SOURCES: &str = "[[page]]\nurl = \"https://developer.kizen.com/api/s3.md\"\n";

/// Makes `dest` an `openapi/` folder as the fixtures make it: the S3 page
/// imported, its overlay and its sources.
pub fn fixture_openapi(dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    std::fs::copy(fixtures().join("overlay.yaml"), dest.join("overlay.yaml")).unwrap();
    std::fs::write(dest.join("sources.toml"), SOURCES).unwrap();
    xtask::pages::import::plan_file(&fixtures().join("s3.md"), dest)
        .and_then(|plan| plan.apply())
        .unwrap();
}

/// The merged spec of the fixture project.
pub fn fixture_spec() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    fixture_openapi(&openapi);
    pipeline::run(Input::folder(&openapi), None, None)
        .unwrap()
        .value
}

/// Prism's mock server (`@stoplight/prism-cli`, pinned): `$PRISM` if set,
/// else installed once with npm under `target/prism`.
pub fn prism() -> PathBuf {
    const PACKAGE: &str = "@stoplight/prism-cli@5.16.0";
    if let Some(path) = std::env::var_os("PRISM") {
        return PathBuf::from(path);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/prism");
    let bin = root.join("node_modules/.bin/prism");
    if bin.exists() {
        return bin;
    }
    // Installed beside, then renamed into place: a concurrent install or an
    // interrupted one never leaves a half-installed folder at `root`.
    std::fs::create_dir_all(root.parent().unwrap()).unwrap();
    let staging = tempfile::tempdir_in(root.parent().unwrap()).unwrap();
    let out = std::process::Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefix",
        ])
        .arg(staging.path())
        .arg(PACKAGE)
        .output()
        .expect("npm (Node 20) is needed to install Prism");
    assert!(
        out.status.success(),
        "npm install {PACKAGE} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::rename(staging.keep(), &root);
    assert!(bin.exists(), "no {} after npm install", bin.display());
    bin
}

/// A running `prism mock -d` on `spec`, on a free port of 127.0.0.1;
/// stopped when dropped.
pub struct Prism {
    child: std::process::Child,
    pub base: String,
}

impl Prism {
    pub fn start(spec: &Path) -> Prism {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(prism())
            .args(["mock", "-d", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut prism = Prism {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!("prism exited before listening: {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "prism did not listen within 60 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        prism
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes `dir` a workspace of `members` (the project's workspace manifest,
/// lock and README, so versions are the project's), with the binary crate
/// `calls` depending on `dependencies` and running `main`; returns where
/// to build it: its [`mirror`], named after `calls`.
pub fn workspace(
    dir: &Path,
    members: &[&str],
    calls: &str,
    dependencies: &str,
    main: &str,
) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .replace(
            r#"members = ["kizen-api", "kizen-api-httpmock", "kizen-cli", "examples/attach-resume", "xtask"]"#,
            &format!("members = [{}]", list.join(", ")),
        );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::copy(root.join("README.md"), dir.join("README.md")).unwrap();
    // kizen-api's doctests include a page of the docs too.
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::copy(root.join("docs/runtime.md"), dir.join("docs/runtime.md")).unwrap();
    let crate_dir = dir.join(calls);
    std::fs::create_dir_all(crate_dir.join("src")).unwrap();
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{calls}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{dependencies}uuid.workspace = true\n\
             tokio = {{ workspace = true, features = [\"macros\", \"rt-multi-thread\"] }}\n"
        ),
    )
    .unwrap();
    std::fs::write(crate_dir.join("src/main.rs"), main).unwrap();
    mirror(dir, calls)
}

/// `dir` copied to a stable folder, `target/generated-workspaces/<name>`,
/// file by file, each written only when its contents changed (and what
/// `dir` no longer has removed): the generated workspace is built there, so
/// that a run which generates what the last one did finds its crates
/// fresh (Cargo goes by paths and times), as trybuild does. The drill's
/// second run of the suite, and a developer's, rebuild only what changed.
/// One name per test: two tests must not share one.
pub fn mirror(dir: &Path, name: &str) -> PathBuf {
    let to = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/generated-workspaces")
        .join(name);
    sync(dir, &to);
    to
}

fn sync(from: &Path, to: &Path) {
    if to.is_file() {
        std::fs::remove_file(to).unwrap();
    }
    std::fs::create_dir_all(to).unwrap();
    let mut names = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        names.insert(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            sync(&source, &target);
            continue;
        }
        let bytes = std::fs::read(&source).unwrap();
        if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            if target.is_dir() {
                std::fs::remove_dir_all(&target).unwrap();
            }
            std::fs::write(&target, bytes).unwrap();
        }
    }
    for entry in std::fs::read_dir(to).unwrap() {
        let entry = entry.unwrap();
        if !names.contains(&entry.file_name()) {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
}

/// The target folder the generated workspaces build in: under this
/// workspace's, kept between runs, shared (the crates' names differ). Only
/// their final artifacts (binaries, docs) land there: see [`build_dir`].
pub fn generated_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/generated-crates")
}

/// Where the generated workspaces' intermediate artifacts go: this
/// workspace's own target folder (Cargo's `build.build-dir`), so that a
/// dependency they build as this workspace does (same profile, lock file
/// and features) is reused, not built again; their binaries stay apart in
/// [`generated_target`] (a generated `kizen` must not replace the one
/// kizen-cli's tests run).
pub fn build_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target")
}

/// `cargo <args> --offline` in the generated workspace `dir`. Not linted:
/// CI builds this workspace with clippy as its compiler wrapper
/// (`.ci/run`), which the variables would pass on to the generated crates.
pub fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(args)
        .arg("--offline")
        .env("CARGO_TARGET_DIR", generated_target())
        .env("CARGO_BUILD_BUILD_DIR", build_dir())
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CLIPPY_ARGS")
        .output()
        .unwrap()
}

/// `cargo doc -D warnings` on the generated workspace's `packages`: every
/// item the pipeline generates is documented (the crates say
/// `#![warn(missing_docs)]`) and no link is broken, as CI checks kizen-api.
pub fn doc_without_warnings(dir: &Path, packages: &[&str]) {
    let mut args = vec!["doc", "--quiet", "--no-deps"];
    for package in packages {
        args.extend(["-p", package]);
    }
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(&args)
        .arg("--offline")
        .env("CARGO_TARGET_DIR", generated_target())
        .env("RUSTDOCFLAGS", "-D warnings")
        .env("CARGO_BUILD_BUILD_DIR", build_dir())
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CLIPPY_ARGS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo doc -D warnings fails on {packages:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The area features the pipeline wrote into the crate `package` of the
/// generated workspace `dir` (its `areas` feature's list).
pub fn areas(dir: &Path, package: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(package).join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    manifest["features"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

/// `cargo check` of each `(package, features it always needs)` of the
/// generated workspace `dir` with no area, each area alone, and every
/// area: each compiles without a warning, so no feature set leaves a
/// dangling name or an unused item behind.
pub fn check_each_area(dir: &Path, areas: &[String], packages: &[(&str, &str)]) {
    let sets = std::iter::once(String::new())
        .chain(areas.iter().cloned())
        .chain([xtask::codegen::features::ALL.to_string()]);
    for area in sets {
        for (package, base) in packages {
            let features: Vec<&str> = [*base, area.as_str()]
                .into_iter()
                .filter(|f| !f.is_empty())
                .collect();
            let features = features.join(",");
            let mut args = vec!["check", "-p", package, "--no-default-features"];
            if !features.is_empty() {
                args.extend(["--features", &features]);
            }
            let out = cargo(dir, &args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // The generated workspace shares this one's profile overrides,
            // some of which name crates it does not have: not the code's.
            let warned = stderr
                .lines()
                .any(|l| l.starts_with("warning") && !l.contains("profile package spec"));
            assert!(
                out.status.success() && !warned,
                "{package} with the features [{features}]:\n{stderr}"
            );
        }
    }
}

/// The binary `name` built by [`cargo`].
pub fn built(name: &str) -> PathBuf {
    generated_target().join("debug").join(name)
}

/// A part of a multipart body, as the server parsed it.
#[derive(Debug, Clone)]
pub struct Part {
    pub file_name: Option<String>,
    pub content: Vec<u8>,
}

/// Parses a `multipart/form-data` body (RFC 7578) by its boundary.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> BTreeMap<String, Part> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .unwrap()
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut parts = BTreeMap::new();
    let mut at = find(body, &delimiter, 0).unwrap() + delimiter.len();
    loop {
        if body[at..].starts_with(b"--") {
            break;
        }
        at += 2; // CRLF after the delimiter
        let headers_end = find(body, b"\r\n\r\n", at).unwrap();
        let headers = String::from_utf8_lossy(&body[at..headers_end]).to_string();
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let end = find(body, &closing, headers_end + 4).unwrap();
        let content = body[headers_end + 4..end].to_vec();
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .unwrap();
        let field = |key: &str| {
            disposition
                .split(';')
                .find_map(|p| p.trim().strip_prefix(&format!("{key}=\"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        parts.insert(
            field("name").unwrap(),
            Part {
                file_name: field("filename"),
                content,
            },
        );
        at = end + closing.len();
    }
    parts
}
