//! `cargo xtask diff OLD NEW`: every change between two merged specs,
//! classified the way oasdiff does: **breaking** (breaks a caller of the
//! generated crate or a client of the API), **warning** (may break; the
//! spec cannot tell), **compatible**.
//!
//! Both sides are compared after the pipeline's own stages (import, repair,
//! merge, overlay), so what is compared is what the crate is generated from.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::json;
use crate::merge;

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

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub level: Level,
    /// A stable rule id, e.g. `operation-removed`.
    pub rule: &'static str,
    /// Where: `GET /api/x`, plus a detail path.
    pub location: String,
    pub detail: String,
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
    diff.security_schemes();
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

fn operations_of(spec: &Value) -> BTreeMap<(String, String), (&Value, &Value)> {
    merge::operations(spec)
        .map(|(path, method, op, item)| ((path.clone(), method.to_string()), (op, item)))
        .collect()
}

impl<'a> Diff<'a> {
    fn push(&mut self, level: Level, rule: &'static str, location: &str, detail: String) {
        self.changes.push(Change {
            level,
            rule,
            location: location.to_string(),
            detail,
        });
    }

    fn operations(&mut self) {
        let old = operations_of(self.old);
        let new = operations_of(self.new);
        for ((path, method), (op, item)) in &old {
            let at = format!("{} {path}", method.to_uppercase());
            let Some((new_op, new_item)) = new.get(&(path.clone(), method.clone())) else {
                self.push(
                    Level::Breaking,
                    "operation-removed",
                    &at,
                    "the operation is gone".into(),
                );
                continue;
            };
            self.descriptions(&at, op, new_op);
            self.parameters(&at, params(op, item), params(new_op, new_item));
            self.request_body(&at, op.get("requestBody"), new_op.get("requestBody"));
            self.responses(&at, op.get("responses"), new_op.get("responses"));
        }
        for (path, method) in new.keys() {
            if !old.contains_key(&(path.clone(), method.clone())) {
                let at = format!("{} {path}", method.to_uppercase());
                self.push(
                    Level::Compatible,
                    "operation-added",
                    &at,
                    "a new operation".into(),
                );
            }
        }
    }

    fn descriptions(&mut self, at: &str, old: &Value, new: &Value) {
        for field in ["summary", "description"] {
            if old.get(field) != new.get(field) {
                self.push(
                    Level::Compatible,
                    "description-changed",
                    at,
                    format!("{field} changed"),
                );
            }
        }
    }

    fn parameters(
        &mut self,
        at: &str,
        old: BTreeMap<(String, String), &'a Value>,
        new: BTreeMap<(String, String), &'a Value>,
    ) {
        for ((location, name), param) in &old {
            let Some(new_param) = new.get(&(location.clone(), name.clone())) else {
                let moved = new.keys().find(|(_, n)| n == name).map(|(l, _)| l.clone());
                match moved {
                    Some(to) => self.push(
                        Level::Breaking,
                        "parameter-location-changed",
                        at,
                        format!("parameter `{name}` moved from {location} to {to}"),
                    ),
                    None => self.push(
                        Level::Breaking,
                        "parameter-removed",
                        at,
                        format!("{location} parameter `{name}` removed"),
                    ),
                }
                continue;
            };
            let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
            match (required(param), required(new_param)) {
                (false, true) => self.push(
                    Level::Breaking,
                    "parameter-became-required",
                    at,
                    format!("{location} parameter `{name}` became required"),
                ),
                (true, false) => self.push(
                    Level::Compatible,
                    "parameter-became-optional",
                    at,
                    format!("{location} parameter `{name}` became optional"),
                ),
                _ => {}
            }
            if param.get("description") != new_param.get("description") {
                self.push(
                    Level::Compatible,
                    "description-changed",
                    at,
                    format!("description of {location} parameter `{name}` changed"),
                );
            }
            let (param, new_param): (&'a Value, &'a Value) = (param, new_param);
            let (o, n) = (param.get("schema"), new_param.get("schema"));
            let where_ = format!("{at} {location} parameter `{name}`");
            self.schema(&where_, o, n, Direction::Request);
        }
        for ((location, name), param) in &new {
            if old.contains_key(&(location.clone(), name.clone()))
                || old.keys().any(|(_, n)| n == name)
            {
                continue;
            }
            if param.get("required").and_then(Value::as_bool) == Some(true) {
                self.push(
                    Level::Breaking,
                    "required-parameter-added",
                    at,
                    format!("required {location} parameter `{name}` added"),
                );
            } else {
                self.push(
                    Level::Compatible,
                    "optional-parameter-added",
                    at,
                    format!("optional {location} parameter `{name}` added"),
                );
            }
        }
    }

    fn request_body(&mut self, at: &str, old: Option<&'a Value>, new: Option<&'a Value>) {
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(
                Level::Breaking,
                "request-body-removed",
                at,
                "request body removed".into(),
            ),
            (None, Some(_)) => self.push(
                Level::Breaking,
                "request-body-added",
                at,
                "request body added".into(),
            ),
            (Some(o), Some(n)) => {
                let (o, n) = (self.resolve_old(o), self.resolve_new(n));
                self.content(at, "request body", o, n, Direction::Request);
            }
        }
    }

    fn responses(&mut self, at: &str, old: Option<&'a Value>, new: Option<&'a Value>) {
        let new_responses = new.and_then(Value::as_object);
        for (status, response) in old.and_then(Value::as_object).into_iter().flatten() {
            let Some(new_response) = new_responses.and_then(|r| r.get(status)) else {
                self.push(
                    Level::Breaking,
                    "response-status-removed",
                    at,
                    format!("response {status} removed"),
                );
                continue;
            };
            let (o, n) = (self.resolve_old(response), self.resolve_new(new_response));
            self.content(at, &format!("response {status}"), o, n, Direction::Response);
        }
        for status in new_responses.into_iter().flatten().map(|(s, _)| s) {
            if old.and_then(|o| o.get(status)).is_none() {
                self.push(
                    Level::Compatible,
                    "response-status-added",
                    at,
                    format!("response {status} added"),
                );
            }
        }
    }

    /// Compares the media types of a request body or response (`what`):
    /// one no longer offered is breaking; shared ones compare their schemas.
    fn content(
        &mut self,
        at: &str,
        what: &str,
        old: &'a Value,
        new: &'a Value,
        direction: Direction,
    ) {
        let media_types = old
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten();
        for (media, media_type) in media_types {
            let Some(new_media) = new.get("content").and_then(|c| c.get(media)) else {
                let (rule, verb) = match direction {
                    Direction::Request => ("request-media-type-removed", "accepts"),
                    Direction::Response => ("response-media-type-removed", "returns"),
                };
                self.push(
                    Level::Breaking,
                    rule,
                    at,
                    format!("{what} no longer {verb} {media}"),
                );
                continue;
            };
            let where_ = match direction {
                Direction::Request => format!("{at} {what} ({media})"),
                Direction::Response => format!("{at} {what}"),
            };
            self.schema(
                &where_,
                media_type.get("schema"),
                new_media.get("schema"),
                direction,
            );
        }
    }

    fn resolve_old(&self, v: &'a Value) -> &'a Value {
        resolve(self.old, v)
    }

    fn resolve_new(&self, v: &'a Value) -> &'a Value {
        resolve(self.new, v)
    }

    /// Compares two schemas (following `$ref`s on each side).
    fn schema(
        &mut self,
        at: &str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
        direction: Direction,
    ) {
        let (Some(old), Some(new)) = (old, new) else {
            return;
        };
        let refs = (
            old.get("$ref").and_then(Value::as_str).map(str::to_string),
            new.get("$ref").and_then(Value::as_str).map(str::to_string),
        );
        if let (Some(a), Some(b)) = &refs
            && !self
                .seen
                .insert((a.clone(), b.clone(), direction == Direction::Request))
        {
            return;
        }
        let (old, new) = (self.resolve_old(old), self.resolve_new(new));
        for field in ["type", "format"] {
            if old.get(field) != new.get(field) {
                self.push(
                    Level::Breaking,
                    "type-changed",
                    at,
                    format!(
                        "{field} changed from {} to {}",
                        old.get(field).map_or("none".into(), json::brief),
                        new.get(field).map_or("none".into(), json::brief)
                    ),
                );
            }
        }
        if old.get("description") != new.get("description") {
            self.push(
                Level::Compatible,
                "description-changed",
                at,
                "schema description changed".into(),
            );
        }
        self.enums(at, old, new, direction);
        let required = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let (old_required, new_required) = (required(old), required(new));
        let old_props = old.get("properties").and_then(Value::as_object);
        let new_props = new.get("properties").and_then(Value::as_object);
        for (name, schema) in old_props.into_iter().flatten() {
            let Some(new_schema) = new_props.and_then(|p| p.get(name)) else {
                let level = match direction {
                    Direction::Response => Level::Breaking,
                    // The API stops reading it; the crate loses the setter.
                    Direction::Request => Level::Breaking,
                };
                let rule = match direction {
                    Direction::Response => "response-property-removed",
                    Direction::Request => "request-property-removed",
                };
                self.push(level, rule, at, format!("property `{name}` removed"));
                continue;
            };
            if direction == Direction::Request
                && !old_required.contains(name)
                && new_required.contains(name)
            {
                self.push(
                    Level::Breaking,
                    "request-property-became-required",
                    at,
                    format!("property `{name}` became required"),
                );
            }
            if direction == Direction::Response
                && old_required.contains(name)
                && !new_required.contains(name)
            {
                self.push(
                    Level::Breaking,
                    "response-property-became-optional",
                    at,
                    format!("property `{name}` may now be absent"),
                );
            }
            let inner = format!("{at} .{name}");
            self.schema(&inner, Some(schema), Some(new_schema), direction);
        }
        for name in new_props.into_iter().flatten().map(|(n, _)| n) {
            if old_props.is_some_and(|p| p.contains_key(name)) {
                continue;
            }
            match (direction, new_required.contains(name)) {
                (Direction::Request, true) => self.push(
                    Level::Breaking,
                    "request-property-required-added",
                    at,
                    format!("required property `{name}` added"),
                ),
                (Direction::Request, false) => self.push(
                    Level::Compatible,
                    "request-property-added",
                    at,
                    format!("optional property `{name}` added"),
                ),
                (Direction::Response, _) => self.push(
                    Level::Compatible,
                    "response-property-added",
                    at,
                    format!("property `{name}` added"),
                ),
            }
        }
        let items = (old.get("items"), new.get("items"));
        if items.0.is_some() || items.1.is_some() {
            self.schema(&format!("{at} []"), items.0, items.1, direction);
        }
    }

    fn enums(&mut self, at: &str, old: &Value, new: &Value, direction: Direction) {
        let values =
            |s: &Value| -> Option<Vec<Value>> { s.get("enum").and_then(Value::as_array).cloned() };
        let (Some(old_values), new_values) = (values(old), values(new)) else {
            if values(new).is_some() {
                self.push(
                    Level::Breaking,
                    "enum-added",
                    at,
                    "values are now restricted to an enum".into(),
                );
            }
            return;
        };
        let Some(new_values) = new_values else {
            self.push(
                Level::Compatible,
                "enum-removed",
                at,
                "values are no longer restricted to an enum".into(),
            );
            return;
        };
        for value in &old_values {
            if !new_values.contains(value) {
                // A request may no longer send it; a response no longer
                // returns it (harmless to readers, but the crate loses the variant).
                self.push(
                    Level::Breaking,
                    "enum-value-removed",
                    at,
                    format!("enum value {value} removed"),
                );
            }
        }
        for value in &new_values {
            if !old_values.contains(value) {
                let (level, why) = match direction {
                    Direction::Request => (Level::Compatible, ""),
                    // The crate's generated enum cannot parse an unknown value.
                    Direction::Response => (Level::Warning, " (older clients cannot parse it)"),
                };
                self.push(
                    level,
                    "enum-value-added",
                    at,
                    format!("enum value {value} added{why}"),
                );
            }
        }
    }

    fn security_schemes(&mut self) {
        let schemes = |s: &Value| json::object(s.pointer("/components/securitySchemes"));
        let (old, new) = (schemes(self.old), schemes(self.new));
        for name in old.keys() {
            if !new.contains_key(name) {
                self.push(
                    Level::Breaking,
                    "security-scheme-removed",
                    "components",
                    format!("security scheme `{name}` removed"),
                );
            }
        }
        for name in new.keys() {
            if !old.contains_key(name) {
                self.push(
                    Level::Warning,
                    "security-scheme-added",
                    "components",
                    format!("security scheme `{name}` added"),
                );
            }
        }
        if self.old.get("security") != self.new.get("security") {
            self.push(
                Level::Breaking,
                "security-requirements-changed",
                "security",
                "top-level security requirements changed".into(),
            );
        }
    }
}

/// Operation parameters merged over path-level ones, by (in, name).
fn params<'v>(op: &'v Value, item: &'v Value) -> BTreeMap<(String, String), &'v Value> {
    let mut out = BTreeMap::new();
    for list in [item.get("parameters"), op.get("parameters")] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let key = |f: &str| p.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            out.insert((key("in"), key("name")), p);
        }
    }
    out
}

/// Follows local `$ref`s (a bounded number, against cycles).
fn resolve<'v>(spec: &'v Value, mut value: &'v Value) -> &'v Value {
    for _ in 0..32 {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            return value;
        };
        match spec.pointer(target) {
            Some(next) => value = next,
            None => return value,
        }
    }
    value
}

/// Text, one change a line.
pub fn text(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let _ = writeln!(
            out,
            "{:<10} {:<34} {}: {}",
            c.level, c.rule, c.location, c.detail
        );
    }
    let count = |l| changes.iter().filter(|c| c.level == l).count();
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
            c.level,
            c.rule,
            cell(&c.location),
            cell(&c.detail)
        );
    }
    if changes.is_empty() {
        out.push_str("| | | | no changes |\n");
    }
    out
}

/// One side of `cargo xtask diff`: a spec file (`.json`), a vendor page
/// (`.md`), a folder of stored documents, or a git revision of `openapi/`
/// (e.g. `HEAD~1`). Each goes through the pipeline's stages first.
pub fn side(spec: &str, openapi: &std::path::Path) -> crate::Result<Value> {
    use crate::error::Error;
    use std::path::Path;
    let path = Path::new(spec);
    if path.is_dir() {
        return Ok(crate::pipeline::spec(path)?.value);
    }
    let work = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let dir = work.path().join("openapi");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    if path.is_file() && path.extension().is_some_and(|e| e == "md") {
        return page_side(path, openapi);
    }
    if path.is_file() {
        std::fs::copy(path, dir.join("spec.json")).map_err(|e| Error::io(path, e))?;
        return Ok(crate::pipeline::spec(&dir)?.value);
    }
    // A git revision: the `openapi/` folder as it was then.
    let repo = openapi.parent().unwrap_or(Path::new("."));
    let folder = openapi
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("openapi");
    let archive = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", spec, folder])
        .output()
        .map_err(|e| Error::io(repo, e))?;
    if !archive.status.success() {
        return Err(Error::invalid(
            spec,
            "",
            format!(
                "neither a file, a folder, nor a git revision with {folder}/: {}",
                String::from_utf8_lossy(&archive.stderr).trim()
            ),
        ));
    }
    let mut untar = std::process::Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(work.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("tar", e))?;
    if let Some(mut stdin) = untar.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(&archive.stdout)
            .map_err(|e| Error::io("tar", e))?;
    }
    untar.wait().map_err(|e| Error::io("tar", e))?;
    Ok(crate::pipeline::spec(&work.path().join(folder))?.value)
}

/// A vendor page as a side: the project's `openapi/` as it would be with the
/// page imported (in memory), in place of the stored page whose documents it
/// holds, whatever its file is called. The overlay applies as it does to the
/// stored documents.
fn page_side(path: &std::path::Path, openapi: &std::path::Path) -> crate::Result<Value> {
    use crate::{import, load, manifest::Manifest, pipeline};
    let text = load::read(path)?;
    let manifest = Manifest::load(openapi)?;
    let stored_as = import::blocks(&text)
        .iter()
        .filter_map(|block| serde_json::from_str::<Value>(&block.text).ok())
        .filter_map(|document| import::file_name(&document).ok())
        .find_map(|name| manifest.documents.get(&name).map(|e| e.page.clone()));
    let page_name = stored_as.unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let mut plans = [import::plan(path, &page_name, &text, openapi)?];
    Ok(pipeline::spec_with(openapi, &mut plans, &mut pipeline::Timings::default())?.value)
}
