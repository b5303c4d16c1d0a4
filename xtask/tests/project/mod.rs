//! A copy of the fixture project in a temporary folder, and the real
//! `xtask` binary run on it (the CLI tests').

#![allow(dead_code)] // each test crate uses its own part of this module

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::common::fixture_openapi;

pub const SENTINEL: &str = "previous contents, must survive a failed run\n";

pub struct Project {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Project {
    /// The fixture `openapi/`, and a client crate holding sentinels.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        fixture_openapi(&root.join("openapi"));
        std::fs::create_dir_all(root.join("kizen-api/src")).unwrap();
        std::fs::write(root.join("kizen-api/openapi.json"), SENTINEL).unwrap();
        std::fs::write(root.join("kizen-api/src/generated.rs"), SENTINEL).unwrap();
        Project { _dir: dir, root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read_json(&self, rel: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(rel)).unwrap()).unwrap()
    }

    pub fn write_json(&self, rel: &str, value: &Value) {
        std::fs::write(self.path(rel), serde_json::to_string_pretty(value).unwrap()).unwrap();
    }

    pub fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .current_dir(&self.root)
            .args(args)
            .args(["--openapi", "openapi", "--crate", "kizen-api"])
            .output()
            .unwrap()
    }

    /// Runs `generate`, expects failure, and checks nothing was written.
    pub fn generate_fails(&self) -> String {
        let out = self.xtask(&["generate"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "generate should fail:\n{stderr}");
        for file in ["kizen-api/openapi.json", "kizen-api/src/generated.rs"] {
            assert_eq!(
                std::fs::read_to_string(self.path(file)).unwrap(),
                SENTINEL,
                "{file} was touched"
            );
        }
        let leftovers: Vec<_> = std::fs::read_dir(self.path("kizen-api"))
            .unwrap()
            .chain(std::fs::read_dir(self.path("kizen-api/src")).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
        stderr
    }

    /// A second document for a new endpoint, reusing the success document.
    pub fn add_variant(&self, name: &str, edit: impl FnOnce(&mut Value)) {
        let mut doc = self.read_json("openapi/s3_success_create.json");
        edit(&mut doc);
        self.write_json(&format!("openapi/{name}"), &doc);
    }
}

pub fn rename_path(doc: &mut Value, to: &str, operation_id: &str) {
    let paths = doc["paths"].as_object_mut().unwrap();
    let old = paths.keys().next().unwrap().clone();
    let mut item = paths.remove(&old).unwrap();
    item["post"]["operationId"] = json!(operation_id);
    paths.insert(to.to_string(), item);
}

pub fn tree(project: &Project, rel: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut dirs = vec![project.path(rel)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((
                    path.strip_prefix(&project.root).unwrap().to_path_buf(),
                    bytes,
                ));
            }
        }
    }
    files.sort();
    files
}
