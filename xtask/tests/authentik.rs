//! A whole drf-spectacular API at full scale: authentik's (MIT; 1192
//! operations, 27 areas; `bench/authentik.json`, as the vendor publishes it),
//! split into one reference page per area the way Kizen publishes its own,
//! imported, generated, built, and called:
//!
//! - against `prism mock -d`: every GET operation (with its required
//!   parameters; one the probe cannot fill is skipped and counted), and,
//!   with Prism's `Prefer: code=NNN`, a sample of operations per area whose
//!   `400` must decode as the typed validation error, `403` as the typed
//!   generic error, and a bodiless `404`/`500` as its status alone;
//! - against a local server that parses multipart bodies: each upload, its
//!   file streamed from disk, from memory and from an async reader, every
//!   byte checked.
//!
//! CI builds three areas that hold every error shape and both kinds of
//! upload (`admin`, `managed`, `tasks`); the whole API is the ignored test
//! `the_whole_api_generates_builds_and_answers` (`cargo test -p xtask --test
//! authentik -- --ignored`), and `cargo xtask bench` times its generation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use xtask::{
    base::walk,
    codegen::{errors, multipart},
    pages::import,
};

mod common;
mod probes;

use probes::*;

/// The areas CI builds: every error shape (400 and 403 typed, 404 and 500
/// bodiless) and both multipart bodies.
const CI_AREAS: &[&str] = &["admin", "managed", "tasks"];

fn spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/authentik.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `openapi/` with the pages of `areas` (all when `None`) imported, and the
/// client crate `authentik-client` beside it.
fn project(dir: &Path, areas: Option<&[&str]>) -> (PathBuf, PathBuf) {
    let openapi = dir.join("openapi");
    let pages = dir.join("pages");
    std::fs::create_dir_all(&openapi).unwrap();
    std::fs::create_dir_all(&pages).unwrap();
    for page in xtask::spec::split::pages(&spec()) {
        if areas.is_some_and(|a| !a.contains(&page.area.as_str())) {
            continue;
        }
        let file = pages.join(format!("{}.md", page.area));
        std::fs::write(&file, &page.markdown).unwrap();
        import::plan_file(&file, &openapi)
            .and_then(|plan| plan.apply())
            .unwrap();
    }
    let krate = dir.join("authentik-client");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        xtask::cmd::bench::AUTHENTIK_MANIFEST,
    )
    .unwrap();
    std::fs::write(krate.join("src/lib.rs"), client_lib()).unwrap();
    // Its typed mocks, generated beside it.
    let mocks = dir.join("authentik-client-httpmock");
    std::fs::create_dir_all(mocks.join("src")).unwrap();
    std::fs::write(mocks.join("Cargo.toml"), MOCKS_MANIFEST).unwrap();
    std::fs::write(
        mocks.join("src/lib.rs"),
        "//! Typed mocks.\nmod generated;\npub use generated::*;\n",
    )
    .unwrap();
    (openapi, krate)
}

/// A part of a multipart body, as the server parsed it.
#[derive(Debug, Clone)]
struct Part {
    file_name: Option<String>,
    content: Vec<u8>,
}

/// Parses a `multipart/form-data` body (RFC 7578) by its boundary.
fn parse_multipart(content_type: &str, body: &[u8]) -> BTreeMap<String, Part> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .unwrap()
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut parts = BTreeMap::new();
    let mut at = find(body, &delimiter, 0).unwrap() + delimiter.len();
    loop {
        if body[at..].starts_with(b"--") {
            break;
        }
        at += 2; // CRLF after the delimiter
        let headers_end = find(body, b"\r\n\r\n", at).unwrap();
        let headers = String::from_utf8_lossy(&body[at..headers_end]).to_string();
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let end = find(body, &closing, headers_end + 4).unwrap();
        let content = body[headers_end + 4..end].to_vec();
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .unwrap();
        let field = |key: &str| {
            disposition
                .split(';')
                .find_map(|p| p.trim().strip_prefix(&format!("{key}=\"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        parts.insert(
            field("name").unwrap(),
            Part {
                file_name: field("filename"),
                content,
            },
        );
        at = end + closing.len();
    }
    parts
}

/// A local server that parses each multipart request and answers as the
/// spec says; returns its base URL and what it received (path, whether the
/// bearer token came, parts).
type Received = Arc<Mutex<Vec<(String, bool, BTreeMap<String, Part>)>>>;

fn upload_server() -> (String, Received) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let received: Received = Arc::default();
    let log = received.clone();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let header = |name: &'static str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.to_string())
            };
            let content_type = header("Content-Type").unwrap_or_default();
            let bearer = header("Authorization").as_deref() == Some("Bearer ak-token");
            let mut body = Vec::new();
            std::io::Read::read_to_end(request.as_reader(), &mut body).unwrap();
            let parts = parse_multipart(&content_type, &body);
            let path = request.url().to_string();
            log.lock().unwrap().push((path.clone(), bearer, parts));
            let response = if path.starts_with("/managed/blueprints/import/") {
                tiny_http::Response::from_string(r#"{"logs": [], "success": true}"#).with_header(
                    "Content-Type: application/json"
                        .parse::<tiny_http::Header>()
                        .unwrap(),
                )
            } else {
                tiny_http::Response::from_string("")
            };
            let _ = request.respond(response);
        }
    });
    (base, received)
}

/// Generates, builds and runs the probes on `areas`; returns the probe's
/// report lines, and how many calls were forced to each status.
fn generate_build_and_call(
    areas: Option<&[&str]>,
    rounds: usize,
    sample: usize,
) -> (Vec<String>, BTreeMap<u16, usize>) {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), areas);
    let run = generate(&openapi, &krate);
    xtask::base::files::write(&run.outputs).unwrap();
    let typed = errors::plan(&run.value, &|_| String::new()).unwrap();
    let uploads = multipart::plan(&run.value, &|_| String::new()).unwrap();
    assert!(!typed.is_empty() && !uploads.is_empty());

    let (prism_probe, forced) = prism_program(&run.value, &typed, rounds, sample);
    let program = format!(
        "mod prism_probe {{\n{}\n}}\nmod upload_probe {{\n{}\n}}\n\
         fn main() {{ if std::env::args().nth(1).as_deref() == Some(\"upload\") {{ upload_probe::main() }} else {{ prism_probe::main() }} }}\n",
        prism_probe.replace("async fn main", "pub async fn main"),
        UPLOAD_PROGRAM.replace("async fn main", "pub async fn main")
    );
    common::workspace(
        dir.path(),
        &[
            "authentik-client",
            "authentik-client-httpmock",
            "authentik-calls",
        ],
        "authentik-calls",
        "authentik-client = { path = \"../authentik-client\" }\n\
         reqwest = { workspace = true, features = [\"multipart\", \"stream\"] }\n\
         serde_json.workspace = true\nprogenitor-client.workspace = true\ntokio-util.workspace = true\n",
        &program,
    );
    let out = common::cargo(
        dir.path(),
        &[
            "build",
            "--quiet",
            "-p",
            "authentik-calls",
            "-p",
            "authentik-client-httpmock",
        ],
    );
    assert!(
        out.status.success(),
        "the generated client or its mocks do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every item documented: the client crate warns on a missing doc.
    common::doc_without_warnings(dir.path(), &["authentik-client"]);
    // One feature per area; each compiles alone, the mocks with it (on
    // the areas CI generates; the whole API's 27 by hand).
    if let Some(areas) = areas {
        let features = common::areas(dir.path(), "authentik-client");
        assert_eq!(features, areas);
        common::check_each_area(
            dir.path(),
            &features,
            &[("authentik-client", ""), ("authentik-client-httpmock", "")],
        );
    }

    // Uploads, against a server that parses every part.
    let content: Vec<u8> = (0..3 * 1024 * 1024 + 17)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let file = dir.path().join("report.bin");
    std::fs::write(&file, &content).unwrap();
    let (base, received) = upload_server();
    let out = Command::new(common::built("authentik-calls"))
        .args(["upload", &base])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "imported: true\n");
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 3, "three uploads");
    let text = |parts: &BTreeMap<String, Part>, name: &str| {
        parts
            .get(name)
            .map(|p| String::from_utf8_lossy(&p.content).to_string())
    };
    for (i, (path, bearer, parts)) in received.iter().enumerate() {
        assert!(bearer, "upload {i}: the credentials");
        let file = &parts["file"];
        assert!(file.content == content, "upload {i}: the file's bytes");
        match i {
            0 => {
                assert_eq!(path, "/admin/file/");
                assert_eq!(file.file_name.as_deref(), Some("report.bin"));
                assert_eq!(text(parts, "name").as_deref(), Some("report.bin"));
                assert_eq!(text(parts, "usage").as_deref(), Some("media"));
            }
            1 => {
                assert_eq!(file.file_name.as_deref(), Some("reader.bin"));
                assert_eq!(text(parts, "usage"), None, "an optional part left out");
            }
            _ => {
                assert_eq!(path, "/managed/blueprints/import/");
                assert_eq!(text(parts, "path").as_deref(), Some("blueprints/x.yaml"));
                assert_eq!(text(parts, "context").as_deref(), Some("{\"a\": 1}"));
            }
        }
    }

    let prism = common::Prism::start(&krate.join("openapi.json"));
    let out = Command::new(common::built("authentik-calls"))
        .arg(&prism.base)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{stdout}");
    (stdout.lines().map(str::to_string).collect(), forced)
}

/// The report line `name: N passed, ...` as its numbers.
fn numbers(line: &str) -> Vec<usize> {
    line.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

#[test]
fn three_areas_generate_build_and_answer_with_typed_errors_and_uploads() {
    let (lines, forced) = generate_build_and_call(Some(CI_AREAS), 3, 3);
    // reads: passed, failed, skipped; statuses: typed, not.
    let reads = numbers(&lines[0]);
    let statuses = numbers(&lines[1]);
    assert_eq!(reads[1], 0, "{lines:?}");
    assert!(reads[0] >= 3 * 15, "too few GET calls: {lines:?}");
    // 3 GETs of each area forced to 400 and to 403; the bodiless statuses
    // (`tasks`' 404s and 500, a 400 of `admin`) too.
    assert!(forced.get(&400).is_some_and(|n| *n >= 9), "{forced:?}");
    assert_eq!(forced.get(&403), Some(&9), "{forced:?}");
    assert!(forced.get(&404).is_some_and(|n| *n >= 2), "{forced:?}");
    assert!(forced.get(&500).is_some_and(|n| *n >= 1), "{forced:?}");
    assert_eq!(statuses, [forced.values().sum::<usize>(), 0], "{lines:?}");
}

#[test]
#[ignore = "the whole API: a 375k-line crate, minutes to build; run by hand"]
fn the_whole_api_generates_builds_and_answers() {
    let (lines, forced) = generate_build_and_call(None, 1, 3);
    let reads = numbers(&lines[0]);
    assert_eq!(reads[1], 0, "{lines:?}");
    assert!(reads[0] >= 500, "{lines:?}");
    assert_eq!(
        numbers(&lines[1]),
        [forced.values().sum::<usize>(), 0],
        "{lines:?}"
    );
}

/// Generation on the whole API, without building: every operation is in
/// the client, the vendor's own request forms are used as they are.
#[test]
fn the_whole_api_generates_every_operation() {
    let dir = tempfile::tempdir().unwrap();
    let (openapi, krate) = project(dir.path(), None);
    let run = generate(&openapi, &krate);
    let client = &run
        .output(xtask::base::layout::CLIENT_FILE)
        .unwrap()
        .contents;
    let mut operations = 0;
    for (_, _, op, _) in walk::operations(&run.value) {
        operations += 1;
        let method = xtask::spec::names::method_name(op["operationId"].as_str().unwrap());
        assert!(
            client.contains(&format!("pub fn {method}(")),
            "{method} is missing"
        );
    }
    assert_eq!(operations, 1192);
    let schemas = run.value["components"]["schemas"].as_object().unwrap();
    let original = spec();
    let vendor = original["components"]["schemas"].as_object().unwrap();
    let added: Vec<&String> = schemas
        .keys()
        .filter(|k| !vendor.contains_key(*k))
        .collect();
    assert!(
        added.iter().all(|name| name.ends_with("OrBlank")),
        "only the blank choice sets are added: {added:?}"
    );
    let typed = errors::plan(&run.value, &|_| String::new()).unwrap();
    // Every operation documents 400 and 403; the 3 whose error responses
    // are all bodiless keep progenitor's own `Error<()>`.
    assert_eq!(typed.len(), 1189);
    let uploads = multipart::plan(&run.value, &|_| String::new()).unwrap();
    assert_eq!(uploads.len(), 3);
}
