//! `cargo xtask build-time-areas [--rounds N] [--peer DIR]`: what the area
//! features save on a whole drf-spectacular API. authentik's spec
//! (`xtask/bench/authentik.json`) is split into one vendor page per area,
//! imported and generated as Kizen's pages are. Then, side by side in one
//! run, with the dependencies built: a debug build and a `cargo check` of
//! the generated crate alone (rebuilt from scratch, `CARGO_INCREMENTAL=0`),
//! with every area and with one mid-sized area, and of authentik's own
//! openapi-generator client (`--peer`, a checkout of goauthentik/client-rust),
//! each with the peak memory of the compiler. A benchmark that prints
//! figures, not a test; it needs crates.io for the peer's dependencies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::Folders;
use super::bench::{self, AUTHENTIK_MANIFEST, Process};
use crate::base::error::{Error, Result};
use crate::{
    base::{files, json},
    codegen::features,
    pages::import,
    spec::split,
};

/// The generated crate's credentials and hooks (see `bench::client_lib`).
const CREDENTIALS: &str = r#"
/// An API token.
#[derive(Clone, Debug)]
pub struct Credentials(
    /// The token.
    pub String,
);

impl progenitor_client::ClientHooks<Credentials> for Client {}
"#;

/// The peer's package, renamed so that it can share the workspace.
const PEER: &str = "openapi-generator-client";
const OURS: &str = "authentik-client";

/// How the benchmark runs.
#[derive(Debug)]
pub struct Options {
    pub rounds: usize,
    /// A checkout of goauthentik/client-rust; without it, no peer.
    pub peer: Option<PathBuf>,
}

/// One crate built as one configuration.
struct Subject {
    what: String,
    package: &'static str,
    features: Vec<String>,
}

#[derive(Default)]
struct Measured {
    build: Vec<Process>,
    check: Vec<Process>,
}

pub fn run(root: &Path, options: &Options) -> Result<String> {
    let work = root.join("target/build-time-areas");
    let (areas, mid) = generate(root, &work)?;
    let mut members = vec![OURS];
    if let Some(peer) = &options.peer {
        copy_peer(peer, &work.join(PEER))?;
        members.push(PEER);
    }
    workspace(root, &work, &members)?;
    let mut subjects = vec![
        Subject {
            what: format!("generated crate, every area ({areas} features)"),
            package: OURS,
            features: Vec::new(),
        },
        Subject {
            what: format!(
                "generated crate, one mid-sized area (`{}`, {} operations)",
                mid.0, mid.1
            ),
            package: OURS,
            features: vec![
                "--no-default-features".into(),
                "--features".into(),
                mid.0.clone(),
            ],
        },
    ];
    if options.peer.is_some() {
        subjects.push(Subject {
            what: "authentik's openapi-generator client (goauthentik/client-rust, no TLS feature)"
                .into(),
            package: PEER,
            features: vec!["--no-default-features".into()],
        });
    }
    // Dependencies first, and a first build of each: not measured.
    for subject in &subjects {
        for mode in ["build", "check"] {
            let done = cargo(&work, mode, subject)?;
            if !done.ok {
                return Err(Error::Command {
                    command: format!("cargo {mode} -p {} in {}", subject.package, work.display()),
                    message: "failed (run it there to see why)".into(),
                });
            }
        }
    }
    let rounds = options.rounds.max(1);
    let mut measured: Vec<Measured> = subjects.iter().map(|_| Measured::default()).collect();
    for round in 0..rounds {
        for turn in 0..subjects.len() {
            let i = (turn + round) % subjects.len();
            for mode in ["build", "check"] {
                touch(&work.join(subjects[i].package).join("src/lib.rs"))?;
                let process = cargo(&work, mode, &subjects[i])?;
                eprintln!(
                    "round {}/{rounds}: {} {mode}: {:.1} s, {:.2} GiB",
                    round + 1,
                    subjects[i].what,
                    process.wall.as_secs_f64(),
                    gib(process.peak_kib)
                );
                let list = if mode == "build" {
                    &mut measured[i].build
                } else {
                    &mut measured[i].check
                };
                list.push(process);
            }
        }
    }
    Ok(report(&subjects, &measured, rounds))
}

/// Imports authentik split into pages and generates the crate at
/// `work/authentik-client`; returns the number of areas and the
/// mid-sized one (its feature and operation count).
fn generate(root: &Path, work: &Path) -> Result<(usize, (String, usize))> {
    let openapi = work.join("openapi");
    let krate = work.join(OURS);
    for dir in [&openapi, &krate] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
    }
    let src = krate.join("src");
    std::fs::create_dir_all(&src).map_err(|e| Error::io(&src, e))?;
    std::fs::create_dir_all(&openapi).map_err(|e| Error::io(&openapi, e))?;
    write(&krate.join("Cargo.toml"), AUTHENTIK_MANIFEST)?;
    let lib = super::bench::client_lib(
        "authentik's API, generated by the Kizen pipeline (a benchmark).",
        "authentik_client",
        CREDENTIALS,
    );
    write(&src.join("lib.rs"), &lib)?;
    let suite = bench::authentik(&root.join("xtask/bench"), work)?;
    let plans = import::plan_files(&suite.pages, &openapi)?;
    let folders = Folders { openapi, krate };
    super::one_pass(&folders, plans, None, |_| {})?;

    let source = root.join("xtask/bench/authentik.json");
    let name = source.display().to_string();
    let spec = json::parse(&name, &files::read(&source)?, 0)?;
    let mut sizes: Vec<(String, usize)> = split::pages(&spec)
        .iter()
        .map(|page| {
            let feature = features::feature_name(&format!("{}.md", page.area));
            (feature, page.markdown.matches("```json").count())
        })
        .collect();
    sizes.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let mid = sizes
        .get(sizes.len() / 2)
        .cloned()
        .ok_or_else(|| Error::invalid(&name, "", "no area"))?;
    Ok((sizes.len(), mid))
}

/// The peer's manifest and sources under `to`, its package renamed.
fn copy_peer(peer: &Path, to: &Path) -> Result<()> {
    let manifest_path = peer.join("Cargo.toml");
    let manifest = files::read(&manifest_path)?;
    let renamed = manifest.replacen(
        "name = \"authentik-client\"",
        &format!("name = \"{PEER}\""),
        1,
    );
    if renamed == manifest {
        return Err(Error::invalid(
            manifest_path.display().to_string(),
            "/package/name",
            "expected goauthentik/client-rust (`name = \"authentik-client\"`)",
        ));
    }
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(|e| Error::io(to, e))?;
    }
    copy_dir(&peer.join("src"), &to.join("src"))?;
    write(&to.join("Cargo.toml"), &renamed)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let path = entry.map_err(|e| Error::io(from, e))?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// A workspace of `members` at `work`, with this workspace's dependency
/// versions and lock file.
/// A workspace at `work` with `members`: the root's manifest (its
/// dependencies and profiles) and `Cargo.lock`.
pub(crate) fn workspace(root: &Path, work: &Path, members: &[&str]) -> Result<()> {
    let text = files::read(&root.join("Cargo.toml"))?;
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let start = text.find("members = [").ok_or_else(|| {
        Error::invalid(
            "Cargo.toml",
            "/workspace/members",
            "expected a members list",
        )
    })?;
    let end = text[start..]
        .find(']')
        .map(|i| start + i + 1)
        .ok_or_else(|| Error::invalid("Cargo.toml", "/workspace/members", "unclosed list"))?;
    let manifest = format!(
        "{}members = [{}]{}",
        &text[..start],
        list.join(", "),
        &text[end..]
    );
    write(&work.join("Cargo.toml"), &manifest)?;
    let lock = root.join("Cargo.lock");
    std::fs::copy(&lock, work.join("Cargo.lock")).map_err(|e| Error::io(&lock, e))?;
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// Rewrites `path` as it is: a new modification time, so cargo rebuilds
/// the crate.
fn touch(path: &Path) -> Result<()> {
    let text = files::read(path)?;
    write(path, &text)
}

/// `cargo <mode> -p <package> <features>` at `work`, measured.
fn cargo(work: &Path, mode: &str, subject: &Subject) -> Result<Process> {
    let cargo = crate::cmd::cargo();
    let mut command = Command::new(&cargo);
    command
        .current_dir(work)
        .args([mode, "--quiet", "-p", subject.package])
        .args(&subject.features)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTC_WRAPPER")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    bench::measured(command, work)
}

fn gib(kib: u64) -> f64 {
    kib as f64 / (1024.0 * 1024.0)
}

fn median_wall(list: &[Process]) -> Duration {
    let mut walls: Vec<Duration> = list.iter().map(|p| p.wall).collect();
    walls.sort();
    walls.get(walls.len() / 2).copied().unwrap_or_default()
}

fn median_peak(list: &[Process]) -> u64 {
    let mut peaks: Vec<u64> = list.iter().map(|p| p.peak_kib).collect();
    peaks.sort_unstable();
    peaks.get(peaks.len() / 2).copied().unwrap_or_default()
}

/// The median of each round's ratio of `a` to `b` (rounds ran side by side).
fn ratio(a: &[Process], b: &[Process]) -> f64 {
    let mut ratios: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| a.wall.as_secs_f64() / b.wall.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN)
}

fn report(subjects: &[Subject], measured: &[Measured], rounds: usize) -> String {
    let peer = subjects.iter().position(|s| s.package == PEER);
    let mut out = format!(
        "the crate alone, its dependencies built (CARGO_INCREMENTAL=0), median of {rounds} \
         round(s), side by side in one run; peak = the compiler's resident memory\n\n\
         | crate | debug build | peak | / peer | / every area | cargo check | peak | / peer | / every area |\n\
         |---|---|---|---|---|---|---|---|---|\n"
    );
    for (subject, m) in subjects.iter().zip(measured) {
        let vs = |list: &[Process], other: Option<&[Process]>| {
            other.map_or("-".to_string(), |o| format!("{:.2}x", ratio(list, o)))
        };
        let all = &measured[0];
        let _ = writeln!(
            out,
            "| {} | {:.1} s | {:.2} GiB | {} | {} | {:.1} s | {:.2} GiB | {} | {} |",
            subject.what,
            median_wall(&m.build).as_secs_f64(),
            gib(median_peak(&m.build)),
            vs(&m.build, peer.map(|p| measured[p].build.as_slice())),
            vs(&m.build, Some(&all.build)),
            median_wall(&m.check).as_secs_f64(),
            gib(median_peak(&m.check)),
            vs(&m.check, peer.map(|p| measured[p].check.as_slice())),
            vs(&m.check, Some(&all.check)),
        );
    }
    out
}
