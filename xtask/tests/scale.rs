//! A full vendor API, published the vendor's way: 193 operations, each its
//! own document repeating the schemas it uses, on one page. The pipeline
//! imports, merges and generates it, and the merge gives back exactly the
//! paths and components of the original single spec.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;
use xtask::cmd::{self, Folders};
use xtask::pages::import;
use xtask::pipeline::{self, Input};

#[test]
fn the_split_nexus_api_merges_back_to_the_original_and_generates() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench");
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    std::fs::create_dir_all(&openapi).unwrap();

    let report = import::plan_file(&bench.join("nexus.md"), &openapi)
        .unwrap()
        .apply()
        .unwrap();
    assert_eq!(report.added.len(), 193);

    let run = pipeline::run(
        Input::folder(&openapi),
        Some(&dir.path().join("crate")),
        None,
    )
    .unwrap();
    let (outputs, warnings) = (run.outputs, run.warnings);
    let merged: Value = serde_json::from_str(&outputs[0].contents).unwrap();
    let original: Value =
        serde_json::from_str(&std::fs::read_to_string(bench.join("nexus.json")).unwrap()).unwrap();
    assert_eq!(merged["paths"], original["paths"]);
    assert_eq!(merged["components"], original["components"]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let client = &outputs[1].contents;
    assert!(
        client.contains("pub fn disk_view(&self)"),
        "an operation of the spec is missing"
    );
    syn::parse_file(client).unwrap();
}

/// `import --generate` hands the page's documents to the stages in memory:
/// they must be exactly what `load` reads back from the stored files, and
/// the files written exactly those of `import` then `generate`.
#[test]
fn the_one_pass_on_nexus_equals_import_then_generate() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/nexus.md");
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    for root in [&one, &two] {
        std::fs::create_dir_all(root.join("openapi")).unwrap();
    }

    let plan = import::plan_file(&page, &one.join("openapi")).unwrap();
    let mut in_memory: Vec<(String, Value)> = plan
        .documents
        .iter()
        .map(|d| (d.file.clone(), d.value.clone()))
        .collect();
    in_memory.sort_by(|a, b| a.0.cmp(&b.0));
    let folders = Folders {
        openapi: one.join("openapi"),
        krate: one.join("crate"),
    };
    cmd::one_pass(&folders, vec![plan], None, |_| {}).unwrap();

    import::plan_file(&page, &two.join("openapi"))
        .unwrap()
        .apply()
        .unwrap();
    let read_back: Vec<(String, Value)> =
        xtask::spec::load::documents(&two.join("openapi"), &Default::default(), Vec::new())
            .unwrap()
            .into_iter()
            .map(|d| (d.file, d.value))
            .collect();
    assert_eq!(in_memory.len(), read_back.len());
    for (a, b) in in_memory.iter().zip(&read_back) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs once stored:\n{}\n{}", a.0, a.1, b.1);
    }
    let run = pipeline::run(
        Input::folder(&two.join("openapi")),
        Some(&two.join("crate")),
        None,
    )
    .unwrap();
    xtask::base::files::write(&run.outputs).unwrap();

    for sub in ["openapi", "crate", "crate/src"] {
        let files = |root: &Path| {
            let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(root.join(sub))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read(&p).unwrap())
                })
                .collect();
            files.sort();
            files
        };
        let (a, b) = (files(&one), files(&two));
        assert!(!a.is_empty());
        assert!(a == b, "{sub} differs");
    }
}
