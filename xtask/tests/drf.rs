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

const CLIENT_LIB: &str = r#"// The crate names itself: a PATCH body's fields are `::posthog_client::Nullable`.
extern crate self as posthog_client;

mod generated;
pub use generated::*;

/// What the generated `Client::new` builds its HTTP client from.
pub mod http {
    pub fn generated_client_builder() -> reqwest::ClientBuilder {
        reqwest::ClientBuilder::new()
    }
}

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
fn calls_program(spec: &Value) -> (String, usize, usize) {
    let mut calls = String::new();
    let (mut reads, mut writes) = (0, 0);
    for (_, method, op, item) in walk::operations(spec) {
        let body = op.pointer("/requestBody/content/application~1json/schema");
        let write = matches!(method, "post" | "put" | "patch") && body.is_some();
        if method != "get" && !write {
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
        if let Some(body) = body.filter(|_| write) {
            // Only the writable fields the request form requires.
            let name = body["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .unwrap();
            let example = example(spec, body, 0);
            let _ = write!(
                call,
                ".body(serde_json::from_str::<posthog_client::types::{}>(r##\"{example}\"##).unwrap())",
                xtask::names::type_name(name)
            );
            writes += 1;
        } else {
            reads += 1;
        }
        let _ = if write {
            writeln!(
                calls,
                "        accepted({id:?}, match {call}.send().await {{ Ok(_) => Ok(true), \
                 Err(progenitor_client::Error::InvalidResponsePayload(..)) => Ok(false), \
                 Err(e) => Err(e.to_string()) }});"
            )
        } else {
            writeln!(
                calls,
                "        check({id:?}, {call}.send().await.map(|_| ()).map_err(|e| e.to_string()));"
            )
        };
    }
    let program = format!(
        r#"use posthog_client::{{Client, Credentials}};

#[tokio::main]
async fn main() {{
    let base = std::env::args().nth(1).expect("base URL");
    let client = Client::new_with_client(&base, reqwest::Client::new(), Credentials("phx_key".into()));
    let (passed, failed) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    let unparsed_log = std::cell::RefCell::new(std::collections::BTreeMap::<String, usize>::new());
    let mut unparsed = std::collections::BTreeMap::<String, usize>::new();
    // A read must parse.
    let check = |operation: &str, outcome: Result<(), String>| match outcome {{
        Ok(()) => passed.set(passed.get() + 1),
        Err(e) => {{
            failed.set(failed.get() + 1);
            eprintln!("{{operation}}: {{e}}");
        }}
    }};
    // A write must be accepted (a 2xx); whether Prism's made-up response
    // parses is counted apart.
    let accepted = |operation: &str, outcome: Result<bool, String>| match outcome {{
        Ok(parsed) => {{
            passed.set(passed.get() + 1);
            if !parsed {{
                *unparsed_log.borrow_mut().entry(operation.to_string()).or_default() += 1;
            }}
        }}
        Err(e) => check(operation, Err(e)),
    }};
    for _ in 0..15 {{
{calls}    }}
    // PATCH: clear one nullable field, leave every other out.
    let body: posthog_client::types::PatchedCohortRequest =
        posthog_client::types::PatchedCohortRequest::builder()
            .name(Some(posthog_client::Nullable::Null))
            .try_into()
            .unwrap();
    let wire = serde_json::to_string(&body).unwrap();
    check("patch wire", if wire == "{{\"name\":null}}" {{ Ok(()) }} else {{ Err(wire) }});
    let sent = client.cohorts_partial_update().id(1).project_id("x").body(body).send().await;
    accepted("cohorts_partial_update with a null", match sent {{
        Ok(_) => Ok(true),
        Err(progenitor_client::Error::InvalidResponsePayload(..)) => Ok(false),
        Err(e) => Err(e.to_string()),
    }});
    println!("{{}} passed, {{}} failed", passed.get(), failed.get());
    unparsed.extend(unparsed_log.into_inner());
    for (operation, n) in unparsed {{
        println!("accepted but unparsed: {{operation}} {{n}}");
    }}
    std::process::exit(if failed.get() == 0 {{ 0 }} else {{ 1 }});
}}
"#
    );
    (program, reads, writes)
}

/// The smallest valid value of `schema`: required properties only.
fn example(spec: &Value, schema: &Value, depth: usize) -> Value {
    use serde_json::json;
    let schema = walk::resolve(spec, schema);
    if depth > 8 {
        return Value::Null;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .find(|v| !v.is_null() && *v != "")
            .cloned()
            .unwrap_or(Value::Null);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(|b| b.get(0)) {
            return example(spec, first, depth + 1);
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("string") => match format {
            Some("uuid") => json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("date") => json!("2026-01-01"),
            Some("email") => json!("a@example.com"),
            Some("uri") => json!("https://example.com/"),
            _ => {
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
                json!("x".repeat(min.max(1) as usize))
            }
        },
        _ if schema.get("properties").is_some() || schema.get("type").is_some() => {
            let mut object = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                let property = &schema["properties"][name];
                object.insert(name.to_string(), example(spec, property, depth + 1));
            }
            Value::Object(object)
        }
        _ => json!({}),
    }
}

/// The generated client compiles, and against Prism's mock server in
/// dynamic mode (with request validation), 15 calls each: every GET
/// operation returns a response that parses, and every create, update and
/// partial update, sent with only the writable fields its request form
/// requires, is accepted (Prism answers a request that breaks the spec with
/// a 4xx) and its response parses.
#[test]
fn the_client_compiles_and_reads_every_get_from_prism() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path());
    let run = generate(&openapi, &krate);
    xtask::files::write(&run.outputs).unwrap();
    let (program, reads, writes) = calls_program(&run.value);
    assert!(reads >= 14, "only {reads} GET operations");
    assert!(writes >= 8, "only {writes} create/update operations");
    let count = reads + writes;
    common::workspace(
        dir.path(),
        &["posthog-client", "posthog-calls"],
        "posthog-calls",
        "posthog-client = { path = \"../posthog-client\" }\nreqwest.workspace = true\n\
         serde_json.workspace = true\nprogenitor-client.workspace = true\n",
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
    eprintln!("{stdout}");
    let mut lines = stdout.lines();
    // 15 calls of each operation, and the PATCH that clears a field (its
    // wire form, and Prism accepting it).
    assert_eq!(
        lines.next(),
        Some(format!("{} passed, 0 failed", count * 15 + 2).as_str())
    );
    // Responses Prism makes up for the recursive, discriminated
    // `CohortFilterGroup` do not all parse (see the README); every other
    // response does.
    for line in lines {
        assert!(
            line.starts_with("accepted but unparsed: cohorts_partial_update"),
            "{line}"
        );
    }
}

/// The client is formatted in two parts on two threads (see
/// `generate::client`); end to end they are what formatting the whole file
/// gives: the text is a fixed point of prettyplease.
#[test]
fn the_client_formats_as_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path());
    let run = generate(&openapi, &krate);
    let source = &run.output(CLIENT_FILE).unwrap().contents;
    let code = source
        .strip_prefix(xtask::generate::BANNER)
        .and_then(|s| s.strip_prefix('\n'))
        .unwrap();
    assert!(code.contains("pub mod builder"), "nothing to split");
    let whole = prettyplease::unparse(&syn::parse_file(code).unwrap());
    assert!(
        whole == code,
        "the two parts differ from the whole file's formatting"
    );
}
