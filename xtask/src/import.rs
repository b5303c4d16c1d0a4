//! Imports a vendor reference page: one markdown page per API area, each
//! endpoint a heading followed by a fenced ```json OpenAPI document.
//!
//! Each document is stored as published (same keys in the same order, pretty
//! printed) under a name derived from its operationId, and recorded in the
//! manifest with its page and hash. Importing the same page twice changes
//! nothing; a changed page changes exactly the affected files.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::json;
use crate::load::{self, Document};
use crate::manifest::{Entry, MANIFEST, Manifest, sha256_hex};
use crate::merge;
use crate::overlay::OVERLAY_NAMES;
use crate::write::{self, Output, Staged};

/// One ```json block of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The nearest heading above the block, without its `#` marks.
    pub heading: String,
    /// 1-based line of the first JSON line in the page.
    pub line: usize,
    pub text: String,
}

/// The ```json blocks of a markdown page, in page order. Other fenced
/// blocks (prose examples, shell snippets) are not documents.
pub fn blocks(page: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut heading = String::new();
    let mut open: Option<(usize, Vec<&str>)> = None;
    let mut fence_other = false;
    for (index, line) in page.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some((start, lines)) = &mut open {
            if trimmed.starts_with("```") {
                blocks.push(Block {
                    heading: heading.clone(),
                    line: *start,
                    text: lines.join("\n"),
                });
                open = None;
            } else {
                lines.push(line);
            }
        } else if fence_other {
            fence_other = !trimmed.starts_with("```");
        } else if let Some(info) = trimmed.strip_prefix("```") {
            if info.trim().eq_ignore_ascii_case("json") {
                open = Some((index + 2, Vec::new()));
            } else {
                fence_other = true;
            }
        } else if trimmed.starts_with('#') {
            heading = trimmed.trim_start_matches('#').trim().to_string();
        }
    }
    blocks
}

/// What an import changed, by stored file name.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: Vec<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (label, names) in [
            ("added", &self.added),
            ("changed", &self.changed),
            ("removed", &self.removed),
        ] {
            for name in names {
                writeln!(f, "{label:>9} {name}")?;
            }
        }
        write!(
            f,
            "{} added, {} changed, {} removed, {} unchanged",
            self.added.len(),
            self.changed.len(),
            self.removed.len(),
            self.unchanged.len()
        )
    }
}

/// Imports `page` into the `openapi` folder: writes added and changed
/// documents, deletes documents the page no longer has, updates the manifest.
/// Everything is parsed and named before the first write.
pub fn page(page: &Path, openapi: &Path) -> Result<Report> {
    plan_page(page, openapi)?.apply()
}

/// Plans the import of the page file `page` (see [`plan`]).
pub fn plan_page(page: &Path, openapi: &Path) -> Result<Plan> {
    let text = load::read(page)?;
    let page_name = page
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Import {
            page: page.to_path_buf(),
            message: "a page must be a file".into(),
        })?
        .to_string();
    plan(page, &page_name, &text, openapi)
}

/// What importing a page would change, computed without writing anything.
#[derive(Debug)]
pub struct Plan {
    pub report: Report,
    /// The page's documents as `load` would read them back once stored, so
    /// that the pipeline can run on an import without a round trip to disk.
    pub documents: Vec<Document>,
    outputs: Vec<Output>,
    openapi: std::path::PathBuf,
}

impl Plan {
    /// Whether importing would change any stored file.
    pub fn changes(&self) -> bool {
        let r = &self.report;
        !(r.added.is_empty() && r.changed.is_empty() && r.removed.is_empty())
    }

    /// Writes the plan: added and changed documents and the manifest
    /// (atomically), then deletes the documents the page no longer has.
    pub fn apply(self) -> Result<Report> {
        write::files(&self.outputs)?;
        self.remove_gone()?;
        Ok(self.report)
    }

    /// Stages the plan's files on up to `threads` threads (see
    /// [`write::stage_on`]); nothing visible yet.
    pub fn stage(&self, threads: usize) -> Result<Staged> {
        write::stage_on(&self.outputs, threads)
    }

    /// Deletes the documents the page no longer has; run after committing
    /// what [`Plan::stage`] staged (the manifest no longer lists them).
    pub fn remove_gone(&self) -> Result<()> {
        for name in &self.report.removed {
            let path = self.openapi.join(name);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(path, e));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The file names this plan stores or deletes.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.report
            .added
            .iter()
            .chain(&self.report.changed)
            .chain(&self.report.unchanged)
            .chain(&self.report.removed)
            .map(String::as_str)
    }
}

/// Plans the import of page text `text`, known in the manifest as
/// `page_name`; `page` names it in messages (a path or a URL).
pub fn plan(page: &Path, page_name: &str, text: &str, openapi: &Path) -> Result<Plan> {
    let blocks = blocks(text);
    if blocks.is_empty() {
        return Err(Error::Import {
            page: page.to_path_buf(),
            message: "no ```json block found; is this a vendor reference page?".into(),
        });
    }

    let mut manifest = Manifest::load(openapi)?;
    let mut report = Report::default();
    let mut outputs = Vec::new();
    let mut documents = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    // Parsing, naming, rendering and hashing each document is independent
    // work: done in parallel, in page order.
    let parsed = crate::par::try_map(&blocks, crate::par::cores(), 16, |block| {
        let value: Value = serde_json::from_str(&block.text)
            .map_err(|e| load::malformed(page, &e, block.line - 1))?;
        let name = file_name(&value).map_err(|message| Error::Import {
            page: page.to_path_buf(),
            message: format!("line {} (\"{}\"): {message}", block.line, block.heading),
        })?;
        let contents = json::pretty(&value);
        let sha256 = sha256_hex(contents.as_bytes());
        let path = openapi.join(&name);
        let stored = std::fs::read(&path).ok().as_deref() == Some(contents.as_bytes());
        Ok::<_, Error>((
            block.heading.clone(),
            value,
            name,
            contents,
            sha256,
            path,
            stored,
        ))
    })?;
    for (section, value, name, contents, sha256, path, stored) in parsed {
        if seen.contains(&name) {
            return Err(Error::Import {
                page: page.to_path_buf(),
                message: format!("two documents would both be stored as {name}"),
            });
        }
        if let Some(other) = manifest
            .documents
            .get(&name)
            .filter(|e| e.page != page_name)
        {
            return Err(Error::Import {
                page: page.to_path_buf(),
                message: format!("{name} is already imported from page {}", other.page),
            });
        }
        seen.insert(name.clone());
        let entry = Entry {
            page: page_name.to_string(),
            section,
            sha256,
        };
        match manifest.documents.insert(name.clone(), entry.clone()) {
            None => report.added.push(name),
            Some(old) if old != entry || !stored => report.changed.push(name),
            Some(_) => report.unchanged.push(name),
        }
        documents.push(Document {
            file: crate::pipeline::display_name(openapi, &path),
            value,
        });
        outputs.push(Output { path, contents });
    }
    let gone: Vec<String> = manifest
        .documents
        .iter()
        .filter(|(name, e)| e.page == page_name && !seen.contains(*name))
        .map(|(name, _)| name.clone())
        .collect();
    for name in gone {
        manifest.documents.remove(&name);
        report.removed.push(name);
    }
    outputs.push(Output {
        path: openapi.join(MANIFEST),
        contents: manifest.render(),
    });

    Ok(Plan {
        report,
        documents,
        outputs,
        openapi: openapi.to_path_buf(),
    })
}

/// The stored file name of a document: its one operation's operationId
/// (`{method}_{path}` when it has none), made safe as a file name.
pub fn file_name(document: &Value) -> Result<String, String> {
    let operations: Vec<String> = merge::operations(document)
        .map(|(path, method, op, _)| {
            let id = op.get("operationId").and_then(Value::as_str);
            id.map_or_else(|| format!("{method}_{path}"), str::to_string)
        })
        .collect();
    let stem = match operations.as_slice() {
        [one] => one.clone(),
        [] => return Err("the document has no operation; expected one per document".into()),
        many => {
            return Err(format!(
                "the document has {} operations ({}); expected one per document",
                many.len(),
                many.join(", ")
            ));
        }
    };
    let stem: String = stem
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = format!("{stem}.json");
    if name == MANIFEST || OVERLAY_NAMES.contains(&name.as_str()) {
        return Err(format!(
            "its name {name} is reserved for the pipeline's own files"
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_json_blocks_under_their_headings_and_skips_other_fences() {
        let page = "# Area\n\n## First\n\n```json\n{\"a\": 1}\n```\n\n```\nGET x\n```\n\n## Second\n```json\n{\n\"b\": 2\n}\n```\n";
        let found = blocks(page);
        assert_eq!(
            found,
            vec![
                Block {
                    heading: "First".into(),
                    line: 6,
                    text: "{\"a\": 1}".into()
                },
                Block {
                    heading: "Second".into(),
                    line: 15,
                    text: "{\n\"b\": 2\n}".into()
                },
            ]
        );
    }

    #[test]
    fn names_come_from_the_single_operation() {
        let doc = serde_json::json!({"paths": {"/api/x": {"get": {"operationId": "x_list"}}}});
        assert_eq!(file_name(&doc).as_deref(), Ok("x_list.json"));
        let doc = serde_json::json!({"paths": {"/api/x/{id}": {"delete": {}}}});
        assert_eq!(file_name(&doc).as_deref(), Ok("delete__api_x__id_.json"));
        let doc = serde_json::json!({"paths": {"/a": {"get": {}, "put": {}}}});
        assert!(file_name(&doc).unwrap_err().contains("2 operations"));
    }
}
