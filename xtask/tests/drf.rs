//! drf-spectacular's idioms, on another vendor's drf-spectacular API (the
//! PostHog sample, `tests/fixtures/posthog-sample.md`): the client generated
//! from it sends requests without read-only fields, reads responses without
//! write-only ones, has one type per blank/null choice set, compiles, and
//! works against Prism's mock server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::layout::CLIENT_FILE;
use xtask::pipeline::{self, Input, Run};
use xtask::{import, surface, walk};

mod common;

/// `openapi/` with the sample imported and its overlay, and a small client
/// crate (`posthog-client`) at `dir`, in a workspace with a crate that
/// calls it (`posthog-calls`).
fn project(dir: &Path) -> (PathBuf, PathBuf) {
    let openapi = dir.join("openapi");
    std::fs::create_dir_all(&openapi).unwrap();
    std::fs::copy(
        common::fixtures().join("posthog-overlay.yaml"),
        openapi.join("overlay.yaml"),
    )
    .unwrap();
    import::plan_file(&common::fixtures().join("posthog-sample.md"), &openapi)
        .and_then(|plan| plan.apply())
        .unwrap();
    let krate = dir.join("posthog-client");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(krate.join("Cargo.toml"), CLIENT_MANIFEST).unwrap();
    std::fs::write(krate.join("src/lib.rs"), CLIENT_LIB).unwrap();
    (openapi, krate)
}

const CLIENT_MANIFEST: &str = r#"[package]
name = "posthog-client"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
chrono.workspace = true
futures-util.workspace = true
progenitor-client.workspace = true
regress.workspace = true
reqwest = { workspace = true, features = ["json", "query", "form"] }
serde.workspace = true
serde_json.workspace = true
uuid.workspace = true
"#;

const CLIENT_LIB: &str = r#"mod generated;
pub use generated::*;

/// A personal API key, sent as a bearer token.
#[derive(Clone, Debug)]
pub struct Credentials(pub String);

impl progenitor_client::ClientHooks<Credentials> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &progenitor_client::OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let value = format!("Bearer {}", self.inner.0);
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&value) {
            request.headers_mut().insert(reqwest::header::AUTHORIZATION, value);
        }
        Ok(())
    }
}
"#;

fn generate(openapi: &Path, krate: &Path) -> Run {
    pipeline::run(Input::folder(openapi), Some(krate), None)
        .unwrap_or_else(|e| panic!("generation failed: {e}"))
}

/// The schema `value` resolves to.
fn resolve<'v>(spec: &'v Value, value: &'v Value) -> &'v Value {
    walk::resolve(spec, value)
}

#[test]
fn the_idioms_are_adapted() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path());
    let run = generate(&openapi, &krate);
    let spec = &run.value;

    let adapted: Vec<String> = run.adapted.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("posthog_adapted", adapted.join("\n"));
    let surface = surface::render(&run.output(CLIENT_FILE).unwrap().contents).unwrap();
    insta::assert_snapshot!("posthog_api_surface", surface);

    // No request body needs a read-only property; no response requires a
    // write-only one.
    let mut bodies = 0;
    let mut needing: Vec<String> = Vec::new();
    for (path, method, op, _) in walk::operations(spec) {
        for (_, media) in op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            bodies += 1;
            let schema = resolve(spec, &media["schema"]);
            for (name, p) in schema["properties"].as_object().into_iter().flatten() {
                if resolve(spec, p).get("readOnly") == Some(&Value::Bool(true)) {
                    needing.push(format!("{method} {path}: {name}"));
                }
            }
        }
    }
    assert!(bodies >= 8, "only {bodies} request bodies");
    assert_eq!(
        needing,
        Vec::<String>::new(),
        "request bodies with read-only fields"
    );
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        if name.ends_with("Request") {
            continue;
        }
        for (property, p) in schema["properties"].as_object().into_iter().flatten() {
            assert_ne!(
                p.get("writeOnly"),
                Some(&Value::Bool(true)),
                "{name}.{property} is write-only in a response form"
            );
        }
    }

    // One type per blank/null choice set, and no wrapper left.
    let client = &run.output(CLIENT_FILE).unwrap().contents;
    assert!(!client.contains("BlankEnum(") && !client.contains("NullEnum("));
    assert!(client.contains("pub cohort_type: ::std::option::Option<CohortTypeEnumOrBlank>,"));
}

/// What Rust literal a required parameter of `schema` gets in a call.
fn literal(schema: &Value) -> Option<String> {
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (_, _) if schema.get("enum").is_some() => None,
        (Some("integer"), _) => Some("1".into()),
        (Some("string"), Some("uuid")) => {
            Some("\"3fa85f64-5717-4562-b3fc-2c963f66afa6\".parse::<uuid::Uuid>().unwrap()".into())
        }
        (Some("string"), None) => Some("\"x\"".into()),
        _ => None,
    }
}

/// A program that calls every GET operation of `spec` 15 times with its
/// required parameters, and says how many calls parsed.
fn calls_program(spec: &Value) -> (String, usize) {
    let mut calls = String::new();
    let mut count = 0;
    for (_, method, op, item) in walk::operations(spec) {
        if method != "get" {
            continue;
        }
        let id = op["operationId"].as_str().unwrap();
        let mut call = format!("client.{}()", xtask::names::method_name(id));
        let params = [item.get("parameters"), op.get("parameters")];
        for p in params
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
        {
            if p.get("required") != Some(&Value::Bool(true)) {
                continue;
            }
            let name = xtask::names::method_name(p["name"].as_str().unwrap());
            let value = literal(&p["schema"]).unwrap_or_else(|| panic!("{id}: no literal for {p}"));
            let _ = write!(call, ".{name}({value})");
        }
        let _ = writeln!(
            calls,
            "        check({id:?}, {call}.send().await.map(|_| ()).map_err(|e| e.to_string()));"
        );
        count += 1;
    }
    let program = format!(
        r#"use posthog_client::{{Client, Credentials}};

#[tokio::main]
async fn main() {{
    let base = std::env::args().nth(1).expect("base URL");
    let client = Client::new_with_client(&base, reqwest::Client::new(), Credentials("phx_key".into()));
    let (mut passed, mut failed) = (0, 0);
    let mut check = |operation: &str, outcome: Result<(), String>| match outcome {{
        Ok(()) => passed += 1,
        Err(e) => {{
            failed += 1;
            eprintln!("{{operation}}: {{e}}");
        }}
    }};
    for _ in 0..15 {{
{calls}    }}
    println!("{{passed}} passed, {{failed}} failed");
    std::process::exit(if failed == 0 {{ 0 }} else {{ 1 }});
}}
"#
    );
    (program, count)
}

/// The generated client compiles, and every GET operation of the sample
/// returns, from Prism's mock server in dynamic mode (with request
/// validation), a response that parses: 15 calls each.
#[test]
fn the_client_compiles_and_reads_every_get_from_prism() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path());
    let run = generate(&openapi, &krate);
    xtask::files::write(&run.outputs).unwrap();
    let (program, count) = calls_program(&run.value);
    assert!(count >= 14, "only {count} GET operations");
    common::workspace(
        dir.path(),
        &["posthog-client", "posthog-calls"],
        "posthog-calls",
        "posthog-client = { path = \"../posthog-client\" }\nreqwest.workspace = true\n",
        &program,
    );
    let out = common::cargo(dir.path(), &["build", "--quiet", "-p", "posthog-calls"]);
    assert!(
        out.status.success(),
        "the generated client does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prism = common::Prism::start(&krate.join("openapi.json"));
    let out = Command::new(common::built("posthog-calls"))
        .arg(&prism.base)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), format!("{} passed, 0 failed", count * 15));
}
