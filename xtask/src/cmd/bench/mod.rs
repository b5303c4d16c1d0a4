//! `cargo xtask bench`: the whole pipeline on large vendor APIs, split the
//! vendor's way into one document per operation, against bare progenitor
//! generation on the original single spec, side by side in one run.
//!
//! Data (committed, so the bench needs nothing outside the project):
//! - nexus: `xtask/bench/nexus.json`, a real spec of 193 operations and 194
//!   schemas, and `xtask/bench/nexus.md`, the same split into a vendor-style
//!   page by `xtask/bench/split-openapi.py nexus.json OUT --page nexus.md`;
//! - authentik: `xtask/bench/authentik.json`, a whole drf-spectacular API
//!   (1192 operations, 922 schemas), split here into one page per area (27)
//!   by [`crate::spec::split`]. Bare progenitor panics on it (two error types per
//!   operation, multipart bodies): it runs on the form it accepts, the same
//!   spec with those responses and bodies as progenitor's input gets them
//!   (`generate::Plan::input`). On authentik both sides make the same three
//!   files, like for like: the pipeline a client, its typed mocks and its
//!   command line (the three crates of [`crates`], laid out as kizen's),
//!   bare progenitor its client, httpmock and clap generators' output.
//!
//! [`profiles`] runs `generate` itself on authentik, as a user does, from
//! the dev and the release builds of xtask alternately: wall time and peak
//! memory of each, and of a generation that fails on a construct.

mod crates;
mod report;

pub use crates::*;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Folders;
use crate::base::error::{Error, Result};
use crate::pipeline::{self, Input, Timings};
use crate::{
    base::{files, json},
    codegen::generate,
    pages::import,
    spec::split,
};
use report::{Measured, median, report};

/// A correction in the overlay stage, so that the stage does real work.
const OVERLAY: &str = "\
overlay: 1.0.0
info: {title: bench, version: 1.0.0}
actions:
  - target: $
    description: the bench spec has no servers
    update:
      servers: [{url: 'https://example.invalid'}]
";

/// An overlay giving authentik's last operation a second request media
/// type, which progenitor refuses: the error path of [`profiles`].
const BAD_OVERLAY: &str = "\
overlay: 1.0.0
info: {title: bench, version: 1.0.0}
actions:
  - target: \"$.paths['/tenants/tenants/{tenant_uuid}/create_recovery_key/'].post\"
    description: a body progenitor cannot take, on the last operation
    update:
      requestBody:
        content:
          application/xml:
            schema: {type: object}
";

/// A large API to time: its vendor-style pages, and the single spec bare
/// progenitor generates from.
pub struct Suite {
    pub name: String,
    pub pages: Vec<PathBuf>,
    pub original: PathBuf,
    /// Whether `generate` fills authentik's three crates (see [`crates`])
    /// in each fresh folder; otherwise a bare folder, for the client file.
    pub crates: bool,
}

/// nexus: one page, and the spec it was split from.
pub fn nexus(bench: &Path) -> Suite {
    Suite {
        name: "nexus".into(),
        pages: vec![bench.join("nexus.md")],
        original: bench.join("nexus.json"),
        crates: false,
    }
}

/// authentik: a page per area, and the form of the spec bare progenitor
/// accepts, written under `work`.
pub fn authentik(bench: &Path, work: &Path) -> Result<Suite> {
    let source = bench.join("authentik.json");
    let name = source.display().to_string();
    let spec = json::parse(&name, &files::read(&source)?, 0)?;
    let dir = work.join("authentik-pages");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut pages = Vec::new();
    for page in split::pages(&spec) {
        let path = dir.join(format!("{}.md", page.area));
        std::fs::write(&path, page.markdown).map_err(|e| Error::io(&path, e))?;
        pages.push(path);
    }
    let mut plan = generate::Plan::of(&spec, &|_| name.clone())?;
    // Bare progenitor accepts the bounds: its baseline keeps them.
    plan.bounds = false;
    let parsed: openapiv3::OpenAPI = serde_json::from_value(spec)
        .map_err(|e| Error::invalid(&name, "", format!("not OpenAPI: {e}")))?;
    let accepted = serde_json::to_value(plan.input(&parsed)?.as_ref())
        .map_err(|e| Error::invalid(&name, "", e.to_string()))?;
    let original = work.join("authentik-accepted.json");
    std::fs::write(&original, json::pretty(&accepted)).map_err(|e| Error::io(&original, e))?;
    Ok(Suite {
        name: "authentik".into(),
        pages,
        original,
        crates: true,
    })
}

/// `cargo xtask bench`: the chosen suites, each report printed as it is
/// done, then (on authentik) the dev/release `generate` processes.
pub fn main(
    root: &Path,
    nexus_too: bool,
    authentik_too: bool,
    rounds: usize,
    with_profiles: bool,
) -> Result<std::process::ExitCode> {
    let bench = root.join("xtask/bench");
    let work = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    if nexus_too {
        println!("{}", run(&nexus(&bench), rounds)?);
    }
    if authentik_too {
        let suite = authentik(&bench, work.path())?;
        // First, while this process is small: a child's peak memory as the
        // kernel reports it is at least its parent's at the fork.
        if with_profiles {
            println!("{}", profiles(root, &suite, rounds.min(5))?);
        }
        println!("{}", run(&suite, rounds)?);
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Runs `rounds` rounds of `suite` and returns the report to print.
///
/// Each round times, on fresh folders:
/// - one pass: `cargo xtask import PAGE... --generate`, the whole pipeline;
/// - the one pass again on the same folders (the pages have not changed:
///   the steady state of a scheduled regeneration);
/// - two commands: `cargo xtask import PAGE...`, then `cargo xtask generate`;
/// - bare progenitor: read and parse the single spec, generate, format,
///   write the file (what a build script does); with the suite's crates,
///   its httpmock and clap generators' files too.
///
/// The order rotates from round to round, and each ratio is taken against
/// the bare run of the same round: this shared machine drifts by tens of
/// percent over a minute, far more than the differences measured.
pub fn run(suite: &Suite, rounds: usize) -> Result<String> {
    let work = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let rounds = rounds.max(1);
    let mut all = Measured::default();
    let (pages, original) = (&suite.pages, &suite.original);
    for round in 0..rounds {
        let folders = |name: &str| fresh(work.path(), &format!("{name}-{round}"), suite.crates);
        let mut times = [Duration::ZERO; 4];
        for turn in 0..3 {
            match (turn + round) % 3 {
                0 => {
                    let (first, again, timings, documents) =
                        one_pass(pages, &folders("one-pass")?)?;
                    (times[0], times[1]) = (first, again);
                    all.stages.push(timings);
                    all.documents = documents;
                }
                1 => times[2] = two_commands(pages, &folders("two-commands")?)?,
                _ => {
                    let out = work.path().join(format!("bare-{round}.rs"));
                    let (time, timings, lines) = bare(original, &out, suite.crates)?;
                    times[3] = time;
                    all.bare_stages.push(timings);
                    all.lines = lines;
                }
            }
        }
        for (kind, time) in times.iter().enumerate() {
            all.runs[kind].push((*time, time.as_secs_f64() / times[3].as_secs_f64()));
        }
    }
    Ok(report(&suite.name, &all, rounds))
}

/// Empty `openapi/` (with `overlay`) and crate folders under `work` (the
/// crates' manifests when `crates`).
fn fresh(work: &Path, name: &str, crates: bool) -> Result<Folders> {
    fresh_with(work, name, crates, OVERLAY)
}

fn fresh_with(work: &Path, name: &str, crates: bool, overlay: &str) -> Result<Folders> {
    let openapi = work.join(name).join("openapi");
    std::fs::create_dir_all(&openapi).map_err(|e| Error::io(&openapi, e))?;
    std::fs::write(openapi.join("overlay.yaml"), overlay).map_err(|e| Error::io(&openapi, e))?;
    let krate = work
        .join(name)
        .join(if crates { AUTHENTIK_PACKAGE } else { "crate" });
    if crates {
        crates::write_manifests(&krate)?;
    }
    Ok(Folders { openapi, krate })
}

fn plans(pages: &[PathBuf], openapi: &Path) -> Result<Vec<import::Plan>> {
    import::plan_files(pages, openapi)
}

/// `import --generate` into fresh folders, then again with the pages
/// unchanged (which must write nothing): both times, the first's stages,
/// and the number of documents.
fn one_pass(pages: &[PathBuf], here: &Folders) -> Result<(Duration, Duration, Timings, usize)> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let imports = plans(pages, &here.openapi)?;
    timings.0.push(("import", start.elapsed()));
    let done = super::one_pass(here, imports, Some(&mut timings), |_| {})?;
    let first = start.elapsed();
    // What is left is staging and committing the files.
    let stages_took = timings.0.iter().map(|(_, d)| *d).sum::<Duration>();
    timings.0.push(("write", first.saturating_sub(stages_took)));

    let start = Instant::now();
    let again = super::one_pass(here, plans(pages, &here.openapi)?, None, |_| {})?;
    let second = start.elapsed();
    if !again.written.is_empty() {
        return Err(Error::invalid(
            here.openapi.display().to_string(),
            "",
            format!("importing the same pages again wrote {:?}", again.written),
        ));
    }
    let documents = done.reports.iter().map(|r| r.added.len()).sum();
    Ok((first, second, timings, documents))
}

/// `cargo xtask import PAGE...`, then `cargo xtask generate`.
fn two_commands(pages: &[PathBuf], here: &Folders) -> Result<Duration> {
    let start = Instant::now();
    import::apply_all(plans(pages, &here.openapi)?)?;
    let run = pipeline::run(Input::folder(&here.openapi), Some(&here.krate), None)?;
    files::write(&run.outputs)?;
    Ok(start.elapsed())
}

/// Bare progenitor on the original spec, written to `out`: the time, the
/// stages, and the lines of Rust. With `crates`, its httpmock and clap
/// generators too, as ours make mocks and a command line beside the client
/// (each file written beside `out`).
fn bare(original: &Path, out: &Path, crates: bool) -> Result<(Duration, Timings, usize)> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let spec: openapiv3::OpenAPI = timings.time("parse", || {
        let name = original.display().to_string();
        let value = json::parse(&name, &files::read(original)?, 0)?;
        serde_json::from_value(value)
            .map_err(|e| Error::invalid(name, "", format!("not OpenAPI: {e}")))
    })?;
    let mut made = vec![(
        out.to_path_buf(),
        timings.time("client", || generate::bare(&spec))?,
    )];
    if crates {
        let bare = |companion| generate::bare_companion(&spec, AUTHENTIK_PACKAGE, companion);
        let mocks = timings.time("mocks", || bare(generate::Companion::Httpmock))?;
        let cli = timings.time("cli", || bare(generate::Companion::Cli))?;
        made.push((out.with_extension("httpmock.rs"), mocks));
        made.push((out.with_extension("cli.rs"), cli));
    }
    timings.time("write", || {
        made.iter()
            .try_for_each(|(path, text)| std::fs::write(path, text).map_err(|e| Error::io(path, e)))
    })?;
    let lines = made.iter().map(|(_, text)| text.lines().count()).sum();
    Ok((start.elapsed(), timings, lines))
}

/// One process: its wall time, peak memory (KiB) and success.
pub(crate) struct Process {
    pub wall: Duration,
    pub peak_kib: u64,
    pub ok: bool,
}

/// Runs `binary generate` on `folders`, measuring the process alone: its
/// peak resident memory is the kernel's (`wait4`'s `ru_maxrss`).
fn generate_process(binary: &Path, folders: &Folders) -> Result<Process> {
    let mut command = Command::new(binary);
    command
        .arg("--openapi")
        .arg(&folders.openapi)
        .arg("--crate")
        .arg(&folders.krate)
        .arg("generate")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    measured(command, binary)
}

/// Runs `command` (`what` names it in errors) and measures it: wall time,
/// and the peak resident memory of it or of any process it waited for (a
/// cargo's rustc), from `wait4`'s `ru_maxrss`.
pub(crate) fn measured(mut command: Command, what: &Path) -> Result<Process> {
    let start = Instant::now();
    let child = command.spawn().map_err(|e| Error::io(what, e))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data the kernel fills; the child is ours
    // and waited for once, here (`child` is never waited on again).
    let (waited, usage) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let waited = libc::wait4(pid, &mut status, 0, &mut usage);
        (waited, usage)
    };
    if waited != pid {
        return Err(Error::io(what, std::io::Error::last_os_error()));
    }
    Ok(Process {
        wall: start.elapsed(),
        peak_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    })
}

/// This process's peak resident memory so far (KiB).
fn own_peak_kib() -> u64 {
    // SAFETY: `rusage` is plain data the kernel fills.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    u64::try_from(usage.ru_maxrss).unwrap_or(0)
}

/// `cargo xtask generate` on authentik from the dev and the release builds
/// of xtask (`cargo build` of each first), alternating for `rounds` rounds
/// on the same imported folders: the success path and an error path (an
/// overlay gives the last operation a body progenitor refuses).
pub fn profiles(root: &Path, suite: &Suite, rounds: usize) -> Result<String> {
    let cargo = crate::cmd::cargo();
    for profile in [
        &["build", "-p", "xtask"][..],
        &["build", "--release", "-p", "xtask"],
    ] {
        let status = Command::new(&cargo)
            .current_dir(root)
            .args(profile)
            .status()
            .map_err(|e| Error::io(root, e))?;
        if !status.success() {
            return Err(Error::Command {
                command: format!("cargo {}", profile.join(" ")),
                message: status.to_string(),
            });
        }
    }
    let binaries = [
        ("dev", root.join("target/debug/xtask")),
        ("release", root.join("target/release/xtask")),
    ];
    let work = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let good = fresh(work.path(), "good", suite.crates)?;
    let bad = fresh_with(work.path(), "bad", suite.crates, BAD_OVERLAY)?;
    for folders in [&good, &bad] {
        import::apply_all(plans(&suite.pages, &folders.openapi)?)?;
    }
    // (profile, path) -> processes
    let mut runs: Vec<Vec<Process>> = (0..4).map(|_| Vec::new()).collect();
    for round in 0..rounds.max(1) {
        for turn in 0..2 {
            let which = (turn + round) % 2;
            let binary = &binaries[which].1;
            let ok = generate_process(binary, &good)?;
            let failed = generate_process(binary, &bad)?;
            if !ok.ok || failed.ok {
                return Err(Error::Command {
                    command: format!("{} generate", binary.display()),
                    message: "the good folder must generate and the bad one fail".into(),
                });
            }
            runs[which * 2].push(ok);
            runs[which * 2 + 1].push(failed);
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "authentik, `xtask generate` as a process (median of {} rounds, alternating; \
         peak RSS from wait4, floored at this process's {:.0} MB at the fork):",
        rounds.max(1),
        own_peak_kib() as f64 / 1024.0
    );
    let _ = writeln!(out, "{:<34} {:>9}  {:>9}", "", "wall", "peak RSS");
    let medians: Vec<(Duration, u64)> = runs
        .iter()
        .map(|r| {
            let wall = median(r.iter().map(|p| p.wall).collect());
            let mut peaks: Vec<u64> = r.iter().map(|p| p.peak_kib).collect();
            peaks.sort_unstable();
            (wall, peaks[peaks.len() / 2])
        })
        .collect();
    let labels = [
        "dev profile, generates",
        "dev profile, fails on a construct",
        "release profile, generates",
        "release profile, fails on a construct",
    ];
    for (label, (wall, peak)) in labels.iter().zip(&medians) {
        let _ = writeln!(
            out,
            "{label:<34} {:>7.2} s  {:>6.0} MB",
            wall.as_secs_f64(),
            *peak as f64 / 1024.0
        );
    }
    let ratio = medians[0].0.as_secs_f64() / medians[2].0.as_secs_f64();
    let _ = writeln!(out, "dev / release, generates: {ratio:.2}x");
    out.push_str(&format!(
        "error path / success, dev: {:.2}x; release: {:.2}x\n",
        medians[1].0.as_secs_f64() / medians[0].0.as_secs_f64(),
        medians[3].0.as_secs_f64() / medians[2].0.as_secs_f64()
    ));
    Ok(out)
}
