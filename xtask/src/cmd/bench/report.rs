//! What the bench's rounds measured, and the figures it prints from them.

use std::fmt::Write as _;
use std::time::Duration;

use crate::pipeline::Timings;

/// What the rounds measured.
#[derive(Default)]
pub(super) struct Measured {
    /// The one pass's stages, per round.
    pub(super) stages: Vec<Timings>,
    pub(super) bare_stages: Vec<Timings>,
    /// Per kind of run: (time, ratio to the same round's bare run) per round.
    pub(super) runs: [Vec<(Duration, f64)>; 4],
    pub(super) documents: usize,
    pub(super) lines: usize,
}

pub(super) fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub(super) fn median_ratio(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The pipeline's stages that run progenitor's generators (the rest are
/// ours alone).
const GENERATED: [&str; 3] = ["client", "mocks", "cli"];

/// The figures, as `cargo xtask bench` prints them.
pub(super) fn report(name: &str, all: &Measured, rounds: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{name}: {} documents -> {} lines of Rust; median of {rounds} rounds{}",
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
        if !GENERATED.contains(name) {
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
        "  our stages {:>8.1} ms = {:.1} % of bare (all but {}, summed)",
        ms(ours),
        ours.as_secs_f64() / bare_median.as_secs_f64() * 100.0,
        GENERATED.join(", ")
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
        "(bare: read + parse the single spec, generate, format, write; \
         vs bare: median of the per-round ratios)"
    );
    out
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
