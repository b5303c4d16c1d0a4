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
//!   byte checked;
//! - its command line, generated beside it on kizen-cli's `call` module:
//!   an upload from a file's path, and a typed error answer printed.
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

use common::{Part, parse_multipart};
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
    // The client, its typed mocks and its command line, generated beside
    // it: the bench's manifests, with the hand-written parts.
    let krate = dir.join("authentik-client");
    xtask::cmd::bench::write_manifests(&krate).unwrap();
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(krate.join("src/lib.rs"), client_lib()).unwrap();
    let mocks = dir.join("authentik-client-httpmock");
    std::fs::create_dir_all(mocks.join("src")).unwrap();
    std::fs::write(
        mocks.join("src/lib.rs"),
        "//! Typed mocks.\nmod generated;\npub use generated::*;\n",
    )
    .unwrap();
    // The command line: the generated commands on kizen-cli's own `call`
    // module, with a `main` for authentik.
    let cli = dir.join("authentik-client-cli");
    std::fs::create_dir_all(cli.join("src")).unwrap();
    let call = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kizen-cli/src/call.rs");
    std::fs::write(
        cli.join("src/main.rs"),
        CLI_MAIN.replace(
            "CALL_RS",
            &call.canonicalize().unwrap().display().to_string(),
        ),
    )
    .unwrap();
    (openapi, krate)
}

/// authentik's `main`: the server from `AUTHENTIK_URL`, Prism's status
/// from `AUTHENTIK_PREFER`; exits as `kizen` does.
const CLI_MAIN: &str = r#"#![allow(dead_code)]
#[path = "CALL_RS"]
mod call;
#[rustfmt::skip]
mod generated;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = clap::Command::new("authentik")
        .subcommand_required(true)
        .subcommands(generated::commands());
    let matches = match cli.try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let (area, area_matches) = matches.subcommand().unwrap();
    let (operation, matches) = area_matches.subcommand().unwrap();
    let base = std::env::var("AUTHENTIK_URL").unwrap();
    let prefer = std::env::var("AUTHENTIK_PREFER").ok().and_then(|p| p.parse().ok());
    let credentials = authentik_client::Credentials { token: "ak-token".into(), prefer };
    let client = authentik_client::Client::new_with_client(&base, reqwest::Client::new(), credentials);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let call = call::Call { pretty: false, held: "\u{0}no tap" };
    match runtime.block_on(generated::run(&client, area, operation, matches, &call)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}
"#;

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
    let ws = common::workspace(
        dir.path(),
        &[
            "authentik-client",
            "authentik-client-httpmock",
            "authentik-client-cli",
            "authentik-calls",
        ],
        "authentik-calls",
        "authentik-client = { path = \"../authentik-client\" }\n\
         reqwest = { workspace = true, features = [\"multipart\", \"stream\"] }\n\
         serde_json.workspace = true\nprogenitor-client.workspace = true\ntokio-util.workspace = true\n",
        &program,
    );
    let out = common::cargo(
        &ws,
        &[
            "build",
            "--quiet",
            "-p",
            "authentik-calls",
            "-p",
            "authentik-client-httpmock",
            "-p",
            "authentik-client-cli",
        ],
    );
    assert!(
        out.status.success(),
        "the generated client, its mocks or its command line do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every item documented: the client crate warns on a missing doc.
    common::doc_without_warnings(&ws, &["authentik-client"]);
    // One feature per area; each compiles alone, the mocks with it (on
    // the areas CI generates; the whole API's 27 by hand).
    if let Some(areas) = areas {
        let features = common::areas(dir.path(), "authentik-client");
        assert_eq!(features, areas);
        common::check_each_area(
            &ws,
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
    let uploads = received.lock().unwrap().clone();
    assert_eq!(uploads.len(), 3, "three uploads");
    let text = |parts: &BTreeMap<String, Part>, name: &str| {
        parts
            .get(name)
            .map(|p| String::from_utf8_lossy(&p.content).to_string())
    };
    for (i, (path, bearer, parts)) in uploads.iter().enumerate() {
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

    // The command line sends the same form: a file part from its path
    // (`--json-body -`), a text part from its flag.
    let body = serde_json::json!({"file": file, "name": "cli.bin"}).to_string();
    let out = authentik_cli(
        &[
            "admin",
            "file-create",
            "--json-body",
            "-",
            "--usage",
            "media",
        ],
        &base,
        None,
        &body,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (path, bearer, parts) = received_last(&received, 4);
    assert_eq!((path.as_str(), bearer), ("/admin/file/", true));
    assert!(
        parts["file"].content == content,
        "the file's bytes, from the CLI"
    );
    assert_eq!(parts["file"].file_name.as_deref(), Some("report.bin"));
    assert_eq!(text(&parts, "name").as_deref(), Some("cli.bin"));
    assert_eq!(text(&parts, "usage").as_deref(), Some("media"));
    // A part the form does not have is a usage error, and nothing is sent.
    let out = authentik_cli(
        &["admin", "file-create", "--json-body", "-"],
        &base,
        None,
        r#"{"file": "x", "name": "x", "nmae": "typo"}"#,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the form has no part `nmae`"), "{stderr}");
    assert_eq!(received.lock().unwrap().len(), 4, "a request was sent");

    let prism = common::Prism::start(&krate.join("openapi.json"));
    // A typed error answer (an enum the client shares between operations)
    // prints its body and exits 4; the answer itself is JSON on stdout.
    let out = authentik_cli(&["admin", "apps-list"], &prism.base, Some(403), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    let body = stderr.lines().nth(1).unwrap_or_default();
    let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert!(body.get("detail").is_some(), "{stderr}");
    let out = authentik_cli(&["admin", "apps-list"], &prism.base, None, "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let apps: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(apps.is_array(), "{apps}");

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

/// The generated command line of authentik's client, run with `args`
/// against `base` (Prism answering `prefer`), `stdin` its input.
fn authentik_cli(
    args: &[&str],
    base: &str,
    prefer: Option<u16>,
    stdin: &str,
) -> std::process::Output {
    let mut command = Command::new(common::built("authentik-client-cli"));
    command
        .args(args)
        .env("AUTHENTIK_URL", base)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(status) = prefer {
        command.env("AUTHENTIK_PREFER", status.to_string());
    }
    let mut child = command.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The last of what the upload server received, which must be the
/// `count`th request.
fn received_last(received: &Received, count: usize) -> (String, bool, BTreeMap<String, Part>) {
    let received = received.lock().unwrap();
    assert_eq!(received.len(), count);
    received.last().unwrap().clone()
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
    // Every operation has its error enum (an alias of one of a few shared
    // ones), even the 3 whose error responses are all bodiless.
    assert_eq!(typed.len(), 1192);
    let uploads = multipart::plan(&run.value, &|_| String::new()).unwrap();
    assert_eq!(uploads.len(), 3);
}
