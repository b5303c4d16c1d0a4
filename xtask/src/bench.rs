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

use crate::error::{Error, Result};
use crate::pipeline::{self, Timings};
use crate::{generate, import, load, write};

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
pub fn run(page: &Path, original: &Path, rounds: usize) -> Result<String> {
    let work = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let rounds = rounds.max(1);
    let mut ours: Vec<Timings> = Vec::new();
    let mut bare = Vec::new();
    let mut counts = (0, 0);
    for round in 0..rounds {
        let openapi = work.path().join(format!("openapi-{round}"));
        let krate = work.path().join(format!("crate-{round}"));
        std::fs::create_dir_all(&openapi).map_err(|e| Error::io(&openapi, e))?;
        std::fs::write(openapi.join("overlay.yaml"), OVERLAY)
            .map_err(|e| Error::io(&openapi, e))?;

        let mut timings = Timings::default();
        let start = Instant::now();
        let report = import::page(page, &openapi)?;
        timings.0.push(("import", start.elapsed()));
        let (outputs, _) = pipeline::outputs_timed(&openapi, &krate, &mut timings)?;
        let start = Instant::now();
        write::files(&outputs)?;
        timings.0.push(("write", start.elapsed()));
        ours.push(timings);

        let start = Instant::now();
        let text = load::read(original)?;
        let spec: openapiv3::OpenAPI =
            serde_json::from_str(&text).map_err(|e| load::malformed(original, &e, 0))?;
        let client = generate::client(&spec)?;
        bare.push(start.elapsed());
        counts = (report.added.len(), client.lines().count());
    }

    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let stage_names: Vec<&str> = ours[0].0.iter().map(|(n, _)| *n).collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} documents -> {} lines of Rust; median of {rounds} rounds{}",
        counts.0,
        counts.1,
        if cfg!(debug_assertions) {
            " (debug build: use `cargo xtask-release bench` for real figures)"
        } else {
            ""
        }
    );
    for (i, name) in stage_names.iter().enumerate() {
        let d = median(ours.iter().map(|t| t.0[i].1).collect());
        let _ = writeln!(out, "  {name:<9} {:>9.1} ms", ms(d));
    }
    let ours_total = median(ours.iter().map(Timings::total).collect());
    let generate = median(
        ours.iter()
            .filter_map(|t| t.0.iter().find(|(n, _)| *n == "generate").map(|(_, d)| *d))
            .collect(),
    );
    let bare = median(bare);
    let _ = writeln!(out, "whole pipeline      {:>9.1} ms", ms(ours_total));
    let _ = writeln!(
        out,
        "  of which ours     {:>9.1} ms (all but `generate`)",
        ms(ours_total - generate)
    );
    let _ = writeln!(
        out,
        "bare progenitor     {:>9.1} ms (parse nexus.json + generate)",
        ms(bare)
    );
    let _ = writeln!(
        out,
        "overhead            {:>+9.1} % (whole pipeline vs bare)",
        (ours_total.as_secs_f64() / bare.as_secs_f64() - 1.0) * 100.0
    );
    Ok(out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
