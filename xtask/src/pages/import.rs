//! Imports a vendor reference page (see `page`) into the `openapi/` folder.
//!
//! Each document is stored as published (same keys in the same order, pretty
//! printed) under a name derived from its operationId, and recorded in the
//! manifest with its page and hash. Importing the same page twice changes
//! nothing; a changed page changes exactly the affected files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::base::error::{Error, Result};
use crate::base::files::{self, Output, Staged};
use crate::base::layout::{self, MANIFEST};
use crate::pages::folder::Folder;
use crate::pages::manifest::{Entry, Manifest, sha256_hex};
use crate::spec::load::Document;
use crate::{
    base::{json, walk},
    pages::page,
};

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

impl Report {
    /// Whether importing would change any stored file.
    pub fn changes(&self) -> bool {
        !(self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty())
    }

    /// Every file name the import stores, keeps or deletes.
    pub fn names(&self) -> BTreeSet<String> {
        [&self.added, &self.changed, &self.unchanged, &self.removed]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// What importing a page would change, computed without writing anything.
#[derive(Debug)]
pub struct Plan {
    /// The page's name, as the manifest records it (`s3.md`).
    pub page: String,
    pub report: Report,
    /// The page's documents as `load` would read them back once stored, so
    /// that the pipeline can run on an import without a round trip to disk.
    pub documents: Vec<Document>,
    pub writes: Writes,
}

/// The files an import writes (documents, manifest) and deletes.
#[derive(Debug)]
pub struct Writes {
    outputs: Vec<Output>,
    gone: Vec<PathBuf>,
}

impl Writes {
    /// The files to write, staged (see [`files::stage`]); nothing visible yet.
    pub fn stage(&self) -> Result<Staged> {
        files::stage(&self.outputs)
    }

    /// Deletes the documents the page no longer has: after the manifest that
    /// no longer lists them is in place.
    pub fn remove_gone(&self) -> Result<()> {
        for path in &self.gone {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(path, e));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Writes the plans of [`plan_pages`] together: every document and the
/// manifest staged, then made visible in one commit, then the documents
/// the pages no longer have deleted. Returns each page's report.
pub fn apply_all(plans: Vec<Plan>) -> Result<Vec<Report>> {
    let mut staged = Staged::default();
    for plan in &plans {
        staged = staged.and(plan.writes.stage()?);
    }
    staged.commit()?;
    let mut reports = Vec::with_capacity(plans.len());
    for plan in plans {
        plan.writes.remove_gone()?;
        reports.push(plan.report);
    }
    Ok(reports)
}

impl Plan {
    /// Writes the plan: added and changed documents and the manifest
    /// (atomically), then deletes the documents the page no longer has.
    pub fn apply(self) -> Result<Report> {
        self.writes.stage()?.commit()?;
        self.writes.remove_gone()?;
        Ok(self.report)
    }
}

/// Plans the import of the page file `page`; it is recorded under its file name.
pub fn plan_file(page: &Path, openapi: &Path) -> Result<Plan> {
    let text = files::read(page)?;
    plan(
        &page.display().to_string(),
        layout::file_name(page)?,
        &text,
        openapi,
    )
}

/// Plans the import of the page files `pages` together (see [`plan_pages`]).
pub fn plan_files(pages: &[PathBuf], openapi: &Path) -> Result<Vec<Plan>> {
    let mut texts = Vec::with_capacity(pages.len());
    for page in pages {
        texts.push(PageText {
            source: page.display().to_string(),
            name: layout::file_name(page)?.to_string(),
            text: files::read(page)?,
        });
    }
    plan_pages(&texts, openapi)
}

/// A page to import: `source` names it in messages (a path or a URL), `name`
/// is what the manifest records.
pub struct PageText {
    pub source: String,
    pub name: String,
    pub text: String,
}

/// Plans the import of several pages in one go: each page is planned
/// against the manifest as the pages before it leave it, so a document
/// that two pages claim is an error naming both, and the manifest is
/// written once, complete, by the last plan (planned one by one against
/// the stored manifest, each plan would write a manifest without the
/// others' documents, and the last would win).
pub fn plan_pages(pages: &[PageText], openapi: &Path) -> Result<Vec<Plan>> {
    plan_pages_in(pages, &Folder::read(openapi)?)
}

/// [`plan_pages`] against `folder`, `openapi/` as the caller read it
/// (once).
pub fn plan_pages_in(pages: &[PageText], folder: &Folder) -> Result<Vec<Plan>> {
    let mut manifest = folder.manifest.clone();
    let mut plans = Vec::with_capacity(pages.len());
    for page in pages {
        plans.push(plan_with(
            &page.source,
            &page.name,
            &page.text,
            folder,
            &mut manifest,
        )?);
    }
    if let Some(last) = plans.last_mut() {
        last.writes.outputs.push(Output {
            path: folder.path.join(MANIFEST),
            contents: manifest.render(),
        });
    }
    Ok(plans)
}

/// Plans the import of page text `text`, known in the manifest as
/// `page_name`; `source` names it in messages (a path or a URL).
pub fn plan(source: &str, page_name: &str, text: &str, openapi: &Path) -> Result<Plan> {
    let page = PageText {
        source: source.to_string(),
        name: page_name.to_string(),
        text: text.to_string(),
    };
    let mut plans = plan_pages_in(std::slice::from_ref(&page), &Folder::read(openapi)?)?;
    Ok(plans.remove(0))
}

/// [`plan`] against `manifest`, which it updates; the plan does not write
/// the manifest.
fn plan_with(
    source: &str,
    page_name: &str,
    text: &str,
    folder: &Folder,
    manifest: &mut Manifest,
) -> Result<Plan> {
    let openapi = folder.path.as_path();
    let fail = |message: String| Error::Import {
        page: source.to_string(),
        message,
    };
    let blocks = page::blocks(text);
    if blocks.is_empty() {
        return Err(fail(
            "no ```json block found; is this a vendor reference page?".into(),
        ));
    }

    let parsed = blocks
        .iter()
        .map(|block| {
            let value = json::parse(source, &block.text, block.line - 1)?;
            let name = file_name(&value).map_err(|message| {
                fail(format!(
                    "line {} (\"{}\"): {message}",
                    block.line, block.heading
                ))
            })?;
            let contents = json::pretty(&value);
            let path = openapi.join(&name);
            let stored = folder.holds(&name, contents.as_bytes());
            Ok(Parsed {
                section: block.heading.clone(),
                sha256: sha256_hex(contents.as_bytes()),
                document: Document {
                    file: layout::display_name(openapi, &name),
                    value,
                },
                output: Output { path, contents },
                name,
                stored,
            })
        })
        .collect::<Result<Vec<Parsed>>>()?;

    let mut report = Report::default();
    let mut outputs = Vec::new();
    let mut documents = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for parsed in parsed {
        let Parsed {
            name,
            section,
            sha256,
            document,
            output,
            stored,
        } = parsed;
        if !seen.insert(name.clone()) {
            return Err(fail(format!(
                "two documents would both be stored as {name}"
            )));
        }
        if let Some(other) = manifest
            .documents
            .get(&name)
            .filter(|e| e.page != page_name)
        {
            return Err(fail(format!(
                "{name} is already imported from page {}",
                other.page
            )));
        }
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
        documents.push(document);
        outputs.push(output);
    }
    let gone: Vec<String> = manifest
        .documents
        .iter()
        .filter(|(name, e)| e.page == page_name && !seen.contains(*name))
        .map(|(name, _)| name.clone())
        .collect();
    for name in &gone {
        manifest.documents.remove(name);
    }
    let writes = Writes {
        outputs,
        gone: gone.iter().map(|name| openapi.join(name)).collect(),
    };
    report.removed = gone;
    Ok(Plan {
        page: page_name.to_string(),
        report,
        documents,
        writes,
    })
}

/// One block of a page, parsed and named.
struct Parsed {
    name: String,
    section: String,
    sha256: String,
    document: Document,
    output: Output,
    /// Whether the stored file already holds exactly these bytes.
    stored: bool,
}

/// The stored file name of a document: its one operation's operationId
/// (`{method}_{path}` when it has none), made safe as a file name.
pub fn file_name(document: &serde_json::Value) -> Result<String, String> {
    let operations: Vec<String> = walk::operations(document)
        .map(|(path, method, op, _)| {
            let id = op.get("operationId").and_then(serde_json::Value::as_str);
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
    if layout::is_reserved(&name) {
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
    fn names_come_from_the_single_operation() {
        let doc = serde_json::json!({"paths": {"/api/x": {"get": {"operationId": "x_list"}}}});
        assert_eq!(file_name(&doc).as_deref(), Ok("x_list.json"));
        let doc = serde_json::json!({"paths": {"/api/x/{id}": {"delete": {}}}});
        assert_eq!(file_name(&doc).as_deref(), Ok("delete__api_x__id_.json"));
        let doc = serde_json::json!({"paths": {"/a": {"get": {}, "put": {}}}});
        assert!(file_name(&doc).unwrap_err().contains("2 operations"));
        let doc = serde_json::json!({"paths": {"/a": {"get": {"operationId": "manifest"}}}});
        assert!(file_name(&doc).unwrap_err().contains("reserved"));
    }

    fn page(operation_ids: &[&str]) -> String {
        let mut text = String::from("# Page\n");
        for id in operation_ids {
            let doc = serde_json::json!({"openapi": "3.0.3", "paths": {format!("/{id}"): {"get": {"operationId": id}}}});
            text.push_str(&format!("\n## {id}\n\n```json\n{doc}\n```\n"));
        }
        text
    }

    fn text(name: &str, ids: &[&str]) -> PageText {
        PageText {
            source: name.into(),
            name: name.into(),
            text: page(ids),
        }
    }

    #[test]
    fn pages_planned_together_write_one_complete_manifest() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let pages = [
            text("a.md", &["a_list"]),
            text("b.md", &["b_list", "b_get"]),
        ];
        let plans = plan_pages(&pages, dir.path()).unwrap_or_else(|e| panic!("{e}"));
        apply_all(plans).unwrap_or_else(|e| panic!("{e}"));
        let manifest = Manifest::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let pages: Vec<(&str, &str)> = manifest
            .documents
            .iter()
            .map(|(name, entry)| (name.as_str(), entry.page.as_str()))
            .collect();
        assert_eq!(
            pages,
            [
                ("a_list.json", "a.md"),
                ("b_get.json", "b.md"),
                ("b_list.json", "b.md")
            ]
        );

        let claimed = [text("c.md", &["c_list"]), text("d.md", &["c_list"])];
        let err = plan_pages(&claimed, dir.path())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("d.md: c_list.json is already imported from page c.md"),
            "{err}"
        );
    }
}
