//! `cargo xtask diff OLD NEW`: every change between two merged specs,
//! classified the way oasdiff does: **breaking** (breaks a caller of the
//! generated crate or a client of the API), **warning** (may break; the
//! spec cannot tell), **compatible**.
//!
//! The rules are one table ([`rules`]); each family of rules is compared in
//! its own file. A schema change no rule classifies is reported as
//! `unclassified-schema-change`, never dropped.

mod bodies;
mod operations;
mod parameters;
pub mod rules;
mod schemas;
mod security;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};

use crate::base::walk;
pub use rules::{RULES, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Breaking,
    Warning,
    Compatible,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Compatible => "compatible",
        })
    }
}

/// One classified change; ordered most severe first, then by rule and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub rule: &'static Rule,
    /// Where: `GET /api/x`, plus a detail path.
    pub location: String,
    pub detail: String,
}

impl Change {
    pub fn level(&self) -> Level {
        self.rule.level
    }

    fn key(&self) -> (Level, &str, &str, &str) {
        (self.rule.level, self.rule.id, &self.location, &self.detail)
    }
}

impl Ord for Change {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Change {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether a schema is read by the API (a request) or written by it (a
/// response): adding a required property breaks requests, removing one
/// breaks readers of responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

/// All changes from `old` to `new`, sorted (most severe first).
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let mut diff = Diff {
        old,
        new,
        changes: Vec::new(),
        seen: BTreeSet::new(),
    };
    diff.operations();
    diff.security();
    diff.changes.sort();
    diff.changes.dedup();
    diff.changes
}

struct Diff<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
    /// ($ref old, $ref new, direction) pairs already compared: recursion guard.
    seen: BTreeSet<(String, String, bool)>,
}

impl<'a> Diff<'a> {
    fn push(&mut self, rule: &'static Rule, location: &str, detail: String) {
        self.changes.push(Change {
            rule,
            location: location.to_string(),
            detail,
        });
    }

    fn resolve_old(&self, v: &'a Value) -> &'a Value {
        walk::resolve(self.old, v)
    }

    fn resolve_new(&self, v: &'a Value) -> &'a Value {
        walk::resolve(self.new, v)
    }
}

/// Text, one change a line.
pub fn text(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let _ = writeln!(
            out,
            "{:<10} {:<34} {}: {}",
            c.level(),
            c.rule.id,
            c.location,
            c.detail
        );
    }
    let count = |l| changes.iter().filter(|c| c.level() == l).count();
    let _ = writeln!(
        out,
        "{} breaking, {} warning, {} compatible",
        count(Level::Breaking),
        count(Level::Warning),
        count(Level::Compatible)
    );
    out
}

/// A markdown table, for a pull-request comment.
pub fn markdown(changes: &[Change]) -> String {
    let mut out = String::from("| level | rule | where | change |\n| --- | --- | --- | --- |\n");
    for c in changes {
        let cell = |s: &str| s.replace('|', "\\|");
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            c.level(),
            c.rule.id,
            cell(&c.location),
            cell(&c.detail)
        );
    }
    if changes.is_empty() {
        out.push_str("| | | | no changes |\n");
    }
    out
}

/// The changes as JSON: `[{level, rule, location, detail}]`.
pub fn to_json(changes: &[Change]) -> Value {
    changes
        .iter()
        .map(|c| {
            json!({
                "level": c.level(),
                "rule": c.rule.id,
                "location": c.location,
                "detail": c.detail,
            })
        })
        .collect()
}

/// The rules as a markdown table (for docs/diff-rules.md).
pub fn rules_table() -> String {
    let mut out =
        String::from("| rule | level | crate bump | meaning |\n| --- | --- | --- | --- |\n");
    for rule in RULES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            rule.id, rule.level, rule.bump, rule.doc
        );
    }
    out
}
