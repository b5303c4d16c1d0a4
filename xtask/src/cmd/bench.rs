//! `cargo xtask bench`: the whole pipeline on a large vendor API, split the
//! vendor's way into one document per operation, against bare progenitor
//! generation on the original single spec, side by side in one run.
//!
//! Data (committed, so the bench needs nothing outside the project):
//! `xtask/bench/nexus.json`, a real spec of 193 operations and 194 schemas,
//! and `xtask/bench/nexus.md`, the same split into a vendor-style page by
//! `xtask/bench/split-openapi.py nexus.json OUT --page nexus.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use super::Folders;
use crate::error::{Error, Result};
use crate::pipeline::{self, Input, Timings};
use crate::{files, generate, import, json};

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

/// Runs `rounds` rounds and returns the report to print.
///
/// Each round times, on fresh folders:
/// - one pass: `cargo xtask import PAGE --generate`, the whole pipeline;
/// - the one pass again on the same folders (the page has not changed:
///   the steady state of a scheduled regeneration);
/// - two commands: `cargo xtask import PAGE`, then `cargo xtask generate`;
/// - bare progenitor: read and parse nexus.json, generate, format, write
///   the file (what a build script does).
///
/// The order rotates from round to round, and each ratio is taken against
/// the bare run of the same round: this shared machine drifts by tens of
/// percent over a minute, far more than the differences measured.
pub fn run(page: &Path, original: &Path, rounds: usize) -> Result<String> {
    let work = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let rounds = rounds.max(1);
    let mut all = Measured::default();
    for round in 0..rounds {
        let folders = |name: &str| fresh(work.path(), &format!("{name}-{round}"));
        let mut times = [Duration::ZERO; 4];
        for turn in 0..3 {
            match (turn + round) % 3 {
                0 => {
                    let (first, again, timings, documents) = one_pass(page, &folders("one-pass")?)?;
                    (times[0], times[1]) = (first, again);
                    all.stages.push(timings);
                    all.documents = documents;
                }
                1 => times[2] = two_commands(page, &folders("two-commands")?)?,
                _ => {
                    let out = work.path().join(format!("bare-{round}.rs"));
                    let (time, timings, lines) = bare(original, &out)?;
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
    Ok(report(&all, rounds))
}

/// What the rounds measured.
#[derive(Default)]
struct Measured {
    /// The one pass's stages, per round.
    stages: Vec<Timings>,
    bare_stages: Vec<Timings>,
    /// Per kind of run: (time, ratio to the same round's bare run) per round.
    runs: [Vec<(Duration, f64)>; 4],
    documents: usize,
    lines: usize,
}

/// Empty `openapi/` (with the bench overlay) and crate folders under `work`.
fn fresh(work: &Path, name: &str) -> Result<Folders> {
    let openapi = work.join(name).join("openapi");
    std::fs::create_dir_all(&openapi).map_err(|e| Error::io(&openapi, e))?;
    std::fs::write(openapi.join("overlay.yaml"), OVERLAY).map_err(|e| Error::io(&openapi, e))?;
    let krate = work.join(name).join("crate");
    Ok(Folders { openapi, krate })
}

/// `import --generate` into fresh folders, then again with the page
/// unchanged (which must write nothing): both times, the first's stages,
/// and the number of documents.
fn one_pass(page: &Path, here: &Folders) -> Result<(Duration, Duration, Timings, usize)> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let plan = import::plan_file(page, &here.openapi)?;
    timings.0.push(("import", start.elapsed()));
    let done = super::one_pass(here, vec![plan], Some(&mut timings), |_| {})?;
    let first = start.elapsed();
    // What is left is staging and committing the files.
    let stages_took = timings.0.iter().map(|(_, d)| *d).sum::<Duration>();
    timings.0.push(("write", first.saturating_sub(stages_took)));

    let start = Instant::now();
    let plan = import::plan_file(page, &here.openapi)?;
    let again = super::one_pass(here, vec![plan], None, |_| {})?;
    let second = start.elapsed();
    if !again.written.is_empty() {
        return Err(Error::invalid(
            here.openapi.display().to_string(),
            "",
            format!("importing the same page again wrote {:?}", again.written),
        ));
    }
    Ok((first, second, timings, done.reports[0].added.len()))
}

/// `cargo xtask import PAGE`, then `cargo xtask generate`.
fn two_commands(page: &Path, here: &Folders) -> Result<Duration> {
    let start = Instant::now();
    import::plan_file(page, &here.openapi)?.apply()?;
    let run = pipeline::run(Input::folder(&here.openapi), Some(&here.krate), None)?;
    files::write(&run.outputs)?;
    Ok(start.elapsed())
}

/// Bare progenitor on the original spec, written to `out`: the time, the
/// stages, and the lines of Rust.
fn bare(original: &Path, out: &Path) -> Result<(Duration, Timings, usize)> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let spec: openapiv3::OpenAPI = timings.time("parse", || {
        let name = original.display().to_string();
        let value = json::parse(&name, &files::read(original)?, 0)?;
        serde_json::from_value(value)
            .map_err(|e| Error::invalid(name, "", format!("not OpenAPI: {e}")))
    })?;
    let client = timings.time("generate", || generate::bare(&spec))?;
    timings
        .time("write", || std::fs::write(out, &client))
        .map_err(|e| Error::io(out, e))?;
    Ok((start.elapsed(), timings, client.lines().count()))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn median_ratio(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The figures, as `cargo xtask bench` prints them.
fn report(all: &Measured, rounds: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} documents -> {} lines of Rust; median of {rounds} rounds{}",
        all.documents,
        all.lines,
        if cfg!(debug_assertions) {
            " (debug build: use `cargo xtask-release bench` for real figures)"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "one pass, by stage:");
    let mut ours = Duration::ZERO;
    for (i, (name, _)) in all.stages[0].0.iter().enumerate() {
        let d = median(all.stages.iter().map(|t| t.0[i].1).collect());
        let _ = writeln!(out, "  {name:<9} {:>9.1} ms", ms(d));
        if *name != "generate" {
            ours += d;
        }
    }
    let bare_median = median(all.runs[3].iter().map(|(d, _)| *d).collect());
    let _ = write!(out, "bare progenitor, by stage:");
    for (i, (name, _)) in all.bare_stages[0].0.iter().enumerate() {
        let d = median(all.bare_stages.iter().map(|t| t.0[i].1).collect());
        let _ = write!(out, " {name} {:.1} ms,", ms(d));
    }
    out.pop();
    out.push('\n');
    let _ = writeln!(
        out,
        "  our stages {:>8.1} ms = {:.1} % of bare (all but generate, summed)",
        ms(ours),
        ours.as_secs_f64() / bare_median.as_secs_f64() * 100.0
    );
    let labels = [
        "import --generate (one pass)",
        "import --generate, page unchanged",
        "import, then generate",
        "bare progenitor",
    ];
    let _ = writeln!(out, "{:<34} {:>9}  {:>8}", "", "time", "vs bare");
    for (label, kind) in labels.iter().zip(&all.runs) {
        let time = median(kind.iter().map(|(d, _)| *d).collect());
        let ratio = median_ratio(kind.iter().map(|(_, r)| *r).collect());
        let _ = writeln!(
            out,
            "{label:<34} {:>6.1} ms  {:>+7.1} %",
            ms(time),
            (ratio - 1.0) * 100.0
        );
    }
    let _ = writeln!(
        out,
        "(bare: read + parse nexus.json, generate, format, write; \
         vs bare: median of the per-round ratios)"
    );
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
